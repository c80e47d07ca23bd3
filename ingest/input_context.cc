#include "core/config.h"
#include "core/log.h"
#include "ingest/host_resolver.h"
#include "ingest/line_parser.h"
#include "ingest/local_time.h"

namespace abuseflow::ingest {

void ConfigureContext(const core::InputConfig& input, ParseContext* ctx) {
  if (!input.time_zone.empty()) {
    auto zone = TimeZone::Find(input.time_zone);
    if (zone.ok()) {
      ctx->time_zone = std::move(zone).value();
    } else {  // LoadConfig checks the name; a tzdata removed since is an operator's problem
      core::Logger("ingest")->error("time zone not found, stamps read as UTC zone={} error=\"{}\"",
                                    input.time_zone, zone.status().message());
    }
  }
  if (input.year == 0) ctx->clock = std::make_shared<InputClock>();
  if (input.resolve_hosts) ctx->resolver = std::make_shared<HostResolver>();
}

}  // namespace abuseflow::ingest
