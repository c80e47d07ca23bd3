#pragma once
// For the notify unit tests: a fixture with a RocksDB database in a fresh
// temporary folder per test, removed after it.

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>

#include "core/kv_store.h"

namespace abuseflow::notify {

class KvStoreTest : public ::testing::Test {
 protected:
  // `sync_writes` as in core::KvStore::Options.
  explicit KvStoreTest(bool sync_writes = false) : sync_writes_(sync_writes) {}

  // Opens store_ in dir_ (named after the test); a subclass calls it first.
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = std::filesystem::temp_directory_path() /
           (std::string(info->test_suite_name()) + "_" + std::to_string(::getpid()) + "_" + info->name());
    std::filesystem::remove_all(dir_);
    core::KvStore::Options options;
    options.sync_writes = sync_writes_;
    auto store = core::KvStore::Open(dir_.string(), options);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
  }
  // Closes the store and removes dir_; a subclass drops what uses the store first.
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  std::filesystem::path dir_;
  std::unique_ptr<core::KvStore> store_;

 private:
  bool sync_writes_;
};

}  // namespace abuseflow::notify
