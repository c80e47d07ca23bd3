#include "core/kv_store.h"

#include <gtest/gtest.h>

#include <cstdio>
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

TEST_F(KvStoreTest, CreatesMissingParentFolders) {
  const std::string path = (dir_ / "state" / "history").string();
  auto store = KvStore::Open(path, {});
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  KvStore::Batch batch;
  batch.Put("k", "v");
  EXPECT_TRUE((*store)->Write(batch).ok());
}

TEST_F(KvStoreTest, UncreatableFolderIsAnIoErrorNamingIt) {
  std::filesystem::create_directories(dir_);
  {
    std::FILE* f = std::fopen((dir_ / "file").c_str(), "w");
    ASSERT_NE(f, nullptr);
    std::fclose(f);
  }
  const std::string path = (dir_ / "file" / "history").string();
  auto store = KvStore::Open(path, {});
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), Status::Code::kIoError);
  EXPECT_NE(store.status().message().find(path), std::string::npos);
}

}  // namespace
}  // namespace abuseflow::core
