#include "ingest/host_resolver.h"

#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <array>
#include <cstring>
#include <memory>

namespace abuseflow::ingest {
namespace {

std::optional<core::IpAddress> FromSockaddr(const addrinfo* ai) {
  if (ai->ai_family == AF_INET) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(ai->ai_addr);
    return core::IpAddress::V4(ntohl(in->sin_addr.s_addr));
  }
  if (ai->ai_family == AF_INET6) {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(ai->ai_addr);
    std::array<uint8_t, 16> bytes;
    std::memcpy(bytes.data(), in6->sin6_addr.s6_addr, bytes.size());
    return core::IpAddress::V6(bytes);
  }
  return std::nullopt;
}

std::optional<core::IpAddress> Lookup(const std::string& name) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* result = nullptr;
  if (getaddrinfo(name.c_str(), nullptr, &hints, &result) != 0 || result == nullptr)
    return std::nullopt;
  std::unique_ptr<addrinfo, decltype(&freeaddrinfo)> owned(result, &freeaddrinfo);
  for (const addrinfo* ai = result; ai != nullptr; ai = ai->ai_next) {
    if (std::optional<core::IpAddress> address = FromSockaddr(ai)) return address;
  }
  return std::nullopt;
}

}  // namespace

std::optional<core::IpAddress> HostResolver::Resolve(std::string_view name) {
  std::string key(name);
  if (auto it = cache_.find(key); it != cache_.end()) return it->second;
  if (cache_.size() >= kMaxEntries) cache_.clear();
  ++lookups_;
  std::optional<core::IpAddress> address = Lookup(key);
  cache_.emplace(std::move(key), address);
  return address;
}

}  // namespace abuseflow::ingest
