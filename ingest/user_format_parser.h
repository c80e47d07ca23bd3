#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/config.h"
#include "core/result.h"
#include "ingest/line_parser.h"
#include "ingest/time_spec.h"

namespace re2 {
class RE2;
}

namespace abuseflow::ingest {

struct EventFields;  // parser_support.h

// A format defined in config ([[ingest.format]]), like fail2ban's
// failregex: an RE2 pattern (linear-time matching, no backtracking) with
// named groups
//
//   host (required)  the source: an address, or a host name (src_host)
//   time             the stamp, read with time_format (time_spec.h)
//   src_port, dst, dst_port, proto ("tcp", "udp", "icmp", "icmpv6" or the
//   IP protocol number; anything else is "other"), signature
//
// matched anywhere in the line (use ^...$ to anchor), or, with
// `syslog = true`, in the message after the syslog header and tag (the
// header's host is the sensor and its stamp the time when there is no time
// group). A line the pattern does not match is no probe (not counted as a
// rejection); a match with a bad address, port or time is rejected with the
// usual reason. Every event gets the configured kind, format = the name.
// Stateless after Compile: Parse is thread-safe (per input with a clock).
class UserFormatParser : public LineParser {
 public:
  // InvalidArgument naming the config key for a pattern that does not
  // compile, unknown groups, a missing host group or a bad time_format.
  static core::Result<std::unique_ptr<UserFormatParser>> Compile(const core::FormatConfig& config);

  ~UserFormatParser() override;
  std::string_view name() const override { return name_; }
  ParseResult Parse(std::string_view line, const ParseContext& ctx,
                    v1::ProbeEvent* event) const override;

 private:
  UserFormatParser() = default;
  enum Group { kHost, kTime, kSrcPort, kDst, kDstPort, kProto, kSignature, kGroups };
  ParseResult FillFromMatch(const std::vector<std::string_view>& groups, EventFields* fields,
                            const ParseContext& ctx) const;

  std::string name_;
  std::unique_ptr<re2::RE2> re_;
  int group_index_[kGroups] = {};  // capture index per Group; 0 = absent
  int captures_ = 0;
  v1::Kind kind_ = v1::KIND_UNSPECIFIED;
  std::string signature_;
  bool syslog_ = false;
  std::unique_ptr<TimeSpec> time_;  // null without a time group
};

// MakeParser(format, formats) is declared in line_parser.h: nullptr also for
// a user format that does not compile (LoadConfig has checked it).

// Compiles every user format: the first error, naming its key
// ("ingest.format[1].pattern: ..."), or one whose name is a built-in's.
core::Status CheckUserFormats(const std::vector<core::FormatConfig>& formats);

}  // namespace abuseflow::ingest
