#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.h"

namespace rocksdb {
class DB;
}

namespace abuseflow::core {

// A small key-value store over one RocksDB database. Keeps RocksDB's headers
// out of the stages. Thread-safety: Get, Write and Scan may be called from
// several threads (RocksDB is internally synchronised); a stage normally has
// one writer thread.
class KvStore {
 public:
  struct Options {
    bool create_if_missing = true;  // create the folder and database; default true
    bool read_only = false;         // open without taking the write lock; default false
    bool sync_writes = false;       // fsync the WAL on every Write; default false
  };

  // A group of puts and deletes applied atomically by Write().
  class Batch {
   public:
    void Put(std::string key, std::string value) { puts_.emplace_back(std::move(key), std::move(value)); }
    void Delete(std::string key) { deletes_.push_back(std::move(key)); }
    bool empty() const { return puts_.empty() && deletes_.empty(); }
    size_t size() const { return puts_.size() + deletes_.size(); }

   private:
    friend class KvStore;
    std::vector<std::pair<std::string, std::string>> puts_;
    std::vector<std::string> deletes_;
  };

  // Opens the database in folder `path`. Fails with IoError naming the path
  // (missing folder in read-only mode, lock held by another process, ...).
  static Result<std::unique_ptr<KvStore>> Open(const std::string& path, const Options& options);
  ~KvStore();
  KvStore(const KvStore&) = delete;
  KvStore& operator=(const KvStore&) = delete;

  Result<std::optional<std::string>> Get(std::string_view key) const;
  Status Write(const Batch& batch);
  // With `sync`, the WAL is fsynced before it returns, whatever sync_writes says.
  Status Write(const Batch& batch, bool sync);
  // Calls `fn(key, value)` for every key starting with `prefix`, in key order,
  // until it returns false.
  Status Scan(std::string_view prefix,
              const std::function<bool(std::string_view, std::string_view)>& fn) const;

 private:
  KvStore(std::unique_ptr<rocksdb::DB> db, Options options);
  std::unique_ptr<rocksdb::DB> db_;
  Options options_;
};

}  // namespace abuseflow::core
