#include "dedup/dedup_stage.h"

#include "core/log.h"
#include "dedup/block_outputs.h"

namespace abuseflow::dedup {

std::string HistoryDir(const std::string& state_dir) { return state_dir + "/history"; }

core::Status DedupStage::Run() {
  auto log = core::Logger("dedup");
  auto store = HistoryStore::Open(HistoryDir(config_.state_dir), false, kDefaultHistoryCache);
  if (!store.ok()) return store.status();
  auto receiver = core::BatchReceiver::Bind(*links_.context, links_.input);
  if (!receiver.ok()) return receiver.status();
  auto sender = core::BatchSender::Connect(*links_.context, links_.output, "dedup");
  if (!sender.ok()) return sender.status();
  HistoryLimits limits;
  limits.sample_lines = config_.dedup.sample_lines;
  limits.max_line_length = config_.dedup.max_line_length;
  limits.retention_us = config_.dedup.retention_us;
  auto dedup = Deduplicator::Create(store->get(), limits, config_.dedup.policy);
  if (!dedup.ok()) return dedup.status();
  BlockOutputs outputs(BlocksDir(config_.state_dir), config_.dedup.block_hook);
  core::Status status =
      core::ReceiveUntilEnd(**receiver, links_.producers, [&](v1::Envelope& envelope) {
        if (!envelope.has_enriched()) return core::Status::Ok();
        v1::Envelope out;
        if (core::Status s = (*dedup)->Apply(envelope.enriched(), out.mutable_incidents());
            !s.ok()) {
          log->error("history write failed, stopping error=\"{}\"", s.ToString());
          return s;
        }
        if ((*dedup)->blocks_changed()) {
          (*dedup)->ClearBlocksChanged();
          if (core::Status s = outputs.WriteFrom(**store); !s.ok()) {
            ++block_output_failures_;
            log->warn("block outputs not updated error=\"{}\"", s.ToString());
          }
        }
        return (*sender)->Send(&out);
      });
  stats_ = (*dedup)->stats();
  if (!status.ok()) return status;
  log->info(
      "done batches={} events={} duplicates={} addresses_new={} incidents={} suppressed={} "
      "blocks={} lifts={}",
      stats_.batches, stats_.events, stats_.duplicates, stats_.new_addresses, stats_.incidents,
      stats_.suppressed, stats_.blocks, stats_.lifts);
  return (*sender)->SendEndOfStream();
}

}  // namespace abuseflow::dedup
