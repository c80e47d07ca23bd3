#include "core/format_check.h"

#include <date/tz.h>
#include <re2/re2.h>

#include <algorithm>
#include <exception>
#include <iterator>
#include <string_view>

namespace abuseflow::core {
namespace {

template <typename List>
bool Contains(const List& list, std::string_view name) {
  return std::find(std::begin(list), std::end(list), name) != std::end(list);
}

Status Bad(const std::string& path, const char* key, const std::string& why) {
  return Status::InvalidArgument("key '" + path + "." + key + "': " + why);
}

}  // namespace

bool IsValidTimeFormat(const std::string& spec, std::string* why) {
  if (Contains(kStampKinds, spec)) return true;
  constexpr std::string_view kDirectives = "YymdebhBHMSfzTFs%";
  bool any = false;
  for (size_t i = 0; i < spec.size(); ++i) {
    if (spec[i] != '%') continue;
    if (i + 1 == spec.size() || kDirectives.find(spec[i + 1]) == std::string_view::npos) {
      *why = "unsupported directive '" + spec.substr(i, 2) + "'";
      return false;
    }
    any |= spec[i + 1] != '%';
    ++i;
  }
  if (!any) *why = "no % directive and not one of syslog, apache, iso8601, epoch";
  return any;
}

Status CheckFormat(const FormatConfig& f, const std::string& path) {
  if (f.name.empty()) return Bad(path, "name", "is required");
  if (f.pattern.empty()) return Bad(path, "pattern", "is required");
  if (f.kind.empty()) return Bad(path, "kind", "is required");
  if (!Contains(kFormatKinds, f.kind)) {
    return Bad(
        path, "kind",
        "'" + f.kind +
            "' is not one of connection-attempt, port-scan, brute-force, exploit, ids-alert, worm");
  }
  RE2::Options options;
  options.set_log_errors(false);
  RE2 re(f.pattern, options);
  if (!re.ok()) return Bad(path, "pattern", "does not compile: " + re.error());
  const auto& groups = re.NamedCapturingGroups();
  for (const auto& [name, index] : groups) {
    if (!Contains(kFormatGroups, name)) {
      return Bad(path, "pattern",
                 "unknown group (?P<" + name +
                     ">); known: host, time, src_port, dst, dst_port, proto, signature");
    }
  }
  if (!groups.count("host")) return Bad(path, "pattern", "has no (?P<host>...) group");
  const bool has_time = groups.count("time") > 0;
  if (has_time && f.time_format.empty())
    return Bad(path, "time_format", "is required with a (?P<time>...) group");
  if (!has_time && !f.syslog)
    return Bad(path, "pattern", "has no (?P<time>...) group and syslog is not set");
  if (!has_time && !f.time_format.empty())
    return Bad(path, "time_format", "is set but the pattern has no (?P<time>...) group");
  std::string why;
  if (has_time && !IsValidTimeFormat(f.time_format, &why)) return Bad(path, "time_format", why);
  return Status::Ok();
}

Status CheckTimeZone(const std::string& name, const std::string& key) {
  try {
    date::locate_zone(name);
    return Status::Ok();
  } catch (const std::exception&) {
    return Status::InvalidArgument("key '" + key + "': unknown time zone '" + name +
                                   "' (an IANA name such as America/New_York)");
  }
}

}  // namespace abuseflow::core
