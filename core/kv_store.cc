#include "core/kv_store.h"

#include <rocksdb/db.h>

#include <filesystem>
#include <system_error>
#include <rocksdb/write_batch.h>

namespace abuseflow::core {
namespace {

Status FromRocks(const rocksdb::Status& s, const std::string& what) {
  if (s.ok()) return Status::Ok();
  if (s.IsCorruption()) return Status::Corruption(what + ": " + s.ToString());
  return Status::IoError(what + ": " + s.ToString());
}

}  // namespace

KvStore::KvStore(std::unique_ptr<rocksdb::DB> db, Options options)
    : db_(std::move(db)), options_(options) {}

KvStore::~KvStore() = default;

Result<std::unique_ptr<KvStore>> KvStore::Open(const std::string& path, const Options& options) {
  if (options.create_if_missing && !options.read_only) {
    // RocksDB creates only the last folder of the path; the state folder and
    // its parents may not exist yet on a first run.
    std::error_code ec;
    std::filesystem::create_directories(path, ec);
    if (ec) return Status::IoError("cannot create database folder " + path + ": " + ec.message());
  }
  rocksdb::Options db_options;
  db_options.create_if_missing = options.create_if_missing;
  db_options.create_missing_column_families = true;
  db_options.max_open_files = 256;
  db_options.keep_log_file_num = 2;
  db_options.info_log_level = rocksdb::InfoLogLevel::WARN_LEVEL;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = options.read_only ? rocksdb::DB::OpenForReadOnly(db_options, path, &raw)
                                        : rocksdb::DB::Open(db_options, path, &raw);
  if (!s.ok()) return FromRocks(s, "cannot open database " + path);
  return std::unique_ptr<KvStore>(new KvStore(std::unique_ptr<rocksdb::DB>(raw), options));
}

Result<std::optional<std::string>> KvStore::Get(std::string_view key) const {
  std::string value;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), rocksdb::Slice(key.data(), key.size()), &value);
  if (s.IsNotFound()) return std::optional<std::string>();
  if (!s.ok()) return FromRocks(s, "read failed");
  return std::optional<std::string>(std::move(value));
}

Status KvStore::Write(const Batch& batch) { return Write(batch, options_.sync_writes); }

Status KvStore::Write(const Batch& batch, bool sync) {
  if (options_.read_only) return Status::InvalidArgument("database is open read-only");
  rocksdb::WriteBatch wb;
  for (const auto& [k, v] : batch.puts_) wb.Put(k, v);
  for (const auto& k : batch.deletes_) wb.Delete(k);
  rocksdb::WriteOptions wo;
  wo.sync = sync;
  return FromRocks(db_->Write(wo, &wb), "write failed");
}

Status KvStore::Scan(std::string_view prefix,
                     const std::function<bool(std::string_view, std::string_view)>& fn) const {
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions()));
  for (it->Seek(rocksdb::Slice(prefix.data(), prefix.size())); it->Valid(); it->Next()) {
    std::string_view key(it->key().data(), it->key().size());
    if (key.substr(0, prefix.size()) != prefix) break;
    if (!fn(key, std::string_view(it->value().data(), it->value().size()))) break;
  }
  return FromRocks(it->status(), "scan failed");
}

}  // namespace abuseflow::core
