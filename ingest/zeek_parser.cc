#include "ingest/zeek_parser.h"

#include <string>

#include "ingest/parser_support.h"
#include "ingest/zeek_conn.h"

namespace abuseflow::ingest {
namespace {

constexpr std::string_view kColumnNames[] = {"ts",        "id.orig_h", "id.orig_p", "id.resp_h",
                                             "id.resp_p", "proto",     "conn_state"};

}  // namespace

void ZeekParser::LearnHeader(std::string_view line) const {
  columns_.fill(kMissing);
  std::string_view rest = line.substr(line.find('\t') + 1);
  for (int index = 0; !rest.empty(); ++index) {
    const size_t tab = rest.find('\t');
    const std::string_view name = rest.substr(0, tab);
    for (size_t k = 0; k < kColumns; ++k) {
      if (name == kColumnNames[k] && columns_[k] == kMissing) columns_[k] = index;
    }
    rest = tab == std::string_view::npos ? std::string_view() : rest.substr(tab + 1);
  }
}

ParseResult ZeekParser::Parse(std::string_view line, const ParseContext& ctx, v1::ProbeEvent* event) const {
  const LineCheck check = CheckLine(line);
  if (!check.reject.empty()) return Rejected(check.reject);
  if (check.line.empty()) return NotProbe(kReasonEmpty);
  if (check.line[0] == '#') {
    if (check.line.substr(0, 8) == "#fields\t") LearnHeader(check.line);
    return NotProbe();
  }
  for (int column : columns_) {
    if (column == kMissing) return NotProbe();
  }
  std::array<std::string_view, kColumns> values;
  std::string_view rest = check.line;
  for (int index = 0; index <= 1024; ++index) {
    const size_t tab = rest.find('\t');
    for (size_t k = 0; k < kColumns; ++k) {
      if (columns_[k] == index) values[k] = rest.substr(0, tab);
    }
    if (tab == std::string_view::npos) break;
    rest = rest.substr(tab + 1);
  }
  const ZeekConnFields conn{values[0], values[1], values[2], values[3], values[4], values[5], values[6]};
  EventFields fields;
  Stamp stamp;
  const ParseResult result = ZeekConnToFields(conn, &stamp, &fields);
  if (result.outcome != ParseOutcome::kEvent) return result;
  if (!check.ascii && !IsValidUtf8(conn.conn_state)) return Rejected(kReasonBadUtf8);
  const std::string signature = "conn_state " + std::string(conn.conn_state);
  fields.sensor = ctx.sensor;
  fields.signature = signature;
  FillEvent(fields, kName, check, ctx, event);
  return Parsed();
}

}  // namespace abuseflow::ingest
