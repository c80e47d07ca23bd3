#include "core/mailbox.h"

#include <algorithm>
#include <cctype>
#include <cstring>

namespace abuseflow::core {
namespace {

bool IsAtext(char c) {
  if (std::isalnum(static_cast<unsigned char>(c))) return true;
  return c != '\0' && std::strchr("!#$%&'*+/=?^_`{}~-", c) != nullptr;
}

bool ValidLocal(std::string_view local) {
  if (local.empty() || local.size() > 64 || local.front() == '.' || local.back() == '.')
    return false;
  char previous = 0;
  for (char c : local) {
    if (c == '.' ? previous == '.' : !IsAtext(c)) return false;
    previous = c;
  }
  return true;
}

bool ValidLabel(std::string_view label) {
  if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-')
    return false;
  return std::all_of(label.begin(), label.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-';
  });
}

bool ValidDomain(std::string_view domain) {
  if (domain.empty() || domain.size() > 253) return false;
  int labels = 0;
  for (size_t start = 0;;) {
    size_t dot = domain.find('.', start);
    if (!ValidLabel(domain.substr(start, dot - start))) return false;
    ++labels;
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return labels >= 2;
}

// `word` without the decoration contact fields put around a mailbox.
std::string_view Undecorate(std::string_view word) {
  if (word.size() > 7 && (word.substr(0, 7) == "mailto:" || word.substr(0, 7) == "MAILTO:")) {
    word.remove_prefix(7);
  }
  while (!word.empty() && std::strchr("<([\"'", word.front()) != nullptr) word.remove_prefix(1);
  while (!word.empty() && std::strchr(">)]\"'.:", word.back()) != nullptr) word.remove_suffix(1);
  return word;
}

}  // namespace

bool IsValidMailbox(std::string_view text) {
  size_t at = text.find('@');
  if (at == std::string_view::npos || text.find('@', at + 1) != std::string_view::npos)
    return false;
  return ValidLocal(text.substr(0, at)) && ValidDomain(text.substr(at + 1));
}

std::vector<std::string> ExtractMailboxes(std::string_view field, size_t max) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < field.size() && out.size() < max) {
    size_t end = field.find_first_of(" \t\r\n\v\f,;", start);
    if (end == std::string_view::npos) end = field.size();
    std::string_view word = Undecorate(field.substr(start, end - start));
    start = end + 1;
    if (!IsValidMailbox(word)) continue;
    std::string mailbox(word);
    size_t at = mailbox.find('@');
    std::transform(mailbox.begin() + at, mailbox.end(), mailbox.begin() + at,
                   [](unsigned char c) { return std::tolower(c); });
    if (std::find(out.begin(), out.end(), mailbox) == out.end()) out.push_back(std::move(mailbox));
  }
  return out;
}

}  // namespace abuseflow::core
