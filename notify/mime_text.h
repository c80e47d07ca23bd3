#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "notify/reply_classifier.h"

namespace abuseflow::notify {

// Decoding of received mail for the reply classifier: transfer encodings,
// RFC 2047 encoded-words, charsets and the MIME structure. Hand-written small
// pure functions (no MIME library is linked yet); all are thread-safe, never
// fail and are bounded: outputs are at most four times their input (charset
// conversion) and the walk over parts is capped (MailText).

// Decodes base64 (RFC 2045): characters outside the alphabet (line breaks,
// junk) are skipped, decoding stops at the first '='. At most 3/4 of the input.
std::string DecodeBase64(std::string_view text);

// Decodes quoted-printable (RFC 2045): "=XX" (hex, either case) is a byte,
// "=" at the end of a line (trailing blanks allowed) a soft line break; any
// other '=' is kept as it is. At most the input's size.
std::string DecodeQuotedPrintable(std::string_view text);

// `bytes` labelled with MIME `charset` ("iso-8859-1", "gb2312", "" for none)
// as valid UTF-8, through core::ToUtf8 (iconv; valid UTF-8 is kept,
// an unknown charset reads as Latin-1, bad bytes become U+FFFD).
std::string CharsetToUtf8(std::string_view bytes, std::string_view charset);

// A header value with its RFC 2047 encoded-words ("=?iso-8859-1?q?...?=",
// B or Q) decoded to UTF-8; blanks between two adjacent encoded-words are
// dropped; a malformed word is kept as it is.
std::string DecodeHeaderWords(std::string_view value);

// The parameter `name` (lowercase, e.g. "boundary", "charset") of a
// structured header value such as Content-Type, unquoted; "" if absent.
std::string HeaderParameter(std::string_view value, std::string_view name);

// The readable parts of a message, decoded to UTF-8.
struct MailText {
  static constexpr size_t kMaxParts = 64;           // parts looked at, in all
  static constexpr int kMaxDepth = 8;               // multipart nesting followed
  static constexpr size_t kMaxTextBytes = 1 << 20;  // per field below
  std::string text;                                 // the text parts in order: text/plain, or an
                                                    // alternative's HTML with its tags removed
                                                    // when it has no text/plain
  std::string delivery_status;                      // the message/delivery-status parts (RFC 3464)
  std::string returned;                             // text/rfc822-headers and message/rfc822 parts
  bool has_delivery_status = false;
  size_t parts = 0;  // parts looked at
};

// Walks the MIME structure of a message given its header and body: transfer
// encodings undone, charsets converted, multipart/alternative read as its
// text/plain part (else its first text part). A message without MIME, or
// with a Content-Type that is not "type/subtype", is its body as text.
// Nesting past kMaxDepth or a multipart without a boundary (or whose
// boundary never occurs) is read as text; parts past kMaxParts are skipped.
MailText DecodeMail(const MessageHeaders& headers, std::string_view body);
// The same for a raw message (SplitMessage first).
MailText DecodeMail(std::string_view raw);

}  // namespace abuseflow::notify
