#include "ingest/zeek_json_parser.h"

#include <string>

#include "ingest/json_line.h"
#include "ingest/parser_support.h"
#include "ingest/zeek_conn.h"

namespace abuseflow::ingest {
namespace {

// A member as text: a string's value, a number's JSON form; *storage keeps
// the latter alive. Absent or other types give "".
std::string_view MemberText(const nlohmann::json& object, std::string_view key, std::string* storage) {
  const auto it = object.find(key);
  if (it == object.end()) return {};
  if (it->is_string()) return it->get_ref<const std::string&>();
  if (!it->is_number()) return {};
  *storage = it->dump();
  return *storage;
}

}  // namespace

ParseResult ZeekJsonParser::Parse(std::string_view line, const ParseContext& ctx,
                                  v1::ProbeEvent* event) const {
  const LineCheck check = CheckLine(line);
  if (!check.reject.empty()) return Rejected(check.reject);
  if (check.line.empty()) return NotProbe(kReasonEmpty);
  const std::optional<nlohmann::json> record = ParseJsonObject(check.line);
  if (!record) return Rejected(check.ascii || IsValidUtf8(check.line) ? kReasonMalformed : kReasonBadUtf8);
  if (record->find("conn_state") == record->end()) return NotProbe();
  std::string storage[7];
  const ZeekConnFields conn{MemberText(*record, "ts", &storage[0]),
                            MemberText(*record, "id.orig_h", &storage[1]),
                            MemberText(*record, "id.orig_p", &storage[2]),
                            MemberText(*record, "id.resp_h", &storage[3]),
                            MemberText(*record, "id.resp_p", &storage[4]),
                            MemberText(*record, "proto", &storage[5]),
                            MemberText(*record, "conn_state", &storage[6])};
  EventFields fields;
  Stamp stamp;
  const ParseResult result = ZeekConnToFields(conn, &stamp, &fields);
  if (result.outcome != ParseOutcome::kEvent) return result;
  const std::string signature = "conn_state " + std::string(conn.conn_state);
  fields.sensor = ctx.sensor;
  fields.signature = signature;
  FillEvent(fields, kName, check, ctx, event);
  return Parsed();
}

}  // namespace abuseflow::ingest
