#include "ingest/iis_parser.h"

#include "ingest/parser_support.h"
#include "ingest/timestamp.h"
#include "ingest/worm_classifier.h"

namespace abuseflow::ingest {
namespace {

constexpr std::string_view kColumnNames[] = {"date",   "time",        "c-ip",        "s-ip",
                                             "s-port", "cs-uri-stem", "cs-uri-query"};
constexpr int kMaxColumns = 64;

// Splits a data line into up to kMaxColumns words.
int SplitWords(std::string_view line, std::array<std::string_view, kMaxColumns>* words) {
  int count = 0;
  while (!line.empty() && count < kMaxColumns) {
    const size_t space = line.find(' ');
    (*words)[count++] = line.substr(0, space);
    line = space == std::string_view::npos ? std::string_view() : line.substr(space + 1);
  }
  return count;
}

// A data line split into words, read through the learned columns.
struct Row {
  explicit Row(const std::array<int, IisParser::kColumnCount>& c) : columns(c) {}
  // The word of column `c`; "" when the column is missing, absent or "-".
  std::string_view Get(IisParser::Column c) const {
    const int i = columns[c];
    return i == IisParser::kMissing || i >= count || words[i] == "-" ? std::string_view() : words[i];
  }
  const std::array<int, IisParser::kColumnCount>& columns;
  std::array<std::string_view, kMaxColumns> words;
  int count = 0;
};

// The UTC stamp of "date" and "time"; returns "" or the reason.
std::string_view RowStamp(std::string_view date, std::string_view time, Stamp* stamp) {
  if (date.size() != 10 || time.empty()) return kReasonMalformed;
  const std::string text = std::string(date) + " " + std::string(time);
  *stamp = ParseDateTimeStamp(text, 0);
  if (stamp->status == StampStatus::kMalformed || stamp->length != text.size()) return kReasonMalformed;
  return stamp->status == StampStatus::kBadTime ? kReasonBadTime : std::string_view();
}

// src from c-ip, dst and dst_port from s-ip and s-port when logged.
std::string_view RowEndpoints(const Row& row, EventFields* fields) {
  if (row.Get(IisParser::kClientIp).empty()) return kReasonMalformed;
  if (std::string_view r = ParseSourceOrName(row.Get(IisParser::kClientIp), &fields->src, &fields->src_host); !r.empty()) return r;
  if (!row.Get(IisParser::kServerIp).empty()) fields->dst = ParseAddress(row.Get(IisParser::kServerIp));
  const std::string_view port = row.Get(IisParser::kServerPort);
  if (!port.empty() && !ParsePortNumber(port, &fields->dst_port)) return kReasonMalformed;
  return {};
}

}  // namespace

void IisParser::LearnHeader(std::string_view line) const {
  if (line.substr(0, 7) == "#Date: ") {
    header_date_.assign(line.substr(7, 10));
    return;
  }
  if (line.substr(0, 9) != "#Fields: ") return;
  columns_.fill(kMissing);
  std::array<std::string_view, kMaxColumns> names;
  const int count = SplitWords(line.substr(9), &names);
  for (int i = 0; i < count; ++i) {
    for (int k = 0; k < kColumnCount; ++k) {
      if (names[i] == kColumnNames[k] && columns_[k] == kMissing) columns_[k] = i;
    }
  }
}

ParseResult IisParser::Parse(std::string_view line, const ParseContext& ctx, v1::ProbeEvent* event) const {
  const LineCheck check = CheckLine(line);
  if (!check.reject.empty()) return Rejected(check.reject);
  if (check.line.empty()) return NotProbe(kReasonEmpty);
  if (check.line[0] == '#') {
    LearnHeader(check.line);
    return NotProbe();
  }
  Row row(columns_);
  row.count = SplitWords(check.line, &row.words);
  std::string target(row.Get(kUriStem));
  if (!row.Get(kUriQuery).empty()) target.append("?").append(row.Get(kUriQuery));
  const std::string_view signature = ClassifyWebRequest(target);
  if (signature.empty()) return NotProbe();
  const std::string_view date = columns_[kDate] == kMissing ? std::string_view(header_date_) : row.Get(kDate);
  Stamp stamp;
  if (std::string_view r = RowStamp(date, row.Get(kTime), &stamp); !r.empty()) return Rejected(r);
  EventFields fields;
  if (std::string_view r = RowEndpoints(row, &fields); !r.empty()) return Rejected(r);
  fields.sensor = ctx.sensor;
  fields.observed_us = stamp.unix_us;
  fields.utc_offset_minutes = 0;
  fields.proto = v1::PROTOCOL_TCP;
  fields.kind = v1::KIND_WORM;
  fields.signature = signature;
  FillEvent(fields, kName, check, ctx, event);
  return Parsed();
}

}  // namespace abuseflow::ingest
