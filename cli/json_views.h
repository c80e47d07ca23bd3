#pragma once

#include <nlohmann/json.hpp>

#include "abuseflow/v1/events.pb.h"

namespace abuseflow::cli {

// The JSON shapes the commands print; documented in docs/cli.md.
nlohmann::ordered_json EventJson(const v1::ProbeEvent& event);
nlohmann::ordered_json OwnerJson(const v1::OwnerRecord& owner);
// HistoryJson: cli/dedup_views.h.

// Address bytes as text, or "" when empty or malformed.
std::string AddressText(const std::string& bytes);

}  // namespace abuseflow::cli
