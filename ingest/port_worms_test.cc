#include "ingest/port_worms.h"

#include <gtest/gtest.h>

#include "ingest/dshield_parser.h"
#include "ingest/netfilter_parser.h"

namespace abuseflow::ingest {
namespace {

TEST(PortWormsTest, TableMatchesProtocolAndPort) {
  EXPECT_EQ(ClassifyPortWorm(v1::PROTOCOL_UDP, 1046, 1434), "sql-slammer");
  EXPECT_EQ(ClassifyPortWorm(v1::PROTOCOL_TCP, 1046, 1434), "");
  EXPECT_EQ(ClassifyPortWorm(v1::PROTOCOL_TCP, 4321, 1433), "sql-spida");
  EXPECT_EQ(ClassifyPortWorm(v1::PROTOCOL_TCP, 4321, 135), "blaster");
  EXPECT_EQ(ClassifyPortWorm(v1::PROTOCOL_TCP, 4321, 4444), "blaster");
  EXPECT_EQ(ClassifyPortWorm(v1::PROTOCOL_TCP, 4321, 5554), "sasser");
  EXPECT_EQ(ClassifyPortWorm(v1::PROTOCOL_TCP, 4321, 9996), "sasser");
  EXPECT_EQ(ClassifyPortWorm(v1::PROTOCOL_TCP, 4321, 3127), "mydoom");
  EXPECT_EQ(ClassifyPortWorm(v1::PROTOCOL_TCP, 4321, 2745), "bagle");
  EXPECT_EQ(ClassifyPortWorm(v1::PROTOCOL_UDP, 4000, 31337), "witty");
  EXPECT_EQ(ClassifyPortWorm(v1::PROTOCOL_UDP, 31337, 4000), "");
  EXPECT_EQ(ClassifyPortWorm(v1::PROTOCOL_TCP, 4321, 23), "");
}

TEST(PortWormsTest, OnlyConnectionAttemptsBecomeWorms) {
  v1::ProbeEvent event;
  event.set_kind(v1::KIND_IDS_ALERT);
  event.set_proto(v1::PROTOCOL_UDP);
  event.set_dst_port(1434);
  event.set_signature("1:2003:8 MS-SQL Worm propagation attempt");
  ApplyPortWormTable(&event);
  EXPECT_EQ(event.kind(), v1::KIND_IDS_ALERT);
  EXPECT_EQ(event.signature(), "1:2003:8 MS-SQL Worm propagation attempt");
  event.set_kind(v1::KIND_CONNECTION_ATTEMPT);
  ApplyPortWormTable(&event);
  EXPECT_EQ(event.kind(), v1::KIND_WORM);
  EXPECT_EQ(event.signature(), "sql-slammer");
}

TEST(PortWormsTest, ParsersApplyTheTable) {
  ParseContext ctx;
  ctx.default_year = 2003;
  v1::ProbeEvent event;
  ASSERT_EQ(NetfilterParser().Parse("Jan 25 05:31:00 fw kernel: IN=eth0 OUT= SRC=198.18.0.7 DST=192.0.2.1 LEN=404 "
                                    "PROTO=UDP SPT=1046 DPT=1434 LEN=384",
                                    ctx, &event)
                .outcome,
            ParseOutcome::kEvent);
  EXPECT_EQ(event.kind(), v1::KIND_WORM);
  EXPECT_EQ(event.signature(), "sql-slammer");
  ASSERT_EQ(DShieldParser().Parse("2003-08-12 09:12:44 -04:00\t1\t1\t198.18.0.7\t4321\t192.0.2.1\t135\t6", ctx, &event)
                .outcome,
            ParseOutcome::kEvent);
  EXPECT_EQ(event.kind(), v1::KIND_WORM);
  EXPECT_EQ(event.signature(), "blaster");
}

}  // namespace
}  // namespace abuseflow::ingest
