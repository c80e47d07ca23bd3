#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace abuseflow::ingest {

// A received syslog message rewritten as the line a syslog daemon would have
// written to its file, which is what the format parsers read.
struct ReceivedLine {
  std::string line;  // "STAMP HOST TAG: MSG"
  std::string host;  // the sending host: the message's HOSTNAME, else the peer address
};

// Rewrites one syslog message received over the network:
//   RFC 5424  "<34>1 2026-12-01T07:12:00.1+01:00 fw kernel 12 ID - [sd] msg"
//             → "2026-12-01T07:12:00.1+01:00 fw kernel[12]: msg" (nil "-"
//             fields dropped, structured data dropped, a BOM before msg dropped);
//   RFC 3164  "<4>Dec  1 07:12:00 fw kernel: msg" → "Dec  1 07:12:00 fw kernel: msg";
//             without a HOSTNAME ("<4>Dec  1 07:12:00 kernel: msg", the tag
//             ends in ':' or has '[') the peer address is put in its place;
//   rsyslog's high-precision forward format "<4>2026-12-01T07:12:00Z fw ..."
//             is kept like RFC 3164;
//   no stamp at all: the receive time is put in front ("YYYY-MM-DDTHH:MM:SSZ").
// Line endings, NUL and other control bytes inside the message are kept (the
// parser rejects them as "binary"). Pure, thread-safe.
ReceivedLine ToLogLine(std::string_view message, std::string_view peer, int64_t now_us);

}  // namespace abuseflow::ingest
