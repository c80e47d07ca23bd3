#include "bench/bench_events.h"

#include "core/ip_address.h"

namespace abuseflow::bench {
namespace {

const char kLine[] =
    "10.1.2.3 - - [18/Sep/2001:09:12:44 -0400] \"GET /scripts/..%255c../winnt/system32/cmd.exe?/c+dir "
    "HTTP/1.0\" 404 284 \"-\" \"-\"";

v1::OwnerRecord Owner() {
  v1::OwnerRecord owner;
  owner.set_first(core::IpAddress::V4(0x0A010000u).ToBytes());
  owner.set_last(core::IpAddress::V4(0x0A01FFFFu).ToBytes());
  owner.add_cidrs("10.1.0.0/16");
  owner.set_owner("Example Provider");
  owner.set_netname("EXAMPLE-NET");
  owner.set_country("NL");
  owner.add_abuse("abuse@provider.example");
  owner.mutable_provenance()->set_source("rpsl");
  owner.mutable_provenance()->set_server("registry.db");
  return owner;
}

void FillEvent(int i, v1::ProbeEvent* e) {
  e->mutable_id()->set_origin("apache:/var/log/apache2/access.log");
  e->mutable_id()->set_seq(static_cast<uint64_t>(i) + 1);
  e->set_sensor("www1");
  e->set_observed_us(1000818764000000 + i * 1000000LL);
  e->set_src(core::IpAddress::V4(0x0A010000u + static_cast<uint32_t>(i)).ToBytes());
  e->set_proto(v1::PROTOCOL_TCP);
  e->set_kind(v1::KIND_WORM);
  e->set_signature("nimda");
  e->set_format("apache");
  e->set_raw(kLine);
  e->set_utc_offset_minutes(-240);
  e->set_tz_name("EDT");
}

}  // namespace

v1::Envelope EventBatch(int n) {
  v1::Envelope envelope;
  for (int i = 0; i < n; ++i) FillEvent(i, envelope.mutable_events()->add_events());
  return envelope;
}

v1::Envelope EnrichedBatch(int n) {
  v1::Envelope envelope;
  const v1::OwnerRecord owner = Owner();
  for (int i = 0; i < n; ++i) {
    v1::EnrichedEvent* e = envelope.mutable_enriched()->add_events();
    FillEvent(i, e->mutable_event());
    *e->mutable_owner() = owner;
  }
  return envelope;
}

v1::IncidentBatch Incidents(int n, int samples) {
  v1::IncidentBatch batch;
  const v1::OwnerRecord owner = Owner();
  for (int i = 0; i < n; ++i) {
    v1::Incident* incident = batch.add_incidents();
    incident->set_src(core::IpAddress::V4(0x0A010000u + static_cast<uint32_t>(i)).ToBytes());
    *incident->mutable_owner() = owner;
    incident->set_first_seen_us(1000818764000000 + i * 1000000LL);
    incident->set_last_seen_us(incident->first_seen_us() + 60000000);
    incident->set_count(16);
    v1::KindCount* kind = incident->add_kinds();
    kind->set_kind(v1::KIND_WORM);
    kind->set_signature("nimda");
    kind->set_count(16);
    incident->add_dst_ports(80);
    incident->set_notice_number(1);
    for (int s = 0; s < samples; ++s) {
      v1::SampleLine* line = incident->add_samples();
      line->set_sensor("www1");
      line->set_line(kLine);
      line->set_tz_name("EDT");
      line->set_utc_offset_minutes(-240);
      line->set_observed_us(incident->first_seen_us() + s * 1000000LL);
    }
  }
  return batch;
}

}  // namespace abuseflow::bench
