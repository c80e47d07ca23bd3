#pragma once

#include <string_view>

#include "ingest/line_parser.h"
#include "ingest/parser_support.h"
#include "ingest/syslog_header.h"

namespace abuseflow::ingest {

// A syslog file line split for the parsers of programs that log through
// syslog (portsentry, sshd, xinetd, tcp_wrappers, snort, the BSD kernels):
//
//   "Sep 18 09:12:44 gw sshd[4242]: Failed password for root from ..."
//    header          host tag  pid   text
//
// rsyslog's "message repeated 3 times: [ TEXT]" is unwrapped to TEXT.
struct SyslogLine {
  LineCheck check;
  SyslogHeader header;
  std::string_view tag;   // "sshd" of "sshd[4242]: "; empty if the message has no tag
  std::string_view text;  // the message after the tag
};

// Checks and splits `line`. Returns false, with *result set, when the line is
// done with before any format check: rejected by CheckLine or empty.
bool SplitSyslogLine(std::string_view line, const ParseContext& ctx, SyslogLine* out,
                     ParseResult* result);

// Called once the format recognised its message: "" if the header is usable,
// else kReasonMalformed (no header) or kReasonBadTime. Sets *sensor to
// ctx.sensor, or the syslog host (kReasonBadUtf8 if that is not UTF-8).
std::string_view CheckSyslogHeader(const SyslogLine& line, const ParseContext& ctx,
                                   std::string_view* sensor);

// The text after the first occurrence of `marker` in `text`, or npos-like
// empty view with *found false.
std::string_view After(std::string_view text, std::string_view marker, bool* found);

// Splits off the first space-separated word of *rest (leading spaces skipped).
std::string_view NextWord(std::string_view* rest);

}  // namespace abuseflow::ingest
