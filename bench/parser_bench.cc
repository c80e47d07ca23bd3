// Lines per second through each parser, on lines shaped like a worm flood.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "ingest/line_parser.h"

namespace abuseflow::ingest {
namespace {

std::vector<std::string> ApacheLines() {
  std::vector<std::string> lines;
  for (int i = 0; i < 256; ++i) {
    const std::string host = "198.18." + std::to_string(i) + "." + std::to_string(i * 7 % 250 + 1);
    lines.push_back(host + " - - [18/Sep/2001:09:12:44 -0400] \"GET /scripts/..%255c../winnt/system32/cmd.exe?/c+dir HTTP/1.0\" 404 284 \"-\" \"-\"");
    lines.push_back(host + " - - [18/Sep/2001:09:12:45 -0400] \"GET /default.ida?" + std::string(224, 'X') +
                    "%u9090%u6858%ucbd3%u7801%u9090%u6858%ucbd3%u7801%u9090%u6858%ucbd3%u7801%u9090%u9090"
                    "%u8190%u00c3%u0003%u8b00%u531b%u53ff%u0078%u0000%u00=a HTTP/1.0\" 404 284");
    lines.push_back(host + " - - [18/Sep/2001:09:12:46 -0400] \"GET /index.html HTTP/1.0\" 200 5120 \"-\" \"Mozilla/4.0\"");
  }
  return lines;
}

std::vector<std::string> NetfilterLines() {
  std::vector<std::string> lines;
  for (int i = 0; i < 256; ++i) {
    lines.push_back("Sep 18 09:12:44 fw1 kernel: [1234567.123456] DROP-IN: IN=eth0 OUT= "
                    "MAC=00:11:22:33:44:55:66:77:88:99:aa:bb:08:00 SRC=198.18." + std::to_string(i) +
                    ".7 DST=192.0.2.10 LEN=48 TOS=0x00 PREC=0x00 TTL=113 ID=12345 DF PROTO=TCP "
                    "SPT=3127 DPT=80 WINDOW=8192 RES=0x00 SYN URGP=0");
  }
  return lines;
}

void RunParser(benchmark::State& state, const char* format, const std::vector<std::string>& lines) {
  auto parser = MakeParser(format);
  ParseContext ctx;
  ctx.sensor = "bench";
  ctx.default_year = 2001;
  v1::ProbeEvent event;
  size_t i = 0;
  int64_t bytes = 0;
  for (auto _ : state) {
    const std::string& line = lines[i++ % lines.size()];
    benchmark::DoNotOptimize(parser->Parse(line, ctx, &event));
    bytes += static_cast<int64_t>(line.size());
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(bytes);
}

void BM_ApacheParse(benchmark::State& state) {
  static const std::vector<std::string> lines = ApacheLines();
  RunParser(state, "apache", lines);
}
BENCHMARK(BM_ApacheParse);

void BM_NetfilterParse(benchmark::State& state) {
  static const std::vector<std::string> lines = NetfilterLines();
  RunParser(state, "netfilter", lines);
}
BENCHMARK(BM_NetfilterParse);

}  // namespace
}  // namespace abuseflow::ingest
