#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "notify/reply_classifier.h"

namespace abuseflow::notify {

// Decoding of received mail for the reply classifier: the MIME structure,
// transfer encodings and RFC 2047 encoded-words are GMime 3's
// (notify/reply_gmime.h); charsets go to UTF-8 through core::ToUtf8 (iconv).
// All functions are thread-safe, never fail and are bounded: outputs are at
// most four times their input (charset conversion) and the walk over parts
// is capped (MailText). Callers bound the message itself (ClassifyReply
// looks at its first 1 MiB; the import refuses larger messages first).

// Decodes base64 (RFC 2045, GMime's decoder): characters outside the
// alphabet (line breaks, junk) are skipped, decoding stops at the first
// '='. At most 3/4 of the input.
std::string DecodeBase64(std::string_view text);

// Decodes quoted-printable (RFC 2045, GMime's decoder): "=XX" (hex, either
// case) is a byte, "=" at the end of a line (trailing blanks allowed) a soft
// line break; any other '=' is kept as it is. At most the input's size.
std::string DecodeQuotedPrintable(std::string_view text);

// `bytes` labelled with MIME `charset` ("iso-8859-1", "gb2312", "" for none)
// as valid UTF-8, through core::ToUtf8 (iconv; valid UTF-8 is kept,
// an unknown charset reads as Latin-1, bad bytes become U+FFFD).
std::string CharsetToUtf8(std::string_view bytes, std::string_view charset);

// A header value with its RFC 2047 encoded-words ("=?iso-8859-1?q?...?=",
// B or Q) decoded to UTF-8 (g_mime_utils_header_decode_text); blanks between
// two adjacent encoded-words are dropped; a malformed word is kept as it is;
// raw 8-bit text and unknown charsets read as Latin-1. Valid UTF-8 out.
std::string DecodeHeaderWords(std::string_view value);

// The parameter `name` (lowercase, e.g. "boundary", "charset") of a
// Content-Type value (GMime's parameter parser: quotes, RFC 2231), "" if
// absent.
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

// Parses a raw message with GMime (GMimeParser over a memory stream) and
// walks its parts: transfer encodings undone, charsets converted,
// multipart/alternative read as its text/plain part (else its first text
// part), message/rfc822 and text/rfc822-headers parts kept as `returned`,
// message/delivery-status ones as `delivery_status`, other types (images,
// signatures ...) skipped. A message without MIME, or with a Content-Type
// that is not "type/subtype", is its body as text; so is a multipart in
// which GMime finds no part (no boundary, or one that never occurs: its
// prologue), or one nested past kMaxDepth (its content as it is); parts past
// kMaxParts are skipped.
MailText DecodeMail(std::string_view raw);

}  // namespace abuseflow::notify
