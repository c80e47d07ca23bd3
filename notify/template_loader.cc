#include "notify/template_loader.h"

#include <kainjow/mustache.hpp>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string_view>

#include "notify/report_renderer.h"

namespace abuseflow::notify {
namespace {

namespace mustache = kainjow::mustache;

core::Result<std::string> ReadTemplate(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    return core::Status::IoError("cannot read template " + path + ": is a directory");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in.is_open()) {
    return core::Status::IoError("cannot read template " + path + ": " + std::strerror(errno));
  }
  std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  if (in.bad()) return core::Status::IoError("cannot read template " + path + ": read error");
  return text;
}

// kainjow/mustache 4.1 keeps the line of a standalone section tag whose
// section is not rendered (false, empty or missing), which leaves stray blank
// lines in a plain-text notice. So the renderer applies the spec's rule
// itself: a standalone tag line is reduced to its tag, and every other line
// is prefixed with a byte that is never valid UTF-8, so that the library's
// own rule never drops a line; the marks are removed after rendering. A 0xFF
// byte in the template or in a value becomes "?" (it is not UTF-8 anyway).
constexpr char kLineMark = kTemplateLineMark;

std::string_view TrimSpaces(std::string_view text) {
  size_t begin = text.find_first_not_of(" \t");
  if (begin == std::string_view::npos) return {};
  return text.substr(begin, text.find_last_not_of(" \t") - begin + 1);
}

// True if `line` (without its line ending) holds only one section, inverted
// section, closing or comment tag, with spaces or tabs around it.
bool IsStandaloneTag(std::string_view line) {
  std::string_view tag = TrimSpaces(line);
  if (tag.size() < 5 || !tag.starts_with("{{") || !tag.ends_with("}}")) return false;
  if (std::string_view("#^/!").find(tag[2]) == std::string_view::npos) return false;
  return tag.find("}}") == tag.size() - 2;
}

std::string PrepareTemplate(std::string text) {
  std::replace(text.begin(), text.end(), kLineMark, '?');
  if (text.find("{{=") != std::string::npos) return text;  // other delimiters: left as they are
  std::string out;
  out.reserve(text.size() + text.size() / 16);
  for (size_t begin = 0; begin < text.size();) {
    size_t newline = text.find('\n', begin);
    size_t next = newline == std::string::npos ? text.size() : newline + 1;
    std::string_view line = std::string_view(text).substr(begin, next - begin);
    std::string_view content = line;
    if (content.ends_with('\n')) content.remove_suffix(1);
    if (content.ends_with('\r')) content.remove_suffix(1);
    if (IsStandaloneTag(content)) {
      out.append(TrimSpaces(content));
    } else {
      out += kLineMark;
      out.append(line);
    }
    begin = next;
  }
  return out;
}


// Parses `text` with no HTML escaping; empty error when it parses.
std::string ParseError(const std::string& text) {
  mustache::mustache parsed{text};
  return parsed.is_valid() ? "" : parsed.error_message();
}

}  // namespace

core::Result<std::string> LoadTemplate(const std::string& path) {
  std::string text(DefaultReportTemplate());
  std::string name = "built-in template";
  if (!path.empty()) {
    auto read = ReadTemplate(path);
    if (!read.ok()) return read.status();
    text = std::move(read).value();
    name = "template " + path;
  }
  try {
    if (std::string error = ParseError(text); !error.empty()) {
      return core::Status::InvalidArgument(name + ": " + error);
    }
  } catch (const std::exception& e) {
    return core::Status::InvalidArgument(name + ": " + e.what());
  }
  return PrepareTemplate(std::move(text));
}

std::string WithoutLineMarks(std::string text) {
  text.erase(std::remove(text.begin(), text.end(), kLineMark), text.end());
  return text;
}

}  // namespace abuseflow::notify
