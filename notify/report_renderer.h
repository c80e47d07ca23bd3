#pragma once

#include <map>
#include <string>
#include <string_view>
#include <utility>

#include "core/result.h"
#include "notify/report.h"

namespace abuseflow::notify {

// What the renderer needs besides the report. The defaults match
// core::NotifyConfig.
struct RenderOptions {
  // The site the probes hit, quoted in "probing machines on our network at
  // <site>". Default "our network".
  std::string site = "our network";
  // The sender mailbox; the notice is signed with it when there is no
  // signature. Default "abuse-reports@localhost".
  std::string from = "abuse-reports@localhost";
  // The signature block (name, title, e-mail, phones, organisation, postal
  // address), one item per line. Blank lines around it are trimmed. Default
  // empty: the notice is signed with `from`.
  std::string signature;
  // A mustache template file replacing the built-in one (see notify/README.md
  // for the variables). Default empty: the built-in classic notice.
  std::string template_path;
  // Per-variant template files (notify.templates): "worm", "scan",
  // "brute_force", "exploit", "ids_alert" (the report's DominantKind) and
  // "repeat" (a report with a repeat notice; chosen before the kind). A
  // report whose variant has none uses template_path, then the built-in.
  // Default empty.
  std::map<std::string, std::string> variant_paths;
};

// The text of one notice, before it becomes a mail.
struct RenderedReport {
  std::string subject;  // ASCII for the built-in subjects; one line
  std::string body;     // plain text, "\n" line endings
};

// Turns a Report into the subject and body of a notice with a mustache
// template. The output is plain text: values are inserted as they are,
// without HTML escaping. A value type; Render is const and may be called from
// several threads at once (each call parses its own copy of the template).
class ReportRenderer {
 public:
  // Loads the template named by options.template_path (the built-in one when
  // empty) and those of options.variant_paths, and checks that they parse. Fails with InvalidArgument naming the
  // file and the parser's message when it does not parse, IoError naming the
  // file when it cannot be read.
  static core::Result<ReportRenderer> Create(RenderOptions options);

  // Renders `report`. Fails with InvalidArgument if the template fails while
  // rendering; never throws.
  core::Result<RenderedReport> Render(const Report& report) const;

  const RenderOptions& options() const { return options_; }

 private:
  ReportRenderer(RenderOptions options, std::string template_text,
                 std::map<std::string, std::string> variant_texts)
      : options_(std::move(options)),
        template_text_(std::move(template_text)),
        variant_texts_(std::move(variant_texts)) {}

  // The prepared template `report` is rendered with.
  const std::string& TemplateFor(const Report& report) const;

  RenderOptions options_;
  std::string template_text_;
  std::map<std::string, std::string> variant_texts_;  // by variant, prepared
};

// The built-in template, modelled on the classic probe notice.
std::string_view DefaultReportTemplate();

// The subject of a report: "Probes from 192.0.2.7" for one address, "Probes
// from 12 addresses on your network (198.51.100.0/24, 203.0.113.0/24 ...)"
// for several (at most two of the owners' prefixes, then "..." when there
// are more); a part of a split report ends in " (part 2 of 3)".
std::string ReportSubject(const Report& report);

// The zone line for samples: "EST, GMT -0500" from ("EST", -300); just
// "GMT -0500" when the name is empty.
std::string ZoneLabel(std::string_view tz_name, int utc_offset_minutes);

}  // namespace abuseflow::notify
