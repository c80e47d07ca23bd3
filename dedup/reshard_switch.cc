#include "dedup/reshard_switch.h"

#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>

namespace abuseflow::dedup {
namespace {

namespace fs = std::filesystem;

std::string OldDir(const std::string& state_dir) { return state_dir + "/reshard.old"; }
std::string DoneFile(const std::string& state_dir) { return ReshardNewDir(state_dir) + "/DONE"; }

// fsyncs a file or folder so a rename or a write in it is durable.
core::Status SyncPath(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY);
  if (fd < 0) return core::Status::IoError("cannot open " + path + " to sync it");
  int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return core::Status::IoError("cannot sync " + path);
  return core::Status::Ok();
}

core::Status Move(const fs::path& from, const fs::path& to) {
  std::error_code ec;
  fs::rename(from, to, ec);
  if (ec) return core::Status::IoError("cannot rename " + from.string() + " to " + to.string() + ": " + ec.message());
  return core::Status::Ok();
}

std::string BackupName(const std::string& state_dir, int from, int to) {
  std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&now, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
  std::string base = state_dir + "/reshard-backup-" + std::to_string(from) + "-to-" + std::to_string(to) + "-" + stamp;
  std::string name = base;
  for (int i = 1; fs::exists(name); ++i) name = base + "." + std::to_string(i);
  return name;
}

}  // namespace

std::vector<std::string> ShardItems(int shards) {
  if (shards <= 1) return {"history", "blocks"};
  std::vector<std::string> items;
  for (int k = 0; k < shards; ++k) items.push_back("shard-" + std::to_string(k));
  return items;
}

std::string ReshardNewDir(const std::string& state_dir) { return state_dir + "/reshard.new"; }

core::Status MarkBuilt(const std::string& state_dir, int from, int to) {
  const std::string tmp = DoneFile(state_dir) + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << from << " " << to << "\n";
    if (!out.flush()) return core::Status::IoError("cannot write " + tmp);
  }
  if (core::Status s = SyncPath(tmp); !s.ok()) return s;
  if (core::Status s = Move(tmp, DoneFile(state_dir)); !s.ok()) return s;
  return SyncPath(ReshardNewDir(state_dir));
}

bool ReadBuilt(const std::string& state_dir, int* from, int* to) {
  std::ifstream in(DoneFile(state_dir));
  return static_cast<bool>(in >> *from >> *to);
}

core::Result<std::string> SwitchOver(const std::string& state_dir, int from, int to) {
  const fs::path state(state_dir), old_dir(OldDir(state_dir)), new_dir(ReshardNewDir(state_dir));
  std::error_code ec;
  fs::create_directories(old_dir, ec);
  if (ec) return core::Status::IoError("cannot create " + old_dir.string() + ": " + ec.message());
  for (const std::string& item : ShardItems(from)) {  // the old shards out of the way
    if (fs::exists(state / item) && !fs::exists(old_dir / item)) {
      if (core::Status s = Move(state / item, old_dir / item); !s.ok()) return s;
    }
  }
  if (core::Status s = SyncPath(state_dir); !s.ok()) return s;
  for (const std::string& item : ShardItems(to)) {  // the new ones in
    if (!fs::exists(new_dir / item)) continue;
    if (fs::exists(state / item)) {
      return core::Status::IoError("cannot move the new " + item + " into place: " + (state / item).string() +
                                   " exists");
    }
    if (core::Status s = Move(new_dir / item, state / item); !s.ok()) return s;
  }
  if (core::Status s = SyncPath(state_dir); !s.ok()) return s;
  fs::remove(new_dir / "DONE", ec);
  fs::remove_all(new_dir, ec);
  if (ec) return core::Status::IoError("cannot remove " + new_dir.string() + ": " + ec.message());
  return FinishBackup(state_dir, from, to);
}

core::Result<std::string> FinishBackup(const std::string& state_dir, int from, int to) {
  if (!fs::exists(OldDir(state_dir))) return std::string();
  std::string backup = BackupName(state_dir, from, to);
  if (core::Status s = Move(OldDir(state_dir), backup); !s.ok()) return s;
  if (core::Status s = SyncPath(state_dir); !s.ok()) return s;
  return backup;
}

}  // namespace abuseflow::dedup
