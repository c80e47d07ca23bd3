#include "notify/report_kind.h"

#include <map>
#include <utility>

#include "core/event_names.h"

namespace abuseflow::notify {
namespace {

// Higher is more serious: breaks ties between kinds with equal counts.
int Severity(v1::Kind kind) {
  switch (kind) {
    case v1::KIND_WORM: return 6;
    case v1::KIND_EXPLOIT: return 5;
    case v1::KIND_BRUTE_FORCE: return 4;
    case v1::KIND_IDS_ALERT: return 3;
    case v1::KIND_PORT_SCAN: return 2;
    case v1::KIND_CONNECTION_ATTEMPT: return 1;
    default: return 0;
  }
}

std::string VariantOf(v1::Kind kind) {
  switch (kind) {
    case v1::KIND_WORM: return "worm";
    case v1::KIND_EXPLOIT: return "exploit";
    case v1::KIND_BRUTE_FORCE: return "brute_force";
    case v1::KIND_IDS_ALERT: return "ids_alert";
    case v1::KIND_PORT_SCAN:
    case v1::KIND_CONNECTION_ATTEMPT: return "scan";
    default: return "";
  }
}

std::string WormName(const std::string& signature) {
  static const std::map<std::string, std::string> kNames = {
      {"code-red", "Code Red"}, {"code-red-i", "Code Red"}, {"code-red-ii", "Code Red II"},
      {"nimda", "Nimda"},       {"slammer", "Slammer"},     {"blaster", "Blaster"}};
  if (signature.empty()) return "a worm";
  auto it = kNames.find(signature);
  return it == kNames.end() ? signature : it->second;
}

// The kind with the most events, ties to the more serious one.
v1::Kind MostEvents(const std::map<v1::Kind, uint64_t>& per_kind) {
  v1::Kind out = v1::KIND_UNSPECIFIED;
  uint64_t best = 0;
  for (const auto& [kind, count] : per_kind) {
    if (count > best || (count == best && Severity(kind) > Severity(out))) {
      out = kind;
      best = count;
    }
  }
  return out;
}

}  // namespace

std::string IncidentVariant(const v1::Incident& incident) {
  std::map<v1::Kind, uint64_t> per_kind;
  for (const v1::KindCount& k : incident.kinds()) per_kind[k.kind()] += k.count();
  return VariantOf(MostEvents(per_kind));
}

const std::vector<std::string>& KindVariants() {
  static const std::vector<std::string> kVariants = {"worm", "scan", "brute_force", "exploit",
                                                     "ids_alert"};
  return kVariants;
}

ReportKind DominantKind(const Report& report) {
  std::map<v1::Kind, uint64_t> per_kind;
  std::map<std::pair<v1::Kind, std::string>, uint64_t> per_signature;
  for (const ReportEntry& entry : report.entries) {
    for (const v1::KindCount& k : entry.kinds) {
      per_kind[k.kind()] += k.count();
      if (!k.signature().empty()) per_signature[{k.kind(), k.signature()}] += k.count();
    }
  }
  ReportKind out;
  out.kind = MostEvents(per_kind);
  uint64_t best_signature = 0;
  for (const auto& [key, count] : per_signature) {
    if (key.first == out.kind && count > best_signature) {  // map order: ties to the first
      out.signature = key.second;
      best_signature = count;
    }
  }
  out.name = std::string(core::KindName(out.kind));
  out.variant = VariantOf(out.kind);
  out.display_name = out.kind == v1::KIND_WORM ? WormName(out.signature) : out.signature;
  return out;
}

const std::vector<std::string>& TemplateVariants() {
  static const std::vector<std::string> kVariants = {"worm",      "scan",    "brute_force",
                                                     "exploit",   "ids_alert", "repeat"};
  return kVariants;
}

}  // namespace abuseflow::notify
