#include "notify/mime_part.h"

#include <cstdio>

#include "notify/mail_header.h"

namespace abuseflow::notify {
namespace {

constexpr std::string_view kCrlf = "\r\n";
// RFC 5322 2.1.1: at most 998 characters per line, without the CRLF.
constexpr size_t kMaxLineBytes = 998;
// RFC 2045 6.8: encoded lines of at most 76 characters.
constexpr size_t kBase64LineChars = 76;
constexpr int kMaxBoundaryAttempts = 1000;

}  // namespace

std::string NormalizeBodyText(std::string_view body) {
  std::string out;
  out.reserve(body.size() + body.size() / 32);
  size_t line = 0;
  for (size_t i = 0; i < body.size();) {
    char c = body[i];
    if (c == '\r' || c == '\n') {
      i += (c == '\r' && i + 1 < body.size() && body[i + 1] == '\n') ? 2 : 1;
      out += kCrlf;
      line = 0;
      continue;
    }
    size_t n = Utf8SequenceLength(body, i);
    auto u = static_cast<unsigned char>(c);
    bool control = n == 1 && (u < 0x20 || u == 0x7F) && c != '\t';
    std::string_view piece = (n == 0 || control) ? std::string_view("?") : body.substr(i, n);
    i += n == 0 ? 1 : n;
    if (line + piece.size() > kMaxLineBytes) {
      out += kCrlf;
      line = 0;
    }
    out += piece;
    line += piece.size();
  }
  if (out.size() < 2 || out.compare(out.size() - 2, 2, kCrlf) != 0) out += kCrlf;
  return out;
}

std::string Base64Lines(std::string_view bytes) {
  std::string encoded = Base64(bytes);
  std::string out;
  out.reserve(encoded.size() + encoded.size() / kBase64LineChars * 2 + 2);
  for (size_t i = 0; i < encoded.size(); i += kBase64LineChars) {
    out.append(encoded, i, kBase64LineChars);
    out += kCrlf;
  }
  return out;
}

std::string ChooseBoundary(std::string_view seed, const std::vector<std::string>& encoded_bodies) {
  auto taken = [&](const std::string& boundary) {
    for (const std::string& body : encoded_bodies) {
      if (body.find(boundary) != std::string::npos) return true;
    }
    return false;
  };
  std::string salt(seed);
  for (int round = 0; round < 2; ++round) {
    char hex[24];
    std::snprintf(hex, sizeof hex, "%016llx",
                  static_cast<unsigned long long>(StableHash64(salt)));
    const std::string base = std::string("=_af_") + hex;
    for (int attempt = 0; attempt < kMaxBoundaryAttempts; ++attempt) {
      std::string boundary = attempt == 0 ? base : base + "_" + std::to_string(attempt);
      if (!taken(boundary)) return boundary;
    }
    // Every candidate is in the text (a body built to collide): salt with the
    // bodies themselves, which the text cannot anticipate.
    for (const std::string& body : encoded_bodies) salt += std::to_string(StableHash64(body));
  }
  return "=_af_" + std::to_string(StableHash64(salt)) + "_final";
}

EncodedPart EncodePart(const MimePart& part) {
  EncodedPart out;
  out.header = "Content-Type: " + part.content_type + "\r\n";
  if (part.encoding == TransferEncoding::kBase64) {
    out.header += "Content-Transfer-Encoding: base64\r\n";
    out.body = Base64Lines(part.body);
  } else {
    out.header += "Content-Transfer-Encoding: 8bit\r\n";
    out.body = NormalizeBodyText(part.body);
  }
  if (!part.disposition.empty()) out.header += "Content-Disposition: " + part.disposition + "\r\n";
  return out;
}

std::string MultipartBody(const std::vector<EncodedPart>& parts, std::string_view boundary) {
  std::string out = "This is a multipart message in MIME format.\r\n";
  for (const EncodedPart& part : parts) {
    out += "\r\n--";
    out.append(boundary);
    out += "\r\n" + part.header + "\r\n" + part.body;
  }
  out += "\r\n--";
  out.append(boundary);
  out += "--\r\n";
  return out;
}

}  // namespace abuseflow::notify
