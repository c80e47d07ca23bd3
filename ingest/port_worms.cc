#include "ingest/port_worms.h"

namespace abuseflow::ingest {
namespace {

struct PortWorm {
  v1::Protocol proto;
  bool by_source;  // the port that identifies it is the source port
  uint32_t port;
  std::string_view name;
};

constexpr PortWorm kPortWorms[] = {
    {v1::PROTOCOL_UDP, false, 1434, "sql-slammer"}, {v1::PROTOCOL_TCP, false, 1433, "sql-spida"},
    {v1::PROTOCOL_TCP, false, 135, "blaster"},      {v1::PROTOCOL_TCP, false, 4444, "blaster"},
    {v1::PROTOCOL_TCP, false, 5554, "sasser"},      {v1::PROTOCOL_TCP, false, 9996, "sasser"},
    {v1::PROTOCOL_TCP, false, 3127, "mydoom"},      {v1::PROTOCOL_TCP, false, 2745, "bagle"},
    {v1::PROTOCOL_UDP, true, 4000, "witty"},
};

}  // namespace

std::string_view ClassifyPortWorm(v1::Protocol proto, uint32_t src_port, uint32_t dst_port) {
  for (const PortWorm& worm : kPortWorms) {
    if (worm.proto == proto && worm.port == (worm.by_source ? src_port : dst_port)) return worm.name;
  }
  return {};
}

void ApplyPortWormTable(v1::ProbeEvent* event) {
  if (event->kind() != v1::KIND_CONNECTION_ATTEMPT) return;
  const std::string_view worm = ClassifyPortWorm(event->proto(), event->src_port(), event->dst_port());
  if (worm.empty()) return;
  event->set_kind(v1::KIND_WORM);
  event->mutable_signature()->assign(worm);
}

}  // namespace abuseflow::ingest
