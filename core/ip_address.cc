#include "core/ip_address.h"

#include <arpa/inet.h>

#include <cstring>

namespace abuseflow::core {
namespace {

std::optional<uint32_t> ParseV4(std::string_view s) {
  uint32_t value = 0;
  int octets = 0;
  size_t i = 0;
  while (octets < 4) {
    if (i >= s.size() || s[i] < '0' || s[i] > '9') return std::nullopt;
    uint32_t octet = 0;
    size_t start = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
      octet = octet * 10 + (s[i] - '0');
      if (++i - start > 3) return std::nullopt;
    }
    if (octet > 255 || (i - start > 1 && s[start] == '0')) return std::nullopt;
    value = (value << 8) | octet;
    if (++octets < 4) {
      if (i >= s.size() || s[i] != '.') return std::nullopt;
      ++i;
    }
  }
  if (i != s.size()) return std::nullopt;
  return value;
}

}  // namespace

IpAddress IpAddress::V4(uint32_t host_order) {
  IpAddress a;
  a.family_ = Family::kV4;
  a.bytes_[0] = host_order >> 24;
  a.bytes_[1] = host_order >> 16;
  a.bytes_[2] = host_order >> 8;
  a.bytes_[3] = host_order;
  return a;
}

IpAddress IpAddress::V6(const std::array<uint8_t, 16>& bytes) {
  IpAddress a;
  a.family_ = Family::kV6;
  a.bytes_ = bytes;
  return a;
}

std::optional<IpAddress> IpAddress::Parse(std::string_view text) {
  if (text.find(':') == std::string_view::npos) {
    auto v4 = ParseV4(text);
    if (!v4) return std::nullopt;
    return V4(*v4);
  }
  if (text.size() > 45) return std::nullopt;
  char buf[46];
  std::memcpy(buf, text.data(), text.size());
  buf[text.size()] = '\0';
  std::array<uint8_t, 16> bytes{};
  if (inet_pton(AF_INET6, buf, bytes.data()) != 1) return std::nullopt;
  return V6(bytes);
}

std::optional<IpAddress> IpAddress::FromBytes(std::string_view b) {
  if (b.size() == 4) {
    auto u = [&](int i) { return static_cast<uint32_t>(static_cast<uint8_t>(b[i])); };
    return V4(u(0) << 24 | u(1) << 16 | u(2) << 8 | u(3));
  }
  if (b.size() == 16) {
    std::array<uint8_t, 16> bytes{};
    std::memcpy(bytes.data(), b.data(), 16);
    return V6(bytes);
  }
  return std::nullopt;
}

uint32_t IpAddress::v4() const {
  return static_cast<uint32_t>(bytes_[0]) << 24 | static_cast<uint32_t>(bytes_[1]) << 16 |
         static_cast<uint32_t>(bytes_[2]) << 8 | bytes_[3];
}

std::string IpAddress::ToBytes() const {
  return std::string(reinterpret_cast<const char*>(bytes_.data()), is_v4() ? 4 : 16);
}

std::string IpAddress::ToString() const {
  char buf[INET6_ADDRSTRLEN];
  inet_ntop(is_v4() ? AF_INET : AF_INET6, bytes_.data(), buf, sizeof buf);
  return buf;
}

IpAddress IpAddress::Masked(int length) const {
  IpAddress r = *this;
  for (int i = length; i < bit_width(); ++i) r.bytes_[i / 8] &= ~(1u << (7 - i % 8));
  return r;
}

IpAddress IpAddress::Broadcast(int length) const {
  IpAddress r = *this;
  for (int i = length; i < bit_width(); ++i) r.bytes_[i / 8] |= (1u << (7 - i % 8));
  return r;
}

IpAddress IpAddress::Next() const {
  IpAddress r = *this;
  for (int i = bit_width() / 8 - 1; i >= 0; --i) {
    if (++r.bytes_[i] != 0) break;
  }
  return r;
}

size_t IpAddressHash::operator()(const IpAddress& a) const {
  uint64_t hi, lo;
  std::memcpy(&hi, a.bytes().data(), 8);
  std::memcpy(&lo, a.bytes().data() + 8, 8);
  uint64_t h = hi * 0x9E3779B97F4A7C15ull ^ (lo + static_cast<uint64_t>(a.family())) * 0xC2B2AE3D27D4EB4Full;
  return static_cast<size_t>(h ^ (h >> 29));
}

}  // namespace abuseflow::core
