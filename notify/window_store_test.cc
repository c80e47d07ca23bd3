#include "notify/window_store.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "core/ip_address.h"
#include "notify/owner_batcher.h"

namespace abuseflow::notify {
namespace {

namespace fs = std::filesystem;

constexpr int64_t kWindow = 100;
const std::map<std::string, int64_t> kWormWindow = {{"worm", 10}};

// Open reports kept through a real state database and restored in a fresh
// batcher, as after a restart of notify.
class WindowStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() /
           ("window_store_test_" + std::to_string(::getpid()) + "_" + info->name());
    fs::remove_all(dir_);
    Reopen();
  }
  void TearDown() override {
    store_.reset();
    fs::remove_all(dir_);
  }
  void Reopen() {
    store_.reset();
    core::KvStore::Options options;
    options.sync_writes = true;
    auto store = core::KvStore::Open(dir_.string(), options);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
  }

  static v1::Incident Make(const char* src, int64_t at, v1::Kind kind) {
    v1::Incident incident;
    incident.set_src(core::IpAddress::Parse(src)->ToBytes());
    incident.mutable_owner()->add_abuse("abuse@kestrel.example");
    incident.set_first_seen_us(at);
    incident.set_last_seen_us(at);
    incident.set_count(1);
    v1::KindCount* k = incident.add_kinds();
    k->set_kind(kind);
    k->set_count(1);
    return incident;
  }

  // Adds the incidents as the stage does: Add, Track, Advance, one write.
  void AddAll(OwnerBatcher* batcher, WindowStore* windows, const std::vector<v1::Incident>& all) {
    core::KvStore::Batch batch;
    for (const v1::Incident& incident : all) {
      EXPECT_TRUE(batcher->Add(incident).empty());
      windows->Track(*batcher, incident, &batch);
    }
    windows->Advance("ingest-1", 7, false, *batcher, &batch);
    ASSERT_TRUE(store_->Write(batch).ok());
  }

  std::vector<std::string> OpenKeys() const {
    std::vector<std::string> keys;
    EXPECT_TRUE(store_
                    ->Scan("o/",
                           [&](std::string_view key, std::string_view) {
                             keys.emplace_back(key.substr(2, key.size() - 20));
                             return true;
                           })
                    .ok());
    return keys;
  }

  static std::vector<std::string> Addresses(const Report& report) {
    std::vector<std::string> out;
    for (const ReportEntry& entry : report.entries) out.push_back(entry.address.ToString());
    return out;
  }

  // A fresh batcher with `window_by_kind`, restored from the store.
  std::vector<Report> RestoreAndFlush(const std::map<std::string, int64_t>& window_by_kind,
                                      size_t* open = nullptr) {
    Reopen();
    OwnerBatcher batcher(kWindow, {}, window_by_kind);
    WindowStore windows(store_.get());
    core::CauseOrder order(true);
    std::set<std::string> ended;
    EXPECT_TRUE(windows.Restore(&batcher, &order, &ended).ok());
    if (open != nullptr) *open = batcher.open_reports();
    return batcher.Flush();
  }

  fs::path dir_;
  std::unique_ptr<core::KvStore> store_;
};

TEST_F(WindowStoreTest, RestartRestoresTheDefaultAndThePerKindReportOfAContactExactly) {
  OwnerBatcher batcher(kWindow, {}, kWormWindow);
  WindowStore windows(store_.get());
  AddAll(&batcher, &windows,
         {Make("192.0.2.1", 0, v1::KIND_WORM), Make("192.0.2.2", 0, v1::KIND_PORT_SCAN),
          Make("192.0.2.3", 5, v1::KIND_WORM)});
  EXPECT_EQ(OpenKeys(),
            (std::vector<std::string>{"abuse@kestrel.example", "abuse@kestrel.example\x1fworm",
                                      "abuse@kestrel.example\x1fworm"}));
  std::vector<Report> before = batcher.Flush();

  size_t open = 0;
  std::vector<Report> after = RestoreAndFlush(kWormWindow, &open);
  EXPECT_EQ(open, 2u);
  ASSERT_EQ(after.size(), 2u);
  ASSERT_EQ(before.size(), 2u);
  for (size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(after[i].kind, before[i].kind);
    EXPECT_EQ(after[i].window_start_us, before[i].window_start_us);
    EXPECT_EQ(after[i].window_end_us, before[i].window_end_us);
    EXPECT_EQ(Addresses(after[i]), Addresses(before[i]));
  }
  EXPECT_EQ(after[0].kind, "");
  EXPECT_EQ(after[0].window_end_us, kWindow);
  EXPECT_EQ(after[1].kind, "worm");
  EXPECT_EQ(after[1].window_end_us, 10);
  EXPECT_EQ(Addresses(after[1]), (std::vector<std::string>{"192.0.2.1", "192.0.2.3"}));
}

