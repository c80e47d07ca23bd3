#include "core/charset.h"

#include <iconv.h>

#include <cerrno>
#include <string>

namespace abuseflow::core {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";

// Length of the UTF-8 sequence starting at text[i], or 0 if it is not valid.
// Closes an iconv descriptor when it goes out of scope.
class Converter {
 public:
  explicit Converter(const char* from) : cd_(iconv_open("UTF-8", from)) {}
  ~Converter() {
    if (ok()) iconv_close(cd_);
  }
  Converter(const Converter&) = delete;
  Converter& operator=(const Converter&) = delete;
  bool ok() const { return cd_ != reinterpret_cast<iconv_t>(-1); }

  // Converts all of `in`, replacing bytes iconv rejects with U+FFFD.
  std::string Run(std::string_view in) {
    std::string out;
    out.reserve(in.size() * 2);
    char buffer[4096];
    char* src = const_cast<char*>(in.data());
    size_t left = in.size();
    while (left > 0) {
      char* dst = buffer;
      size_t room = sizeof(buffer);
      size_t rc = iconv(cd_, &src, &left, &dst, &room);
      out.append(buffer, dst - buffer);
      if (rc == static_cast<size_t>(-1) && errno != E2BIG) {
        out += kReplacement;  // EILSEQ or EINVAL (cut short): skip one byte
        ++src;
        --left;
        iconv(cd_, nullptr, nullptr, nullptr, nullptr);
      }
    }
    char* dst = buffer;
    size_t room = sizeof(buffer);
    iconv(cd_, nullptr, nullptr, &dst, &room);
    out.append(buffer, dst - buffer);
    return out;
  }

 private:
  iconv_t cd_;
};

std::string ReplaceNuls(std::string text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '\0') {
      out += kReplacement;
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

size_t Utf8SequenceLength(std::string_view text, size_t i) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  unsigned char c = byte(i);
  if (c < 0x80) return c == 0 ? 0 : 1;
  size_t n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 ? 2 : 0;
  if (n == 0 || c > 0xF4 || i + n > text.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
  }
  unsigned char d = byte(i + 1);
  if (c == 0xE0 && d < 0xA0) return 0;   // overlong
  if (c == 0xED && d >= 0xA0) return 0;  // surrogate
  if (c == 0xF0 && d < 0x90) return 0;   // overlong
  if (c == 0xF4 && d >= 0x90) return 0;  // past U+10FFFF
  return n;
}

bool IsValidUtf8(std::string_view text) {
  for (size_t i = 0; i < text.size();) {
    if (static_cast<unsigned char>(text[i]) - 1u < 0x7Fu) {  // ASCII but NUL
      ++i;
      continue;
    }
    size_t n = Utf8SequenceLength(text, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

std::string ToUtf8(std::string_view raw, std::string_view hint) {
  bool iso2022 =
      raw.find("\x1B$") != std::string_view::npos || raw.find("\x1B(") != std::string_view::npos;
  if (!iso2022 && IsValidUtf8(raw)) return std::string(raw);
  std::string from = iso2022 ? "ISO-2022-JP" : hint.empty() ? "ISO-8859-1" : std::string(hint);
  Converter converter(from.c_str());
  if (!converter.ok()) {
    Converter latin1("ISO-8859-1");
    return ReplaceNuls(latin1.Run(raw));
  }
  std::string out = ReplaceNuls(converter.Run(raw));
  // A charset that maps bytes to themselves (or a broken converter) must not
  // let invalid UTF-8 through.
  if (!IsValidUtf8(out)) {
    Converter latin1("ISO-8859-1");
    return ReplaceNuls(latin1.Run(raw));
  }
  return out;
}

}  // namespace abuseflow::core
