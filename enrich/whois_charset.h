#pragma once

#include <string>
#include <string_view>

namespace abuseflow::enrich {

// Converts a WHOIS answer to UTF-8. Servers answer in the character set of
// their country: JPNIC in ISO-2022-JP, KRNIC in EUC-KR, TWNIC in Big5, CNNIC
// in GB18030 (GB2312), LACNIC and registro.br in Latin-1; many in UTF-8.
//
// Text with an ISO-2022 escape (ESC $ or ESC ( ) is read as ISO-2022-JP;
// valid UTF-8 is returned as is; anything else is converted from `hint` (an
// iconv name such as "EUC-KR"; empty means "ISO-8859-1"), and bytes invalid in
// it become U+FFFD, so the result is always valid UTF-8 and at most four
// times the input. NUL bytes become U+FFFD too. Pure; thread-safe.
std::string WhoisToUtf8(std::string_view raw, std::string_view hint);

// True if `text` is valid UTF-8 without overlong forms or surrogates.
bool IsValidUtf8(std::string_view text);

}  // namespace abuseflow::enrich
