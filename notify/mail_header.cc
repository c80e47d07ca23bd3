#include "notify/mail_header.h"

#include <cstdio>
#include <ctime>
#include <vector>

namespace abuseflow::notify {
namespace {

// Longest sanitized text we encode; a subject never needs more.
constexpr size_t kMaxHeaderText = 600;
// Bytes per encoded word: 45 bytes are 60 base64 characters, 72 with the
// "=?UTF-8?B?" and "?=" around them, within RFC 2047's 75.
constexpr size_t kEncodedWordBytes = 45;
constexpr size_t kFoldColumn = 78;

bool IsAsciiAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

bool IsControl(unsigned char c) { return c < 0x20 || c == 0x7F; }

bool IsLocalPartChar(char c) {
  return IsAsciiAlnum(c) || std::string_view("!#$%&*+/=?^_{}~-").find(c) != std::string_view::npos;
}

bool IsValidLocalPart(std::string_view local) {
  if (local.empty() || local.size() > 64 || local.front() == '.' || local.back() == '.') {
    return false;
  }
  for (size_t i = 0; i < local.size(); ++i) {
    if (local[i] == '.' ? local[i + 1] == '.' : !IsLocalPartChar(local[i])) return false;
  }
  return true;
}

bool IsValidDomain(std::string_view domain) {
  if (domain.empty() || domain.size() > 253) return false;
  size_t begin = 0;
  while (true) {
    size_t end = domain.find('.', begin);
    std::string_view label =
        domain.substr(begin, end == std::string_view::npos ? std::string_view::npos : end - begin);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') {
      return false;
    }
    for (char c : label) {
      if (!IsAsciiAlnum(c) && c != '-') return false;
    }
    if (end == std::string_view::npos) return true;
    begin = end + 1;
  }
}

}  // namespace

std::string Base64(std::string_view bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (size_t i = 0; i < bytes.size(); i += 3) {
    uint32_t n = static_cast<unsigned char>(bytes[i]) << 16;
    if (i + 1 < bytes.size()) n |= static_cast<unsigned char>(bytes[i + 1]) << 8;
    if (i + 2 < bytes.size()) n |= static_cast<unsigned char>(bytes[i + 2]);
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += i + 1 < bytes.size() ? kAlphabet[(n >> 6) & 63] : '=';
    out += i + 2 < bytes.size() ? kAlphabet[n & 63] : '=';
  }
  return out;
}

uint64_t StableHash64(std::string_view data) {
  uint64_t hash = 0xcbf29ce484222325ULL;
  for (char c : data) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

namespace {

// Cuts `text` at a character boundary to at most `max` bytes.
std::string_view CutUtf8(std::string_view text, size_t max) {
  if (text.size() <= max) return text;
  size_t cut = max;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return text.substr(0, cut);
}

}  // namespace

bool IsValidMailbox(std::string_view text) {
  size_t at = text.find('@');
  if (at == std::string_view::npos || text.find('@', at + 1) != std::string_view::npos) {
    return false;
  }
  return IsValidLocalPart(text.substr(0, at)) && IsValidDomain(text.substr(at + 1));
}

size_t Utf8SequenceLength(std::string_view text, size_t pos) {
  auto byte = [&](size_t i) -> unsigned {
    return pos + i < text.size() ? static_cast<unsigned char>(text[pos + i]) : 0x100;
  };
  auto cont = [&](size_t i, unsigned lo = 0x80, unsigned hi = 0xBF) {
    return byte(i) >= lo && byte(i) <= hi;
  };
  unsigned b = byte(0);
  if (b < 0x80) return 1;
  if (b >= 0xC2 && b <= 0xDF) return cont(1) ? 2 : 0;
  if (b == 0xE0) return cont(1, 0xA0) && cont(2) ? 3 : 0;
  if (b == 0xED) return cont(1, 0x80, 0x9F) && cont(2) ? 3 : 0;
  if (b >= 0xE1 && b <= 0xEF) return cont(1) && cont(2) ? 3 : 0;
  if (b == 0xF0) return cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0;
  if (b >= 0xF1 && b <= 0xF3) return cont(1) && cont(2) && cont(3) ? 4 : 0;
  if (b == 0xF4) return cont(1, 0x80, 0x8F) && cont(2) && cont(3) ? 4 : 0;
  return 0;
}

std::string SanitizeHeaderValue(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size();) {
    size_t n = Utf8SequenceLength(text, i);
    if (n == 0) {
      out += '?';
      ++i;
      continue;
    }
    bool space = n == 1 && (IsControl(text[i]) || text[i] == ' ');
    if (space) {
      if (!out.empty() && out.back() != ' ') out += ' ';
    } else {
      out.append(text.substr(i, n));
    }
    i += n;
  }
  if (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

std::string EscapeForLog(std::string_view text) {
  std::string out;
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    if (c == '\r') out += "\\r";
    else if (c == '\n') out += "\\n";
    else if (c == '\t') out += "\\t";
    else if (c == '\\') out += "\\\\";
    else if (IsControl(u)) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\x%02X", u);
      out += hex;
    } else {
      out += c;
    }
  }
  return out;
}

std::string EncodeHeaderText(std::string_view text) {
  std::string clean = SanitizeHeaderValue(text);
  clean = std::string(CutUtf8(clean, kMaxHeaderText));
  bool plain = clean.find("=?") == std::string::npos;
  for (char c : clean) plain = plain && static_cast<unsigned char>(c) < 0x80;
  if (plain) return clean;
  std::string out;
  std::string_view rest = clean;
  while (!rest.empty()) {
    std::string_view word = CutUtf8(rest, kEncodedWordBytes);
    if (!out.empty()) out += ' ';
    out += "=?UTF-8?B?" + Base64(word) + "?=";
    rest.remove_prefix(word.size());
  }
  return out;
}

std::string FoldHeader(std::string_view name, std::string_view value) {
  std::string out(name);
  out += ':';
  size_t line = out.size();
  bool first = true;
  size_t begin = 0;
  while (begin <= value.size()) {
    size_t end = value.find(' ', begin);
    if (end == std::string_view::npos) end = value.size();
    std::string_view word = value.substr(begin, end - begin);
    begin = end + 1;
    if (word.empty()) continue;
    if (!first && line + 1 + word.size() > kFoldColumn) {
      out += "\r\n";
      line = 0;
    }
    out += ' ';
    out.append(word);
    line += 1 + word.size();
    first = false;
  }
  return out + "\r\n";
}

std::string FormatMailDate(int64_t unix_us) {
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  int64_t secs = unix_us / 1000000;
  if (unix_us < 0 && unix_us % 1000000 != 0) --secs;
  std::time_t t = static_cast<std::time_t>(secs);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d +0000", kDays[tm.tm_wday % 7],
                tm.tm_mday, kMonths[tm.tm_mon % 12], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                tm.tm_sec);
  return buf;
}

}  // namespace abuseflow::notify
