#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "ingest/line_parser.h"

namespace abuseflow::ingest {

// Recognises the format of each line among the built-in ones and hands the
// line to that format's parser, so one input may mix formats (a syslog file
// with sshd, portsentry, kernel and snort lines). The event's `format` is
// the format that parsed it ("sshd"), not "auto".
//
// DetectFormat does cheap checks on the line's shape, in this order: JSON
// ('{': EVE when it has "event_type", else Zeek JSON), header lines ('#':
// Zeek's "#fields"-style directives, else W3C), tab-separated lines (DShield
// when they start with a date, else Zeek TSV), Snort/Suricata fast alerts
// ("MM/DD" stamp and "[**]"), xinetd's own file ("yy/m/d@"), W3C data lines
// ("yyyy-mm-dd hh:mm:ss"), portsentry 2.0's own file, tcpdump's pf lines,
// Apache/NCSA ("host ... [stamp] \"request"), then syslog lines by tag and
// message (netfilter "IN= OUT=", portsentry, tcp_wrappers "refused connect
// from", sshd, xinetd, log_in_vain, ipfw, snort/suricata, pf).
//
// A line no check recognises is kNotProbe ("no-probe"). The instance owns
// one parser per format, including the header-learning ones (iis, zeek),
// so it learns headers too: one instance per input, one thread at a time.
class AutoParser final : public LineParser {
 public:
  static constexpr std::string_view kName = "auto";

  AutoParser();

  std::string_view name() const override { return kName; }
  ParseResult Parse(std::string_view line, const ParseContext& ctx,
                    v1::ProbeEvent* event) const override;
  bool learns_header() const override { return true; }

  // The canonical name of the format `line` looks like, or "" if none.
  // Pure; does not look at more than the line's shape.
  static std::string_view DetectFormat(std::string_view line);

 private:
  std::vector<std::unique_ptr<LineParser>> parsers_;  // one per built-in format except auto
};

}  // namespace abuseflow::ingest
