#pragma once

#include <string>
#include <string_view>

namespace abuseflow::core {

// Converts outside text to UTF-8 (iconv): WHOIS answers, which come in the
// character set of their registry's country (JPNIC ISO-2022-JP, KRNIC
// EUC-KR, TWNIC Big5, CNNIC GB18030, LACNIC and registro.br Latin-1; many
// UTF-8), and the text parts of received mail (their declared charset).
//
// Text with an ISO-2022 escape (ESC $ or ESC ( ) is read as ISO-2022-JP;
// valid UTF-8 is returned as is; anything else is converted from `hint` (an
// iconv name such as "EUC-KR"; empty means "ISO-8859-1"), and bytes invalid in
// it become U+FFFD, so the result is always valid UTF-8 and at most four
// times the input. NUL bytes become U+FFFD too. Pure; thread-safe.
std::string ToUtf8(std::string_view raw, std::string_view hint);

// True if `text` is valid UTF-8 without NUL bytes, overlong forms, surrogates
// or code points past U+10FFFF.
bool IsValidUtf8(std::string_view text);

// The length of the well-formed UTF-8 sequence at text[i] (1 for an ASCII
// byte other than NUL), or 0 where there is none: a NUL, a stray
// continuation byte, an overlong form, a surrogate, a code point past
// U+10FFFF, a sequence cut short. Requires i < text.size().
size_t Utf8SequenceLength(std::string_view text, size_t i);

}  // namespace abuseflow::core
