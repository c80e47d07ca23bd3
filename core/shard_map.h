#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/config.h"
#include "core/result.h"

namespace abuseflow::core {

// Dedup partitioning (enrich/README.md, "Dedup shards"). Each dedup shard is
// the single writer of the histories of the addresses that hash to it, so
// the hash decides where an address's history lives: it must never change
// silently. It is FNV-1a 64 (offset basis 0xcbf29ce484222325, prime
// 0x100000001b3) over the address's network-order bytes as they travel in
// ProbeEvent.src (4 for IPv4, 16 for IPv6), taken modulo the number of
// shards. Changing the number of shards moves most addresses to another
// shard: `abuseflow reshard` (dedup/resharder.h) moves their histories.
// Used by enrich (routing) and dedup (resharding). Pure.

// FNV-1a 64 of `bytes`.
uint64_t Fnv1a64(std::string_view bytes);

// The shard (0..shards-1) owning the address whose bytes are `address_bytes`;
// 0 when shards <= 1.
int ShardOf(std::string_view address_bytes, int shards);

// The dedup endpoints enrich sends to: the `[endpoints] dedup` list, or the
// single `dedup` endpoint.
std::vector<std::string> DedupEndpoints(const Config& config);

// The state folder of shard `shard` of `shards` under `state_dir`:
// `<state_dir>/shard-K` when shards > 1, `state_dir` itself otherwise.
std::string ShardStateDir(const std::string& state_dir, int shard, int shards);

// The state folder of dedup shard `shard` of the config's shards.
std::string ShardStateDir(const Config& config, int shard);

// The config a dedup shard runs with: state_dir = ShardStateDir and
// endpoints.dedup = that shard's endpoint. InvalidArgument when `shard` is
// not one of the config's shards.
Result<Config> DedupShardConfig(const Config& config, int shard);

}  // namespace abuseflow::core