TEST_F(WindowStoreTest, IncidentsAfterARestartJoinTheRestoredPerKindReport) {
  {
    OwnerBatcher batcher(kWindow, {}, kWormWindow);
    WindowStore windows(store_.get());
    AddAll(&batcher, &windows, {Make("192.0.2.1", 0, v1::KIND_WORM)});
  }
  OwnerBatcher batcher(kWindow, {}, kWormWindow);
  WindowStore windows(store_.get());
  core::CauseOrder order(true);
  std::set<std::string> ended;
  ASSERT_TRUE(windows.Restore(&batcher, &order, &ended).ok());
  const uint64_t restored = batcher.last_merged();
  AddAll(&batcher, &windows, {Make("192.0.2.9", 4, v1::KIND_WORM)});
  EXPECT_EQ(batcher.last_merged(), restored);
  EXPECT_EQ(windows.open_incidents(), 2u);
  std::vector<Report> closed = batcher.Add(Make("192.0.2.7", 10, v1::KIND_PORT_SCAN));
  ASSERT_EQ(closed.size(), 1u);
  EXPECT_EQ(closed[0].kind, "worm");
  EXPECT_EQ(Addresses(closed[0]), (std::vector<std::string>{"192.0.2.1", "192.0.2.9"}));
}

TEST_F(WindowStoreTest, KeysWithoutAKindStayInTheDefaultReportAndAKindWithoutAWindowIsRegrouped) {
  // An open report written before per-kind windows: the key is the contact.
  core::KvStore::Batch batch;
  std::string old_key = std::string("o/abuse@kestrel.example") + '\0' + std::string(7, '\0') +
                        '\x01' + '\0' + std::string(7, '\0') + '\x01';
  batch.Put(old_key, Make("192.0.2.1", 0, v1::KIND_WORM).SerializeAsString());
  // A worm report of a run whose config had a worm window.
  std::string worm_key = std::string("o/abuse@kestrel.example\x1fworm") + '\0' +
                         std::string(7, '\0') + '\x02' + '\0' + std::string(7, '\0') + '\x02';
  batch.Put(worm_key, Make("192.0.2.2", 1, v1::KIND_WORM).SerializeAsString());
  ASSERT_TRUE(store_->Write(batch).ok());

  // Restored with a worm window: each stays where it was batched.
  std::vector<Report> with_window = RestoreAndFlush(kWormWindow);
  ASSERT_EQ(with_window.size(), 2u);
  EXPECT_EQ(with_window[0].kind, "");
  EXPECT_EQ(Addresses(with_window[0]), (std::vector<std::string>{"192.0.2.1"}));
  EXPECT_EQ(with_window[1].kind, "worm");
  EXPECT_EQ(Addresses(with_window[1]), (std::vector<std::string>{"192.0.2.2"}));

  // Restored after the worm window was taken out of the config: one report.
  std::vector<Report> without = RestoreAndFlush({});
  ASSERT_EQ(without.size(), 1u);
  EXPECT_EQ(without[0].kind, "");
  EXPECT_EQ(Addresses(without[0]), (std::vector<std::string>{"192.0.2.1", "192.0.2.2"}));
}

}  // namespace
}  // namespace abuseflow::notify
