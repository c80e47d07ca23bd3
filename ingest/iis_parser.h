#pragma once

#include <array>
#include <string>
#include <string_view>

#include "ingest/line_parser.h"

namespace abuseflow::ingest {

// Microsoft IIS logs in the W3C extended format:
//
//   #Software: Microsoft Internet Information Services 5.0
//   #Version: 1.0
//   #Date: 2001-09-18 13:12:44
//   #Fields: date time c-ip cs-username s-ip s-port cs-method cs-uri-stem cs-uri-query sc-status
//   2001-09-18 13:12:44 192.0.2.7 - 198.51.100.1 80 GET /scripts/root.exe /c+dir 404
//
// The "#Fields:" header names the space-separated columns; the parser
// learns it (see LineParser: one instance per input, one thread at a time),
// and, for logs without a "date" column (IIS 4/5 defaults), takes the date
// from "#Date:". Until a header is seen the IIS 6+ default layout is used
// ("date time s-sitename s-ip cs-method cs-uri-stem cs-uri-query s-port
// cs-username c-ip cs(User-Agent) sc-status sc-substatus sc-win32-status").
// W3C stamps are UTC.
//
// As with Apache, only worm requests are probes: ClassifyWebRequest on
// "cs-uri-stem?cs-uri-query" (Code Red I/II, Nimda) gives an event of kind
// KIND_WORM, proto TCP, src c-ip, dst s-ip and dst_port s-port when logged,
// src_port 0, sensor ctx.sensor. Other requests and header lines are
// kNotProbe. A c-ip that is a host name goes to src_host; a line without
// c-ip, time or date (no column, no "#Date:") is "malformed".
class IisParser final : public LineParser {
 public:
  static constexpr std::string_view kName = "iis";

  std::string_view name() const override { return kName; }
  ParseResult Parse(std::string_view line, const ParseContext& ctx,
                    v1::ProbeEvent* event) const override;
  bool learns_header() const override { return true; }

  // The columns read, in this order; each holds its index or kMissing.
  enum Column { kDate, kTime, kClientIp, kServerIp, kServerPort, kUriStem, kUriQuery, kColumnCount };
  static constexpr int kMissing = -1;

 private:
  void LearnHeader(std::string_view line) const;

  mutable std::array<int, kColumnCount> columns_ = {0, 1, 9, 3, 7, 5, 6};
  mutable std::string header_date_;  // "2001-09-18" from "#Date:", for logs without a date column
};

}  // namespace abuseflow::ingest
