#pragma once

#include <string>

#include "core/result.h"

namespace abuseflow::notify {

// Loading the notice template of ReportRenderer (notify/report_renderer.h;
// the built-in one is in notify/report_template.cc): read,
// checked and prepared for kainjow/mustache so that a standalone section tag
// line leaves no blank line when its section is not rendered (the mustache
// spec's rule, which the library does not apply to such lines): every other
// line carries a mark byte (0xFF, never valid UTF-8) that WithoutLineMarks
// removes from the rendered text. A 0xFF byte in the template or in a value
// becomes "?". Templates with other delimiters ({{=...=}}) are left as they
// are.

// The mark byte; the renderer replaces it by "?" in every value.
inline constexpr char kTemplateLineMark = '\xff';

// The prepared text of the template at `path` (the built-in one when
// empty). IoError when it cannot be read, InvalidArgument naming it when it
// does not parse.
core::Result<std::string> LoadTemplate(const std::string& path);

// `text` rendered from a prepared template, without its line marks.
std::string WithoutLineMarks(std::string text);

}  // namespace abuseflow::notify
