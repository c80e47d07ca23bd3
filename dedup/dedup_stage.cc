#include "dedup/dedup_stage.h"

#include "core/log.h"

namespace abuseflow::dedup {

std::string HistoryDir(const std::string& state_dir) { return state_dir + "/history"; }

core::Status DedupStage::Run() {
  auto log = core::Logger("dedup");
  auto store = HistoryStore::Open(HistoryDir(config_.state_dir), false);
  if (!store.ok()) return store.status();
  auto receiver = core::BatchReceiver::Bind(*links_.context, links_.input);
  if (!receiver.ok()) return receiver.status();
  auto sender = core::BatchSender::Connect(*links_.context, links_.output, "dedup");
  if (!sender.ok()) return sender.status();
  HistoryLimits limits;
  limits.sample_lines = config_.dedup.sample_lines;
  limits.max_line_length = config_.dedup.max_line_length;
  Deduplicator dedup(store->get(), limits);
  core::Status status =
      core::ReceiveUntilEnd(**receiver, links_.producers, [&](v1::Envelope& envelope) {
        if (!envelope.has_enriched()) return core::Status::Ok();
        v1::Envelope out;
        if (core::Status s = dedup.Apply(envelope.enriched(), out.mutable_incidents()); !s.ok()) {
          log->error("history write failed, stopping error=\"{}\"", s.ToString());
          return s;
        }
        return (*sender)->Send(&out);
      });
  stats_ = dedup.stats();
  if (!status.ok()) return status;
  log->info("done batches={} events={} addresses_new={} incidents={}", stats_.batches,
            stats_.events, stats_.new_addresses, stats_.incidents);
  return (*sender)->SendEndOfStream();
}

}  // namespace abuseflow::dedup
