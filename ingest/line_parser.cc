#include "ingest/line_parser.h"

#include "ingest/apache_parser.h"
#include "ingest/netfilter_parser.h"

namespace abuseflow::ingest {

std::unique_ptr<LineParser> MakeParser(std::string_view format) {
  if (format == ApacheParser::kName || format == "ncsa" || format == "common" ||
      format == "combined" || format == "nginx") {
    return std::make_unique<ApacheParser>();
  }
  if (format == NetfilterParser::kName || format == "iptables") {
    return std::make_unique<NetfilterParser>();
  }
  return nullptr;
}

std::vector<std::string> ParserNames() {
  return {std::string(ApacheParser::kName), std::string(NetfilterParser::kName)};
}

}  // namespace abuseflow::ingest
