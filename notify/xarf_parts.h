#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "notify/mime_part.h"
#include "notify/report.h"

namespace abuseflow::notify {

// One X-ARF incident class: the X-ARF category, report type and schema that
// a group of our probe kinds is reported under. See docs/notice-format.md.
struct XarfClass {
  std::string_view report_type;  // "login-attack", "malware-attack", "portscan", "ids-alert"
  std::string_view schema_url;   // the JSON schema the report follows
};

// The class a probe kind is reported under: brute force is "login-attack",
// worms and exploits "malware-attack", IDS alerts "ids-alert", port scans,
// connection attempts and unknown kinds "portscan". Category is always "abuse".
const XarfClass& XarfClassOf(v1::Kind kind);

// The X-ARF (v0.2) parts of a report: for every class that occurs in it, in
// the order above, a YAML report part ("xarf-<type>.yaml", text/plain) with
// one YAML document per address of that class carrying every field the
// X-ARF specification requires (Reported-From, Category, Report-Type,
// Report-ID, Date, Source, Source-Type ipv4/ipv6, Attachment, Schema-URL,
// User-Agent; Service and Port for login-attack) and Occurrences, followed by
// its evidence part ("xarf-<type>-evidence.txt", text/plain: the sample log
// lines per address under their time zone). Dates are event times (the
// address's first_seen), never the wall clock. `from` is the sender mailbox;
// `ticket` the report's ticket (ReportTicket). Values from logs and
// registries are quoted as YAML single-quoted scalars, so they cannot add a
// key or a document. Pure; safe from any thread.
std::vector<MimePart> XarfParts(const Report& report, std::string_view from,
                                std::string_view ticket);

// `text` as a YAML single-quoted scalar: quotes doubled, control characters
// and invalid UTF-8 shown as "?", so the value stays on one line.
std::string YamlQuoted(std::string_view text);

}  // namespace abuseflow::notify
