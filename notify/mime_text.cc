#include "notify/mime_text.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "core/ascii.h"
#include "core/charset.h"

namespace abuseflow::notify {
namespace {

std::string_view Trim(std::string_view text) {
  size_t begin = text.find_first_not_of(" \t\r\n");
  if (begin == std::string_view::npos) return {};
  return text.substr(begin, text.find_last_not_of(" \t\r\n") - begin + 1);
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

int Base64Value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

// RFC 2047 Q: like quoted-printable, and '_' is a space.
std::string DecodeQWord(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '_') {
      out += ' ';
    } else if (text[i] == '=' && i + 2 < text.size() && HexValue(text[i + 1]) >= 0 &&
               HexValue(text[i + 2]) >= 0) {
      out += static_cast<char>(HexValue(text[i + 1]) * 16 + HexValue(text[i + 2]));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

// One encoded-word at the start of `text` ("=?cs?B?...?="): its decoded text
// and length, or length 0 when `text` does not start with one.
std::pair<std::string, size_t> EncodedWordAt(std::string_view text) {
  if (!text.starts_with("=?")) return {"", 0};
  size_t q1 = text.find('?', 2);
  if (q1 == std::string_view::npos || q1 + 2 >= text.size() || text[q1 + 2] != '?') return {"", 0};
  size_t end = text.find("?=", q1 + 3);
  if (end == std::string_view::npos) return {"", 0};
  std::string_view charset = text.substr(2, q1 - 2);
  charset = charset.substr(0, charset.find('*'));  // RFC 2231 language
  const char encoding = text[q1 + 1];
  std::string_view payload = text.substr(q1 + 3, end - q1 - 3);
  if (payload.find_first_of(" \t\r\n") != std::string_view::npos) return {"", 0};
  std::string bytes;
  if (encoding == 'b' || encoding == 'B') {
    bytes = DecodeBase64(payload);
  } else if (encoding == 'q' || encoding == 'Q') {
    bytes = DecodeQWord(payload);
  } else {
    return {"", 0};
  }
  return {CharsetToUtf8(bytes, charset), end + 2};
}

// A body undone of its Content-Transfer-Encoding.
std::string DecodeTransfer(std::string_view encoding, std::string_view body) {
  const std::string cte = core::AsciiLower(Trim(encoding));
  if (cte == "base64") return DecodeBase64(body);
  if (cte == "quoted-printable") return DecodeQuotedPrintable(body);
  return std::string(body);
}

// The "type/subtype" of a Content-Type value, lowercased; "text/plain" when
// it is empty or not of that form (RFC 2045, section 5.2).
std::string MediaType(std::string_view content_type) {
  std::string type = core::AsciiLower(Trim(content_type.substr(0, content_type.find(';'))));
  return type.find('/') == std::string::npos ? "text/plain" : type;
}

// Text of HTML: tags and comments removed, a few entities replaced, a
// line break for <br>, </p>, </div> and </tr>.
std::string HtmlToText(std::string_view html) {
  std::string out;
  for (size_t i = 0; i < html.size(); ++i) {
    if (html[i] == '<') {
      size_t close = html.find('>', i);
      if (close == std::string_view::npos) break;
      const std::string tag = core::AsciiLower(html.substr(i + 1, std::min<size_t>(close - i - 1, 4)));
      if (tag.starts_with("br") || tag.starts_with("/p") || tag.starts_with("/div") ||
          tag.starts_with("/tr")) {
        out += '\n';
      }
      i = close;
      continue;
    }
    static constexpr std::array<std::pair<std::string_view, char>, 6> kEntities = {
        {{"&amp;", '&'},
         {"&lt;", '<'},
         {"&gt;", '>'},
         {"&quot;", '"'},
         {"&#39;", '\''},
         {"&nbsp;", ' '}}};
    bool replaced = false;
    for (const auto& [name, c] : kEntities) {
      if (html.substr(i).starts_with(name)) {
        out += c;
        i += name.size() - 1;
        replaced = true;
        break;
      }
    }
    if (!replaced) out += html[i];
  }
  return out;
}

// The parts of a multipart body between "--boundary" lines, at most
// `max_parts`; the preamble and epilogue are left out.
std::vector<std::string_view> SplitMultipart(std::string_view body, std::string_view boundary,
                                             size_t max_parts) {
  std::vector<std::string_view> parts;
  const std::string open = "--" + std::string(boundary);
  size_t part_start = std::string_view::npos;
  for (size_t pos = 0; pos < body.size();) {
    size_t end = body.find('\n', pos);
    if (end == std::string_view::npos) end = body.size();
    std::string_view line = body.substr(pos, end - pos);
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) {
      line.remove_suffix(1);
    }
    if (line.starts_with(open)) {
      std::string_view rest = line.substr(open.size());
      if (rest.empty() || rest == "--") {
        if (part_start != std::string_view::npos) {
          parts.push_back(body.substr(part_start, pos - part_start));
        }
        if (rest == "--" || parts.size() >= max_parts) return parts;
        part_start = end + 1 > body.size() ? body.size() : end + 1;
      }
    }
    pos = end + 1;
  }
  if (part_start != std::string_view::npos && parts.size() < max_parts) {
    parts.push_back(body.substr(part_start));  // no closing delimiter
  }
  return parts;
}

void Append(std::string* field, std::string_view text) {
  if (field->size() >= MailText::kMaxTextBytes) return;
  field->append(text.substr(0, MailText::kMaxTextBytes - field->size()));
  if (!field->empty() && field->back() != '\n') *field += '\n';
}

void Walk(const MessageHeaders& h, std::string_view body, int depth, MailText* out);

// multipart/alternative: the text/plain part, else the first text part.
void WalkAlternative(const std::vector<std::string_view>& parts, int depth, MailText* out) {
  std::optional<std::pair<MessageHeaders, std::string_view>> chosen;
  for (std::string_view part : parts) {
    auto split = SplitMessage(part);
    const std::string type = MediaType(split.first.Get("content-type"));
    if (type == "text/plain") {
      chosen = std::move(split);
      break;
    }
    if (!chosen && (type.starts_with("text/") || type.starts_with("multipart/"))) {
      chosen = std::move(split);
    }
  }
  if (chosen) Walk(chosen->first, chosen->second, depth + 1, out);
}

void WalkMultipart(const MessageHeaders& h, std::string_view body, int depth, MailText* out) {
  const std::string content_type = h.Get("content-type");
  const std::string boundary = HeaderParameter(content_type, "boundary");
  if (boundary.empty() || depth >= MailText::kMaxDepth) {
    Append(&out->text, CharsetToUtf8(body, ""));
    return;
  }
  const size_t room = MailText::kMaxParts - out->parts;
  std::vector<std::string_view> parts = SplitMultipart(body, boundary, room);
  if (parts.empty()) {  // a boundary that never occurs: broken MIME, read as text
    Append(&out->text, CharsetToUtf8(body, ""));
    return;
  }
  if (MediaType(content_type) == "multipart/alternative") {
    WalkAlternative(parts, depth, out);
    return;
  }
  for (std::string_view part : parts) {
    auto [part_headers, part_body] = SplitMessage(part);
    Walk(part_headers, part_body, depth + 1, out);
  }
}

void Walk(const MessageHeaders& h, std::string_view body, int depth, MailText* out) {
  if (out->parts >= MailText::kMaxParts) return;
  ++out->parts;
  const std::string type = MediaType(h.Get("content-type"));
  if (type.starts_with("multipart/")) {
    WalkMultipart(h, body, depth, out);
    return;
  }
  const std::string decoded = DecodeTransfer(h.Get("content-transfer-encoding"), body);
  if (type == "message/delivery-status" || type == "message/global-delivery-status") {
    out->has_delivery_status = true;
    Append(&out->delivery_status, CharsetToUtf8(decoded, ""));
  } else if (type == "text/rfc822-headers" || type == "message/rfc822") {
    Append(&out->returned, CharsetToUtf8(decoded, ""));
  } else if (type.starts_with("text/")) {
    std::string text = CharsetToUtf8(decoded, HeaderParameter(h.Get("content-type"), "charset"));
    Append(&out->text, type == "text/html" ? HtmlToText(text) : text);
  }
}

}  // namespace

std::string DecodeBase64(std::string_view text) {
  std::string out;
  out.reserve(text.size() / 4 * 3 + 3);
  uint32_t bits = 0;
  int count = 0;
  for (char c : text) {
    if (c == '=') break;
    const int v = Base64Value(c);
    if (v < 0) continue;
    bits = (bits << 6) | static_cast<uint32_t>(v);
    count += 6;
    if (count >= 8) {
      count -= 8;
      out += static_cast<char>((bits >> count) & 0xFF);
    }
  }
  return out;
}

std::string DecodeQuotedPrintable(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '=') {
      out += text[i];
      continue;
    }
    if (i + 2 < text.size() && HexValue(text[i + 1]) >= 0 && HexValue(text[i + 2]) >= 0) {
      out += static_cast<char>(HexValue(text[i + 1]) * 16 + HexValue(text[i + 2]));
      i += 2;
      continue;
    }
    size_t j = i + 1;
    while (j < text.size() && (text[j] == ' ' || text[j] == '\t')) ++j;
    if (j < text.size() && text[j] == '\r') ++j;
    if (j == text.size() || text[j] == '\n') {
      i = j;  // soft line break
      continue;
    }
    out += '=';
  }
  return out;
}

