#include "notify/thread_index.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <optional>

#include "core/ip_address.h"

namespace abuseflow::notify {
namespace {

namespace fs = std::filesystem;

class ThreadIndexTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() /
           ("thread_index_test_" + std::to_string(::getpid()) + "_" + info->name());
    fs::remove_all(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  static Report Of(std::initializer_list<const char*> addresses) {
    Report r;
    for (const char* a : addresses) {
      ReportEntry e;
      e.address = *core::IpAddress::Parse(a);
      r.entries.push_back(e);
    }
    return r;
  }

  // The index over a fresh database in dir_ (reopened when called again).
  ThreadIndex Open() {
    store_.reset();
    core::KvStore::Options options;
    options.sync_writes = true;
    auto store = core::KvStore::Open(dir_.string(), options);
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
    return ThreadIndex(store_.get());
  }

  fs::path dir_;
  std::unique_ptr<core::KvStore> store_;
};

TEST_F(ThreadIndexTest, AFollowUpThreadsToTheEarlierNoticesOfItsAddresses) {
  auto index = std::optional<ThreadIndex>(Open());
  ASSERT_TRUE(index->Record(Of({"192.0.2.7"}), "<a@x>").ok());
  ASSERT_TRUE(index->Record(Of({"192.0.2.7", "192.0.2.8"}), "<b@x>").ok());
  auto t = index->Lookup(Of({"192.0.2.7", "192.0.2.8", "192.0.2.9"}), "<c@x>");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->in_reply_to, (std::vector<std::string>{"<b@x>"}));
  EXPECT_EQ(t->references, (std::vector<std::string>{"<a@x>", "<b@x>"}));
  auto none = index->Lookup(Of({"192.0.2.9"}), "<c@x>");
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->in_reply_to.empty());
}

TEST_F(ThreadIndexTest, SurvivesAReopenAndNeverThreadsAMailToItself) {
  {
    auto index = std::optional<ThreadIndex>(Open());
    ASSERT_TRUE(index->Record(Of({"2001:db8::1"}), "<a@x>").ok());
    ASSERT_TRUE(index->Record(Of({"2001:db8::1"}), "<a@x>").ok());  // written again
  }
  auto index = std::optional<ThreadIndex>(Open());
  auto self = index->Lookup(Of({"2001:db8::1"}), "<a@x>");
  ASSERT_TRUE(self.ok());
  EXPECT_TRUE(self->references.empty());
  auto next = index->Lookup(Of({"2001:db8::1"}), "<b@x>");
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(next->references, (std::vector<std::string>{"<a@x>"}));
}

TEST_F(ThreadIndexTest, KeepsTheLatestIdsPerAddress) {
  auto index = std::optional<ThreadIndex>(Open());
  for (int i = 0; i < 15; ++i) {
    ASSERT_TRUE(index->Record(Of({"192.0.2.7"}), "<" + std::to_string(i) + "@x>").ok());
  }
  auto t = index->Lookup(Of({"192.0.2.7"}), "<new@x>");
  ASSERT_TRUE(t.ok());
  ASSERT_EQ(t->references.size(), ThreadIndex::kMaxIdsPerAddress);
  EXPECT_EQ(t->references.front(), "<5@x>");
  EXPECT_EQ(t->in_reply_to, (std::vector<std::string>{"<14@x>"}));
}

}  // namespace
}  // namespace abuseflow::notify
