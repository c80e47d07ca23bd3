#include "notify/report_renderer.h"

#include <kainjow/mustache.hpp>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "core/event_names.h"
#include "core/time_format.h"
#include "notify/report_kind.h"
#include "notify/template_loader.h"

namespace abuseflow::notify {
namespace {

namespace mustache = kainjow::mustache;

// "2001-09-18 13:12:44 UTC": easier to read in a mail than ISO 8601.
std::string ReadableUtc(int64_t unix_us) {
  std::string t = core::FormatUtc(unix_us);
  if (t.size() == 20 && t[10] == 'T' && t.back() == 'Z') {
    t[10] = ' ';
    t.replace(19, 1, " UTC");
  }
  return t;
}

std::string Ordinal(uint32_t n) {
  static constexpr const char* kWords[] = {"first", "second",  "third", "fourth", "fifth",
                                           "sixth", "seventh", "eighth", "ninth", "tenth"};
  if (n >= 1 && n <= 10) return kWords[n - 1];
  const char* suffix = "th";
  if (n % 100 < 11 || n % 100 > 13) {
    if (n % 10 == 1) suffix = "st";
    if (n % 10 == 2) suffix = "nd";
    if (n % 10 == 3) suffix = "rd";
  }
  return std::to_string(n) + suffix;
}

std::string Join(const std::vector<std::string>& parts, std::string_view separator) {
  std::string out;
  for (const std::string& part : parts) {
    if (part.empty()) continue;
    if (!out.empty()) out += separator;
    out += part;
  }
  return out;
}

// The signature without the blank lines around it.
std::string TrimBlankLines(const std::string& text) {
  size_t begin = text.find_first_not_of(" \t\r\n");
  if (begin == std::string::npos) return "";
  begin = text.rfind('\n', begin);
  begin = begin == std::string::npos ? 0 : begin + 1;
  size_t end = text.find_last_not_of(" \t\r\n");
  return text.substr(begin, end - begin + 1);
}

mustache::data KindsData(const ReportEntry& entry) {
  mustache::data kinds{mustache::data::type::list};
  for (const v1::KindCount& k : entry.kinds) {
    mustache::data item;
    std::string kind(core::KindName(k.kind()));
    item.set("kind", kind);
    item.set("signature", k.signature());
    item.set("label", k.signature().empty() ? kind : kind + " " + k.signature());
    item.set("count", std::to_string(k.count()));
    kinds.push_back(item);
  }
  return kinds;
}

// The samples in runs that share a time zone, each run under its zone line.
mustache::data ZonesData(const ReportEntry& entry) {
  mustache::data zones{mustache::data::type::list};
  mustache::data lines{mustache::data::type::list};
  std::string zone;
  auto finish = [&] {
    if (lines.is_empty_list()) return;
    mustache::data item;
    item.set("zone", zone);
    item.set("lines", lines);
    zones.push_back(item);
    lines = mustache::data{mustache::data::type::list};
  };
  for (const v1::SampleLine& s : entry.samples) {
    std::string label = ZoneLabel(s.tz_name(), s.utc_offset_minutes());
    if (label != zone) finish();
    zone = label;
    mustache::data line;
    line.set("line", s.line());
    line.set("sensor", s.sensor());
    line.set("observed", ReadableUtc(s.observed_us()));
    lines.push_back(line);
  }
  finish();
  return zones;
}

std::string OwnerLine(const v1::OwnerRecord& owner) {
  std::vector<std::string> cidrs(owner.cidrs().begin(), owner.cidrs().end());
  return Join({owner.owner(), owner.netname(), owner.country(), Join(cidrs, " ")}, ", ");
}

std::string KindsLabel(const google::protobuf::RepeatedPtrField<v1::KindCount>& kinds) {
  std::vector<std::string> labels;
  for (const v1::KindCount& k : kinds) {
    std::string kind(core::KindName(k.kind()));
    labels.push_back(k.signature().empty() ? kind : kind + " " + k.signature());
  }
  return Join(labels, ", ");
}

// The occurrences that earlier notices reported, oldest first.
mustache::data EarlierData(const ReportEntry& entry) {
  mustache::data list{mustache::data::type::list};
  for (const v1::Occurrence& o : entry.earlier) {
    mustache::data item;
    item.set("first_seen", ReadableUtc(o.first_seen_us()));
    item.set("last_seen", ReadableUtc(o.last_seen_us()));
    item.set("count", std::to_string(o.count()));
    item.set("times_word", o.count() == 1 ? "time" : "times");
    std::string kinds = KindsLabel(o.kinds());
    item.set("kinds", kinds);
    item.set("has_kinds", !kinds.empty());
    list.push_back(item);
  }
  return list;
}

mustache::data EntryData(const ReportEntry& e) {
  mustache::data d;
  d.set("address", e.address.ToString());
  std::string owner_line = OwnerLine(e.owner);
  d.set("owner_line", owner_line);
  d.set("has_owner_line", !owner_line.empty());
  d.set("owner", e.owner.owner());
  d.set("netname", e.owner.netname());
  d.set("country", e.owner.country());
  d.set("count", std::to_string(e.count));
  d.set("times_word", e.count == 1 ? "time" : "times");
  d.set("first_seen", ReadableUtc(e.first_seen_us));
  d.set("last_seen", ReadableUtc(e.last_seen_us));
  d.set("kinds", KindsData(e));
  std::vector<std::string> ports;
  for (uint32_t port : e.dst_ports) ports.push_back(std::to_string(port));
  d.set("ports", Join(ports, ", "));
  d.set("has_ports", !ports.empty());
  d.set("notice_number", std::to_string(e.notice_number));
  d.set("repeat", e.notice_number > 1);
  d.set("ordinal", Ordinal(std::max<uint32_t>(e.notice_number, 1)));
  d.set("earlier", EarlierData(e));
  d.set("has_earlier", !e.earlier.empty());
  d.set("zones", ZonesData(e));
  d.set("shown", std::to_string(e.samples.size()));
  d.set("has_more", e.count > e.samples.size() && !e.samples.empty());
  return d;
}

mustache::data OwnersData(const Report& report) {
  mustache::data owners{mustache::data::type::list};
  for (const OwnerSummary& o : report.owners) {
    mustache::data item;
    item.set("owner", o.owner);
    item.set("netname", o.netname);
    item.set("country", o.country);
    item.set("cidrs", Join(o.cidrs, " "));
    owners.push_back(item);
  }
  return owners;
}

// What the report is mostly about (DominantKind), whether it goes to the next
// contact instead of a failing one, and the highest notice number.
void SetKindData(const Report& report, mustache::data* d) {
  const ReportKind kind = DominantKind(report);
  d->set("kind_name", kind.name);
  d->set("kind_variant", kind.variant);
  d->set("kind_signature", kind.signature);
  d->set("has_kind_signature", !kind.signature.empty());
  d->set("worm_name", kind.kind == v1::KIND_WORM ? kind.display_name : std::string());
  d->set("is_worm", kind.variant == "worm");
  d->set("is_scan", kind.variant == "scan");
  d->set("is_brute_force", kind.variant == "brute_force");
  d->set("is_exploit", kind.variant == "exploit");
  d->set("is_ids_alert", kind.variant == "ids_alert");
  // The classic probe wording: scans, connection attempts, IDS alerts, unknown.
  d->set("is_probe", kind.variant != "worm" && kind.variant != "brute_force" &&
                         kind.variant != "exploit");
  uint32_t highest = 1;
  for (const ReportEntry& entry : report.entries) highest = std::max(highest, entry.notice_number);
  d->set("notice_number", std::to_string(highest));
  d->set("notice_ordinal", Ordinal(highest));
  d->set("rerouted", !report.instead_of.empty());
  d->set("instead_of", Join(report.instead_of, ", "));
  d->set("upstream", report.upstream);
}

mustache::data ReportData(const Report& report, const RenderOptions& options,
                          const std::string& subject) {
  mustache::data d;
  const bool single = report.entries.size() == 1;
  d.set("subject", subject);
  d.set("ticket", ReportTicket(report));
  d.set("site", options.site);
  d.set("from", options.from);
  std::string signature = TrimBlankLines(options.signature);
  d.set("signature", signature);
  d.set("has_signature", !signature.empty());
  d.set("contact", report.contact);
  d.set("split", report.parts > 1);
  d.set("part", std::to_string(report.part));
  d.set("parts", std::to_string(report.parts));
  d.set("recipients", Join(report.recipients, ", "));
  d.set("window_start", ReadableUtc(report.window_start_us));
  d.set("window_end", ReadableUtc(report.window_end_us));
  d.set("address_count", std::to_string(report.entries.size()));
  d.set("single", single);
  d.set("many", !single);
  d.set("machine_word", single ? "machine" : "machines");
  d.set("system_word", single ? "system" : "systems");
  bool repeats = false;
  mustache::data entries{mustache::data::type::list};
  for (const ReportEntry& entry : report.entries) {
    repeats = repeats || entry.notice_number > 1;
    entries.push_back(EntryData(entry));
  }
  d.set("entries", entries);
  d.set("has_repeats", repeats);
  d.set("owners", OwnersData(report));
  SetKindData(report, &d);
  return d;
}

}  // namespace

core::Result<ReportRenderer> ReportRenderer::Create(RenderOptions options) {
  auto text = LoadTemplate(options.template_path);
  if (!text.ok()) return text.status();
  std::map<std::string, std::string> variants;
  for (const auto& [variant, path] : options.variant_paths) {
    const auto& known = TemplateVariants();
    if (std::find(known.begin(), known.end(), variant) == known.end()) {
      return core::Status::InvalidArgument("unknown template variant \"" + variant + "\"");
    }
    if (path.empty()) continue;
    auto loaded = LoadTemplate(path);
    if (!loaded.ok()) return loaded.status();
    variants.emplace(variant, std::move(loaded).value());
  }
  return ReportRenderer(std::move(options), std::move(text).value(), std::move(variants));
}

const std::string& ReportRenderer::TemplateFor(const Report& report) const {
  const bool repeat = std::any_of(report.entries.begin(), report.entries.end(),
                                  [](const ReportEntry& e) { return e.notice_number > 1; });
  if (auto it = variant_texts_.find("repeat"); repeat && it != variant_texts_.end()) {
    return it->second;
  }
  if (auto it = variant_texts_.find(DominantKind(report).variant); it != variant_texts_.end()) {
    return it->second;
  }
  return template_text_;
}

core::Result<RenderedReport> ReportRenderer::Render(const Report& report) const {
  RenderedReport out;
  out.subject = ReportSubject(report);
  try {
    mustache::mustache tmpl{TemplateFor(report)};
    // Plain text, not HTML; only the line mark is kept out of the values.
    tmpl.set_custom_escape([](const std::string& s) {
      std::string value = s;
      std::replace(value.begin(), value.end(), kTemplateLineMark, '?');
      return value;
    });
    out.body = WithoutLineMarks(tmpl.render(ReportData(report, options_, out.subject)));
    if (!tmpl.is_valid()) {
      return core::Status::InvalidArgument("rendering failed: " + tmpl.error_message());
    }
  } catch (const std::exception& e) {
    return core::Status::Internal(std::string("rendering failed: ") + e.what());
  }
  return out;
}

std::string ReportSubject(const Report& report) {
  const std::string part = report.parts > 1 ? " (part " + std::to_string(report.part) + " of " +
                                                  std::to_string(report.parts) + ")"
                                            : "";
  if (report.entries.size() == 1) {
    return "Probes from " + report.entries.front().address.ToString() + part;
  }
  std::vector<std::string> cidrs;
  for (const OwnerSummary& owner : report.owners) {
    for (const std::string& cidr : owner.cidrs) {
      if (std::find(cidrs.begin(), cidrs.end(), cidr) == cidrs.end()) cidrs.push_back(cidr);
    }
  }
  std::string subject =
      "Probes from " + std::to_string(report.entries.size()) + " addresses on your network";
  if (cidrs.empty()) return subject + part;
  subject += " (" + cidrs[0];
  if (cidrs.size() > 1) subject += ", " + cidrs[1];
  if (cidrs.size() > 2) subject += " ...";
  return subject + ")" + part;
}

std::string ZoneLabel(std::string_view tz_name, int utc_offset_minutes) {
  int minutes = std::abs(utc_offset_minutes);
  char gmt[32];
  std::snprintf(gmt, sizeof gmt, "GMT %c%02d%02d", utc_offset_minutes < 0 ? '-' : '+',
                minutes / 60 % 100, minutes % 60);
  if (tz_name.empty()) return gmt;
  return std::string(tz_name) + ", " + gmt;
}

}  // namespace abuseflow::notify
