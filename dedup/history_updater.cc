#include "dedup/history_updater.h"

#include <algorithm>
#include <tuple>

namespace abuseflow::dedup {

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
  const v1::ProbeEvent& e = enriched.event();
  if (h->count() == 0 || e.observed_us() < h->first_seen_us()) h->set_first_seen_us(e.observed_us());
  if (h->count() == 0 || e.observed_us() > h->last_seen_us()) h->set_last_seen_us(e.observed_us());
  h->set_src(e.src());
  h->set_count(h->count() + 1);
  AddKindCount(e.kind(), e.signature(), 1, h->mutable_kinds());
  const auto& sensors = h->sensors();
  if (std::find(sensors.begin(), sensors.end(), e.sensor()) == sensors.end() &&
      h->sensors_size() < limits.max_sensors) {
    h->add_sensors(e.sensor());
  }
  if (h->samples_size() < limits.sample_lines) {
    *h->add_samples() = MakeSample(e, limits.max_line_length);
  }
  *h->mutable_owner() = enriched.owner();
}

}  // namespace abuseflow::dedup
