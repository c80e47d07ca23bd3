#pragma once

#include <cstdint>
#include <string_view>

#include "abuseflow/v1/events.pb.h"

namespace abuseflow::ingest {

// The worms after Code Red and Nimda that are recognisable from the packet
// alone, by protocol and port, as firewall and sensor logs show them:
//
//   sql-slammer  UDP dst 1434   (2003, MS SQL resolution service)
//   sql-spida    TCP dst 1433   (2002, MS SQL with a blank sa password)
//   blaster      TCP dst 135    (2003, DCOM RPC; also its shell, TCP 4444)
//   sasser       TCP dst 5554, 9996 (2004, its FTP server and back door)
//   mydoom       TCP dst 3127   (2004, its back door, scanned by Doomjuice)
//   bagle        TCP dst 2745   (2004, its back door)
//   witty        UDP src 4000   (2004, ISS BlackICE; random destination port)
//
// Returns the signature or "". Pure, thread-safe.
std::string_view ClassifyPortWorm(v1::Protocol proto, uint32_t src_port, uint32_t dst_port);

// Turns a connection attempt that matches the table into a worm event:
// kind KIND_WORM and signature the worm's name. Other events unchanged.
void ApplyPortWormTable(v1::ProbeEvent* event);

}  // namespace abuseflow::ingest
