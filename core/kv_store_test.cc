#include "core/kv_store.h"

#include <gtest/gtest.h>

#include <filesystem>

namespace abuseflow::core {
namespace {

class KvStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("kv_store_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path dir_;
};

TEST_F(KvStoreTest, WritesSurviveReopenAndScanIsOrdered) {
  {
    auto store = KvStore::Open(dir_.string(), {});
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    KvStore::Batch batch;
    batch.Put("h/2", "two");
    batch.Put("h/1", "one");
    batch.Put("x/9", "other");
    ASSERT_TRUE((*store)->Write(batch).ok());
  }
  auto store = KvStore::Open(dir_.string(), {.create_if_missing = false, .read_only = true});
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  auto v = (*store)->Get("h/1");
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->value_or(""), "one");
  EXPECT_FALSE((*store)->Get("h/3")->has_value());
  std::vector<std::string> keys;
  ASSERT_TRUE((*store)->Scan("h/", [&](std::string_view k, std::string_view) {
    keys.emplace_back(k);
    return true;
  }).ok());
  EXPECT_EQ(keys, (std::vector<std::string>{"h/1", "h/2"}));
  KvStore::Batch more;
  more.Put("a", "b");
  EXPECT_FALSE((*store)->Write(more).ok());
}

TEST_F(KvStoreTest, OpeningAMissingDatabaseReadOnlyNamesThePath) {
  auto store = KvStore::Open(dir_.string(), {.create_if_missing = false, .read_only = true});
  ASSERT_FALSE(store.ok());
  EXPECT_NE(store.status().message().find(dir_.string()), std::string::npos);
}

}  // namespace
}  // namespace abuseflow::core
