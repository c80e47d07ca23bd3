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
  j["upstream_abuse"] = o.upstream_abuse();  // the covering block's; no recipients
  j["source"] = o.provenance().source();
  j["server"] = o.provenance().server();
  if (o.unresolved()) j["unresolved"] = true;
  return j;
}

// HistoryJson moved to cli/dedup_views.cc (issue 5).

}  // namespace abuseflow::cli
