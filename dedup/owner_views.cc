#include "dedup/owner_views.h"

#include <algorithm>

#include "core/ip_address.h"
#include "dedup/history_store.h"

namespace abuseflow::dedup {
namespace {

// Inserts `value` into the sorted `list` if absent; true if it was inserted.
bool InsertSorted(const std::string& value, google::protobuf::RepeatedPtrField<std::string>* list) {
  auto it = std::lower_bound(list->begin(), list->end(), value);
  if (it != list->end() && *it == value) return false;
  auto index = it - list->begin();
  list->Add(std::string(value));
  std::rotate(list->begin() + index, list->end() - 1, list->end());
  return true;
}

bool EraseSorted(const std::string& value, google::protobuf::RepeatedPtrField<std::string>* list) {
  auto it = std::lower_bound(list->begin(), list->end(), value);
  if (it == list->end() || *it != value) return false;
  list->erase(it);
  return true;
}

bool Contains(const google::protobuf::RepeatedPtrField<std::string>& list,
              const std::string& value) {
  return std::binary_search(list.begin(), list.end(), value);
}

template <typename List>
bool SameList(const List& a, const List& b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin());
}

// Copies the owner's fields into `r`; true if anything differed.
bool CopyOwner(const v1::OwnerRecord& owner, const std::string& key, v1::NetblockRecord* r) {
  const size_t half = (key.size() - 2) / 2;
  const std::string first = key.substr(2, half), last = key.substr(2 + half);
  if (r->first() == first && r->last() == last && r->owner() == owner.owner() &&
      r->netname() == owner.netname() && r->country() == owner.country() &&
      SameList(r->abuse(), owner.abuse()) &&
      (owner.cidrs().empty() ? !r->cidrs().empty() : SameList(r->cidrs(), owner.cidrs()))) {
    return false;
  }
  r->set_first(first);
  r->set_last(last);
  *r->mutable_cidrs() = owner.cidrs();
  if (r->cidrs().empty()) {
    for (const core::IpPrefix& p : NetblockPrefixes(*r)) r->add_cidrs(p.ToString());
  }
  r->set_owner(owner.owner());
  r->set_netname(owner.netname());
  r->set_country(owner.country());
  *r->mutable_abuse() = owner.abuse();
  return true;
}

}  // namespace

std::optional<std::string> NetblockKey(const v1::OwnerRecord& owner) {
  if (owner.unresolved()) return std::nullopt;
  auto first = core::IpAddress::FromBytes(owner.first());
  auto last = core::IpAddress::FromBytes(owner.last());
  if (!first || !last || first->is_v4() != last->is_v4() || *last < *first) {
    first.reset();
    for (const std::string& cidr : owner.cidrs()) {
      if (auto p = core::IpPrefix::Parse(cidr)) {
        first = p->first();
        last = p->last();
        break;
      }
    }
  }
  if (!first) return std::nullopt;
  return "n/" + first->ToBytes() + last->ToBytes();
}

std::vector<core::IpPrefix> NetblockPrefixes(const v1::NetblockRecord& record) {
  std::vector<core::IpPrefix> out;
  for (const std::string& cidr : record.cidrs()) {
    if (auto p = core::IpPrefix::Parse(cidr)) out.push_back(*p);
  }
  if (!out.empty()) return out;
  auto first = core::IpAddress::FromBytes(record.first());
  auto last = core::IpAddress::FromBytes(record.last());
  if (first && last && first->is_v4() == last->is_v4() && !(*last < *first)) {
    out = core::IpPrefix::FromRange(*first, *last);
  }
  return out;
}

core::Result<OwnerViews::Entry*> OwnerViews::Load(const std::string& key) {
  auto it = entries_.find(key);
  if (it != entries_.end()) return &it->second;
  auto stored = store_->GetNetblock(key);
  if (!stored.ok()) return stored.status();
  Entry& entry = entries_[key];
  if (stored->has_value()) entry.record = std::move(**stored);
  return &entry;
}

