#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace abuseflow::notify {

// How a part's body travels: as normalized 8-bit text (lines of at most 998
// bytes, CRLF) or as base64 (any bytes, 76-character lines).
enum class TransferEncoding { k8Bit, kBase64 };

// One body part of a multipart/mixed mail. A value type. Every field but
// `body` is written by our own code, never from logs or registries; `body`
// may hold anything (it is normalized or encoded when written).
struct MimePart {
  std::string content_type;  // the full value, e.g. "text/csv; charset=utf-8; header=present"
  std::string disposition;   // e.g. "inline" or "attachment; filename=\"x.csv\""; empty: none
  TransferEncoding encoding = TransferEncoding::k8Bit;
  std::string body;          // UTF-8 text for k8Bit (any line endings), raw bytes for kBase64
};

// `text` with CRLF line endings, control characters other than tab and
// invalid UTF-8 shown as "?", lines longer than 998 bytes broken at a
// character boundary (nothing lost), and a final CRLF.
std::string NormalizeBodyText(std::string_view text);

// `bytes` in base64, in lines of 76 characters ending in CRLF (RFC 2045).
std::string Base64Lines(std::string_view bytes);

// A multipart boundary derived from `seed` (e.g. the Message-ID), so the same
// mail always gets the same one, that occurs in none of the encoded part
// bodies (a suffix is added until it does not). At most 70 characters and
// only characters RFC 2046 allows unquoted besides "=", which is quoted.
std::string ChooseBoundary(std::string_view seed, const std::vector<std::string>& encoded_bodies);

// The part's header and its body as it travels, CRLF line endings.
struct EncodedPart {
  std::string header;  // "Content-Type: ...\r\n..." without the blank line
  std::string body;    // normalized text or base64 lines
};
EncodedPart EncodePart(const MimePart& part);

// The body of a multipart message: every part under "--boundary", then the
// closing "--boundary--". Parts are written in order.
std::string MultipartBody(const std::vector<EncodedPart>& parts, std::string_view boundary);

}  // namespace abuseflow::notify
