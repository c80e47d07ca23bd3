#include "cli/json_views.h"

#include "core/event_names.h"
#include "core/ip_address.h"
#include "core/time_format.h"

namespace abuseflow::cli {

using nlohmann::ordered_json;

std::string AddressText(const std::string& bytes) {
  auto address = core::IpAddress::FromBytes(bytes);
  return address ? address->ToString() : "";
}

ordered_json EventJson(const v1::ProbeEvent& e) {
  ordered_json j;
  j["time"] = core::FormatUtc(e.observed_us());
  j["sensor"] = e.sensor();
  j["src"] = AddressText(e.src());
  j["src_port"] = e.src_port();
  j["dst"] = AddressText(e.dst());
  j["dst_port"] = e.dst_port();
  j["proto"] = core::ProtocolName(e.proto());
  j["kind"] = core::KindName(e.kind());
  j["signature"] = e.signature();
  j["format"] = e.format();
  j["raw"] = e.raw();
  return j;
}

ordered_json OwnerJson(const v1::OwnerRecord& o) {
  ordered_json j;
  j["netblock"] = AddressText(o.first()) + " - " + AddressText(o.last());
  j["cidrs"] = o.cidrs();
  j["owner"] = o.owner();
  j["netname"] = o.netname();
  j["country"] = o.country();
  j["abuse"] = o.abuse();
  j["source"] = o.provenance().source();
  j["server"] = o.provenance().server();
  if (o.unresolved()) j["unresolved"] = true;
  return j;
}

ordered_json HistoryJson(const v1::AddressHistory& h) {
  ordered_json j;
  j["address"] = AddressText(h.src());
  j["first_seen"] = core::FormatUtc(h.first_seen_us());
  j["last_seen"] = core::FormatUtc(h.last_seen_us());
  j["count"] = h.count();
  ordered_json kinds = ordered_json::array();
  for (const v1::KindCount& k : h.kinds()) {
    kinds.push_back({{"kind", core::KindName(k.kind())}, {"signature", k.signature()}, {"count", k.count()}});
  }
  j["kinds"] = kinds;
  j["sensors"] = h.sensors();
  ordered_json samples = ordered_json::array();
  for (const v1::SampleLine& s : h.samples()) {
    samples.push_back({{"time", core::FormatUtc(s.observed_us())},
                       {"sensor", s.sensor()},
                       {"tz", s.tz_name()},
                       {"line", s.line()}});
  }
  j["samples"] = samples;
  j["owner"] = OwnerJson(h.owner());
  j["notices"] = h.notices();
  return j;
}

}  // namespace abuseflow::cli