std::string CharsetToUtf8(std::string_view bytes, std::string_view charset) {
  return core::ToUtf8(bytes, core::AsciiLower(Trim(charset)));
}

std::string DecodeHeaderWords(std::string_view value) {
  std::string out;
  size_t pending_blanks = 0;  // blanks after an encoded-word, dropped before the next
  bool after_word = false;
  for (size_t i = 0; i < value.size();) {
    auto [word, length] = EncodedWordAt(value.substr(i));
    if (length > 0) {
      if (!after_word) out.append(pending_blanks, ' ');
      out += word;
      i += length;
      after_word = true;
      pending_blanks = 0;
      continue;
    }
    if (value[i] == ' ' || value[i] == '\t') {
      ++pending_blanks;
      ++i;
      continue;
    }
    out.append(pending_blanks, ' ');
    pending_blanks = 0;
    after_word = false;
    out += value[i++];
  }
  out.append(pending_blanks, ' ');
  return out;
}

std::string HeaderParameter(std::string_view value, std::string_view name) {
  for (size_t semi = value.find(';'); semi != std::string_view::npos;
       semi = value.find(';', semi + 1)) {
    std::string_view rest = value.substr(semi + 1);
    rest.remove_prefix(std::min(rest.size(), rest.find_first_not_of(" \t\r\n")));
    size_t eq = rest.find('=');
    if (eq == std::string_view::npos || core::AsciiLower(Trim(rest.substr(0, eq))) != name) continue;
    rest = Trim(rest.substr(eq + 1));
    if (!rest.starts_with('"'))
      return std::string(Trim(rest.substr(0, rest.find_first_of("; \t"))));
    std::string out;
    for (size_t i = 1; i < rest.size() && rest[i] != '"'; ++i) {
      if (rest[i] == '\\' && i + 1 < rest.size()) ++i;
      out += rest[i];
    }
    return out;
  }
  return "";
}

MailText DecodeMail(const MessageHeaders& headers, std::string_view body) {
  MailText out;
  Walk(headers, body, 0, &out);
  return out;
}

MailText DecodeMail(std::string_view raw) {
  auto [headers, body] = SplitMessage(raw);
  return DecodeMail(headers, body);
}

}  // namespace abuseflow::notify
