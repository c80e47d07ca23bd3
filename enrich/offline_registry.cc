#include "enrich/offline_registry.h"

#include <algorithm>
#include <chrono>
#include <cstring>

#include "core/log.h"
#include "enrich/input_file.h"

namespace abuseflow::enrich {
namespace {

__extension__ using Uint128 = unsigned __int128;

// Broken objects logged per file; the rest are only counted.
constexpr uint64_t kMaxReported = 20;

int64_t SystemNowUs() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

bool SameIgnoringCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

// The non-empty values of every `name` attribute, comments stripped, upper
// cased when they are keys of other objects.
std::vector<std::string> Values(const RpslObject& object, std::string_view name, bool key) {
  std::vector<std::string> out;
  for (std::string_view value : object.GetAll(name)) {
    value = StripRpslComment(value);
    if (!value.empty()) out.push_back(key ? Upper(value) : std::string(value));
  }
  return out;
}

Uint128 AsNumber(const core::IpAddress& a) {
  Uint128 n = 0;
  for (int i = 0; i < a.bit_width() / 8; ++i) n = (n << 8) | a.bytes()[i];
  return n;
}

core::IpAddress Previous(const core::IpAddress& a) {
  if (a.is_v4()) return core::IpAddress::V4(a.v4() - 1);
  std::array<uint8_t, 16> bytes = a.bytes();
  for (int i = 15; i >= 0 && bytes[i]-- == 0; --i) {
  }
  return core::IpAddress::V6(bytes);
}

core::IpAddress FamilyEnd(const core::IpAddress& a) { return a.Broadcast(0); }
core::IpAddress FamilyStart(const core::IpAddress& a) { return a.Masked(0); }

}  // namespace

OfflineRegistry::OfflineRegistry(Clock now_us)
    : now_us_(now_us ? std::move(now_us) : Clock(SystemNowUs)) {}

core::Status OfflineRegistry::Load(const std::string& path) {
  auto input = InputFile::Open(path, "registry");
  if (!input.ok()) return input.status();
  auto log = core::Logger("enrich");
  RpslReaderOptions options;
  options.classes = {"inetnum", "inet6num", "role", "person", "organisation", "irt"};
  uint64_t reported = 0;
  RpslReader reader((*input)->stream(), path, options, [&](const std::string& message) {
    if (reported++ < kMaxReported) log->warn("{}", message);
  });
  auto file = static_cast<uint32_t>(files_.size());
  files_.push_back(File{path, now_us_()});
  RpslObject object;
  while (reader.Next(&object)) Add(object, file);
  LinkBlocks();
  ++stats_.files;
  stats_.objects += reader.stats().objects;
  stats_.malformed += reader.stats().malformed;
  stats_.blocks = blocks_.size();
  if (reported > kMaxReported) {
    log->warn("registry file={} malformed={} (the first {} shown)", path, reported, kMaxReported);
  }
  // The file's own error names the reason (a read error, a truncated .gz).
  if (!(*input)->status().ok()) return (*input)->status();
  if (!reader.status().ok()) return reader.status();
  log->info("loaded registry file={} objects={} malformed={} blocks={}", path,
            reader.stats().objects, reader.stats().malformed, blocks_.size());
  return core::Status::Ok();
}

void OfflineRegistry::Add(const RpslObject& object, uint32_t file) {
  const std::string& cls = object.cls;
  if (cls == "inetnum" || cls == "inet6num") {
    AddBlock(object, file);
  } else if (cls == "role" || cls == "person") {
    handle_mailboxes_[Upper(object.key)] = Values(object, "abuse-mailbox", false);
  } else if (cls == "irt") {
    irt_mailboxes_[Upper(object.key)] = Values(object, "abuse-mailbox", false);
  } else if (cls == "organisation") {
    orgs_[Upper(object.key)] =
        Org{std::string(StripRpslComment(object.Get("org-name"))), Values(object, "abuse-c", true)};
  }
}

void OfflineRegistry::AddBlock(const RpslObject& object, uint32_t file) {
  auto range = ParseAddressRange(StripRpslComment(object.attrs.front().second));
  if (!range.ok()) return;  // the reader has checked it already
  Block block;
  block.first = range->first;
  block.last = range->last;
  block.cidrs = core::IpPrefix::FromRange(block.first, block.last);
  block.netname = std::string(StripRpslComment(object.Get("netname")));
  block.country = Upper(StripRpslComment(object.Get("country")));
  block.owner = std::string(object.Get("descr"));
  block.org = Upper(StripRpslComment(object.Get("org")));
  block.irts = Values(object, "mnt-irt", true);
  block.abuse_c = Values(object, "abuse-c", true);
  block.mailboxes = Values(object, "abuse-mailbox", false);
  if (object.abuse_comment) block.comment_mailbox = object.abuse_comment->mailbox;
  block.file = file;
  auto [it, added] = by_range_.try_emplace({block.first, block.last}, blocks_.size());
  if (added) {
    blocks_.push_back(std::move(block));
  } else {
    blocks_[it->second] = std::move(block);
  }
  Index(it->second);
}

// Indexes every CIDR of the block. A CIDR shared with a larger block belongs to
// the smaller one; a longer CIDR always lies inside its own block, so the
// longest match is the smallest block containing the address.
void OfflineRegistry::Index(uint32_t block) {
  const Block& b = blocks_[block];
  Uint128 span = AsNumber(b.last) - AsNumber(b.first);
  for (const core::IpPrefix& prefix : b.cidrs) {
    const uint32_t* existing = index_.Find(prefix);
    if (existing != nullptr && *existing != block) {
      const Block& other = blocks_[*existing];
      if (AsNumber(other.last) - AsNumber(other.first) < span) continue;
    }
    index_.Insert(prefix, block);
  }
}

// Links each block to the smallest block containing it, by a sweep over the
// blocks in (first address, larger first) order.
void OfflineRegistry::LinkBlocks() {
  roots_.clear();
  for (Block& b : blocks_) {
    b.parent = kNone;
    b.children.clear();
  }
  std::vector<uint32_t> open;  // the chain of blocks containing the current one
  for (const auto& [range, i] : by_range_) {
    Block& b = blocks_[i];
    while (!open.empty() && blocks_[open.back()].last < b.last) open.pop_back();
    if (open.empty()) {
      roots_.push_back(i);
    } else {
      b.parent = open.back();
      blocks_[open.back()].children.push_back(i);
    }
    open.push_back(i);
  }
}

uint32_t OfflineRegistry::BlockOf(const core::IpAddress& address) const {
  const uint32_t* block = index_.Lookup(address);
  return block == nullptr ? kNone : *block;
}

std::optional<v1::OwnerRecord> OfflineRegistry::Lookup(const core::IpAddress& address) {
  uint32_t i = BlockOf(address);
  if (i == kNone) return std::nullopt;
  const Block& b = blocks_[i];
  v1::OwnerRecord record;
  record.set_first(b.first.ToBytes());
  record.set_last(b.last.ToBytes());
  for (const core::IpPrefix& prefix : b.cidrs) record.add_cidrs(prefix.ToString());
  auto org = orgs_.find(b.org);
  record.set_owner(org != orgs_.end() && !org->second.name.empty() ? org->second.name : b.owner);
  record.set_netname(b.netname);
  record.set_country(b.country);
  for (uint32_t j = i; j != kNone; j = blocks_[j].parent) {
    std::vector<std::string> abuse = AbuseOf(blocks_[j]);
    if (abuse.empty()) continue;
    for (std::string& mailbox : abuse) record.add_abuse(std::move(mailbox));
    break;
  }
  // Only a block with a contact of its own has an upstream: the nearest
  // covering block that names some other mailbox.
  if (!AbuseOf(b).empty()) {
    for (uint32_t j = b.parent; j != kNone && record.upstream_abuse_size() == 0;
         j = blocks_[j].parent) {
      SetUpstreamAbuse(AbuseOf(blocks_[j]), &record);
    }
  }
  v1::Provenance* provenance = record.mutable_provenance();
  provenance->set_source("rpsl");
  provenance->set_server(files_[b.file].path);
  provenance->set_fetched_us(files_[b.file].loaded_us);
  return record;
}

std::vector<std::string> OfflineRegistry::AbuseOf(const Block& block) const {
  std::vector<std::string> out;
  auto add = [&out](std::string_view mailbox) {
    if (mailbox.empty()) return;
    for (const std::string& known : out) {
      if (SameIgnoringCase(known, mailbox)) return;
    }
    out.emplace_back(mailbox);
  };
  auto add_handles = [&](const std::vector<std::string>& handles,
                         const std::unordered_map<std::string, std::vector<std::string>>& objects) {
    for (const std::string& handle : handles) {
      if (auto it = objects.find(handle); it != objects.end()) {
        for (const std::string& mailbox : it->second) add(mailbox);
      }
    }
  };
  add(block.comment_mailbox);
  add_handles(block.irts, irt_mailboxes_);
  add_handles(block.abuse_c, handle_mailboxes_);
  if (auto org = orgs_.find(block.org); org != orgs_.end())
    add_handles(org->second.abuse_c, handle_mailboxes_);
  for (const std::string& mailbox : block.mailboxes) add(mailbox);
  return out;
}

std::vector<core::IpPrefix> OfflineRegistry::AnswerScope(const core::IpAddress& address,
                                                         const v1::OwnerRecord* record) const {
  uint32_t i = BlockOf(address);
  if (i != kNone) {
    const Block& b = blocks_[i];
    return GapAround(address, b.first, b.last, b.children);
  }
  std::vector<core::IpPrefix> gap =
      GapAround(address, FamilyStart(address), FamilyEnd(address), roots_);
  core::IpPrefix piece = DefaultNegativeScope(address);
  for (const core::IpPrefix& p : gap) {
    if (p.Contains(address) && p.length() > piece.length()) piece = p;
  }
  return {piece};
}

// The CIDRs of the largest range around `address` within [low, high] that
// meets none of the blocks `inside` (sorted by first address).
std::vector<core::IpPrefix> OfflineRegistry::GapAround(const core::IpAddress& address,
                                                       const core::IpAddress& low,
                                                       const core::IpAddress& high,
                                                       const std::vector<uint32_t>& inside) const {
  auto next =
      std::upper_bound(inside.begin(), inside.end(), address,
                       [&](const core::IpAddress& a, uint32_t j) { return a < blocks_[j].first; });
  core::IpAddress first = low;
  core::IpAddress last = high;
  if (next != inside.end() && blocks_[*next].first <= high) last = Previous(blocks_[*next].first);
  if (next != inside.begin()) {
    const Block& previous = blocks_[*(next - 1)];
    if (address <= previous.last)
      return {core::IpPrefix(address, address.bit_width())};  // overlapping data
    if (low <= previous.last) first = previous.last.Next();
  }
  return core::IpPrefix::FromRange(first, last);
}

}  // namespace abuseflow::enrich
