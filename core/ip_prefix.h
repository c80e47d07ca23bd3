#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/ip_address.h"

namespace abuseflow::core {

// A CIDR prefix: a network address with its host bits cleared and a length.
class IpPrefix {
 public:
  IpPrefix() = default;
  // Clears the host bits of `address`. `length` must be within the family's width.
  IpPrefix(const IpAddress& address, int length);

  // "192.0.2.0/24", "2001:db8::/32"; a bare address is a full-length prefix.
  // Rejects host bits set in the address ("192.0.2.1/24").
  static std::optional<IpPrefix> Parse(std::string_view text);
  // The smallest set of prefixes that covers exactly [first, last], in order.
  // Empty if the families differ or first > last.
  static std::vector<IpPrefix> FromRange(const IpAddress& first, const IpAddress& last);

  const IpAddress& address() const { return address_; }
  int length() const { return length_; }
  IpAddress first() const { return address_; }
  IpAddress last() const { return address_.Broadcast(length_); }
  bool Contains(const IpAddress& a) const;
  std::string ToString() const;

  friend auto operator<=>(const IpPrefix&, const IpPrefix&) = default;

 private:
  IpAddress address_;
  int length_ = 0;
};

}  // namespace abuseflow::core
