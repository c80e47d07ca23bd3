#pragma once

#include <string>
#include <string_view>

namespace abuseflow::core {

// `text` with A-Z turned into a-z and every other byte kept (no locale): for
// header names, mailboxes, keywords of outside text. Pure.
inline std::string AsciiLower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

}  // namespace abuseflow::core
