#include "ingest/eve_parser.h"

#include <string>

#include "ingest/json_line.h"
#include "ingest/parser_support.h"
#include "ingest/timestamp.h"

namespace abuseflow::ingest {
namespace {

v1::Protocol ProtoFromName(std::string_view name) {
  if (EqualsIgnoreCase(name, "TCP")) return v1::PROTOCOL_TCP;
  if (EqualsIgnoreCase(name, "UDP")) return v1::PROTOCOL_UDP;
  if (EqualsIgnoreCase(name, "ICMP")) return v1::PROTOCOL_ICMP;
  if (EqualsIgnoreCase(name, "IPv6-ICMP") || EqualsIgnoreCase(name, "ICMPv6")) return v1::PROTOCOL_ICMPV6;
  return v1::PROTOCOL_OTHER;
}

// An optional port member: absent is 0; false for one out of range.
bool OptionalPort(const nlohmann::json& object, std::string_view key, uint32_t* port) {
  *port = 0;
  if (object.find(key) == object.end()) return true;
  const std::optional<uint64_t> value = JsonUnsigned(object, key);
  if (!value || *value > 65535) return false;
  *port = static_cast<uint32_t>(*value);
  return true;
}

// "gid:sid:rev message" from the "alert" member.
bool AlertSignature(const nlohmann::json& alert, std::string* signature) {
  const std::optional<uint64_t> gid = JsonUnsigned(alert, "gid");
  const std::optional<uint64_t> sid = JsonUnsigned(alert, "signature_id");
  const std::optional<uint64_t> rev = JsonUnsigned(alert, "rev");
  const std::optional<std::string_view> message = JsonString(alert, "signature");
  if (!gid || !sid || !rev || !message) return false;
  *signature = std::to_string(*gid) + ":" + std::to_string(*sid) + ":" + std::to_string(*rev) + " ";
  signature->append(*message);
  return true;
}

// Validates an alert object into *fields; returns "" or the reason.
std::string_view ReadAlert(const nlohmann::json& eve, std::string* signature, Stamp* stamp,
                           EventFields* fields) {
  const std::optional<std::string_view> ts = JsonString(eve, "timestamp");
  const std::optional<std::string_view> src = JsonString(eve, "src_ip");
  const std::optional<std::string_view> dst = JsonString(eve, "dest_ip");
  const std::optional<std::string_view> proto = JsonString(eve, "proto");
  const auto alert = eve.find("alert");
  if (!ts || !src || !dst || !proto || alert == eve.end() || !alert->is_object()) return kReasonMalformed;
  if (!AlertSignature(*alert, signature)) return kReasonMalformed;
  if (!OptionalPort(eve, "src_port", &fields->src_port) || !OptionalPort(eve, "dest_port", &fields->dst_port)) {
    return kReasonMalformed;
  }
  *stamp = ParseRfc3339Stamp(*ts);
  if (stamp->status == StampStatus::kMalformed || stamp->length != ts->size()) return kReasonMalformed;
  if (stamp->status == StampStatus::kBadTime) return kReasonBadTime;
  const std::optional<core::IpAddress> src_address = ParseAddress(*src);
  const std::optional<core::IpAddress> dst_address = ParseAddress(*dst);
  if (!src_address || !dst_address) return kReasonBadAddress;
  fields->src = *src_address;
  fields->dst = *dst_address;
  fields->proto = ProtoFromName(*proto);
  return {};
}

}  // namespace

ParseResult EveParser::Parse(std::string_view line, const ParseContext& ctx, v1::ProbeEvent* event) const {
  const LineCheck check = CheckLine(line);
  if (!check.reject.empty()) return Rejected(check.reject);
  if (check.line.empty()) return NotProbe(kReasonEmpty);
  const std::optional<nlohmann::json> eve = ParseJsonObject(check.line);
  if (!eve) return Rejected(check.ascii || IsValidUtf8(check.line) ? kReasonMalformed : kReasonBadUtf8);
  const std::optional<std::string_view> type = JsonString(*eve, "event_type");
  if (!type) return Rejected(kReasonMalformed);
  if (*type != "alert") return NotProbe();
  EventFields fields;
  std::string signature;
  Stamp stamp;
  if (std::string_view r = ReadAlert(*eve, &signature, &stamp, &fields); !r.empty()) return Rejected(r);
  const std::optional<std::string_view> host = JsonString(*eve, "host");
  fields.sensor = !ctx.sensor.empty() ? std::string_view(ctx.sensor) : host.value_or(std::string_view());
  fields.observed_us = stamp.unix_us;
  fields.utc_offset_minutes = stamp.utc_offset_minutes;
  fields.kind = v1::KIND_IDS_ALERT;
  fields.signature = signature;
  FillEvent(fields, kName, check, ctx, event);
  return Parsed();
}

}  // namespace abuseflow::ingest
