#include "enrich/shard_router.h"

namespace abuseflow::enrich {

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

std::vector<std::string> DedupEndpoints(const core::Config& config) {
  if (!config.endpoints.dedup_shards.empty()) return config.endpoints.dedup_shards;
  return {config.endpoints.dedup};
}

std::string ShardStateDir(const core::Config& config, int shard) {
  if (config.endpoints.dedup_shards.size() <= 1) return config.state_dir;
  return config.state_dir + "/shard-" + std::to_string(shard);
}

core::Result<core::Config> DedupShardConfig(const core::Config& config, int shard) {
  std::vector<std::string> endpoints = DedupEndpoints(config);
  if (shard < 0 || shard >= static_cast<int>(endpoints.size())) {
    return core::Status::InvalidArgument("dedup shard " + std::to_string(shard) +
                                         " is not in [endpoints] dedup (" +
                                         std::to_string(endpoints.size()) + " shards)");
  }
  core::Config out = config;
  out.state_dir = ShardStateDir(config, shard);
  out.endpoints.dedup = endpoints[shard];
  return out;
}

}  // namespace abuseflow::enrich
