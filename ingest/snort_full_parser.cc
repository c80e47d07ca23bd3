#include "ingest/snort_full_parser.h"

#include "ingest/parser_support.h"
#include "ingest/snort_alert.h"
#include "ingest/syslog_line.h"

namespace abuseflow::ingest {
namespace {

// The validated packet of a record.
struct Packet {
  Stamp stamp;
  core::IpAddress src;
  core::IpAddress dst;
  uint32_t src_port = 0;
  uint32_t dst_port = 0;
};

// "09/18-09:12:44.123456 SRC -> DST"; returns "" or the reason. TCP and UDP
// addresses always carry a port (`ports_optional` false), which settles
// IPv6 "2001:db8::7:1046".
std::string_view ParsePacketLine(std::string_view line, const ParseContext& ctx, bool ports_optional,
                                 Packet* packet) {
  packet->stamp = ParseSnortStamp(line, ctx);
  if (packet->stamp.status == StampStatus::kMalformed || line.substr(packet->stamp.length, 1) != " ") {
    return kReasonMalformed;
  }
  if (packet->stamp.status == StampStatus::kBadTime) return kReasonBadTime;
  std::string_view rest = line.substr(packet->stamp.length + 1);
  const std::string_view src = NextWord(&rest);
  if (NextWord(&rest) != "->") return kReasonMalformed;
  const std::string_view dst = NextWord(&rest);
  if (!rest.empty()) return kReasonMalformed;
  std::string_view reason = ParseEndpoint(src, ':', ports_optional, &packet->src, &packet->src_port);
  if (reason.empty()) reason = ParseEndpoint(dst, ':', ports_optional, &packet->dst, &packet->dst_port);
  return reason;
}

}  // namespace

ParseResult SnortFullParser::ReadHeader(std::string_view line) const {
  const bool cut_short = state_ != State::kIdle;
  state_ = State::kIdle;
  const size_t id_end = line.find("] ", 5);
  const size_t msg_end = line.rfind(" [**]");
  if (id_end == std::string_view::npos || msg_end == std::string_view::npos || msg_end < id_end ||
      !IsRuleId(line.substr(6, id_end - 6))) {
    return Rejected(kReasonMalformed);
  }
  signature_.assign(line.substr(6, id_end - 6)).append(" ").append(line.substr(id_end + 2, msg_end - id_end - 2));
  if (!IsValidUtf8(signature_)) return Rejected(kReasonBadUtf8);
  header_line_.assign(line);
  state_ = State::kHeader;
  return cut_short ? Rejected(kReasonMalformed) : NotProbe();
}

ParseResult SnortFullParser::ReadPacket(std::string_view line, const ParseContext& ctx) const {
  Packet packet;
  if (std::string_view r = ParsePacketLine(line, ctx, true, &packet); !r.empty()) {
    state_ = State::kIdle;
    return Rejected(r);
  }
  packet_line_.assign(line);
  state_ = State::kPacket;
  return NotProbe();
}

ParseResult SnortFullParser::ReadProtocol(std::string_view line, const ParseContext& ctx,
                                          v1::ProbeEvent* event) const {
  state_ = State::kIdle;
  EventFields fields;
  fields.proto = SnortProtocol(line.substr(0, line.find(' ')));
  const bool ported = fields.proto == v1::PROTOCOL_TCP || fields.proto == v1::PROTOCOL_UDP;
  Packet packet;
  if (std::string_view r = ParsePacketLine(packet_line_, ctx, !ported, &packet); !r.empty()) return Rejected(r);
  fields.sensor = ctx.sensor;
  fields.observed_us = packet.stamp.unix_us;
  fields.utc_offset_minutes = packet.stamp.utc_offset_minutes;
  fields.src = packet.src;
  fields.dst = packet.dst;
  fields.src_port = ported ? packet.src_port : 0;
  fields.dst_port = ported ? packet.dst_port : 0;
  fields.kind = v1::KIND_IDS_ALERT;
  fields.signature = signature_;
  const std::string record = header_line_ + " | " + packet_line_ + " | " + std::string(line);
  LineCheck check;  // each part passed CheckLine; the joined record may exceed one line's limit
  check.line = record;
  check.ascii = false;  // let AssignUtf8 check it
  FillEvent(fields, kName, check, ctx, event);
  return Parsed();
}

ParseResult SnortFullParser::Parse(std::string_view line, const ParseContext& ctx,
                                   v1::ProbeEvent* event) const {
  const LineCheck check = CheckLine(line);
  if (!check.reject.empty()) return Rejected(check.reject);
  if (check.line.empty()) {
    state_ = State::kIdle;
    return NotProbe(kReasonEmpty);
  }
  const std::string_view text = check.line;
  if (text.substr(0, 6) == "[**] [") return ReadHeader(text);
  if (state_ == State::kHeader && text[0] >= '0' && text[0] <= '9') return ReadPacket(text, ctx);
  if (state_ == State::kPacket && text.find(" TTL:") != std::string_view::npos) {
    return ReadProtocol(text, ctx, event);
  }
  return NotProbe();
}

}  // namespace abuseflow::ingest
