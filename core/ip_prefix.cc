#include "core/ip_prefix.h"

#include <charconv>

namespace abuseflow::core {

IpPrefix::IpPrefix(const IpAddress& address, int length)
    : address_(address.Masked(length)), length_(length) {}

std::optional<IpPrefix> IpPrefix::Parse(std::string_view text) {
  size_t slash = text.find('/');
  auto address = IpAddress::Parse(text.substr(0, slash));
  if (!address) return std::nullopt;
  int length = address->bit_width();
  if (slash != std::string_view::npos) {
    std::string_view len_text = text.substr(slash + 1);
    auto [ptr, ec] = std::from_chars(len_text.data(), len_text.data() + len_text.size(), length);
    if (ec != std::errc() || ptr != len_text.data() + len_text.size() || len_text.empty() ||
        length < 0 || length > address->bit_width()) {
      return std::nullopt;
    }
  }
  if (address->Masked(length) != *address) return std::nullopt;
  return IpPrefix(*address, length);
}

std::vector<IpPrefix> IpPrefix::FromRange(const IpAddress& first, const IpAddress& last) {
  std::vector<IpPrefix> out;
  if (first.family() != last.family() || last < first) return out;
  const int width = first.bit_width();
  IpAddress cursor = first;
  while (true) {
    // The shortest prefix starting at `cursor` that stays within [cursor, last].
    int length = width;
    while (length > 0 && cursor.Masked(length - 1) == cursor &&
           cursor.Broadcast(length - 1) <= last) {
      --length;
    }
    IpPrefix p(cursor, length);
    out.push_back(p);
    IpAddress end = p.last();
    if (end >= last) break;
    cursor = end.Next();
  }
  return out;
}

bool IpPrefix::Contains(const IpAddress& a) const {
  return a.family() == address_.family() && a.Masked(length_) == address_;
}

std::string IpPrefix::ToString() const {
  return address_.ToString() + "/" + std::to_string(length_);
}

}  // namespace abuseflow::core
