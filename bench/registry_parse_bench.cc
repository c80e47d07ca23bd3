// Answers per second through the registry answer parsers, on the fixture
// answers of tests/fixtures (the registries' real formats).
#include <benchmark/benchmark.h>

#include <fstream>
#include <sstream>
#include <string>

#include "core/ip_address.h"
#include "enrich/rdap_parser.h"
#include "enrich/whois_parser.h"

namespace abuseflow::enrich {
namespace {

std::string Fixture(const std::string& path) {
  std::ifstream in(std::string(ABUSEFLOW_FIXTURES) + "/" + path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void RunWhois(benchmark::State& state, WhoisFormat format, const std::string& path,
              const char* address) {
  const std::string text = Fixture(path);
  const core::IpAddress ip = *core::IpAddress::Parse(address);
  if (!ParseWhoisAnswer(format, text, ip).record) {
    state.SkipWithError(("no record in " + path).c_str());
    return;
  }
  for (auto _ : state) benchmark::DoNotOptimize(ParseWhoisAnswer(format, text, ip));
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(text.size()));
}

// RIPE: an inetnum with its organisation, role and "% Abuse contact" line.
void BM_ParseWhoisRipe(benchmark::State& state) {
  RunWhois(state, WhoisFormat::kRpsl, "whois/ripe_194_160.txt", "194.160.0.5");
}
BENCHMARK(BM_ParseWhoisRipe);

// ARIN: NetRange, Organization and its OrgAbuse* section.
void BM_ParseWhoisArin(benchmark::State& state) {
  RunWhois(state, WhoisFormat::kArin, "whois/arin_8_18.txt", "8.18.1.1");
}
BENCHMARK(BM_ParseWhoisArin);

// APNIC: RPSL with an irt object.
void BM_ParseWhoisApnic(benchmark::State& state) {
  RunWhois(state, WhoisFormat::kRpsl, "whois/apnic_203_119.txt", "203.119.81.9");
}
BENCHMARK(BM_ParseWhoisApnic);

// RDAP: an "ip network" object with nested entities and vCards (JSON).
void BM_ParseRdapNetwork(benchmark::State& state) {
  const std::string body = Fixture("rdap/arin_23_5.json");
  if (!ParseRdapNetwork(body).ok()) {
    state.SkipWithError("arin_23_5.json does not parse");
    return;
  }
  for (auto _ : state) benchmark::DoNotOptimize(ParseRdapNetwork(body));
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(body.size()));
}
BENCHMARK(BM_ParseRdapNetwork);

}  // namespace
}  // namespace abuseflow::enrich
