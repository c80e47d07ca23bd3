#include "dedup/resharder.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "core/kv_store.h"
#include "core/shard_map.h"
#include "dedup/dedup_stage.h"
#include "dedup/history_store.h"
#include "dedup/reshard_merge.h"
#include "dedup/reshard_switch.h"
#include "dedup/test_events.h"

namespace abuseflow::dedup {
namespace {

namespace fs = std::filesystem;
using testing::kT0;

v1::AppliedRanges Ranges(std::vector<std::pair<uint64_t, uint64_t>> ranges, uint64_t floor = 0) {
  v1::AppliedRanges out;
  out.set_floor(floor);
  for (auto [first, last] : ranges) {
    auto* r = out.add_ranges();
    r->set_first(first);
    r->set_last(last);
  }
  return out;
}

std::string Text(const v1::AppliedRanges& r) {
  std::string out = "floor " + std::to_string(r.floor());
  for (const auto& range : r.ranges()) out += " " + std::to_string(range.first()) + "-" + std::to_string(range.last());
  return out;
}

TEST(ReshardMergeTest, AppliedIdsAreTheUnionOfTheShards) {
  EXPECT_EQ(Text(MergeApplied(Ranges({{1, 10}, {21, 30}}), Ranges({{11, 20}}))), "floor 0 1-30");
  EXPECT_EQ(Text(MergeApplied(Ranges({{1, 4}, {9, 9}}), Ranges({{6, 7}}))), "floor 0 1-4 6-7 9-9");
  EXPECT_EQ(Text(MergeApplied(Ranges({{12, 15}}, 10), Ranges({{11, 11}, {20, 22}}))), "floor 15 20-22");
  EXPECT_EQ(Text(MergeApplied(Ranges({}, 8), Ranges({{3, 5}}))), "floor 8");
  EXPECT_EQ(Text(MergeApplied(v1::AppliedRanges(), Ranges({{2, 3}}))), "floor 0 2-3");
}

// Two shards with known histories in two netblocks, some blocked, with applied ids and cursors.
class ResharderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    state_ = (fs::temp_directory_path() / ("resharder_" + std::to_string(getpid()))).string();
    fs::remove_all(state_);
    for (int host = 1; host <= 40; ++host) {
      const bool v6 = host % 5 == 0;
      addresses_.push_back(v6 ? "2001:db8::" + std::to_string(host) : "198.18.5." + std::to_string(host));
    }
    std::vector<std::unique_ptr<HistoryStore>> shards;
    for (int k = 0; k < 2; ++k) {
      auto store = HistoryStore::Open(HistoryDir(core::ShardStateDir(state_, k, 2)), false);
      ASSERT_TRUE(store.ok());
      shards.push_back(std::move(store).value());
    }
    for (size_t i = 0; i < addresses_.size(); ++i) {
      auto a = *core::IpAddress::Parse(addresses_[i]);
      v1::AddressHistory h;
      h.set_src(a.ToBytes());
      h.set_count(i + 1);
      h.set_first_seen_us(kT0 + static_cast<int64_t>(i));
      h.set_last_seen_us(kT0 + 1000 + static_cast<int64_t>(i));
      h.add_sensors("sensor-" + std::to_string(i % 2));
      const char* cidr = a.is_v4() ? "198.18.5.0/24" : "2001:db8::/32";
      auto p = core::IpPrefix::Parse(cidr);
      h.mutable_owner()->set_first(p->first().ToBytes());
      h.mutable_owner()->set_last(p->last().ToBytes());
      h.mutable_owner()->add_cidrs(cidr);
      h.mutable_owner()->set_owner(a.is_v4() ? "Kestrel Net" : "Osprey Six");
      h.mutable_owner()->add_abuse("abuse@kestrel.example");
      if (i % 7 == 0) {
        h.mutable_block()->set_active(true);
        h.mutable_block()->set_reason("manual");
        blocked_.insert(a.ToBytes());
      }
      const int k = core::ShardOf(a.ToBytes(), 2);
      ASSERT_TRUE(shards[k]->PutWithOwners({&h}, 0, h.last_seen_us()).ok());
    }
    for (int k = 0; k < 2; ++k) {
      HistoryStore::WriteSet set;
      set.applied.emplace_back("apache:/logs/a", k == 0 ? Ranges({{1, 10}, {21, 30}}) : Ranges({{11, 20}}));
      set.now_us = kT0 + 5000 + k;
      set.raw_puts = {{"l/c/stream-1", "12"}, {"l/seq", k == 0 ? "7" : "9"}};
      ASSERT_TRUE(shards[k]->Commit(set).ok());
      ASSERT_TRUE(shards[k]->raw().Scan("h/", [&](std::string_view key, std::string_view value) {
        original_[std::string(key.substr(2))] = std::string(value);
        return true;
      }).ok());
      ASSERT_TRUE(shards[k]->ForEachNetblock([&](const v1::NetblockRecord& r) {
        seen_total_ += r.addresses_seen();
        return true;
      }).ok());
    }
  }
  void TearDown() override { fs::remove_all(state_); }

