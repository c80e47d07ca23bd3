#include "core/shard_map.h"

namespace abuseflow::core {

uint64_t Fnv1a64(std::string_view bytes) {
  uint64_t hash = 0xcbf29ce484222325ULL;
  for (unsigned char c : bytes) {
    hash ^= c;
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

int ShardOf(std::string_view address_bytes, int shards) {
  if (shards <= 1) return 0;
  return static_cast<int>(Fnv1a64(address_bytes) % static_cast<uint64_t>(shards));
}

std::vector<std::string> DedupEndpoints(const Config& config) {
  if (!config.endpoints.dedup_shards.empty()) return config.endpoints.dedup_shards;
  return {config.endpoints.dedup};
}

std::string ShardStateDir(const std::string& state_dir, int shard, int shards) {
  if (shards <= 1) return state_dir;
  return state_dir + "/shard-" + std::to_string(shard);
}

std::string ShardStateDir(const Config& config, int shard) {
  return ShardStateDir(config.state_dir, shard,
                       static_cast<int>(config.endpoints.dedup_shards.size()));
}

Result<Config> DedupShardConfig(const Config& config, int shard) {
  std::vector<std::string> endpoints = DedupEndpoints(config);
  if (shard < 0 || shard >= static_cast<int>(endpoints.size())) {
    return Status::InvalidArgument("dedup shard " + std::to_string(shard) +
                                   " is not in [endpoints] dedup (" +
                                   std::to_string(endpoints.size()) + " shards)");
  }
  Config out = config;
  out.state_dir = ShardStateDir(config, shard);
  out.endpoints.dedup = endpoints[shard];
  return out;
}

}  // namespace abuseflow::core
