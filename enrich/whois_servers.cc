#include "enrich/whois_servers.h"

#include <algorithm>
#include <array>
#include <charconv>

#include "core/ascii.h"
#include "core/ip_prefix.h"

namespace abuseflow::enrich {
namespace {

constexpr std::array<WhoisServerInfo, 11> kServers = {{
    {"whois.iana.org", WhoisFormat::kIana, "", "", ""},
    {"whois.arin.net", WhoisFormat::kArin, "n + ", "", ""},
    {"whois.ripe.net", WhoisFormat::kRpsl, "", "", ""},
    {"whois.apnic.net", WhoisFormat::kRpsl, "", "", ""},
    {"whois.afrinic.net", WhoisFormat::kRpsl, "", "", ""},
    {"whois.lacnic.net", WhoisFormat::kLacnic, "", "", "ISO-8859-1"},
    {"whois.registro.br", WhoisFormat::kLacnic, "", "", "ISO-8859-1"},
    {"whois.nic.ad.jp", WhoisFormat::kJpnic, "", "/e", "ISO-2022-JP"},
    {"whois.kisa.or.kr", WhoisFormat::kKrnic, "", "", "EUC-KR"},
    {"whois.twnic.net.tw", WhoisFormat::kTwnic, "", "", "BIG5"},
    {"whois.cnnic.cn", WhoisFormat::kRpsl, "", "", "GB18030"},
}};

constexpr std::array<std::pair<std::string_view, std::string_view>, 5> kAliases = {{
    {"whois.nic.or.kr", "whois.kisa.or.kr"},
    {"whois.krnic.net", "whois.kisa.or.kr"},
    {"whois.twnic.net", "whois.twnic.net.tw"},
    {"whois.cnnic.net.cn", "whois.cnnic.cn"},
    {"whois.nic.br", "whois.registro.br"},
}};

// IPv4 /8s IANA gave to one RIR as a whole (mixed legacy /8s go to IANA).
struct EightRange {
  uint8_t first, last;
  std::string_view server;
};
constexpr std::array<EightRange, 63> kV4 = {{
    {1, 1, "whois.apnic.net"},       {2, 2, "whois.ripe.net"},
    {3, 4, "whois.arin.net"},        {5, 5, "whois.ripe.net"},
    {6, 9, "whois.arin.net"},        {11, 13, "whois.arin.net"},
    {14, 14, "whois.apnic.net"},     {15, 24, "whois.arin.net"},
    {26, 26, "whois.arin.net"},      {27, 27, "whois.apnic.net"},
    {28, 30, "whois.arin.net"},      {31, 31, "whois.ripe.net"},
    {32, 35, "whois.arin.net"},      {36, 36, "whois.apnic.net"},
    {37, 37, "whois.ripe.net"},      {38, 38, "whois.arin.net"},
    {39, 39, "whois.apnic.net"},     {40, 40, "whois.arin.net"},
    {41, 41, "whois.afrinic.net"},   {42, 42, "whois.apnic.net"},
    {44, 45, "whois.arin.net"},      {46, 46, "whois.ripe.net"},
    {47, 48, "whois.arin.net"},      {49, 49, "whois.apnic.net"},
    {50, 50, "whois.arin.net"},      {52, 57, "whois.arin.net"},
    {58, 61, "whois.apnic.net"},     {62, 62, "whois.ripe.net"},
    {63, 76, "whois.arin.net"},      {77, 95, "whois.ripe.net"},
    {96, 100, "whois.arin.net"},     {101, 101, "whois.apnic.net"},
    {102, 102, "whois.afrinic.net"}, {103, 103, "whois.apnic.net"},
    {104, 104, "whois.arin.net"},    {105, 105, "whois.afrinic.net"},
    {106, 106, "whois.apnic.net"},   {107, 108, "whois.arin.net"},
    {109, 109, "whois.ripe.net"},    {110, 126, "whois.apnic.net"},
    {173, 174, "whois.arin.net"},    {175, 175, "whois.apnic.net"},
    {176, 176, "whois.ripe.net"},    {177, 177, "whois.lacnic.net"},
    {178, 178, "whois.ripe.net"},    {179, 179, "whois.lacnic.net"},
    {180, 180, "whois.apnic.net"},   {181, 181, "whois.lacnic.net"},
    {182, 183, "whois.apnic.net"},   {184, 184, "whois.arin.net"},
    {185, 185, "whois.ripe.net"},    {186, 187, "whois.lacnic.net"},
    {188, 188, "whois.ripe.net"},    {189, 191, "whois.lacnic.net"},
    {193, 195, "whois.ripe.net"},    {197, 197, "whois.afrinic.net"},
    {200, 201, "whois.lacnic.net"},  {202, 203, "whois.apnic.net"},
    {204, 209, "whois.arin.net"},    {210, 211, "whois.apnic.net"},
    {212, 213, "whois.ripe.net"},    {217, 217, "whois.ripe.net"},
    {218, 223, "whois.apnic.net"},
}};

constexpr std::array<std::pair<std::string_view, std::string_view>, 10> kV6 = {{
    {"2001:200::/23", "whois.apnic.net"},
    {"2001:400::/23", "whois.arin.net"},
    {"2001:600::/23", "whois.ripe.net"},
    {"2001:1200::/23", "whois.lacnic.net"},
    {"2001:4200::/23", "whois.afrinic.net"},
    {"2400::/12", "whois.apnic.net"},
    {"2600::/12", "whois.arin.net"},
    {"2800::/12", "whois.lacnic.net"},
    {"2a00::/12", "whois.ripe.net"},
    {"2c00::/12", "whois.afrinic.net"},
}};

std::string Canonical(std::string_view name) {
  std::string lower = core::AsciiLower(name);
  for (const auto& [alias, canonical] : kAliases) {
    if (lower == alias) return std::string(canonical);
  }
  return lower;
}

std::optional<WhoisEndpoint> ParseHostPort(const std::string& name, const std::string& text) {
  size_t colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0) return std::nullopt;
  std::string host = text.substr(0, colon);
  if (host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  int port = 0;
  auto [ptr, ec] = std::from_chars(text.data() + colon + 1, text.data() + text.size(), port);
  if (ec != std::errc() || ptr != text.data() + text.size() || port < 1 || port > 65535)
    return std::nullopt;
  return WhoisEndpoint{name, host, port};
}

}  // namespace

const WhoisServerInfo* FindWhoisServer(std::string_view name) {
  std::string canonical = Canonical(name);
  for (const WhoisServerInfo& s : kServers) {
    if (s.name == canonical) return &s;
  }
  return nullptr;
}

std::string_view FirstWhoisServer(const core::IpAddress& address) {
  if (address.is_v4()) {
    uint8_t top = static_cast<uint8_t>(address.v4() >> 24);
    for (const EightRange& r : kV4) {
      if (top >= r.first && top <= r.last) return r.server;
    }
    return kIanaWhois;
  }
  for (const auto& [prefix, server] : kV6) {
    if (core::IpPrefix::Parse(prefix)->Contains(address)) return server;
  }
  return kIanaWhois;
}

std::string WhoisQueryFor(const WhoisServerInfo& server, const core::IpAddress& address) {
  return std::string(server.prefix) + address.ToString() + std::string(server.suffix);
}

WhoisDirectory::WhoisDirectory(const core::WhoisConfig& config) : only_listed_(config.only_listed) {
  for (const auto& [name, target] : config.servers) {
    std::string key = core::AsciiLower(name);
    size_t colon = key.rfind(':');
    std::string host_part = colon == std::string::npos ? key : key.substr(0, colon);
    servers_[Canonical(host_part) + key.substr(host_part.size())] = target;
  }
}

core::Result<WhoisEndpoint> WhoisDirectory::Resolve(std::string_view host, int port) const {
  std::string name = Canonical(host);
  std::string key = port == 43 ? name : name + ":" + std::to_string(port);
  if (auto it = servers_.find(key); it != servers_.end()) {
    auto endpoint = ParseHostPort(name, it->second);
    if (!endpoint) {
      return core::Status::InvalidArgument("server " + key + ": bad host:port '" + it->second +
                                           "' in config");
    }
    return *endpoint;
  }
  if (port != 43) {
    return core::Status::InvalidArgument("referral to " + key + " refused: port " +
                                         std::to_string(port) + " is not allowed by config");
  }
  if (only_listed_ || !FindWhoisServer(name)) {
    return core::Status::InvalidArgument("referral to " + name +
                                         " refused: not a server allowed by config");
  }
  return WhoisEndpoint{name, name, 43};
}

}  // namespace abuseflow::enrich
