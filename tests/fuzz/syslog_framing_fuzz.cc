// libFuzzer target for the syslog receiver's pure parts: the input is a TCP
// stream, split by SyslogFramer (RFC 6587) once in one piece and once in
// 7-byte pieces (SplitSyslogStream); both must give the same frames, no
// message may exceed the limit, and every message is rewritten by ToLogLine,
// which must name a host. Aborts on a broken contract.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "ingest/syslog_framing.h"
#include "ingest/syslog_message.h"

namespace {

using abuseflow::ingest::FrameResult;

constexpr size_t kMax = 256;

std::vector<std::string> WholeStream(std::string_view stream) {
  std::vector<std::string> out;
  abuseflow::ingest::SyslogFramer framer(kMax);
  framer.Feed(stream);
  std::string_view m;
  for (FrameResult r; (r = framer.Next(&m)) != FrameResult::kNeedMore;) {
    out.push_back(std::to_string(static_cast<int>(r)) + (r == FrameResult::kMessage ? std::string(m) : ""));
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view stream(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> pieces;
  abuseflow::ingest::SplitSyslogStream(stream, kMax, [&](FrameResult r, std::string_view m) {
    if (m.size() > kMax) std::abort();
    pieces.push_back(std::to_string(static_cast<int>(r)) + (r == FrameResult::kMessage ? std::string(m) : ""));
    if (r == FrameResult::kMessage && abuseflow::ingest::ToLogLine(m, "192.0.2.1", 0).host.empty()) std::abort();
  });
  if (pieces != WholeStream(stream)) std::abort();
  return 0;
}
