#include "notify/reply_gmime.h"

#include <mutex>

#include "core/ascii.h"

namespace abuseflow::notify {
namespace {

// The bytes GMime wrote into a memory stream.
std::string StreamBytes(GMimeStream* stream) {
  GByteArray* bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(stream));
  if (bytes == nullptr || bytes->len == 0) return "";
  return std::string(reinterpret_cast<const char*>(bytes->data), bytes->len);
}

}  // namespace

void EnsureGMime() {
  static std::once_flag once;
  std::call_once(once, [] { g_mime_init(); });
}

GPtr<GMimeMessage> ParseGMimeMessage(std::string_view raw) {
  EnsureGMime();
  GPtr<GMimeStream> stream(g_mime_stream_mem_new_with_buffer(raw.data(), raw.size()));
  GPtr<GMimeParser> parser(g_mime_parser_new_with_stream(stream.get()));
  g_mime_parser_set_format(parser.get(), GMIME_FORMAT_MESSAGE);
  return GPtr<GMimeMessage>(g_mime_parser_construct_message(parser.get(), nullptr));
}

std::string DecodedPartBytes(GMimePart* part) {
  GMimeDataWrapper* content = g_mime_part_get_content(part);  // borrowed
  if (content == nullptr) return "";
  GPtr<GMimeStream> out(g_mime_stream_mem_new());
  if (g_mime_data_wrapper_write_to_stream(content, out.get()) < 0) return "";
  return StreamBytes(out.get());
}

std::string SerializedObject(GMimeObject* object) {
  GPtr<GMimeStream> out(g_mime_stream_mem_new());
  if (g_mime_object_write_to_stream(object, nullptr, out.get()) < 0) return "";
  return StreamBytes(out.get());
}

std::string SerializedContent(GMimeObject* object) {
  GPtr<GMimeStream> out(g_mime_stream_mem_new());
  if (g_mime_object_write_content_to_stream(object, nullptr, out.get()) < 0) return "";
  return StreamBytes(out.get());
}

std::string MediaTypeOf(GMimeObject* object) {
  // RFC 2045 5.2: a Content-Type that is not "type/subtype" means text/plain
  // (GMime makes it application/octet-stream).
  const char* raw = g_mime_object_get_header(object, "Content-Type");
  if (raw != nullptr) {
    std::string_view value(raw);
    if (value.substr(0, value.find(';')).find('/') == std::string_view::npos) return "text/plain";
  }
  GMimeContentType* type = g_mime_object_get_content_type(object);  // borrowed
  if (type == nullptr) return "text/plain";
  char* mime_type = g_mime_content_type_get_mime_type(type);
  std::string out = mime_type != nullptr ? core::AsciiLower(mime_type) : "text/plain";
  g_free(mime_type);
  return out;
}

}  // namespace abuseflow::notify
