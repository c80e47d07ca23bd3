#pragma once

#include <string>
#include <vector>

#include "abuseflow/v1/events.pb.h"
#include "notify/report.h"

namespace abuseflow::notify {

// What a report is mostly about: the kind with the most events over all its
// addresses. It picks the notice's opening paragraph and, when the operator
// configured one, the per-kind template (notify.templates). A value type.
struct ReportKind {
  v1::Kind kind = v1::KIND_UNSPECIFIED;
  std::string name;       // core::KindName: "worm", "port-scan", ... ("unspecified")
  std::string signature;  // the most frequent signature of that kind ("code-red-ii"), "" if none
  // The template variant: "worm", "scan" (port scans and connection
  // attempts), "brute_force", "exploit", "ids_alert", or "" (unspecified).
  std::string variant;
  // For a worm, its common name ("Code Red II", "Nimda"; the signature as
  // it is for others; "a worm" without one); else the signature.
  std::string display_name;
};

// The dominant kind of `report`. Ties go to the more serious kind (worm,
// exploit, brute force, IDS alert, port scan, connection attempt), equal
// signature counts to the signature that sorts first; so the choice does not
// depend on the order of the entries. Pure.
ReportKind DominantKind(const Report& report);

// The variant (as ReportKind::variant) of one incident's dominant kind, by
// the same rule over its own kind counts: the key of its batching window in
// notify.window_by_kind ("" when it has no kinds or only unspecified ones).
// Pure.
std::string IncidentVariant(const v1::Incident& incident);

// The variant names notify.window_by_kind accepts: every variant but
// "repeat", which is not a kind.
const std::vector<std::string>& KindVariants();

// The template variant names notify.templates accepts, "repeat" included
// (a report with a repeat notice), in the order they are documented.
const std::vector<std::string>& TemplateVariants();

}  // namespace abuseflow::notify
