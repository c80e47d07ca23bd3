#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "abuseflow/v1/events.pb.h"

namespace abuseflow::cli {

// `abuseflow history --json`: the shape of docs/cli.md (the keys of the
// first version first, the issue 5 keys after them).
nlohmann::ordered_json HistoryJson(const v1::AddressHistory& history);
// `abuseflow history`: the same for a person to read.
std::string HistoryText(const v1::AddressHistory& history);
// "worm/nimda 2, connection-attempt 5".
std::string KindsText(const google::protobuf::RepeatedPtrField<v1::KindCount>& kinds);
// "human", "automated", "bounce".
std::string ReplyKindName(v1::ReplyRecord::Kind kind);

}  // namespace abuseflow::cli
