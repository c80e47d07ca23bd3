#include "enrich/offline_registry.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace abuseflow::enrich {
namespace {

core::IpAddress Ip(std::string_view text) { return *core::IpAddress::Parse(text); }

class OfflineRegistryTest : public ::testing::Test {
 protected:
  OfflineRegistryTest() : registry_([] { return int64_t{1234}; }) {}
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("offline_registry_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // Writes `text` to a file in the test folder and loads it.
  std::string Load(const std::string& text, const std::string& name = "registry.db") {
    std::string path = (dir_ / name).string();
    std::ofstream(path, std::ios::binary) << text;
    core::Status status = registry_.Load(path);
    EXPECT_TRUE(status.ok()) << status.ToString();
    return path;
  }
  std::string Netname(std::string_view address) {
    auto record = registry_.Lookup(Ip(address));
    return record ? record->netname() : "(none)";
  }
  std::vector<std::string> Abuse(std::string_view address) {
    auto record = registry_.Lookup(Ip(address));
    if (!record) return {"(none)"};
    return {record->abuse().begin(), record->abuse().end()};
  }

  std::filesystem::path dir_;
  OfflineRegistry registry_;
};

TEST_F(OfflineRegistryTest, MostSpecificBlockWins) {
  Load(
      "inetnum: 10.1.2.0/24\nnetname: SMALL\n\n"
      "inetnum: 10.0.0.0 - 10.255.255.255\nnetname: BIG\n\n"
      "inetnum: 10.1.0.0 - 10.1.255.255\nnetname: MIDDLE\n");
  EXPECT_EQ(Netname("10.1.2.3"), "SMALL");
  EXPECT_EQ(Netname("10.1.3.3"), "MIDDLE");
  EXPECT_EQ(Netname("10.2.0.1"), "BIG");
}

TEST_F(OfflineRegistryTest, NonAlignedRangeInsideAlignedBlockWins) {
  Load(
      "inetnum: 198.18.0.0 - 198.18.3.255\nnetname: ALIGNED\n\n"
      "inetnum: 198.18.0.0 - 198.18.2.255\nnetname: NON-ALIGNED\n");
  EXPECT_EQ(Netname("198.18.0.1"), "NON-ALIGNED");
  EXPECT_EQ(Netname("198.18.2.255"), "NON-ALIGNED");
  EXPECT_EQ(Netname("198.18.3.0"), "ALIGNED");
}

TEST_F(OfflineRegistryTest, SmallerBlockWinsWhenItSharesACidrWithALargerOne) {
  // 198.18.0.0 - 198.18.2.255 is 198.18.0.0/23 + 198.18.2.0/24; the /23 is also a block.
  for (bool small_first : {true, false}) {
    OfflineRegistry registry;
    std::string small = "inetnum: 198.18.0.0/23\nnetname: SMALL\n\n";
    std::string large = "inetnum: 198.18.0.0 - 198.18.2.255\nnetname: LARGE\n\n";
    std::string path = (dir_ / "shared.db").string();
    std::ofstream(path) << (small_first ? small + large : large + small);
    ASSERT_TRUE(registry.Load(path).ok());
    EXPECT_EQ(registry.Lookup(Ip("198.18.1.9"))->netname(), "SMALL") << small_first;
    EXPECT_EQ(registry.Lookup(Ip("198.18.2.9"))->netname(), "LARGE") << small_first;
  }
}

TEST_F(OfflineRegistryTest, RecordCarriesBlockOwnerAndProvenance) {
  std::string path = Load(
      "inetnum: 198.18.0.0 - 198.18.2.255\nnetname: EX-NET\ndescr: Example Net\ndescr: second\n"
      "country: nl\n");
  auto record = registry_.Lookup(Ip("198.18.1.1"));
  ASSERT_TRUE(record);
  EXPECT_EQ(record->first(), Ip("198.18.0.0").ToBytes());
  EXPECT_EQ(record->last(), Ip("198.18.2.255").ToBytes());
  EXPECT_EQ(std::vector<std::string>(record->cidrs().begin(), record->cidrs().end()),
            (std::vector<std::string>{"198.18.0.0/23", "198.18.2.0/24"}));
  EXPECT_EQ(record->owner(), "Example Net");
  EXPECT_EQ(record->country(), "NL");
  EXPECT_FALSE(record->unresolved());
  EXPECT_EQ(record->provenance().source(), "rpsl");
  EXPECT_EQ(record->provenance().server(), path);
  EXPECT_EQ(record->provenance().fetched_us(), 1234);
}

TEST_F(OfflineRegistryTest, OwnerIsOrgNameOfTheOrganisation) {
  Load(
      "inetnum: 192.0.2.0/24\ndescr: Fallback\norg: ORG-EX1-TEST\n\n"
      "organisation: ORG-EX1-TEST\norg-name: Example Org B.V.\n");
  EXPECT_EQ(registry_.Lookup(Ip("192.0.2.1"))->owner(), "Example Org B.V.");
}

TEST_F(OfflineRegistryTest, AbuseContactsComeInOrderWithoutDuplicates) {
  Load(
      "% Abuse contact for '192.0.2.0 - 192.0.2.255' is 'comment@example.net'\n\n"
      "inetnum: 192.0.2.0 - 192.0.2.255\nabuse-mailbox: own@example.net\n"
      "abuse-mailbox: COMMENT@example.net\norg: ORG-A\nabuse-c: AC1-TEST\nmnt-irt: IRT-EX\n\n"
      "organisation: ORG-A\norg-name: A\nabuse-c: OA1-TEST\n\n"
      "role: Org Abuse\nnic-hdl: OA1-TEST\nabuse-mailbox: org@example.net\n\n"
      "person: Block Abuse\nnic-hdl: AC1-TEST\nabuse-mailbox: role@example.net\n\n"
      "irt: IRT-EX\nabuse-mailbox: irt@example.net\nabuse-mailbox: Role@Example.net\n");
  EXPECT_EQ(Abuse("192.0.2.7"),
            (std::vector<std::string>{"comment@example.net", "irt@example.net", "Role@Example.net",
                                      "org@example.net", "own@example.net"}));
}

TEST_F(OfflineRegistryTest, ReferencesAreCaseInsensitiveAndMayComeFromALaterFile) {
  Load("inetnum: 192.0.2.0/24\nabuse-c: ab1-test\n", "a.db");
  Load("role: Abuse\nnic-hdl: AB1-TEST\nabuse-mailbox: abuse@example.net\n", "b.db");
  EXPECT_EQ(Abuse("192.0.2.1"), (std::vector<std::string>{"abuse@example.net"}));
  EXPECT_EQ(registry_.stats().files, 2u);
}

TEST_F(OfflineRegistryTest, BlockWithoutContactInheritsFromNearestCoveringBlock) {
  Load(
      "inetnum: 10.0.0.0/8\nnetname: TOP\nabuse-mailbox: top@example.net\n\n"
      "inetnum: 10.1.0.0/16\nnetname: MIDDLE\nabuse-c: MID1-TEST\n\n"
      "role: Mid\nnic-hdl: MID1-TEST\nabuse-mailbox: middle@example.net\n\n"
      "inetnum: 10.1.2.0/24\nnetname: LEAF\ncountry: de\nabuse-c: MISSING-TEST\n");
  auto record = registry_.Lookup(Ip("10.1.2.3"));
  ASSERT_TRUE(record);
  EXPECT_EQ(record->netname(), "LEAF");
  EXPECT_EQ(record->country(), "DE");
  EXPECT_EQ(std::vector<std::string>(record->abuse().begin(), record->abuse().end()),
            (std::vector<std::string>{"middle@example.net"}));
  EXPECT_EQ(Abuse("10.2.0.0"), (std::vector<std::string>{"top@example.net"}));
  // An inherited contact is the record's own: there is no upstream above it.
  EXPECT_TRUE(record->upstream_abuse().empty());
  EXPECT_TRUE(registry_.Lookup(Ip("10.2.0.0"))->upstream_abuse().empty());
}

TEST_F(OfflineRegistryTest, CustomerBlockWithOwnContactGetsTheProvidersAsUpstream) {
  Load(
      "inetnum: 10.0.0.0/8\nnetname: PROVIDER\nabuse-c: PRV1-TEST\n"
      "abuse-mailbox: Abuse@Customer.example\n\n"
      "role: Provider Abuse\nnic-hdl: PRV1-TEST\nabuse-mailbox: abuse@provider.example\n"
      "abuse-mailbox: not a mailbox\nabuse-mailbox: noc@provider.example\n\n"
      "inetnum: 10.1.0.0/16\nnetname: CUSTOMER\nabuse-mailbox: abuse@customer.example\n");
  auto record = registry_.Lookup(Ip("10.1.2.3"));
  ASSERT_TRUE(record);
  EXPECT_EQ(record->netname(), "CUSTOMER");
  EXPECT_EQ(std::vector<std::string>(record->abuse().begin(), record->abuse().end()),
            (std::vector<std::string>{"abuse@customer.example"}));
  // The provider's mailboxes, best first, without the customer's own and
  // without what is not a mailbox.
  EXPECT_EQ(
      std::vector<std::string>(record->upstream_abuse().begin(), record->upstream_abuse().end()),
      (std::vector<std::string>{"abuse@provider.example", "noc@provider.example"}));
  // The provider's own block has nothing above it.
  auto provider = registry_.Lookup(Ip("10.2.0.1"));
  ASSERT_TRUE(provider);
  EXPECT_TRUE(provider->upstream_abuse().empty());
}

TEST_F(OfflineRegistryTest, UpstreamSkipsCoveringBlocksWithTheSameContact) {
  Load(
      "inetnum: 10.0.0.0/8\nnetname: TOP\nabuse-mailbox: top@example.net\n\n"
      "inetnum: 10.1.0.0/16\nnetname: MIDDLE\nabuse-mailbox: leaf@example.net\n\n"
      "inetnum: 10.1.2.0/24\nnetname: LEAF\nabuse-mailbox: leaf@example.net\n");
  auto record = registry_.Lookup(Ip("10.1.2.3"));
  ASSERT_TRUE(record);
  EXPECT_EQ(
      std::vector<std::string>(record->upstream_abuse().begin(), record->upstream_abuse().end()),
      (std::vector<std::string>{"top@example.net"}));
}

TEST(SetUpstreamAbuseTest, KeepsAFewValidMailboxesNotTheRecordsOwn) {
  v1::OwnerRecord record;
  record.add_abuse("abuse@customer.example");
  SetUpstreamAbuse({"ABUSE@customer.example", "a@up.example", "bad\r\nBcc: x@y.example",
                    "A@UP.example", "b@up.example", "c@up.example", "d@up.example"},
                   &record);
  EXPECT_EQ(
      std::vector<std::string>(record.upstream_abuse().begin(), record.upstream_abuse().end()),
      (std::vector<std::string>{"a@up.example", "b@up.example", "c@up.example"}));
  SetUpstreamAbuse({"abuse@customer.example"}, &record);
  EXPECT_TRUE(record.upstream_abuse().empty());
}

TEST_F(OfflineRegistryTest, MissingReferencesGiveNoContact) {
  Load(
      "inetnum: 192.0.2.0/24\nnetname: LONELY\norg: ORG-NONE\nabuse-c: NONE-TEST\nmnt-irt: "
      "IRT-NONE\n");
  EXPECT_EQ(Netname("192.0.2.1"), "LONELY");
  EXPECT_TRUE(Abuse("192.0.2.1").empty());
}

TEST_F(OfflineRegistryTest, Inet6numBlocksAreFound) {
  Load(
      "inet6num: 2001:db8::/32\nnetname: V6-BIG\n\ninet6num: 2001:db8:1::/48\nnetname: V6-SMALL\n"
      "abuse-mailbox: v6@example.net\n");
  EXPECT_EQ(Netname("2001:db8:1::42"), "V6-SMALL");
  EXPECT_EQ(Netname("2001:db8:2::1"), "V6-BIG");
  EXPECT_EQ(Netname("2001:db9::1"), "(none)");
}

TEST_F(OfflineRegistryTest, UncoveredAddressHasNoRecord) {
  Load("inetnum: 192.0.2.0/24\nnetname: X\n");
  EXPECT_FALSE(registry_.Lookup(Ip("203.0.113.1")));
  EXPECT_FALSE(registry_.Lookup(Ip("::ffff:192.0.2.1")));
}

TEST_F(OfflineRegistryTest, SameRangeLoadedTwiceKeepsTheLaterObject) {
  Load("inetnum: 192.0.2.0/24\nnetname: OLD\n", "old.db");
  Load("inetnum: 192.0.2.0 - 192.0.2.255\nnetname: NEW\n", "new.db");
  EXPECT_EQ(Netname("192.0.2.1"), "NEW");
  EXPECT_EQ(registry_.stats().blocks, 1u);
}

TEST_F(OfflineRegistryTest, BrokenObjectsAreReportedAndCountedAndGoodOnesLoaded) {
  ::testing::internal::CaptureStderr();
  std::string path = Load(
      "inetnum: 198.18.0.0 - 198.18.0.255\nnetname: GOOD-NET\n\n"
      "inetnum: 198.18.9.0 - 198.18.1.0\nnetname: BACKWARDS\n\n"
      "this line has no colon\nnetname: NO-CLASS\n\n"
      "inetnum: 300.1.1.1 - 300.1.1.9\n");
  std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(registry_.stats().malformed, 3u);
  EXPECT_EQ(registry_.stats().blocks, 1u);
  EXPECT_EQ(Netname("198.18.0.9"), "GOOD-NET");
  EXPECT_NE(err.find(path + ":4: "), std::string::npos) << err;
  EXPECT_NE(err.find(path + ":7: attribute line without a colon"), std::string::npos) << err;
  EXPECT_NE(err.find(path + ":10: "), std::string::npos) << err;
}

TEST_F(OfflineRegistryTest, MissingFileIsIoErrorNamingIt) {
  std::string path = (dir_ / "no-such.db").string();
  core::Status status = registry_.Load(path);
  EXPECT_EQ(status.code(), core::Status::Code::kIoError);
  EXPECT_NE(status.message().find(path), std::string::npos);
  status = registry_.Load(dir_.string());
  EXPECT_EQ(status.code(), core::Status::Code::kIoError);
  EXPECT_NE(status.message().find(dir_.string()), std::string::npos);
}

TEST_F(OfflineRegistryTest, AnswerScopeLeavesOutMoreSpecificBlocks) {
  Load("inetnum: 10.0.0.0/16\nnetname: BIG\n\ninetnum: 10.0.1.0/24\nnetname: INNER\n");
  auto record = registry_.Lookup(Ip("10.0.0.1"));
  ASSERT_TRUE(record);
  std::vector<std::string> scope;
  for (const auto& p : registry_.AnswerScope(Ip("10.0.0.1"), &*record))
    scope.push_back(p.ToString());
  EXPECT_EQ(scope, (std::vector<std::string>{"10.0.0.0/24"}));
  scope.clear();
  for (const auto& p : registry_.AnswerScope(Ip("10.0.200.1"), &*record))
    scope.push_back(p.ToString());
  EXPECT_EQ(scope,
            (std::vector<std::string>{"10.0.2.0/23", "10.0.4.0/22", "10.0.8.0/21", "10.0.16.0/20",
                                      "10.0.32.0/19", "10.0.64.0/18", "10.0.128.0/17"}));
}

TEST_F(OfflineRegistryTest, NegativeScopeStopsShortOfNearbyBlocks) {
  Load("inetnum: 192.0.2.64/28\nnetname: TINY\n");
  auto near = registry_.AnswerScope(Ip("192.0.2.1"), nullptr);
  ASSERT_EQ(near.size(), 1u);
  EXPECT_EQ(near[0].ToString(), "192.0.2.0/26");
  auto far = registry_.AnswerScope(Ip("203.0.113.9"), nullptr);
  ASSERT_EQ(far.size(), 1u);
  EXPECT_EQ(far[0].ToString(), "203.0.113.0/24");
}

}  // namespace
}  // namespace abuseflow::enrich
