#include "ingest/host_resolver.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "ingest/parser_test_util.h"
#include "ingest/sshd_parser.h"
#include "ingest/tcpwrappers_parser.h"

namespace abuseflow::ingest {
namespace {

using testing_util::AddressBytes;

bool IsLoopback(const std::string& bytes) {
  return bytes == AddressBytes("127.0.0.1") || bytes == AddressBytes("::1");
}

// Only "localhost" (/etc/hosts): nothing leaves the machine.
TEST(HostResolverTest, LocalhostResolvesToLoopbackAndIsCached) {
  HostResolver resolver;
  auto first = resolver.Resolve("localhost");
  ASSERT_TRUE(first.has_value());
  EXPECT_TRUE(IsLoopback(first->ToBytes())) << first->ToString();
  EXPECT_TRUE(resolver.Resolve("localhost").has_value());
  EXPECT_EQ(resolver.lookups(), 1u);
}

TEST(HostResolverTest, HostNameIsKeptWithoutResolver) {
  SshdParser parser;
  ParseContext ctx;
  ctx.default_year = 2001;
  v1::ProbeEvent event;
  const std::string line =
      "Sep 18 09:12:44 gw sshd[4242]: Failed password for root from localhost port 4711 ssh2";
  ASSERT_EQ(parser.Parse(line, ctx, &event).outcome, ParseOutcome::kEvent);
  EXPECT_EQ(event.src(), "");
  EXPECT_EQ(event.src_host(), "localhost");
  EXPECT_EQ(event.src_port(), 4711u);
  EXPECT_EQ(event.kind(), v1::KIND_BRUTE_FORCE);
}

TEST(HostResolverTest, HostNameIsResolvedWhenAsked) {
  TcpWrappersParser parser;
  ParseContext ctx;
  ctx.default_year = 2001;
  ctx.resolver = std::make_shared<HostResolver>();
  v1::ProbeEvent event;
  ASSERT_EQ(
      parser.Parse("Sep 18 09:12:44 gw in.telnetd[77]: refused connect from localhost", ctx, &event)
          .outcome,
      ParseOutcome::kEvent);
  EXPECT_TRUE(IsLoopback(event.src()));
  EXPECT_EQ(event.src_host(), "localhost");
  // The same event object reused for an address line: no stale name.
  ASSERT_EQ(
      parser.Parse("Sep 18 09:12:44 gw in.telnetd[77]: refused connect from 192.0.2.7", ctx, &event)
          .outcome,
      ParseOutcome::kEvent);
  EXPECT_EQ(event.src(), AddressBytes("192.0.2.7"));
  EXPECT_EQ(event.src_host(), "");
}

}  // namespace
}  // namespace abuseflow::ingest
