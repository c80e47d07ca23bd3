#include "dedup/resharder.h"

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <set>

#include "core/kv_store.h"
#include "core/shard_map.h"
#include "dedup/block_outputs.h"
#include "dedup/dedup_stage.h"
#include "dedup/history_store.h"
#include "dedup/reshard_merge.h"
#include "dedup/reshard_switch.h"

namespace abuseflow::dedup {
namespace {

namespace fs = std::filesystem;
using Store = std::unique_ptr<core::KvStore>;

constexpr size_t kBatchKeys = 1024;  // puts per synced write into a new shard

int64_t Int64Of(std::string_view bytes) {
  int64_t v = 0;
  if (bytes.size() == sizeof v) std::memcpy(&v, bytes.data(), sizeof v);
  return v;
}

std::string Int64Bytes(int64_t v) { return std::string(reinterpret_cast<const char*>(&v), sizeof v); }

// What the old shards hold besides the histories, merged for the new ones.
struct Merged {
  std::map<std::string, v1::AppliedRanges> applied;  // origin -> union
  std::optional<int64_t> now_us, retention_us;
  std::map<std::string, std::string> cursors;        // l/c/<stream> -> next cause seq (every shard the same)
  uint64_t next_seq = 0;                             // l/seq: the largest
};

// Writes to the new shards in synced batches of kBatchKeys.
class Writer {
 public:
  explicit Writer(std::vector<Store>* shards) : shards_(shards), batches_(shards->size()) {}
  core::Status Put(size_t shard, std::string key, std::string value) {
    batches_[shard].Put(std::move(key), std::move(value));
    return batches_[shard].size() >= kBatchKeys ? Flush(shard) : core::Status::Ok();
  }
  core::Status Flush(size_t shard) {
    core::Status s = (*shards_)[shard]->Write(batches_[shard]);
    batches_[shard] = core::KvStore::Batch();
    return s;
  }
  core::Status FlushAll() {
    for (size_t k = 0; k < batches_.size(); ++k) {
      if (core::Status s = Flush(k); !s.ok()) return s;
    }
    return core::Status::Ok();
  }

