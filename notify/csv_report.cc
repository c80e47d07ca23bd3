#include "notify/csv_report.h"

#include <vector>

#include "core/event_names.h"
#include "core/time_format.h"
#include "notify/mail_header.h"

namespace abuseflow::notify {
namespace {

// Valid UTF-8 kept, everything else and controls but tab shown as "?".
std::string CleanText(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size();) {
    size_t n = Utf8SequenceLength(text, i);
    auto u = static_cast<unsigned char>(text[i]);
    if (n == 0 || (n == 1 && (u < 0x20 || u == 0x7F) && text[i] != '\t')) {
      out += '?';
      i += n == 0 ? 1 : n;
      continue;
    }
    out.append(text.substr(i, n));
    i += n;
  }
  return out;
}

std::string JoinDistinct(const std::vector<std::string>& values) {
  std::vector<std::string> seen;
  std::string out;
  for (const std::string& v : values) {
    if (v.empty()) continue;
    bool repeat = false;
    for (const std::string& s : seen) repeat = repeat || s == v;
    if (repeat) continue;
    seen.push_back(v);
    if (!out.empty()) out += ';';
    out += v;
  }
  return out;
}

std::string Row(const ReportEntry& e) {
  std::vector<std::string> kinds, signatures;
  for (const v1::KindCount& k : e.kinds) {
    kinds.emplace_back(core::KindName(k.kind()));
    signatures.push_back(k.signature());
  }
  const std::string sample = e.samples.empty() ? "" : e.samples.front().line();
  const std::vector<std::string> fields = {
      e.address.ToString(),      core::FormatUtc(e.first_seen_us), core::FormatUtc(e.last_seen_us),
      std::to_string(e.count),   JoinDistinct(kinds),              JoinDistinct(signatures),
      sample};
  std::string row;
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) row += ',';
    row += CsvField(CleanText(fields[i]));
  }
  return row + "\r\n";
}

}  // namespace

std::string CsvField(std::string_view field) {
  bool quote = field.find_first_of(",\"\r\n") != std::string_view::npos ||
               (!field.empty() && (field.front() == ' ' || field.back() == ' '));
  if (!quote) return std::string(field);
  std::string out = "\"";
  for (char c : field) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string ReportCsv(const Report& report) {
  std::string out = "address,first_seen,last_seen,count,kind,signature,sample_line\r\n";
  for (const ReportEntry& entry : report.entries) out += Row(entry);
  return out;
}

MimePart CsvPart(const Report& report, std::string_view ticket) {
  const std::string name = "abuseflow-" + std::string(ticket) + ".csv";
  return {"text/csv; charset=utf-8; header=present; name=\"" + name + "\"",
          "attachment; filename=\"" + name + "\"", TransferEncoding::kBase64, ReportCsv(report)};
}

}  // namespace abuseflow::notify
