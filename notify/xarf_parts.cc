#include "notify/xarf_parts.h"

#include <algorithm>
#include <array>

#include "core/event_names.h"
#include "notify/mail_header.h"
#include "notify/report_renderer.h"

namespace abuseflow::notify {
namespace {

constexpr std::array<XarfClass, 4> kClasses = {{
    {"login-attack", "http://www.x-arf.org/schema/abuse_login-attack_0.1.2.json"},
    {"malware-attack", "http://www.x-arf.org/schema/abuse_malware-attack_0.1.2.json"},
    {"ids-alert", "http://www.x-arf.org/schema/abuse_ids-alert_0.1.2.json"},
    {"portscan", "http://www.x-arf.org/schema/abuse_portscan_0.1.2.json"},
}};

size_t ClassIndex(v1::Kind kind) {
  switch (kind) {
    case v1::KIND_BRUTE_FORCE: return 0;
    case v1::KIND_WORM:
    case v1::KIND_EXPLOIT: return 1;
    case v1::KIND_IDS_ALERT: return 2;
    default: return 3;
  }
}

// The events of `entry` in class `index`, and the signatures seen there.
uint64_t ClassCount(const ReportEntry& entry, size_t index, std::string* service) {
  uint64_t count = 0;
  for (const v1::KindCount& k : entry.kinds) {
    if (ClassIndex(k.kind()) != index) continue;
    count += k.count();
    if (service->empty()) *service = k.signature();
  }
  return count;
}

std::string Domain(std::string_view from) {
  size_t at = from.rfind('@');
  return at == std::string_view::npos ? "localhost" : std::string(from.substr(at + 1));
}

std::string XarfDocument(const ReportEntry& entry, size_t index, uint64_t count,
                         const std::string& service, std::string_view from,
                         std::string_view ticket) {
  const XarfClass& c = kClasses[index];
  const std::string address = entry.address.ToString();
  std::string d = "---\n";
  auto field = [&](std::string_view name, std::string_view value) {
    d.append(name);
    d += ": " + YamlQuoted(value) + "\n";
  };
  field("Reported-From", from);
  field("Category", "abuse");
  field("Report-Type", c.report_type);
  field("Report-ID", std::string(ticket) + "-" + address + "@" + Domain(from));
  field("Date", FormatMailDate(entry.first_seen_us));
  field("Source", address);
  field("Source-Type", entry.address.is_v4() ? "ipv4" : "ipv6");
  if (c.report_type == "login-attack") {
    field("Service", service.empty() ? "unknown" : service);
    d += "Port: " + std::to_string(entry.dst_ports.empty() ? 0 : entry.dst_ports.front()) + "\n";
  }
  field("Occurrences", std::to_string(count));
  field("Attachment", "text/plain");
  field("Schema-URL", c.schema_url);
  field("User-Agent", "abuseflow");
  field("Version", "0.2");
  return d;
}

std::string Evidence(const ReportEntry& entry) {
  std::string out = entry.address.ToString() + "\n";
  std::string zone;
  for (const v1::SampleLine& s : entry.samples) {
    std::string label = ZoneLabel(s.tz_name(), s.utc_offset_minutes());
    if (label != zone) out += "  (times are " + label + ")\n";
    zone = label;
    out += "  " + s.line() + "\n";
  }
  return out;
}

}  // namespace

const XarfClass& XarfClassOf(v1::Kind kind) { return kClasses[ClassIndex(kind)]; }

std::string YamlQuoted(std::string_view text) {
  std::string out = "'";
  for (size_t i = 0; i < text.size();) {
    size_t n = Utf8SequenceLength(text, i);
    auto u = static_cast<unsigned char>(text[i]);
    if (n == 0 || (n == 1 && (u < 0x20 || u == 0x7F))) {
      out += '?';
      i += n == 0 ? 1 : n;
      continue;
    }
    if (text[i] == '\'') out += '\'';
    out.append(text.substr(i, n));
    i += n;
  }
  return out + "'";
}

std::vector<MimePart> XarfParts(const Report& report, std::string_view from,
                                std::string_view ticket) {
  std::vector<MimePart> parts;
  for (size_t index = 0; index < kClasses.size(); ++index) {
    std::string yaml, evidence;
    for (const ReportEntry& entry : report.entries) {
      std::string service;
      uint64_t count = ClassCount(entry, index, &service);
      // An address without kinds is reported as a port scan with all its events.
      if (entry.kinds.empty() && index == kClasses.size() - 1) count = entry.count;
      if (count == 0) continue;
      yaml += XarfDocument(entry, index, count, service, from, ticket);
      evidence += Evidence(entry);
    }
    if (yaml.empty()) continue;
    const std::string name = "xarf-" + std::string(kClasses[index].report_type);
    parts.push_back({"text/plain; charset=utf-8; name=\"" + name + ".yaml\"",
                     "attachment; filename=\"" + name + ".yaml\"", TransferEncoding::k8Bit,
                     std::move(yaml)});
    parts.push_back({"text/plain; charset=utf-8; name=\"" + name + "-evidence.txt\"",
                     "attachment; filename=\"" + name + "-evidence.txt\"",
                     TransferEncoding::k8Bit, std::move(evidence)});
  }
  return parts;
}

}  // namespace abuseflow::notify
