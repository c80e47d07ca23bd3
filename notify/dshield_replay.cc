#include "notify/dshield_replay.h"

#include <ctime>

#include "ingest/line_parser.h"
#include "ingest/line_reader.h"
#include "ingest/user_format_parser.h"

namespace abuseflow::notify {
namespace {

int CurrentYear() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  return tm.tm_year + 1900;
}

// The input's parse context, as the ingest stage makes it.
ingest::ParseContext ContextFor(const core::InputConfig& in) {
  ingest::ParseContext ctx;
  ctx.sensor = in.sensor;
  ctx.default_year = in.year != 0 ? in.year : CurrentYear();
  ctx.utc_offset_minutes = in.utc_offset_minutes;
  ctx.tz_name = in.tz_name;
  ingest::ConfigureContext(in, &ctx);
  return ctx;
}

core::Status ReplayInput(const core::InputConfig& in,
                         const std::vector<core::FormatConfig>& formats,
                         const DShieldOptions& options, std::ostream* out,
                         DShieldReplayStats* stats) {
  auto parser = ingest::MakeParser(in.format, formats);
  if (!parser)
    return core::Status::InvalidArgument("input " + in.path + ": unknown format '" + in.format +
                                         "'");
  auto reader = ingest::LineReader::Open(in.path);
  if (!reader.ok()) return reader.status();
  const ingest::ParseContext ctx = ContextFor(in);
  std::string_view line;
  bool too_long = false;
  while ((*reader)->Next(&line, &too_long)) {
    ++stats->lines;
    v1::ProbeEvent event;
    const ingest::ParseResult r =
        too_long ? ingest::ParseResult{ingest::ParseOutcome::kRejected, ingest::kReasonTooLong}
                 : parser->Parse(line, ctx, &event);
    if (r.outcome == ingest::ParseOutcome::kNotProbe) ++stats->not_probe;
    if (r.outcome == ingest::ParseOutcome::kRejected) ++stats->rejected;
    if (r.outcome != ingest::ParseOutcome::kEvent) continue;
    ++stats->events;
    std::string_view skip;
    if (auto text = DShieldLine(event, options, &skip)) {
      *out << *text << '\n';
      ++stats->written;
    } else {
      ++stats->skipped[std::string(skip)];
    }
    if (!*out) return core::Status::IoError("cannot write the DShield lines");
  }
  ++stats->inputs;
  return (*reader)->status();
}

}  // namespace

core::Result<DShieldReplayStats> ReplayToDShield(const core::Config& config,
                                                 const DShieldOptions& options, std::ostream* out) {
  if (core::Status s = ingest::CheckUserFormats(config.ingest.formats); !s.ok()) return s;
  DShieldReplayStats stats;
  for (const core::InputConfig& in : config.ingest.inputs) {
    if (!in.listen.empty()) {
      ++stats.listeners;
      continue;
    }
    if (core::Status s = ReplayInput(in, config.ingest.formats, options, out, &stats); !s.ok())
      return s;
  }
  out->flush();
  if (!*out) return core::Status::IoError("cannot write the DShield lines");
  return stats;
}

}  // namespace abuseflow::notify
