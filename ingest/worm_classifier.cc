#include "ingest/worm_classifier.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "ingest/parser_support.h"

namespace abuseflow::ingest {
namespace {

// Code Red sends 224 fill characters; fewer than this is not Code Red.
constexpr size_t kMinFillerRun = 100;
// The shell code that follows the fill, matched as far as the target goes.
constexpr std::string_view kShellCodeStart = "%u9090";
// Decoding looks at most at this many trailing bytes of the path.
constexpr size_t kMaxDecodedPath = 2048;
// Enough for the doubly escaped forms ("%25%35%63" -> "%5c" -> '\').
constexpr int kMaxDecodeRounds = 3;

int HexValue(unsigned char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The value of `n` hex digits at p[0..n), or -1.
int HexAt(const unsigned char* p, size_t n) {
  int value = 0;
  for (size_t i = 0; i < n; ++i) {
    const int digit = HexValue(p[i]);
    if (digit < 0) return -1;
    value = value * 16 + digit;
  }
  return value;
}

std::string_view ClassifyCodeRed(std::string_view target) {
  constexpr std::string_view kIda = "/default.ida?";
  if (!StartsWithIgnoreCase(target, kIda)) return {};
  const std::string_view rest = target.substr(kIda.size());
  if (rest.empty() || (rest[0] != 'N' && rest[0] != 'X')) return {};
  const size_t run = std::min(rest.find_first_not_of(rest[0]), rest.size());
  if (run < kMinFillerRun) return {};
  const std::string_view after = rest.substr(run);
  const size_t compared = std::min(after.size(), kShellCodeStart.size());
  if (!EqualsIgnoreCase(after.substr(0, compared), kShellCodeStart.substr(0, compared))) return {};
  return rest[0] == 'N' ? kCodeRedI : kCodeRedII;
}

// Whether a path can only match once decoded (escapes, backslashes, non-ASCII
// bytes or doubled slashes).
bool NeedsDecoding(std::string_view path) {
  char previous = 0;
  for (char c : path) {
    if (c == '%' || c == '\\' || static_cast<unsigned char>(c) >= 0x80 ||
        (c == '/' && previous == '/')) {
      return true;
    }
    previous = c;
  }
  return false;
}

// The byte an escape at src[i] stands for ("%5c", "%u005c", or Apache's \x5c),
// or -1 if there is none; sets *width to the escape's length.
int EscapeAt(const unsigned char* src, size_t n, size_t i, size_t* width) {
  int value = -1;
  if (src[i] == '%' && i + 2 < n && (value = HexAt(src + i + 1, 2)) >= 0) {
    *width = 3;
  } else if (src[i] == '%' && i + 5 < n && (src[i + 1] | 0x20) == 'u' &&
             (value = HexAt(src + i + 2, 4)) >= 0 && value < 0x80) {
    *width = 6;
  } else if (src[i] == '\\' && i + 3 < n && src[i + 1] == 'x' &&
             (value = HexAt(src + i + 2, 2)) >= 0) {
    *width = 4;
  } else {
    value = -1;
  }
  return value;
}

// One round of unescaping from src[0..n) into dst (which may be src: the
// output never outruns the input). Returns the new length.
size_t DecodeRound(const unsigned char* src, size_t n, unsigned char* dst) {
  size_t out = 0;
  size_t i = 0;
  while (i < n) {
    size_t width = 1;
    const int value = EscapeAt(src, n, i, &width);
    dst[out++] = value >= 0 ? static_cast<unsigned char>(value) : src[i];
    i += value >= 0 ? width : 1;
  }
  return out;
}

// Folds overlong UTF-8 forms of ASCII, '\' to '/', case, and repeated '/'.
size_t Canonicalize(unsigned char* buf, size_t n) {
  size_t out = 0;
  for (size_t i = 0; i < n; ++i) {
    unsigned int c = buf[i];
    if ((c == 0xc0 || c == 0xc1) && i + 1 < n) {
      c = ((c & 0x01) << 6) | (buf[i + 1] & 0x3f);
      i += 1;
    } else if (c == 0xe0 && i + 2 < n && (buf[i + 1] & 0x3f) <= 1) {
      c = ((buf[i + 1] & 0x3fu) << 6) | (buf[i + 2] & 0x3f);
      i += 2;
    }
    if (c == '\\') c = '/';
    if (c >= 'A' && c <= 'Z') c += 'a' - 'A';
    if (c == '/' && out > 0 && buf[out - 1] == '/') continue;
    buf[out++] = static_cast<unsigned char>(c);
  }
  return out;
}

bool IsNimdaPath(std::string_view path) {
  return EndsWithIgnoreCase(path, "/winnt/system32/cmd.exe") || EndsWithIgnoreCase(path, "/root.exe");
}

bool IsNimda(std::string_view target) {
  std::string_view path = target.substr(0, target.find('?'));
  if (!NeedsDecoding(path)) return IsNimdaPath(path);
  if (path.size() > kMaxDecodedPath) path = path.substr(path.size() - kMaxDecodedPath);
  unsigned char buf[kMaxDecodedPath];
  size_t n = DecodeRound(reinterpret_cast<const unsigned char*>(path.data()), path.size(), buf);
  for (int round = 1; round < kMaxDecodeRounds; ++round) {
    const size_t before = n;
    n = DecodeRound(buf, n, buf);
    if (n == before) break;
  }
  n = Canonicalize(buf, n);
  return IsNimdaPath(std::string_view(reinterpret_cast<const char*>(buf), n));
}

}  // namespace

std::string_view ClassifyWebRequest(std::string_view request_target) {
  if (std::string_view code_red = ClassifyCodeRed(request_target); !code_red.empty()) return code_red;
  return IsNimda(request_target) ? kNimda : std::string_view();
}

}  // namespace abuseflow::ingest
