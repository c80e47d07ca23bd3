#include "dedup/block_outputs.h"

#include <spawn.h>
#include <sys/wait.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <tuple>

#include "core/ip_prefix.h"
#include "dedup/owner_views.h"

extern char** environ;

namespace abuseflow::dedup {
namespace {

namespace fs = std::filesystem;

core::Status WriteAtomically(const fs::path& path, const std::string& text) {
  fs::path tmp = path;
  tmp += ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << text;
    out.flush();
    if (!out) return core::Status::IoError("cannot write " + tmp.string());
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) return core::Status::IoError("cannot rename " + tmp.string() + ": " + ec.message());
  return core::Status::Ok();
}

std::string Elements(const std::vector<BlockEntry>& blocks, bool v4) {
  std::string out;
  for (const BlockEntry& b : blocks) {
    if (b.address.is_v4() != v4) continue;
    out += (out.empty() ? "" : ", ") + b.Text();
  }
  return out;
}

}  // namespace

std::string BlockEntry::Text() const {
  return length < 0 ? address.ToString() : core::IpPrefix(address, length).ToString();
}

std::string BlocksDir(const std::string& state_dir) { return state_dir + "/blocks"; }

void Normalise(std::vector<BlockEntry>* blocks) {
  std::vector<core::IpPrefix> prefixes;
  for (const BlockEntry& b : *blocks) {
    if (b.length >= 0) prefixes.emplace_back(b.address, b.length);
  }
  std::erase_if(*blocks, [&](const BlockEntry& b) {
    return b.length < 0 && std::any_of(prefixes.begin(), prefixes.end(), [&](const auto& p) {
             return p.Contains(b.address);
           });
  });
  std::sort(blocks->begin(), blocks->end(), [](const BlockEntry& a, const BlockEntry& b) {
    return std::tie(a.address, a.length) < std::tie(b.address, b.length);
  });
}

core::Result<std::vector<BlockEntry>> ActiveBlocks(const HistoryStore& store) {
  std::vector<BlockEntry> blocks;
  core::Status s = store.ForEachBlocked([&](const v1::AddressHistory& h) {
    if (auto a = core::IpAddress::FromBytes(h.src())) {
      blocks.push_back({*a, h.block().expires_us(), h.block().reason()});
    }
    return true;
  });
  if (!s.ok()) return s;
  s = store.ForEachNetblock([&](const v1::NetblockRecord& r) {
    if (!r.block().active()) return true;
    for (const core::IpPrefix& p : NetblockPrefixes(r)) {
      blocks.push_back({p.address(), r.block().expires_us(), r.block().reason(), p.length()});
    }
    return true;
  });
  if (!s.ok()) return s;
  Normalise(&blocks);
  return blocks;
}

std::string NftablesText(const std::vector<BlockEntry>& blocks) {
  std::string out =
      "#!/usr/sbin/nft -f\n"
      "# abuseflow block list, rewritten on every change; load with nft -f\n"
      "table inet abuseflow {\n"
      "  set blocked_v4 { type ipv4_addr; flags interval; auto-merge; }\n"
      "  set blocked_v6 { type ipv6_addr; flags interval; auto-merge; }\n"
      "}\n"
      "flush set inet abuseflow blocked_v4\n"
      "flush set inet abuseflow blocked_v6\n";
  for (bool v4 : {true, false}) {
    std::string elements = Elements(blocks, v4);
    if (elements.empty()) continue;
    out += std::string("add element inet abuseflow ") + (v4 ? "blocked_v4" : "blocked_v6") + " { " +
           elements + " }\n";
  }
  return out;
}

std::string IpsetText(const std::vector<BlockEntry>& blocks) {
  std::string out =
      "create abuseflow-v4 hash:ip family inet -exist\n"
      "create abuseflow-v6 hash:ip family inet6 -exist\n"
      "create abuseflow-net-v4 hash:net family inet -exist\n"
      "create abuseflow-net-v6 hash:net family inet6 -exist\n"
      "flush abuseflow-v4\n"
      "flush abuseflow-v6\n"
      "flush abuseflow-net-v4\n"
      "flush abuseflow-net-v6\n";
  for (const BlockEntry& b : blocks) {
    out += std::string("add abuseflow-") + (b.length >= 0 ? "net-" : "") +
           (b.address.is_v4() ? "v4 " : "v6 ") + b.Text() + "\n";
  }
  return out;
}

std::string PlainText(const std::vector<BlockEntry>& blocks) {
  std::string out;
  for (const BlockEntry& b : blocks) out += b.Text() + "\n";
  return out;
}

core::Status BlockOutputs::Write(std::vector<BlockEntry> blocks) const {
  Normalise(&blocks);
  std::error_code ec;
  fs::create_directories(dir_, ec);
  if (ec) return core::Status::IoError("cannot create " + dir_ + ": " + ec.message());
  fs::path dir(dir_);
  if (auto s = WriteAtomically(dir / "nftables.nft", NftablesText(blocks)); !s.ok()) return s;
  if (auto s = WriteAtomically(dir / "ipset.restore", IpsetText(blocks)); !s.ok()) return s;
  if (auto s = WriteAtomically(dir / "blocklist.txt", PlainText(blocks)); !s.ok()) return s;
  return RunHook();
}

core::Status BlockOutputs::WriteFrom(const HistoryStore& store) const {
  auto blocks = ActiveBlocks(store);
  if (!blocks.ok()) return blocks.status();
  return Write(std::move(blocks).value());
}

core::Status BlockOutputs::RunHook() const {
  if (hook_.empty()) return core::Status::Ok();
  std::vector<std::string> env_strings;
  for (char** e = environ; *e; ++e) {
    if (std::strncmp(*e, "ABUSEFLOW_BLOCKS_DIR=", 21) != 0) env_strings.emplace_back(*e);
  }
  env_strings.push_back("ABUSEFLOW_BLOCKS_DIR=" + dir_);
  std::vector<char*> envp;
  for (std::string& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::string sh = "/bin/sh", dash_c = "-c", command = hook_;
  char* argv[] = {sh.data(), dash_c.data(), command.data(), nullptr};
  pid_t pid = 0;
  if (int rc = posix_spawn(&pid, "/bin/sh", nullptr, nullptr, argv, envp.data()); rc != 0) {
    return core::Status::IoError("cannot start block hook: " + std::string(std::strerror(rc)));
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return core::Status::IoError("cannot wait for block hook");
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return core::Status::Unavailable("block hook '" + hook_ + "' failed (status " +
                                     std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : -1) +
                                     ")");
  }
  return core::Status::Ok();
}

}  // namespace abuseflow::dedup