 private:
  std::vector<Store>* shards_;
  std::vector<core::KvStore::Batch> batches_;
};

std::string Where(int shard, int shards) { return "shard " + std::to_string(shard) + "/" + std::to_string(shards); }

// Opens every old shard for writing (taking its lock), refusing a layout that is not `from` shards.
core::Result<std::vector<Store>> OpenOld(const std::string& state_dir, int from) {
  const std::string stray = from <= 1 ? state_dir + "/shard-0"
                                      : (fs::exists(state_dir + "/history") ? state_dir + "/history"
                                                                           : core::ShardStateDir(state_dir, from, from + 1));
  if (fs::exists(stray)) {
    return core::Status::InvalidArgument(stray + " exists: the state folder does not hold exactly " +
                                         std::to_string(from) + " shard(s) (check --from)");
  }
  std::vector<Store> stores;
  for (int k = 0; k < from; ++k) {
    const std::string dir = HistoryDir(core::ShardStateDir(state_dir, k, from));
    if (!fs::exists(dir)) return core::Status::NotFound(Where(k, from) + " has no history at " + dir);
    core::KvStore::Options options;
    options.create_if_missing = false;
    auto store = core::KvStore::Open(dir, options);
    if (!store.ok()) {
      return core::Status::Unavailable(Where(k, from) + " cannot be opened for writing (is its dedup still "
                                       "running? stop it first): " + store.status().message());
    }
    stores.push_back(std::move(store).value());
  }
  return stores;
}

// Refuses link state still on its way; collects the cursors and the next seq.
core::Status CheckDrained(const std::vector<Store>& old, Merged* merged) {
  std::vector<std::map<std::string, std::string>> cursors(old.size());
  for (size_t k = 0; k < old.size(); ++k) {
    uint64_t pending = 0;
    std::set<std::string> ends;
    core::Status s = old[k]->Scan("l/", [&](std::string_view key, std::string_view value) {
      if (key.starts_with("l/o/")) ++pending;
      if (key.starts_with("l/e/")) ends.insert(std::string(key.substr(4)));
      if (key.starts_with("l/c/")) cursors[k][std::string(key)] = std::string(value);
      if (key == "l/seq") merged->next_seq = std::max<uint64_t>(merged->next_seq, std::strtoull(std::string(value).c_str(), nullptr, 10));
      return true;
    });
    if (!s.ok()) return s;
    const std::string where = Where(static_cast<int>(k), static_cast<int>(old.size()));
    if (pending > 0 || !ends.empty()) {
      return core::Status::Unavailable(where + " has " + std::to_string(pending) +
                                       " incident batch(es) and " + std::to_string(ends.size()) +
                                       " end(s) of stream notify has not acknowledged (l/o/, l/e/): let the "
                                       "pipeline drain (start notify and let every stage end) first");
    }
  }
  for (size_t k = 1; k < old.size(); ++k) {
    if (cursors[k] != cursors[0]) {
      return core::Status::Unavailable("the shards have applied their ingest streams to different points "
                                       "(l/c/ cursors of shard 0 and shard " + std::to_string(k) +
                                       " differ): a stream is under way; let the pipeline drain first");
    }
  }
  if (!old.empty()) merged->cursors = cursors[0];
  return core::Status::Ok();
}

// Reads every key of old shard `j` of `from`: histories to their new shard, the rest into *merged and *views.
core::Status ReadShard(const core::KvStore& old, int j, int from, int to, Writer* out, Merged* merged,
                       NetblockRebuild* views, ReshardReport* report) {
  core::Status error;
  auto fail = [&](core::Status s) {
    error = std::move(s);
    return false;
  };
  core::Status scan = old.Scan("", [&](std::string_view key, std::string_view value) {
    if (key.starts_with("h/")) {
      v1::AddressHistory h;
      if (!h.ParseFromArray(value.data(), static_cast<int>(value.size())))
        return fail(core::Status::Corruption(Where(j, from) + ": a history record does not decode"));
      const std::string_view bytes = key.substr(2);
      if (core::ShardOf(bytes, from) != j) {
        return fail(core::Status::InvalidArgument(
            Where(j, from) + " holds the history of an address of shard " +
            std::to_string(core::ShardOf(bytes, from)) + ": the shards were not made with " +
            std::to_string(from) + " shard(s)"));
      }
      const int k = core::ShardOf(bytes, to);
      if (core::Status s = out->Put(k, std::string(key), std::string(value)); !s.ok()) return fail(s);
      if (h.block().active()) {
        if (core::Status s = out->Put(k, "b/" + std::string(bytes), ""); !s.ok()) return fail(s);
      }
      views->AddHistory(k, h);
      ++report->histories;
      ++report->per_shard[k];
    } else if (key.starts_with("a/")) {
      v1::AppliedRanges ranges;
      if (!ranges.ParseFromArray(value.data(), static_cast<int>(value.size())))
        return fail(core::Status::Corruption(Where(j, from) + ": an applied-ids record does not decode"));
      auto& merged_ranges = merged->applied[std::string(key.substr(2))];
      merged_ranges = MergeApplied(merged_ranges, ranges);
    } else if (key.starts_with("n/")) {
      v1::NetblockRecord record;
      if (!record.ParseFromArray(value.data(), static_cast<int>(value.size())))
        return fail(core::Status::Corruption(Where(j, from) + ": a netblock record does not decode"));
      views->AddOld(std::string(key), record);
    } else if (key == "m/now") {
      merged->now_us = std::max(merged->now_us.value_or(0), Int64Of(value));
    } else if (key == "m/retention") {
      merged->retention_us = std::max(merged->retention_us.value_or(0), Int64Of(value));
    } else if (!key.starts_with("b/") && !key.starts_with("l/")) {  // b/ is rebuilt, l/ checked
      return fail(core::Status::InvalidArgument(Where(j, from) + " has a key this version cannot reshard: '" +
                                                std::string(key.substr(0, 2)) + "...'"));
    }
    return true;
  });
  return scan.ok() ? error : scan;
}

// Writes what every new shard shares: the merged ids, clock, cursors; and each its netblock records.
core::Status WriteShared(const Merged& merged, const NetblockRebuild& views, int to, Writer* out,
                         ReshardReport* report) {
  for (int k = 0; k < to; ++k) {
    std::vector<std::pair<std::string, std::string>> puts;
    for (const auto& [origin, ranges] : merged.applied) puts.emplace_back("a/" + origin, ranges.SerializeAsString());
    if (merged.now_us) puts.emplace_back("m/now", Int64Bytes(*merged.now_us));
    if (merged.retention_us) puts.emplace_back("m/retention", Int64Bytes(*merged.retention_us));
    for (const auto& [key, value] : merged.cursors) puts.emplace_back(key, value);
    if (merged.next_seq > 0) puts.emplace_back("l/seq", std::to_string(merged.next_seq));
    for (auto& [key, record] : views.For(k)) {
      puts.emplace_back(key, record.SerializeAsString());
      ++report->netblocks;
    }
    for (auto& [key, value] : puts) {
      if (core::Status s = out->Put(k, std::move(key), std::move(value)); !s.ok()) return s;
    }
  }
  report->origins = merged.applied.size();
  return out->FlushAll();
}

// Builds the new shards in reshard.new from the open old ones.
core::Status Build(const std::string& state_dir, const std::vector<Store>& old, int to, ReshardReport* report) {
  const std::string root = ReshardNewDir(state_dir);
  Merged merged;
  if (core::Status s = CheckDrained(old, &merged); !s.ok()) return s;
  std::error_code ec;
  fs::remove_all(root, ec);  // a build interrupted before it was complete starts again
  std::vector<Store> shards;
  for (int k = 0; k < to; ++k) {
    core::KvStore::Options options;
    options.sync_writes = true;
    auto store = core::KvStore::Open(HistoryDir(core::ShardStateDir(root, k, to)), options);
    if (!store.ok()) return store.status();
    shards.push_back(std::move(store).value());
  }
  Writer out(&shards);
  NetblockRebuild views(to);
  report->per_shard.assign(to, 0);
  for (size_t j = 0; j < old.size(); ++j) {
    core::Status s = ReadShard(*old[j], static_cast<int>(j), static_cast<int>(old.size()), to, &out, &merged,
                               &views, report);
    if (!s.ok()) return s;
  }
  return WriteShared(merged, views, to, &out, report);
}

// Rewrites each new shard's block outputs from its history (no hook: it runs at dedup's next change).
core::Status WriteBlockOutputs(const std::string& state_dir, int to) {
  const std::string root = ReshardNewDir(state_dir);
  for (int k = 0; k < to; ++k) {
    const std::string dir = core::ShardStateDir(root, k, to);
    auto store = HistoryStore::Open(HistoryDir(dir), true);
    if (!store.ok()) return store.status();
    if (core::Status s = BlockOutputs(BlocksDir(dir), "").WriteFrom(**store); !s.ok()) return s;
  }
  return core::Status::Ok();
}

}  // namespace

core::Result<ReshardReport> Reshard(const std::string& state_dir, int from, int to) {
  if (from < 1 || to < 1) return core::Status::InvalidArgument("shard counts must be at least 1");
  if (from == to) return core::Status::InvalidArgument("the state already has " + std::to_string(to) + " shard(s)");
  if (!fs::is_directory(state_dir)) return core::Status::NotFound("no state folder " + state_dir);
  ReshardReport report;
  report.from = from;
  report.to = to;
  int built_from = 0, built_to = 0;
  if (ReadBuilt(state_dir, &built_from, &built_to)) {  // interrupted during the switch-over: finish it
    if (built_from != from || built_to != to) {
      return core::Status::InvalidArgument("an interrupted reshard from " + std::to_string(built_from) + " to " +
                                           std::to_string(built_to) + " shards is to be finished first (run "
                                           "reshard again with --from " + std::to_string(built_from) +
                                           " --to " + std::to_string(built_to) + ")");
    }
    auto backup = SwitchOver(state_dir, from, to);
    if (!backup.ok()) return backup.status();
    report.backup = *backup;
    report.resumed = true;
    return report;
  }
  if (auto finished = FinishBackup(state_dir, from, to); !finished.ok()) return finished.status();
  {
    auto old = OpenOld(state_dir, from);
    if (!old.ok()) return old.status();
    if (core::Status s = Build(state_dir, *old, to, &report); !s.ok()) {
      std::error_code ec;
      fs::remove_all(ReshardNewDir(state_dir), ec);  // nothing of a failed build is kept
      return s;
    }
  }  // the old shards closed (their locks released) before they move
  if (core::Status s = WriteBlockOutputs(state_dir, to); !s.ok()) return s;
  if (core::Status s = MarkBuilt(state_dir, from, to); !s.ok()) return s;
  auto backup = SwitchOver(state_dir, from, to);
  if (!backup.ok()) return backup.status();
  report.backup = *backup;
  return report;
}

}  // namespace abuseflow::dedup
