#include "dedup/history_updater.h"

#include <algorithm>
#include <functional>
#include <tuple>

namespace abuseflow::dedup {
namespace {

// Inserts `value` into the sorted distinct `list`, keeping only the `max` smallest.
template <typename List, typename T>
void InsertSmallest(List* list, const T& value, int max) {
  auto it = std::lower_bound(list->begin(), list->end(), value);
  if (it != list->end() && *it == value) return;
  if (list->size() >= max && it == list->end()) return;
  int index = static_cast<int>(it - list->begin());
  list->Add(T(value));
  for (int i = list->size() - 1; i > index; --i) list->SwapElements(i, i - 1);
  if (list->size() > max) list->RemoveLast();
}

auto SampleKey(const v1::SampleLine& s) {
  return std::make_tuple(s.observed_us(), std::cref(s.line()), std::cref(s.sensor()));
}

void AddSample(const v1::ProbeEvent& e, const HistoryLimits& limits, v1::AddressHistory* h) {
  if (limits.sample_lines <= 0) return;
  auto* samples = h->mutable_samples();
  // The common case in a flood: the sample is full and this line comes later.
  if (samples->size() >= limits.sample_lines && e.observed_us() > samples->rbegin()->observed_us())
    return;
  v1::SampleLine sample = MakeSample(e, limits.max_line_length);
  auto it = std::lower_bound(
      samples->begin(), samples->end(), sample,
      [](const v1::SampleLine& a, const v1::SampleLine& b) { return SampleKey(a) < SampleKey(b); });
  if (samples->size() >= limits.sample_lines && it == samples->end()) return;
  int index = static_cast<int>(it - samples->begin());
  *samples->Add() = std::move(sample);
  for (int i = samples->size() - 1; i > index; --i) samples->SwapElements(i, i - 1);
  if (samples->size() > limits.sample_lines) samples->RemoveLast();
}

void MergeInto(const v1::Occurrence& from, v1::Occurrence* into) {
  into->set_first_seen_us(std::min(into->first_seen_us(), from.first_seen_us()));
  into->set_last_seen_us(std::max(into->last_seen_us(), from.last_seen_us()));
  into->set_count(into->count() + from.count());
  for (const v1::KindCount& k : from.kinds())
    AddKindCount(k.kind(), k.signature(), k.count(), into->mutable_kinds());
  for (uint32_t p : from.ports()) InsertSmallest(into->mutable_ports(), p, kOccurrencePorts);
}

// Adds the event to the burst it belongs to, merging bursts it bridges.
void AddOccurrence(const v1::ProbeEvent& e, const HistoryLimits& limits, v1::AddressHistory* h) {
  v1::Occurrence single;
  single.set_first_seen_us(e.observed_us());
  single.set_last_seen_us(e.observed_us());
  single.set_count(1);
  AddKindCount(e.kind(), e.signature(), 1, single.mutable_kinds());
  if (e.dst_port() != 0) single.add_ports(e.dst_port());
  auto* occ = h->mutable_occurrences();
  const int64_t t = e.observed_us(), gap = limits.quiet_gap_us;
  // Occurrences are sorted by first_seen and more than `gap` apart.
  int i = 0;
  while (i < occ->size() && occ->Get(i).last_seen_us() + gap < t) ++i;
  if (i < occ->size() && occ->Get(i).first_seen_us() - gap <= t) {
    MergeInto(single, occ->Mutable(i));
    while (i + 1 < occ->size() &&
           occ->Get(i + 1).first_seen_us() - gap <= occ->Get(i).last_seen_us()) {
      MergeInto(occ->Get(i + 1), occ->Mutable(i));
      occ->DeleteSubrange(i + 1, 1);
    }
  } else {
    *occ->Add() = std::move(single);
    for (int j = occ->size() - 1; j > i; --j) occ->SwapElements(j, j - 1);
  }
  if (occ->size() > limits.max_occurrences && occ->size() >= 2) {
    MergeInto(occ->Get(1), occ->Mutable(0));
    occ->DeleteSubrange(1, 1);
  }
}

bool OwnerWins(const v1::ProbeEvent& e, const v1::OwnerRecord& owner, const v1::AddressHistory& h) {
  if (h.count() == 0 || e.observed_us() > h.owner_seen_us()) return true;
  if (e.observed_us() < h.owner_seen_us()) return false;
  // Same time: a fixed order so that arrival order does not matter.
  return std::tie(owner.first(), owner.owner(), owner.netname()) >
         std::tie(h.owner().first(), h.owner().owner(), h.owner().netname());
}

}  // namespace

void AddKindCount(v1::Kind kind, const std::string& signature, uint64_t n,
                  google::protobuf::RepeatedPtrField<v1::KindCount>* counts) {
  auto less = [](const v1::KindCount& c, const std::pair<v1::Kind, const std::string*>& key) {
    if (c.kind() != key.first) return c.kind() < key.first;
    return c.signature() < *key.second;
  };
  auto key = std::make_pair(kind, &signature);
  auto it = std::lower_bound(counts->begin(), counts->end(), key, less);
  if (it != counts->end() && it->kind() == kind && it->signature() == signature) {
    it->set_count(it->count() + n);
    return;
  }
  int index = static_cast<int>(it - counts->begin());
  v1::KindCount* added = counts->Add();
  added->set_kind(kind);
  added->set_signature(signature);
  added->set_count(n);
  for (int i = counts->size() - 1; i > index; --i) counts->SwapElements(i, i - 1);
}

std::string CutLine(const std::string& line, int max_length) {
  if (static_cast<int>(line.size()) <= max_length) return line;
  size_t cut = static_cast<size_t>(std::max(0, max_length - 3));
  while (cut > 0 && (static_cast<unsigned char>(line[cut]) & 0xC0) == 0x80) --cut;
  return line.substr(0, cut) + "...";
}

v1::SampleLine MakeSample(const v1::ProbeEvent& event, int max_line_length) {
  v1::SampleLine sample;
  sample.set_sensor(event.sensor());
  sample.set_line(CutLine(event.raw(), max_line_length));
  sample.set_tz_name(event.tz_name());
  sample.set_utc_offset_minutes(event.utc_offset_minutes());
  sample.set_observed_us(event.observed_us());
  return sample;
}

void ApplyEvent(const v1::EnrichedEvent& enriched, const HistoryLimits& limits,
                v1::AddressHistory* h) {
  ApplyEvent(enriched.event(), enriched.owner(), limits, h);
}

void ApplyEvent(const v1::ProbeEvent& e, const v1::OwnerRecord& owner, const HistoryLimits& limits,
                v1::AddressHistory* h) {
  if (OwnerWins(e, owner, *h)) {
    *h->mutable_owner() = owner;
    h->set_owner_seen_us(e.observed_us());
  }
  if (h->count() == 0 || e.observed_us() < h->first_seen_us())
    h->set_first_seen_us(e.observed_us());
  if (h->count() == 0 || e.observed_us() > h->last_seen_us()) h->set_last_seen_us(e.observed_us());
  h->set_src(e.src());
  h->set_count(h->count() + 1);
  AddKindCount(e.kind(), e.signature(), 1, h->mutable_kinds());
  InsertSmallest(h->mutable_sensors(), e.sensor(), limits.max_sensors);
  if (!e.dst().empty()) InsertSmallest(h->mutable_targets(), e.dst(), limits.max_targets);
  if (e.dst_port() != 0) InsertSmallest(h->mutable_ports(), e.dst_port(), limits.max_ports);
  AddSample(e, limits, h);
  AddOccurrence(e, limits, h);
}

}  // namespace abuseflow::dedup