  std::unique_ptr<core::KvStore> OpenKv(int shard, int shards) {
    core::KvStore::Options options;
    options.create_if_missing = false;
    auto kv = core::KvStore::Open(HistoryDir(core::ShardStateDir(state_, shard, shards)), options);
    EXPECT_TRUE(kv.ok()) << kv.status().message();
    return kv.ok() ? std::move(kv).value() : nullptr;
  }

  // Every address's history is in the shard the router names, once, byte for byte.
  void ExpectLayout(int shards) {
    std::map<std::string, int> found;
    uint64_t seen = 0;
    std::set<std::string> blocked_in_views, blocked_index;
    for (int k = 0; k < shards; ++k) {
      auto kv = OpenKv(k, shards);
      ASSERT_NE(kv, nullptr);
      ASSERT_TRUE(kv->Scan("", [&](std::string_view key, std::string_view value) {
        const std::string k_str(key);
        if (key.starts_with("h/")) {
          const std::string bytes(key.substr(2));
          EXPECT_EQ(core::ShardOf(bytes, shards), k);
          EXPECT_EQ(original_[bytes], std::string(value));
          ++found[bytes];
        } else if (key.starts_with("b/")) {
          EXPECT_EQ(core::ShardOf(key.substr(2), shards), k);
          blocked_index.insert(std::string(key.substr(2)));
        } else if (key.starts_with("n/")) {
          v1::NetblockRecord r;
          EXPECT_TRUE(r.ParseFromArray(value.data(), static_cast<int>(value.size())));
          seen += r.addresses_seen();
          for (const std::string& a : r.blocked()) blocked_in_views.insert(a);
          for (const std::string& a : r.addresses()) EXPECT_EQ(core::ShardOf(a, shards), k);
        } else if (key.starts_with("a/")) {
          v1::AppliedRanges r;
          EXPECT_TRUE(r.ParseFromArray(value.data(), static_cast<int>(value.size())));
          EXPECT_EQ(Text(r), "floor 0 1-30");
        } else if (key == "l/c/stream-1") {
          EXPECT_EQ(value, "12");
        } else if (key == "l/seq") {
          EXPECT_EQ(value, "9");
        }
        return true;
      }).ok());
      auto store = HistoryStore::Open(HistoryDir(core::ShardStateDir(state_, k, shards)), true);
      ASSERT_TRUE(store.ok());
      auto now = (*store)->LoadNow();
      ASSERT_TRUE(now.ok());
      EXPECT_EQ(*now, kT0 + 5001);
    }
    EXPECT_EQ(found.size(), original_.size());
    for (const auto& [bytes, count] : found) EXPECT_EQ(count, 1);
    EXPECT_EQ(seen, seen_total_);
    EXPECT_EQ(blocked_in_views, blocked_);
    EXPECT_EQ(blocked_index, blocked_);
  }

  std::string state_;
  std::vector<std::string> addresses_;
  std::map<std::string, std::string> original_;  // address bytes -> stored history
  std::set<std::string> blocked_;
  uint64_t seen_total_ = 0;
};

TEST_F(ResharderTest, TwoShardsToThreeAndBackToOneKeepEveryHistoryOnce) {
  ASSERT_EQ(original_.size(), 40u);
  auto three = Reshard(state_, 2, 3);
  ASSERT_TRUE(three.ok()) << three.status().message();
  EXPECT_EQ(three->histories, 40u);
  EXPECT_EQ(three->per_shard.size(), 3u);
  ExpectLayout(3);
  ASSERT_FALSE(three->backup.empty());
  EXPECT_TRUE(fs::exists(three->backup + "/shard-0/history"));
  EXPECT_TRUE(fs::exists(three->backup + "/shard-1/history"));
  EXPECT_FALSE(fs::exists(ReshardNewDir(state_)));
  EXPECT_TRUE(fs::exists(BlocksDir(core::ShardStateDir(state_, 2, 3)) + "/blocklist.txt"));

  auto one = Reshard(state_, 3, 1);
  ASSERT_TRUE(one.ok()) << one.status().message();
  EXPECT_EQ(one->histories, 40u);
  ExpectLayout(1);
  EXPECT_FALSE(fs::exists(state_ + "/shard-0"));
  EXPECT_TRUE(fs::exists(one->backup + "/shard-2/history"));
  std::ifstream list(BlocksDir(state_) + "/blocklist.txt");
  std::string text((std::istreambuf_iterator<char>(list)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("198.18.5.1\n"), std::string::npos);  // address 0 is blocked
}

TEST_F(ResharderTest, RefusesWhileIncidentsWaitForNotify) {
  {
    auto kv = OpenKv(1, 2);
    core::KvStore::Batch batch;
    batch.Put("l/o/00000000000000000003", "");
    ASSERT_TRUE(kv->Write(batch).ok());
  }
  auto r = Reshard(state_, 2, 3);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), core::Status::Code::kUnavailable);
  EXPECT_NE(r.status().message().find("notify has not acknowledged"), std::string::npos) << r.status().message();
  EXPECT_FALSE(fs::exists(ReshardNewDir(state_)));
  EXPECT_TRUE(fs::exists(state_ + "/shard-1/history"));
  EXPECT_FALSE(fs::exists(state_ + "/shard-2"));
}

