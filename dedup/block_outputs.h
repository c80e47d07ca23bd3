#pragma once

#include <string>
#include <vector>

#include "core/ip_address.h"
#include "core/result.h"
#include "core/status.h"
#include "dedup/history_store.h"

namespace abuseflow::dedup {

// One active block, as the outputs list it: an address, or a whole netblock's
// prefix (`length` >= 0, set past dedup.policy.netblock_block_threshold).
struct BlockEntry {
  core::IpAddress address;
  int64_t expires_us = 0;
  std::string reason;
  int length = -1;  // prefix length of a netblock entry; -1 for one address
  std::string Text() const;  // "192.0.2.7" or "192.0.2.0/24"
};

// The block outputs in `<state_dir>/blocks/`, rewritten whole (write to a
// temporary file, then rename) so a reader never sees half a file:
//   nftables.nft   `nft -f` script: table inet abuseflow, interval sets
//                  blocked_v4/blocked_v6 (addresses and prefixes), flushed and refilled
//   ipset.restore  `ipset restore` input: hash:ip sets abuseflow-v4/-v6 for
//                  addresses, hash:net sets abuseflow-net-v4/-v6 for prefixes
//   blocklist.txt  one address or prefix per line
// Addresses inside a blocked prefix are left out (the prefix covers them).
// Then runs `hook` (if not empty) with /bin/sh -c, with ABUSEFLOW_BLOCKS_DIR
// set, and waits for it. A failing hook is an error the caller logs; the
// files are already written. Not thread-safe (one writer per state folder).
class BlockOutputs {
 public:
  BlockOutputs(std::string dir, std::string hook) : dir_(std::move(dir)), hook_(std::move(hook)) {}

  // Writes the three files for `blocks` (sorted by address), then runs the hook.
  core::Status Write(std::vector<BlockEntry> blocks) const;
  // Reads the active blocks (addresses and netblocks) from `store` and writes them.
  core::Status WriteFrom(const HistoryStore& store) const;
  const std::string& dir() const { return dir_; }

 private:
  core::Status RunHook() const;
  std::string dir_;
  std::string hook_;
};

// The folder of the block outputs of a state folder.
std::string BlocksDir(const std::string& state_dir);

// The active blocks of `store`: addresses, then netblock prefixes; sorted,
// addresses inside a blocked prefix left out.
core::Result<std::vector<BlockEntry>> ActiveBlocks(const HistoryStore& store);
// Sorts `blocks` and drops the addresses a prefix entry covers.
void Normalise(std::vector<BlockEntry>* blocks);

// The three files' texts (exposed for tests).
std::string NftablesText(const std::vector<BlockEntry>& blocks);
std::string IpsetText(const std::vector<BlockEntry>& blocks);
std::string PlainText(const std::vector<BlockEntry>& blocks);

}  // namespace abuseflow::dedup
