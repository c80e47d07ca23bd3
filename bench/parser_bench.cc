// Lines per second through each parser, on lines shaped like a worm flood.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "core/config.h"
#include "ingest/line_parser.h"
#include "ingest/user_format_parser.h"

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

// 256 lines from `head` + a source octet + `tail` (the parsers of issue 3).
std::vector<std::string> Varied(const std::string& head, const std::string& tail) {
  std::vector<std::string> lines;
  for (int i = 0; i < 256; ++i) lines.push_back(head + std::to_string(i) + tail);
  return lines;
}

// One benchmark per format; `format` is the MakeParser name.
void BM_FormatParse(benchmark::State& state, const char* format, const char* head, const char* tail) {
  const std::vector<std::string> lines = Varied(head, tail);
  RunParser(state, format, lines);
}
BENCHMARK_CAPTURE(BM_FormatParse, portsentry, "portsentry",
                  "Sep 18 09:12:44 gw portsentry[412]: attackalert: SYN/Normal scan from host: 198.18.0.",
                  "/198.18.0.7 to TCP port: 23");
BENCHMARK_CAPTURE(BM_FormatParse, sshd, "sshd",
                  "Sep 18 09:12:44 gw sshd[4242]: Failed password for invalid user admin from 198.18.0.",
                  " port 40022 ssh2");
BENCHMARK_CAPTURE(BM_FormatParse, xinetd, "xinetd", "Sep 18 09:12:44 gw xinetd[310]: START: telnet pid=4567 from=198.18.0.", "");
BENCHMARK_CAPTURE(BM_FormatParse, tcpwrappers, "tcpwrappers",
                  "Sep 18 09:12:44 gw in.telnetd[4567]: refused connect from 198.18.0.", "");
BENCHMARK_CAPTURE(BM_FormatParse, snort, "snort",
                  "09/18-09:12:44.123456  [**] [1:2003:8] MS-SQL Worm propagation attempt [**] [Classification: "
                  "Misc Attack] [Priority: 2] {UDP} 198.18.0.",
                  ":1046 -> 192.0.2.10:1434");
BENCHMARK_CAPTURE(BM_FormatParse, suricata_eve, "suricata-eve",
                  R"({"timestamp":"2001-09-18T09:12:44.123456-0400","flow_id":1234567,"in_iface":"eth0","event_type":"alert","src_ip":"198.18.0.)",
                  R"(","src_port":1046,"dest_ip":"192.0.2.10","dest_port":1434,"proto":"UDP","alert":{"action":"allowed","gid":1,"signature_id":2003,"rev":8,"signature":"MS-SQL Worm propagation attempt","severity":2}})");
BENCHMARK_CAPTURE(BM_FormatParse, log_in_vain, "log_in_vain",
                  "Sep 18 09:12:44 bsd kernel: Connection attempt to TCP 192.0.2.1:23 from 198.18.0.", ":4321 flags:0x02");
BENCHMARK_CAPTURE(BM_FormatParse, pf, "pf", "Sep 18 09:12:44.123456 rule 2/(match) block in on em0: 198.18.0.",
                  ".4321 > 192.0.2.1.23: S 2413906:2413906(0) win 16384 <mss 1460> (DF)");
BENCHMARK_CAPTURE(BM_FormatParse, ipfw, "ipfw", "Sep 18 09:12:44 fw kernel: ipfw: 100 Deny TCP 198.18.0.",
                  ":4321 192.0.2.1:23 in via fxp0");
BENCHMARK_CAPTURE(BM_FormatParse, iis, "iis", "2001-09-18 13:12:44 W3SVC1 192.0.2.1 GET /scripts/root.exe /c+dir 80 - 198.18.0.",
                  " - 404 0 2");
BENCHMARK_CAPTURE(BM_FormatParse, zeek, "zeek", "1000818764.123456\tCHhAvVGS1DHFjwGM9\t198.18.0.",
                  "\t4321\t192.0.2.1\t23\ttcp\t-\t-\t-\t-\tS0\t-\t-\t0\tS\t1\t48\t0\t0\t-");
BENCHMARK_CAPTURE(BM_FormatParse, zeek_json, "zeek-json", R"({"ts":1000818764.123456,"uid":"C1","id.orig_h":"198.18.0.)",
                  R"(","id.orig_p":4321,"id.resp_h":"192.0.2.1","id.resp_p":23,"proto":"tcp","conn_state":"S0"})");
BENCHMARK_CAPTURE(BM_FormatParse, dshield, "dshield", "2001-09-18 09:12:44 -04:00\t12345\t1\t198.18.0.",
                  "\t4321\t192.0.2.1\t23\t6\tS");
void BM_SnortFullParse(benchmark::State& state) {
  std::vector<std::string> lines;
  for (int i = 0; i < 64; ++i) {
    lines.push_back("[**] [1:2003:8] MS-SQL Worm propagation attempt [**]");
    lines.push_back("[Classification: Misc Attack] [Priority: 2] ");
    lines.push_back("09/18-09:12:44.123456 198.18.0." + std::to_string(i) + ":1046 -> 192.0.2.10:1434");
    lines.push_back("UDP TTL:117 TOS:0x0 ID:39355 IpLen:20 DgmLen:404");
    lines.push_back("");
  }
  RunParser(state, "snort-full", lines);  // items are lines; one event per 5
}
BENCHMARK(BM_SnortFullParse);
BENCHMARK_CAPTURE(BM_FormatParse, auto_sshd, "auto",
                  "Sep 18 09:12:44 gw sshd[4242]: Failed password for invalid user admin from 198.18.0.",
                  " port 40022 ssh2");

// A user-defined format (RE2, fail2ban-style sshd filter after the syslog header).
void BM_UserFormatParse(benchmark::State& state) {
  core::FormatConfig f;
  f.name = "f2b-sshd";
  f.kind = "brute-force";
  f.syslog = true;
  f.pattern = R"(^(?:Failed \S+ for (?:invalid user )?\S+|Invalid user \S+) from (?P<host>\S+)(?: port (?P<src_port>\d+))?)";
  auto parser = std::move(UserFormatParser::Compile(f)).value();
  const std::vector<std::string> lines =
      Varied("Sep 18 09:12:44 gw sshd[4242]: Failed password for invalid user admin from 198.18.0.", " port 40022 ssh2");
  ParseContext ctx;
  ctx.default_year = 2001;
  v1::ProbeEvent event;
  size_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(parser->Parse(lines[i++ % lines.size()], ctx, &event));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_UserFormatParse);

// netfilter with an IANA zone (offset and abbreviation per stamp) and year inference.
void BM_NetfilterParseZoneAndYearInference(benchmark::State& state) {
  static const std::vector<std::string> lines = NetfilterLines();
  auto parser = MakeParser("netfilter");
  ParseContext ctx;
  core::InputConfig input;
  input.time_zone = "America/New_York";
  ConfigureContext(input, &ctx);
  v1::ProbeEvent event;
  size_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(parser->Parse(lines[i++ % lines.size()], ctx, &event));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_NetfilterParseZoneAndYearInference);

}  // namespace
}  // namespace abuseflow::ingest
