#include "ingest/line_parser.h"

#include <initializer_list>

#include "ingest/apache_parser.h"
#include "ingest/auto_parser.h"
#include "ingest/dshield_parser.h"
#include "ingest/eve_parser.h"
#include "ingest/iis_parser.h"
#include "ingest/ipfw_parser.h"
#include "ingest/loginvain_parser.h"
#include "ingest/netfilter_parser.h"
#include "ingest/pf_parser.h"
#include "ingest/portsentry_parser.h"
#include "ingest/snort_full_parser.h"
#include "ingest/snort_parser.h"
#include "ingest/sshd_parser.h"
#include "ingest/tcpwrappers_parser.h"
#include "ingest/xinetd_parser.h"
#include "ingest/zeek_json_parser.h"
#include "ingest/zeek_parser.h"

namespace abuseflow::ingest {
namespace {

// One built-in format: its canonical name, its aliases and its factory.
struct Registration {
  std::string_view name;
  std::initializer_list<std::string_view> aliases;
  std::unique_ptr<LineParser> (*make)();
};

template <typename T>
std::unique_ptr<LineParser> Make() {
  return std::make_unique<T>();
}

std::unique_ptr<LineParser> MakeSuricataFast();

const Registration kRegistry[] = {
    {ApacheParser::kName, {"ncsa", "common", "combined", "nginx"}, &Make<ApacheParser>},
    {NetfilterParser::kName, {"iptables"}, &Make<NetfilterParser>},
    {PortsentryParser::kName, {}, &Make<PortsentryParser>},
    {SshdParser::kName, {"ssh"}, &Make<SshdParser>},
    {XinetdParser::kName, {}, &Make<XinetdParser>},
    {TcpWrappersParser::kName, {"tcpd", "tcp_wrappers", "libwrap"}, &Make<TcpWrappersParser>},
    {SnortParser::kName, {"snort-fast", "snort-syslog"}, &Make<SnortParser>},
    {SnortFullParser::kName, {"snort-alert-full"}, &Make<SnortFullParser>},
    {SnortParser::kSuricataFastName, {"suricata"}, &MakeSuricataFast},
    {EveParser::kName, {"eve", "suricata-json"}, &Make<EveParser>},
    {LogInVainParser::kName, {"loginvain", "log-in-vain"}, &Make<LogInVainParser>},
    {PfParser::kName, {"pflog", "openbsd-pf"}, &Make<PfParser>},
    {IpfwParser::kName, {}, &Make<IpfwParser>},
    {IisParser::kName, {"w3c"}, &Make<IisParser>},
    {ZeekParser::kName, {"bro", "zeek-conn"}, &Make<ZeekParser>},
    {ZeekJsonParser::kName, {}, &Make<ZeekJsonParser>},
    {DShieldParser::kName, {}, &Make<DShieldParser>},
    {AutoParser::kName, {}, &Make<AutoParser>},
};

std::unique_ptr<LineParser> MakeSuricataFast() {
  return std::make_unique<SnortParser>(SnortParser::kSuricataFastName);
}

}  // namespace

std::unique_ptr<LineParser> MakeParser(std::string_view format) {
  for (const Registration& r : kRegistry) {
    if (format == r.name) return r.make();
    for (std::string_view alias : r.aliases) {
      if (format == alias) return r.make();
    }
  }
  return nullptr;
}

std::vector<std::string> ParserNames() {
  std::vector<std::string> names;
  for (const Registration& r : kRegistry) names.emplace_back(r.name);
  return names;
}

}  // namespace abuseflow::ingest
