#include "ingest/netfilter_parser.h"

#include <cstdint>

#include "core/ip_address.h"
#include "ingest/parser_support.h"
#include "ingest/port_worms.h"
#include "ingest/syslog_header.h"

namespace abuseflow::ingest {
namespace {

constexpr uint32_t kMaxPort = 65535;

// The packet fields of one LOG line, as written.
struct PacketFields {
  std::string_view src;
  std::string_view dst;
  std::string_view proto;
  std::string_view spt;
  std::string_view dpt;
};

// The validated values an event is filled from.
struct Packet {
  core::IpAddress src;
  core::IpAddress dst;
  v1::Protocol proto = v1::PROTOCOL_UNSPECIFIED;
  uint32_t src_port = 0;
  uint32_t dst_port = 0;
};

ParseResult Reject(std::string_view reason) { return {ParseOutcome::kRejected, reason}; }

// The position of the "IN=<interface> OUT=" pair that opens every LOG line.
size_t FindPacketStart(std::string_view message) {
  constexpr std::string_view kIn = "IN=";
  for (size_t pos = message.find(kIn); pos != std::string_view::npos;
       pos = message.find(kIn, pos + 1)) {
    const size_t value_end = message.find(' ', pos + kIn.size());
    if (value_end == std::string_view::npos) return std::string_view::npos;
    if (message.substr(value_end + 1, 4) == "OUT=") return pos;
  }
  return std::string_view::npos;
}

// Picks the fields out of "KEY=value" words, first one wins, up to the
// "[SRC=..." packet quoted by an ICMP error.
PacketFields ScanFields(std::string_view text) {
  PacketFields fields;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find(' ', pos);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view word = text.substr(pos, end - pos);
    pos = end + 1;
    if (!word.empty() && word[0] == '[') break;
    const size_t eq = word.find('=');
    if (eq == std::string_view::npos) continue;
    const std::string_view key = word.substr(0, eq);
    const std::string_view value = word.substr(eq + 1);
    std::string_view* field = key == "SRC"     ? &fields.src
                              : key == "DST"   ? &fields.dst
                              : key == "PROTO" ? &fields.proto
                              : key == "SPT"   ? &fields.spt
                              : key == "DPT"   ? &fields.dpt
                                               : nullptr;
    if (field != nullptr && field->empty()) *field = value;
  }
  return fields;
}

v1::Protocol ProtocolFromName(std::string_view name) {
  if (name == "TCP") return v1::PROTOCOL_TCP;
  if (name == "UDP") return v1::PROTOCOL_UDP;
  if (name == "ICMP") return v1::PROTOCOL_ICMP;
  if (EqualsIgnoreCase(name, "ICMPv6")) return v1::PROTOCOL_ICMPV6;
  return v1::PROTOCOL_OTHER;
}

// An absent port is 0; returns false for one that is not a port number.
bool ParsePort(std::string_view text, uint32_t* port) {
  uint32_t value = 0;
  if (text.size() > 5) return false;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    value = value * 10 + static_cast<uint32_t>(c - '0');
  }
  *port = value;
  return value <= kMaxPort;
}

// Validates the fields; returns "" or the reason to reject.
std::string_view ToPacket(const PacketFields& fields, Packet* packet) {
  std::optional<core::IpAddress> src = ParseAddress(fields.src);
  std::optional<core::IpAddress> dst = ParseAddress(fields.dst);
  if (!src || !dst) return kReasonBadAddress;
  packet->src = *src;
  packet->dst = *dst;
  packet->proto = ProtocolFromName(fields.proto);
  if (packet->proto == v1::PROTOCOL_ICMP || packet->proto == v1::PROTOCOL_ICMPV6) return {};
  if (!ParsePort(fields.spt, &packet->src_port) || !ParsePort(fields.dpt, &packet->dst_port)) {
    return kReasonMalformed;
  }
  return {};
}

void Fill(const LineCheck& check, const SyslogHeader& header, const Packet& packet,
          std::string_view sensor, const ParseContext& ctx, v1::ProbeEvent* event) {
  event->mutable_sensor()->assign(sensor);
  event->set_observed_us(header.stamp.unix_us);
  AssignAddress(packet.src, event->mutable_src());
  event->clear_src_host();
  AssignAddress(packet.dst, event->mutable_dst());
  event->set_src_port(packet.src_port);
  event->set_dst_port(packet.dst_port);
  event->set_proto(packet.proto);
  event->set_kind(v1::KIND_CONNECTION_ATTEMPT);
  event->clear_signature();
  event->mutable_format()->assign(NetfilterParser::kName);
  AssignUtf8(check.line, check.ascii, event->mutable_raw());
  SetZone(ctx, header.stamp.utc_offset_minutes, event);
  ApplyPortWormTable(event);
}

}  // namespace

ParseResult NetfilterParser::Parse(std::string_view line, const ParseContext& ctx,
                                   v1::ProbeEvent* event) const {
  const LineCheck check = CheckLine(line);
  if (!check.reject.empty()) return Reject(check.reject);
  if (check.line.empty()) return {ParseOutcome::kNotProbe, kReasonEmpty};
  const SyslogHeader header = ParseSyslogHeader(check.line, ctx);
  const size_t start = FindPacketStart(header.message);
  if (start == std::string_view::npos) return {ParseOutcome::kNotProbe, kReasonNoProbe};
  const PacketFields fields = ScanFields(header.message.substr(start));
  if (header.stamp.status == StampStatus::kMalformed || fields.src.empty() || fields.dst.empty() ||
      fields.proto.empty()) {
    return Reject(kReasonMalformed);
  }
  if (header.stamp.status == StampStatus::kBadTime) return Reject(kReasonBadTime);
  Packet packet;
  if (std::string_view reason = ToPacket(fields, &packet); !reason.empty()) return Reject(reason);
  const std::string_view sensor = ctx.sensor.empty() ? header.host : std::string_view(ctx.sensor);
  if (!check.ascii && !IsValidUtf8(sensor)) return Reject(kReasonBadUtf8);
  Fill(check, header, packet, sensor, ctx, event);
  return {ParseOutcome::kEvent, {}};
}

}  // namespace abuseflow::ingest