TEST_F(ResharderTest, RefusesWhileAStreamIsUnderWay) {
  {
    auto kv = OpenKv(0, 2);
    core::KvStore::Batch batch;
    batch.Put("l/c/stream-1", "13");
    ASSERT_TRUE(kv->Write(batch).ok());
  }
  auto r = Reshard(state_, 2, 3);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("different points"), std::string::npos) << r.status().message();
}

TEST_F(ResharderTest, RefusesWhileADedupHoldsAShard) {
  auto running = HistoryStore::Open(HistoryDir(core::ShardStateDir(state_, 0, 2)), false);
  ASSERT_TRUE(running.ok());
  auto r = Reshard(state_, 2, 3);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), core::Status::Code::kUnavailable);
  EXPECT_NE(r.status().message().find("still running"), std::string::npos) << r.status().message();
  EXPECT_FALSE(fs::exists(ReshardNewDir(state_)));
}

TEST_F(ResharderTest, RefusesAShardCountThatDoesNotMatchTheFolders) {
  auto wrong = Reshard(state_, 1, 3);
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.status().code(), core::Status::Code::kInvalidArgument);
  EXPECT_NE(wrong.status().message().find("check --from"), std::string::npos) << wrong.status().message();
  auto missing = Reshard(state_, 3, 2);
  ASSERT_FALSE(missing.ok());
  EXPECT_FALSE(Reshard(state_, 2, 2).ok());
  EXPECT_FALSE(Reshard(state_, 2, 0).ok());
  EXPECT_FALSE(Reshard(state_ + "/nowhere", 2, 3).ok());
}

TEST_F(ResharderTest, RefusesAKeyFamilyItDoesNotKnow) {
  {
    auto kv = OpenKv(0, 2);
    core::KvStore::Batch batch;
    batch.Put("z/new", "x");
    ASSERT_TRUE(kv->Write(batch).ok());
  }
  auto r = Reshard(state_, 2, 3);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("'z/...'"), std::string::npos) << r.status().message();
  EXPECT_FALSE(fs::exists(ReshardNewDir(state_)));
}

TEST(ReshardSwitchTest, AnInterruptedSwitchOverIsFinished) {
  const fs::path state = fs::temp_directory_path() / ("reshard_switch_" + std::to_string(getpid()));
  fs::remove_all(state);
  for (const char* dir : {"shard-0", "shard-1", "reshard.new/shard-0", "reshard.new/shard-1", "reshard.new/shard-2"}) {
    fs::create_directories(state / dir);
    std::ofstream(state / dir / "who") << (std::string(dir).starts_with("reshard") ? "new" : "old");
  }
  ASSERT_TRUE(MarkBuilt(state.string(), 2, 3).ok());
  // The crash: the old shard-0 was moved away and the new one in, then nothing more.
  fs::create_directories(state / "reshard.old");
  fs::rename(state / "shard-0", state / "reshard.old/shard-0");
  fs::rename(state / "reshard.new/shard-0", state / "shard-0");
  EXPECT_FALSE(Reshard(state.string(), 3, 4).ok());  // another reshard must wait for this one
  auto r = Reshard(state.string(), 2, 3);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_TRUE(r->resumed);
  for (const char* dir : {"shard-0", "shard-1", "shard-2"}) {
    std::ifstream in(state / dir / "who");
    std::string who;
    in >> who;
    EXPECT_EQ(who, "new") << dir;
  }
  for (const char* dir : {"shard-0", "shard-1"}) {
    std::ifstream in(fs::path(r->backup) / dir / "who");
    std::string who;
    in >> who;
    EXPECT_EQ(who, "old") << dir;
  }
  EXPECT_FALSE(fs::exists(state / "reshard.new"));
  EXPECT_FALSE(fs::exists(state / "reshard.old"));
  fs::remove_all(state);
}

}  // namespace
}  // namespace abuseflow::dedup
