#include "ingest/snort_full_parser.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "ingest/parser_test_util.h"

namespace abuseflow::ingest {
namespace {

using testing_util::AddressBytes;

constexpr int64_t kStamp = 1000818764;  // 2001-09-18 09:12:44 EDT
const std::vector<std::string> kRecord = {
    "[**] [1:2003:8] MS-SQL Worm propagation attempt [**]",
    "[Classification: Misc Attack] [Priority: 2] ",
    "09/18-09:12:44.123456 198.18.0.7:1046 -> 192.0.2.10:1434",
    "UDP TTL:117 TOS:0x0 ID:39355 IpLen:20 DgmLen:404",
    "Len: 376",
    "[Xref => http://www.microsoft.com/technet/security/bulletin/MS02-039.mspx]",
    ""};

class SnortFullParserTest : public ::testing::Test {
 protected:
  SnortFullParserTest() {
    ctx_ = testing_util::EdtContext("ids1");
  }
  // Feeds the lines; returns the outcome of each.
  std::vector<ParseOutcome> Feed(const std::vector<std::string>& lines) {
    std::vector<ParseOutcome> outcomes;
    for (const std::string& line : lines) {
      v1::ProbeEvent event;
      outcomes.push_back(parser_.Parse(line, ctx_, &event).outcome);
      if (outcomes.back() == ParseOutcome::kEvent) events_.push_back(event);
    }
    return outcomes;
  }

  SnortFullParser parser_;
  ParseContext ctx_;
  std::vector<v1::ProbeEvent> events_;
};

TEST_F(SnortFullParserTest, ARecordIsOneEventWithEveryField) {
  EXPECT_TRUE(parser_.learns_header());
  const std::vector<ParseOutcome> outcomes = Feed(kRecord);
  EXPECT_EQ(outcomes[3], ParseOutcome::kEvent);
  ASSERT_EQ(events_.size(), 1u);
  const v1::ProbeEvent& e = events_[0];
  EXPECT_EQ(e.sensor(), "ids1");
  EXPECT_EQ(e.observed_us(), kStamp * 1000000 + 123456);
  EXPECT_EQ(e.src(), AddressBytes("198.18.0.7"));
  EXPECT_EQ(e.dst(), AddressBytes("192.0.2.10"));
  EXPECT_EQ(e.src_port(), 1046u);
  EXPECT_EQ(e.dst_port(), 1434u);
  EXPECT_EQ(e.proto(), v1::PROTOCOL_UDP);
  EXPECT_EQ(e.kind(), v1::KIND_IDS_ALERT);
  EXPECT_EQ(e.signature(), "1:2003:8 MS-SQL Worm propagation attempt");
  EXPECT_EQ(e.format(), "snort-full");
  EXPECT_EQ(e.raw(), kRecord[0] + " | " + kRecord[2] + " | " + kRecord[3]);
  EXPECT_EQ(e.utc_offset_minutes(), -240);
  EXPECT_EQ(e.tz_name(), "EDT");
  EXPECT_FALSE(e.has_id());
}

TEST_F(SnortFullParserTest, IcmpAndIpv6Records) {
  Feed({"[**] [1:469:3] ICMP PING NMAP [**]", "[Classification: Attempted Information Leak] [Priority: 2] ",
        "09/18/01-09:12:44.123456 198.18.0.7 -> 192.0.2.10", "ICMP TTL:45 TOS:0x0 ID:1 IpLen:20 DgmLen:28", "",
        "[**] [1:1:1] TEST v6 [**]", "09/18-09:12:44.123456 2001:db8::7:4321 -> 2001:db8::1:22",
        "TCP TTL:64 TOS:0x0 ID:0 IpLen:40 DgmLen:60", ""});
  ASSERT_EQ(events_.size(), 2u);
  EXPECT_EQ(events_[0].proto(), v1::PROTOCOL_ICMP);
  EXPECT_EQ(events_[0].src_port(), 0u);
  EXPECT_EQ(events_[0].signature(), "1:469:3 ICMP PING NMAP");
  EXPECT_EQ(events_[1].src(), AddressBytes("2001:db8::7"));
  EXPECT_EQ(events_[1].dst(), AddressBytes("2001:db8::1"));
  EXPECT_EQ(events_[1].dst_port(), 22u);
}

TEST_F(SnortFullParserTest, CutRecordsAndBadLinesAreCounted) {
  std::vector<ParseOutcome> outcomes =
      Feed({"[**] [1:2003:8] Worm [**]", "[**] [1:2003:8] Worm [**]",
            "09/18-09:12:44.123456 999.18.0.7:1 -> 192.0.2.10:1434", "UDP TTL:1",
            "[**] [1:2003:8] Worm [**]", "02/30-09:12:44.123456 198.18.0.7:1 -> 192.0.2.10:1434",
            "[**] [x] Worm [**]", "[**] [1:2:3] Worm \xff [**]"});
  EXPECT_EQ(outcomes[1], ParseOutcome::kRejected);  // the first record was cut short
  EXPECT_EQ(outcomes[2], ParseOutcome::kRejected);  // bad address
  EXPECT_EQ(outcomes[3], ParseOutcome::kNotProbe);  // no record open any more
  EXPECT_EQ(outcomes[5], ParseOutcome::kRejected);  // bad time
  EXPECT_EQ(outcomes[6], ParseOutcome::kRejected);  // not a rule id
  EXPECT_EQ(outcomes[7], ParseOutcome::kRejected);  // a message that is not UTF-8 (found by the fuzzer)
  EXPECT_TRUE(events_.empty());
}

}  // namespace
}  // namespace abuseflow::ingest
