#include "enrich/line_table.h"

#include "core/log.h"
#include "enrich/line_reader.h"

namespace abuseflow::enrich {

core::Status LoadLineTable(const std::string& path, const LineTable& table,
                           const std::function<size_t()>& prefixes) {
  LineReadStats lines;
  core::Status s = ReadLineFile(path, table.what, table.max_line, table.parse, &lines);
  if (!s.ok()) return s;
  ++*table.files;
  *table.malformed += lines.malformed;
  core::Logger("enrich")->info("loaded {} file={} lines={} malformed={} prefixes={}",
                               table.log_name, path, lines.lines, lines.malformed, prefixes());
  return core::Status::Ok();
}

core::Status AddLineTable(std::istream* in, std::string_view name, const LineTable& table) {
  LineReadStats lines;
  core::Status s = ReadLines(in, name, table.max_line, table.parse, &lines);
  ++*table.files;
  *table.malformed += lines.malformed;
  return s;
}

}  // namespace abuseflow::enrich
