#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace abuseflow::core {

// An IPv4 or IPv6 address. IPv4 uses the first 4 bytes of the array; the rest
// stay zero so that comparison and hashing can look at all of it.
// A value type: cheap to copy, safe to share between threads when not mutated.
class IpAddress {
 public:
  enum class Family : uint8_t { kV4 = 4, kV6 = 6 };

  IpAddress() = default;  // 0.0.0.0
  static IpAddress V4(uint32_t host_order);
  static IpAddress V6(const std::array<uint8_t, 16>& bytes);

  // Parses dotted-quad IPv4 (no leading zeros beyond a single "0", each octet
  // at most 255) or any textual IPv6 form inet_pton accepts.
  static std::optional<IpAddress> Parse(std::string_view text);
  // From network-order bytes as carried in messages: 4 or 16 of them.
  static std::optional<IpAddress> FromBytes(std::string_view bytes);

  Family family() const { return family_; }
  bool is_v4() const { return family_ == Family::kV4; }
  int bit_width() const { return is_v4() ? 32 : 128; }
  uint32_t v4() const;  // host order; only for IPv4
  const std::array<uint8_t, 16>& bytes() const { return bytes_; }

  // Network-order bytes: 4 for IPv4, 16 for IPv6.
  std::string ToBytes() const;
  std::string ToString() const;

  // Bit `i` counted from the most significant (0 <= i < bit_width()).
  bool Bit(int i) const { return (bytes_[i / 8] >> (7 - i % 8)) & 1; }
  // The address with every bit from `length` on cleared (or set, for Broadcast).
  IpAddress Masked(int length) const;
  IpAddress Broadcast(int length) const;
  // The next address, wrapping to zero past the last one.
  IpAddress Next() const;

  friend auto operator<=>(const IpAddress&, const IpAddress&) = default;

 private:
  Family family_ = Family::kV4;
  std::array<uint8_t, 16> bytes_{};
};

struct IpAddressHash {
  size_t operator()(const IpAddress& a) const;
};

}  // namespace abuseflow::core
