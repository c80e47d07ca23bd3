#include "ingest/user_format_parser.h"

#include <re2/re2.h>

#include "ingest/parser_support.h"
#include "ingest/syslog_line.h"

namespace abuseflow::ingest {
namespace {

constexpr const char* kGroupNames[] = {"host",     "time",  "src_port", "dst",
                                       "dst_port", "proto", "signature"};

v1::Kind KindFromName(std::string_view name) {
  if (name == "connection-attempt") return v1::KIND_CONNECTION_ATTEMPT;
  if (name == "port-scan") return v1::KIND_PORT_SCAN;
  if (name == "brute-force") return v1::KIND_BRUTE_FORCE;
  if (name == "exploit") return v1::KIND_EXPLOIT;
  if (name == "ids-alert") return v1::KIND_IDS_ALERT;
  if (name == "worm") return v1::KIND_WORM;
  return v1::KIND_UNSPECIFIED;
}

v1::Protocol ProtoFromText(std::string_view text) {
  if (EqualsIgnoreCase(text, "tcp") || text == "6") return v1::PROTOCOL_TCP;
  if (EqualsIgnoreCase(text, "udp") || text == "17") return v1::PROTOCOL_UDP;
  if (EqualsIgnoreCase(text, "icmp") || text == "1") return v1::PROTOCOL_ICMP;
  if (EqualsIgnoreCase(text, "icmpv6") || EqualsIgnoreCase(text, "ipv6-icmp") || text == "58") {
    return v1::PROTOCOL_ICMPV6;
  }
  return text.empty() ? v1::PROTOCOL_UNSPECIFIED : v1::PROTOCOL_OTHER;
}

core::Status KeyError(const core::FormatConfig& c, const char* key, const std::string& why) {
  return core::Status::InvalidArgument("format '" + c.name + "': key '" + key + "': " + why);
}

}  // namespace

UserFormatParser::~UserFormatParser() = default;

core::Result<std::unique_ptr<UserFormatParser>> UserFormatParser::Compile(
    const core::FormatConfig& config) {
  std::unique_ptr<UserFormatParser> p(new UserFormatParser());  // private constructor
  p->name_ = config.name;
  RE2::Options options;
  options.set_log_errors(false);
  p->re_ = std::make_unique<RE2>(config.pattern, options);
  if (!p->re_->ok()) return KeyError(config, "pattern", "does not compile: " + p->re_->error());
  p->captures_ = p->re_->NumberOfCapturingGroups();
  for (const auto& [group, index] : p->re_->NamedCapturingGroups()) {
    bool known = false;
    for (int g = 0; g < kGroups; ++g) {
      if (group == kGroupNames[g]) p->group_index_[g] = index, known = true;
    }
    if (!known) return KeyError(config, "pattern", "unknown group '" + group + "'");
  }
  if (p->group_index_[kHost] == 0) return KeyError(config, "pattern", "has no (?P<host>...) group");
  p->kind_ = KindFromName(config.kind);
  if (p->kind_ == v1::KIND_UNSPECIFIED)
    return KeyError(config, "kind", "unknown kind '" + config.kind + "'");
  p->syslog_ = config.syslog;
  p->signature_ = config.signature;
  if (p->group_index_[kTime] != 0) {
    auto spec = TimeSpec::Compile(config.time_format);
    if (!spec.ok()) return KeyError(config, "time_format", spec.status().message());
    p->time_ = std::make_unique<TimeSpec>(std::move(spec).value());
  } else if (!p->syslog_) {
    return KeyError(config, "pattern", "has no (?P<time>...) group and syslog is not set");
  }
  return p;
}

ParseResult UserFormatParser::FillFromMatch(const std::vector<std::string_view>& groups,
                                            EventFields* f, const ParseContext& ctx) const {
  auto group = [&](Group g) {
    return group_index_[g] == 0 ? std::string_view() : groups[group_index_[g]];
  };
  const std::string_view host = group(kHost);
  if (host.empty()) return Rejected(kReasonMalformed);
  if (std::string_view r = ParseSourceOrName(host, &f->src, &f->src_host); !r.empty())
    return Rejected(r);
  if (time_) {
    const Stamp stamp = time_->Parse(group(kTime), ctx);
    if (stamp.status != StampStatus::kOk) {
      return Rejected(stamp.status == StampStatus::kBadTime ? kReasonBadTime : kReasonMalformed);
    }
    f->observed_us = stamp.unix_us;
    f->utc_offset_minutes = stamp.utc_offset_minutes;
  }
  if (!group(kSrcPort).empty() && !ParsePortNumber(group(kSrcPort), &f->src_port))
    return Rejected(kReasonMalformed);
  if (!group(kDstPort).empty() && !ParsePortNumber(group(kDstPort), &f->dst_port))
    return Rejected(kReasonMalformed);
  if (!group(kDst).empty()) {
    f->dst = ParseAddress(group(kDst));
    if (!f->dst) return Rejected(kReasonBadAddress);
  }
  f->proto = ProtoFromText(group(kProto));
  f->kind = kind_;
  f->signature = group(kSignature).empty() ? std::string_view(signature_) : group(kSignature);
  if (!IsValidUtf8(f->signature)) return Rejected(kReasonBadUtf8);
  return Parsed();
}

ParseResult UserFormatParser::Parse(std::string_view line, const ParseContext& ctx,
                                    v1::ProbeEvent* event) const {
  SyslogLine syslog;
  ParseResult result;
  std::string_view text;
  if (syslog_) {
    if (!SplitSyslogLine(line, ctx, &syslog, &result)) return result;
    text = syslog.text;
  } else {
    syslog.check = CheckLine(line);
    if (!syslog.check.reject.empty()) return Rejected(syslog.check.reject);
    if (syslog.check.line.empty()) return NotProbe(kReasonEmpty);
    text = syslog.check.line;
  }
  std::vector<re2::StringPiece> pieces(static_cast<size_t>(captures_) + 1);
  if (!re_->Match(text, 0, text.size(), RE2::UNANCHORED, pieces.data(),
                  static_cast<int>(pieces.size()))) {
    return NotProbe();
  }
  std::vector<std::string_view> groups(pieces.begin(), pieces.end());
  EventFields fields;
  fields.sensor = ctx.sensor;
  if (syslog_) {
    if (std::string_view r = CheckSyslogHeader(syslog, ctx, &fields.sensor); !r.empty())
      return Rejected(r);
    fields.observed_us = syslog.header.stamp.unix_us;
    fields.utc_offset_minutes = syslog.header.stamp.utc_offset_minutes;
  }
  result = FillFromMatch(groups, &fields, ctx);
  if (result.outcome != ParseOutcome::kEvent) return result;
  FillEvent(fields, name_, syslog.check, ctx, event);
  return Parsed();
}

std::unique_ptr<LineParser> MakeParser(std::string_view format,
                                       const std::vector<core::FormatConfig>& formats) {
  if (std::unique_ptr<LineParser> builtin = MakeParser(format)) return builtin;
  for (const core::FormatConfig& f : formats) {
    if (f.name != format) continue;
    auto parser = UserFormatParser::Compile(f);
    if (parser.ok()) return std::move(parser).value();
    return nullptr;
  }
  return nullptr;
}

core::Status CheckUserFormats(const std::vector<core::FormatConfig>& formats) {
  for (size_t i = 0; i < formats.size(); ++i) {
    const std::string key = "ingest.format[" + std::to_string(i) + "]";
    if (MakeParser(formats[i].name)) {
      return core::Status::InvalidArgument("key '" + key + ".name': '" + formats[i].name +
                                           "' is a built-in format");
    }
    auto parser = UserFormatParser::Compile(formats[i]);
    if (!parser.ok()) return core::Status::InvalidArgument(key + ": " + parser.status().message());
  }
  return core::Status::Ok();
}

}  // namespace abuseflow::ingest
