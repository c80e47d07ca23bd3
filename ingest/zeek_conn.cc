#include "ingest/zeek_conn.h"

namespace abuseflow::ingest {
namespace {

v1::Protocol ProtoFromName(std::string_view name) {
  if (name == "tcp") return v1::PROTOCOL_TCP;
  if (name == "udp") return v1::PROTOCOL_UDP;
  if (name == "icmp") return v1::PROTOCOL_ICMP;
  return v1::PROTOCOL_OTHER;
}

bool OptionalPort(std::string_view text, uint32_t* port) {
  *port = 0;
  return text == "-" || ParsePortNumber(text, port);
}

}  // namespace

bool IsAttemptState(std::string_view s) {
  return s == "S0" || s == "REJ" || s == "RSTOS0" || s == "RSTRH" || s == "SH" || s == "SHR";
}

ParseResult ZeekConnToFields(const ZeekConnFields& conn, Stamp* stamp, EventFields* fields) {
  if (conn.ts.empty() || conn.orig_h.empty() || conn.resp_h.empty() || conn.conn_state.empty()) {
    return Rejected(kReasonMalformed);
  }
  *stamp = conn.ts.size() > 4 && conn.ts[4] == '-' ? ParseRfc3339Stamp(conn.ts) : ParseEpochStamp(conn.ts);
  if (stamp->status == StampStatus::kMalformed || stamp->length != conn.ts.size()) return Rejected(kReasonMalformed);
  if (stamp->status == StampStatus::kBadTime) return Rejected(kReasonBadTime);
  if (!IsAttemptState(conn.conn_state)) return NotProbe();
  const std::optional<core::IpAddress> src = ParseAddress(conn.orig_h);
  const std::optional<core::IpAddress> dst = ParseAddress(conn.resp_h);
  if (!src || !dst) return Rejected(kReasonBadAddress);
  if (!OptionalPort(conn.orig_p, &fields->src_port) || !OptionalPort(conn.resp_p, &fields->dst_port)) {
    return Rejected(kReasonMalformed);
  }
  fields->src = *src;
  fields->dst = *dst;
  fields->proto = ProtoFromName(conn.proto);
  if (fields->proto == v1::PROTOCOL_ICMP) {
    if (!src->is_v4()) fields->proto = v1::PROTOCOL_ICMPV6;
    fields->src_port = fields->dst_port = 0;  // Zeek's ICMP "ports" are type and code
  }
  fields->kind = v1::KIND_CONNECTION_ATTEMPT;
  fields->observed_us = stamp->unix_us;
  fields->utc_offset_minutes = stamp->utc_offset_minutes;
  return Parsed();
}

}  // namespace abuseflow::ingest
