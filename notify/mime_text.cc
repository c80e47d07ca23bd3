#include "notify/mime_text.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "core/ascii.h"
#include "core/charset.h"
#include "notify/reply_gmime.h"

namespace abuseflow::notify {
namespace {

std::string_view Trim(std::string_view text) {
  size_t begin = text.find_first_not_of(" \t\r\n");
  if (begin == std::string_view::npos) return {};
  return text.substr(begin, text.find_last_not_of(" \t\r\n") - begin + 1);
}

// Text of HTML: tags and comments removed, a few entities replaced, a
// line break for <br>, </p>, </div> and </tr>.
std::string HtmlToText(std::string_view html) {
  std::string out;
  for (size_t i = 0; i < html.size(); ++i) {
    if (html[i] == '<') {
      size_t close = html.find('>', i);
      if (close == std::string_view::npos) break;
      const std::string tag =
          core::AsciiLower(html.substr(i + 1, std::min<size_t>(close - i - 1, 4)));
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

void Append(std::string* field, std::string_view text) {
  if (field->size() >= MailText::kMaxTextBytes) return;
  field->append(text.substr(0, MailText::kMaxTextBytes - field->size()));
  if (!field->empty() && field->back() != '\n') *field += '\n';
}

void Walk(GMimeObject* object, int depth, MailText* out);

// multipart/alternative: the text/plain part, else the first text part.
void WalkAlternative(GMimeMultipart* multipart, int depth, MailText* out) {
  GMimeObject* chosen = nullptr;
  const int count = g_mime_multipart_get_count(multipart);
  for (int i = 0; i < count; ++i) {
    GMimeObject* part = g_mime_multipart_get_part(multipart, i);  // borrowed
    const std::string type = MediaTypeOf(part);
    if (type == "text/plain") {
      chosen = part;
      break;
    }
    if (chosen == nullptr && (type.starts_with("text/") || type.starts_with("multipart/"))) {
      chosen = part;
    }
  }
  if (chosen != nullptr) Walk(chosen, depth + 1, out);
}

// A multipart GMime found no part in (no boundary, or one that never
// occurs: GMime keeps everything as the prologue) or nested too deep is
// read as text, as it is.
void WalkMultipart(GMimeMultipart* multipart, int depth, MailText* out) {
  const int count = g_mime_multipart_get_count(multipart);
  if (count == 0 || depth >= MailText::kMaxDepth) {
    const char* prologue = g_mime_multipart_get_prologue(multipart);
    std::string text = count == 0 ? (prologue != nullptr ? prologue : "")
                                  : SerializedContent(GMIME_OBJECT(multipart));
    Append(&out->text, CharsetToUtf8(text, ""));
    return;
  }
  if (MediaTypeOf(GMIME_OBJECT(multipart)) == "multipart/alternative") {
    WalkAlternative(multipart, depth, out);
    return;
  }
  for (int i = 0; i < count && out->parts < MailText::kMaxParts; ++i) {
    Walk(g_mime_multipart_get_part(multipart, i), depth + 1, out);
  }
}

void WalkLeaf(GMimePart* part, MailText* out) {
  GMimeObject* object = GMIME_OBJECT(part);
  const std::string type = MediaTypeOf(object);
  const bool dsn = type == "message/delivery-status" || type == "message/global-delivery-status";
  const bool returned = type == "text/rfc822-headers";
  if (!dsn && !returned && !type.starts_with("text/")) return;  // attachments: not decoded
  const std::string decoded = DecodedPartBytes(part);
  if (dsn) {
    out->has_delivery_status = true;
    Append(&out->delivery_status, CharsetToUtf8(decoded, ""));
  } else if (returned) {
    Append(&out->returned, CharsetToUtf8(decoded, ""));
  } else {
    const char* charset = g_mime_object_get_content_type_parameter(object, "charset");
    std::string text = CharsetToUtf8(decoded, charset != nullptr ? charset : "");
    Append(&out->text, type == "text/html" ? HtmlToText(text) : text);
  }
}

void Walk(GMimeObject* object, int depth, MailText* out) {
  if (out->parts >= MailText::kMaxParts) return;
  ++out->parts;
  if (GMIME_IS_MULTIPART(object)) {
    WalkMultipart(GMIME_MULTIPART(object), depth, out);
  } else if (GMIME_IS_MESSAGE_PART(object)) {  // message/rfc822: the returned message
    GMimeMessage* message = g_mime_message_part_get_message(GMIME_MESSAGE_PART(object));
    if (message != nullptr)
      Append(&out->returned, CharsetToUtf8(SerializedObject(GMIME_OBJECT(message)), ""));
  } else if (GMIME_IS_PART(object)) {
    WalkLeaf(GMIME_PART(object), out);
  }
}

}  // namespace

std::string DecodeBase64(std::string_view text) {
  EnsureGMime();
  // GMime needs the padding to finish the last group but reads on after it;
  // we stop there.
  if (size_t pad = text.find('='); pad != std::string_view::npos) {
    text = text.substr(0, text.find_first_not_of('=', pad));
  }
  std::string out(text.size() / 4 * 3 + 3, '\0');
  int state = 0;
  guint32 save = 0;
  out.resize(g_mime_encoding_base64_decode_step(
      reinterpret_cast<const unsigned char*>(text.data()), text.size(),
      reinterpret_cast<unsigned char*>(out.data()), &state, &save));
  return out;
}

std::string DecodeQuotedPrintable(std::string_view text) {
  EnsureGMime();
  // RFC 2045 6.7: blanks between a soft break's '=' and the line end are
  // transport padding; GMime keeps them, so they go first.
  std::string input;
  input.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    input += text[i];
    if (text[i] != '=') continue;
    size_t j = i + 1;
    while (j < text.size() && (text[j] == ' ' || text[j] == '\t')) ++j;
    if (j > i + 1 && (j == text.size() || text[j] == '\r' || text[j] == '\n')) i = j - 1;
  }
  std::string out(input.size() + 3, '\0');
  int state = 0;
  guint32 save = 0;
  out.resize(g_mime_encoding_quoted_decode_step(
      reinterpret_cast<const unsigned char*>(input.data()), input.size(),
      reinterpret_cast<unsigned char*>(out.data()), &state, &save));
  // GMime holds back an '=' and one hex digit at the end for a next block
  // that never comes: "=X" at the end was not an escape and stays as it is.
  if (state == 2) out += std::string("=") + static_cast<char>(save & 0xFF);
  return out;
}

std::string CharsetToUtf8(std::string_view bytes, std::string_view charset) {
  return core::ToUtf8(bytes, core::AsciiLower(Trim(charset)));
}

std::string DecodeHeaderWords(std::string_view value) {
  EnsureGMime();
  // GMime reads a C string: a NUL byte (never valid in a header) ends it.
  const std::string copy(value.substr(0, value.find('\0')));
  char* decoded = g_mime_utils_header_decode_text(nullptr, copy.c_str());
  std::string out = decoded != nullptr ? decoded : "";
  g_free(decoded);
  return core::ToUtf8(out, "utf-8");
}

std::string HeaderParameter(std::string_view value, std::string_view name) {
  EnsureGMime();
  const std::string copy(value.substr(0, value.find('\0')));
  GPtr<GMimeContentType> type(g_mime_content_type_parse(nullptr, copy.c_str()));
  if (type == nullptr) return "";
  const char* found = g_mime_content_type_get_parameter(type.get(), std::string(name).c_str());
  return found != nullptr ? found : "";
}

MailText DecodeMail(std::string_view raw) {
  MailText out;
  GPtr<GMimeMessage> message = ParseGMimeMessage(raw);
  GMimeObject* body = message ? g_mime_message_get_mime_part(message.get()) : nullptr;
  if (body == nullptr) {  // no body at all, or nothing GMime calls a message
    out.parts = 1;
    Append(&out.text, CharsetToUtf8(SplitMessage(raw).second, ""));
    if (out.text == "\n") out.text.clear();
    return out;
  }
  Walk(body, 0, &out);
  return out;
}

}  // namespace abuseflow::notify