void OwnerViews::Join(const v1::AddressHistory& h, Entry* entry) {
  v1::NetblockRecord& r = entry->record;
  auto* list = r.mutable_addresses();
  bool known = Contains(*list, h.src());
  if (!known && (list->size() < kNetblockAddresses || h.src() < *(list->end() - 1))) {
    InsertSorted(h.src(), list);
    if (list->size() > kNetblockAddresses) list->RemoveLast();
  }
  if (!known) r.set_addresses_seen(r.addresses_seen() + 1);
  entry->changed = true;
}

void OwnerViews::SetBlocked(const std::string& address, bool blocked, Entry* entry) {
  auto* list = entry->record.mutable_blocked();
  if (blocked ? InsertSorted(address, list) : EraseSorted(address, list)) entry->changed = true;
}

void OwnerViews::Evaluate(int64_t now_us, Entry* entry) {
  v1::NetblockRecord& r = entry->record;
  v1::BlockState* b = r.mutable_block();
  const int blocked = r.blocked_size();
  if (!b->active() && threshold_ > 0 && blocked >= threshold_) {
    b->set_active(true);
    b->set_since_us(now_us);
    b->set_reason("netblock-threshold");
    b->set_lifted_us(0);
    b->clear_lifted_by();
    r.set_block_threshold(threshold_);
  } else if (b->active() && blocked < static_cast<int>(r.block_threshold())) {
    b->set_active(false);
    b->set_lifted_us(now_us);
    b->set_lifted_by("addresses");
  } else {
    return;
  }
  entry->changed = true;
  blocks_changed_ = true;
}

core::Status OwnerViews::Note(int64_t now_us, v1::AddressHistory* h) {
  const std::string want = NetblockKey(h->owner()).value_or("");
  if (h->netblock() != want) {
    if (!h->netblock().empty()) {
      auto old = Load(h->netblock());
      if (!old.ok()) return old.status();
      if (h->netblock_blocked()) SetBlocked(h->src(), false, *old);
      Evaluate(now_us, *old);
    }
    h->set_netblock(want);
    h->set_netblock_blocked(false);
    if (want.empty()) return core::Status::Ok();
    auto joined = Load(want);
    if (!joined.ok()) return joined.status();
    Join(*h, *joined);
  }
  if (want.empty()) return core::Status::Ok();
  auto loaded = Load(want);
  if (!loaded.ok()) return loaded.status();
  Entry* entry = *loaded;
  v1::NetblockRecord& r = entry->record;
  if (CopyOwner(h->owner(), want, &r)) entry->changed = true;
  if (r.first_seen_us() == 0 || h->first_seen_us() < r.first_seen_us()) {
    r.set_first_seen_us(h->first_seen_us());
    entry->changed = true;
  }
  if (h->last_seen_us() > r.last_seen_us()) {
    r.set_last_seen_us(h->last_seen_us());
    entry->changed = true;
  }
  const bool blocked = h->block().active();
  if (blocked != h->netblock_blocked()) {
    SetBlocked(h->src(), blocked, entry);
    h->set_netblock_blocked(blocked);
  }
  // The block's expiry: the latest expiry of its addresses' blocks (they lift it).
  if (blocked && h->block().expires_us() > r.block().expires_us()) {
    r.mutable_block()->set_expires_us(h->block().expires_us());
    entry->changed = true;
  }
  Evaluate(now_us, entry);
  return core::Status::Ok();
}

const v1::NetblockRecord* OwnerViews::Find(const std::string& key) const {
  auto it = entries_.find(key);
  return it == entries_.end() ? nullptr : &it->second.record;
}

std::vector<const v1::NetblockRecord*> OwnerViews::Changed() const {
  std::vector<const v1::NetblockRecord*> out;
  for (const auto& [key, entry] : entries_) {
    if (entry.changed) out.push_back(&entry.record);
  }
  return out;
}

}  // namespace abuseflow::dedup
