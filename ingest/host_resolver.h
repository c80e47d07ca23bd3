#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/ip_address.h"

namespace abuseflow::ingest {

// Resolves the host names sensors log instead of addresses (tcp_wrappers,
// sshd with UseDNS, Apache with HostnameLookups, portsentry with name
// resolution), for an input with `resolve_hosts = true`.
//
// Uses getaddrinfo (the system resolver: /etc/hosts, then DNS as
// nsswitch.conf says), so Resolve blocks for as long as the resolver takes;
// the answer, an address or "none", is cached for the life of the resolver
// (at most kMaxEntries names; when full, the cache is emptied). One instance
// per input, one thread at a time; not thread-safe.
class HostResolver {
 public:
  static constexpr size_t kMaxEntries = 4096;

  // The first address getaddrinfo gives for `name` (IPv4 or IPv6), or
  // nullopt when it does not resolve. `name` should satisfy IsHostName.
  std::optional<core::IpAddress> Resolve(std::string_view name);

  size_t lookups() const { return lookups_; }  // calls of getaddrinfo so far

 private:
  std::unordered_map<std::string, std::optional<core::IpAddress>> cache_;
  size_t lookups_ = 0;
};

}  // namespace abuseflow::ingest
