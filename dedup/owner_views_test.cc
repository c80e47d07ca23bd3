#include "dedup/owner_views.h"

#include <gtest/gtest.h>

#include "dedup/history_store.h"
#include "dedup/policy_engine.h"
#include "dedup/test_events.h"

namespace abuseflow::dedup {
namespace {

using namespace testing;

v1::OwnerRecord Owner(const char* cidr) {
  v1::OwnerRecord owner;
  auto p = core::IpPrefix::Parse(cidr);
  owner.set_first(p->first().ToBytes());
  owner.set_last(p->last().ToBytes());
  owner.add_cidrs(cidr);
  owner.set_owner("Kestrel Net");
  owner.add_abuse("abuse@kestrel.example");
  return owner;
}

v1::AddressHistory History(const std::string& src, const char* cidr, int64_t t = kT0) {
  v1::AddressHistory h;
  h.set_src(core::IpAddress::Parse(src)->ToBytes());
  *h.mutable_owner() = Owner(cidr);
  h.set_first_seen_us(t);
  h.set_last_seen_us(t);
  return h;
}

// Notes `h` in a fresh view and writes the view's changes with it.
void Commit(HistoryStore* store, int threshold, v1::AddressHistory* h) {
  ASSERT_TRUE(store->PutWithOwners({h}, threshold, h->last_seen_us()).ok());
}

v1::NetblockRecord Stored(HistoryStore* store, const char* cidr) {
  auto r = store->GetNetblock(*NetblockKey(Owner(cidr)));
  EXPECT_TRUE(r.ok() && r->has_value());
  return r.ok() && r->has_value() ? **r : v1::NetblockRecord();
}

TEST(OwnerViewsTest, KeyComesFromTheRangeOrTheFirstCidr) {
  v1::OwnerRecord by_range = Owner("198.18.5.0/24");
  v1::OwnerRecord by_cidr;
  by_cidr.add_cidrs("198.18.5.0/24");
  ASSERT_TRUE(NetblockKey(by_range).has_value());
  EXPECT_EQ(NetblockKey(by_range), NetblockKey(by_cidr));
  EXPECT_EQ(NetblockKey(by_range)->size(), 2u + 8u);
  EXPECT_EQ(NetblockKey(Owner("2001:db8::/32"))->size(), 2u + 32u);
  v1::OwnerRecord unresolved = by_range;
  unresolved.set_unresolved(true);
  EXPECT_FALSE(NetblockKey(unresolved).has_value());
  EXPECT_FALSE(NetblockKey(v1::OwnerRecord()).has_value());
  v1::OwnerRecord garbage;
  garbage.add_cidrs("not a prefix");
  EXPECT_FALSE(NetblockKey(garbage).has_value());
}

TEST(OwnerViewsTest, CountsEachAddressOnceAndKeepsTheSmallestBounded) {
  TempStore store;
  for (int round = 0; round < 2; ++round) {  // the second round sees the same addresses again
    for (int i = 0; i < kNetblockAddresses + 44; ++i) {
      v1::AddressHistory h = History("10.1." + std::to_string(i / 256) + "." +
                                         std::to_string(i % 256),
                                     "10.1.0.0/16", kT0 + i);
      if (round == 1) h = store.get()->Get(*core::IpAddress::FromBytes(h.src()))->value();
      Commit(store.get(), 0, &h);
    }
  }
  v1::NetblockRecord r = Stored(store.get(), "10.1.0.0/16");
  EXPECT_EQ(r.addresses_seen(), static_cast<uint64_t>(kNetblockAddresses + 44));
  ASSERT_EQ(r.addresses_size(), kNetblockAddresses);
  EXPECT_EQ(core::IpAddress::FromBytes(r.addresses(0))->ToString(), "10.1.0.0");
  EXPECT_EQ(core::IpAddress::FromBytes(r.addresses(kNetblockAddresses - 1))->ToString(),
            "10.1.0.255");
  EXPECT_EQ(r.first_seen_us(), kT0);
  EXPECT_EQ(r.last_seen_us(), kT0 + kNetblockAddresses + 43);
  EXPECT_EQ(r.owner(), "Kestrel Net");
  ASSERT_EQ(r.cidrs_size(), 1);
  EXPECT_EQ(r.cidrs(0), "10.1.0.0/16");
}

TEST(OwnerViewsTest, AnAddressThatChangesBlockTakesItsBlockStateAlong) {
  TempStore store;
  v1::AddressHistory h = History("10.2.0.7", "10.2.0.0/16");
  SetManualBlock(kT0, kT0 + kDay, &h);
  Commit(store.get(), 1, &h);
  EXPECT_TRUE(h.netblock_blocked());
  EXPECT_TRUE(Stored(store.get(), "10.2.0.0/16").block().active());
  *h.mutable_owner() = Owner("10.2.0.0/24");  // the registry now knows a more specific block
  Commit(store.get(), 1, &h);
  v1::NetblockRecord old_block = Stored(store.get(), "10.2.0.0/16");
  EXPECT_EQ(old_block.blocked_size(), 0);
  EXPECT_FALSE(old_block.block().active());
  v1::NetblockRecord new_block = Stored(store.get(), "10.2.0.0/24");
  EXPECT_EQ(new_block.blocked_size(), 1);
  EXPECT_EQ(new_block.addresses_seen(), 1u);
  EXPECT_TRUE(new_block.block().active());
  EXPECT_EQ(h.netblock(), *NetblockKey(Owner("10.2.0.0/24")));
}

TEST(OwnerViewsTest, UnchangedHistoriesLeaveNothingToWrite) {
  TempStore store;
  v1::AddressHistory h = History("10.3.0.1", "10.3.0.0/16");
  Commit(store.get(), 0, &h);
  OwnerViews views(store.get(), 0);
  ASSERT_TRUE(views.Note(kT0, &h).ok());
  EXPECT_TRUE(views.Changed().empty());
  EXPECT_FALSE(views.blocks_changed());
  v1::AddressHistory unowned;
  unowned.set_src(core::IpAddress::Parse("10.9.9.9")->ToBytes());
  ASSERT_TRUE(views.Note(kT0, &unowned).ok());
  EXPECT_TRUE(unowned.netblock().empty());
}

}  // namespace
}  // namespace abuseflow::dedup
