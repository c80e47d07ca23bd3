#include "ingest/offset_store.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace abuseflow::ingest {
namespace {

namespace fs = std::filesystem;

class OffsetStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("offset_store_test_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(OffsetStoreTest, NothingSavedIsNoPosition) {
  OffsetStore store(dir_.string(), "apache:/var/log/a.log");
  auto p = store.Load();
  ASSERT_TRUE(p.ok());
  EXPECT_FALSE(p->has_value());
}

TEST_F(OffsetStoreTest, SavedPositionIsLoadedAgainAndReplacesTheOld) {
  OffsetStore store(dir_.string(), "apache:/var/log/a.log");
  ASSERT_TRUE(store.Save({1, 2, 3, 4, 0, 0}).ok());
  ASSERT_TRUE(store.Save({5, 6, 7, 8, 9, 10}).ok());
  auto p = OffsetStore(dir_.string(), "apache:/var/log/a.log").Load();
  ASSERT_TRUE(p.ok() && p->has_value());
  EXPECT_EQ(**p, (FilePosition{5, 6, 7, 8, 9, 10}));
  EXPECT_FALSE(fs::exists(store.path() + ".tmp"));
}

TEST_F(OffsetStoreTest, OriginsGetTheirOwnFiles) {
  OffsetStore a(dir_.string(), "apache:/a/x.log"), b(dir_.string(), "apache:/b/x.log");
  EXPECT_NE(a.path(), b.path());
}

TEST_F(OffsetStoreTest, DamagedFileIsAnErrorNamingIt) {
  OffsetStore store(dir_.string(), "o");
  ASSERT_TRUE(store.Save({1, 2, 3, 4, 0, 0}).ok());
  std::ofstream(store.path()) << "garbage";
  auto p = store.Load();
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.status().message().find(store.path()), std::string::npos);
}

}  // namespace
}  // namespace abuseflow::ingest
