#include "dedup/dedup_stage.h"

#include <algorithm>
#include <chrono>
#include <deque>
#include <map>
#include <set>

#include "core/log.h"
#include "core/stage_metrics.h"
#include "core/shutdown.h"

namespace abuseflow::dedup {
namespace {

// After its streams have ended, how long dedup waits for the ends of stream
// the other enrich workers pass on, to acknowledge them.
constexpr auto kLinger = std::chrono::seconds(5);
// Per ingest stream: incident batches in flight to notify, and waiting
// beyond those before dedup applies no more of that stream.
constexpr size_t kLaneWindow = 16;
constexpr size_t kMaxUnsent = 32;

}  // namespace

std::string HistoryDir(const std::string& state_dir) { return state_dir + "/history"; }

// What one Run works with.
struct DedupStage::Run_ {
  std::unique_ptr<HistoryStore> store;
  std::unique_ptr<Deduplicator> dedup;
  std::unique_ptr<core::BatchReceiver> receiver;
  std::unique_ptr<core::BatchSender> sender;
  std::unique_ptr<BlockOutputs> outputs;
  core::CauseOrder order;
  LinkState link;
  std::map<std::string, std::set<std::string>> ends_from;  // stream -> enrich workers that passed its end on
  // Ends of stream from enrich, acknowledged only once notify has acknowledged
  // the stream's end: so ingest's stream is complete only when notify is.
  std::map<std::string, std::vector<core::Received>> held_ends;
  // Incident batches durable in the outbox, per ingest stream: notify takes
  // a stream's turns in order and needs every shard's part of each, so the
  // credit is per stream (one stream's batches, applied in a different
  // order on each shard, can never fill the window another stream's turn
  // waits behind). Dedup never blocks on notify: it goes on receiving (and
  // acknowledging copies of batches it already applied), and applies
  // nothing new of a stream while kMaxUnsent of it wait, so memory stays
  // bounded.
  struct Lane {
    std::deque<v1::Envelope> unsent;
    size_t in_flight = 0;
  };
  std::map<std::string, Lane> lanes;
  std::map<uint64_t, std::string> lane_of;  // outgoing seq in flight -> its stream
  bool AnyUnsent() const {
    return std::any_of(lanes.begin(), lanes.end(), [](const auto& l) { return !l.second.unsent.empty(); });
  }
  bool MayApply(const std::string& stream) {
    return lanes[stream].unsent.size() < kMaxUnsent;
  }
  std::optional<std::chrono::steady_clock::time_point> finished_at;
};

// Applies one batch of a stream in its turn: history, link state and the
// outgoing incident batch in one write; then acknowledges and sends it.
core::Status DedupStage::Apply(core::CauseOrder::Ready& ready, Run_& run) {
  auto log = core::Logger("dedup");
  v1::Envelope& in = ready.parts[0].envelope;
  v1::Envelope out;
  out.set_cause_origin(ready.stream);
  out.set_cause_seq(ready.seq);
  out.set_shard(static_cast<uint32_t>(links_.shard));
  out.set_shard_count(static_cast<uint32_t>(links_.shard_count));
  out.set_batch_seq(run.link.TakeSeq());
  if (in.has_end_of_stream()) {
    *out.mutable_end_of_stream() = in.end_of_stream();
    core::KvStore::Batch batch;
    for (auto& [key, value] : run.link.Applied(ready.stream, ready.seq, out)) batch.Put(key, value);
    if (core::Status s = run.store->raw().Write(batch); !s.ok()) return s;
    run.link.MarkEnded(ready.stream);
  } else {
    auto extra = [&](const v1::IncidentBatch& incidents, HistoryStore::WriteSet* set) {
      v1::Envelope copy = out;
      *copy.mutable_incidents() = incidents;
      set->raw_puts = run.link.Applied(ready.stream, ready.seq, copy);
    };
    if (core::Status s = run.dedup->Apply(in.enriched(), out.mutable_incidents(), extra); !s.ok()) {
      log->error("history write failed, stopping error=\"{}\"", s.ToString());
      return s;
    }
    if (run.dedup->blocks_changed()) {
      run.dedup->ClearBlocksChanged();
      auto blocks = ActiveBlocks(*run.store);
      core::Status s = blocks.ok() ? core::Status::Ok() : blocks.status();
      if (blocks.ok()) {
        blocks_active_.Set(static_cast<double>(blocks->size()));
        s = run.outputs->Write(std::move(blocks).value());
      }
      if (!s.ok()) {
        ++block_output_failures_;
        log->warn("block outputs not updated error=\"{}\"", s.ToString());
      }
    }
    metrics_.events_in.Increment(static_cast<uint64_t>(in.enriched().events_size()));
    metrics_.events_out.Increment(static_cast<uint64_t>(out.incidents().incidents_size()));
  }
  if (in.has_end_of_stream()) {
    for (core::Received& r : ready.parts) run.held_ends[ready.stream].push_back(std::move(r));
    for (core::Received& r : ready.copies) run.held_ends[ready.stream].push_back(std::move(r));
  } else {
    for (const core::Received& r : ready.parts) run.receiver->Ack(r);
    for (const core::Received& r : ready.copies) run.receiver->Ack(r);
  }
  run.lanes[ready.stream].unsent.push_back(std::move(out));
  return core::Status::Ok();
}

// Sends what each stream's lane has credit for. An end of stream waits
// while another lane has batches unsent: what enrich settled late for that
// stream (its deferred stream's batches, applied before the end came) must
// reach notify before the end that flushes the reports.
core::Status DedupStage::SendReady(Run_& run) {
  auto others_unsent = [&run](const std::string& stream) {
    return std::any_of(run.lanes.begin(), run.lanes.end(), [&](const auto& l) {
      return l.first != stream && !l.second.unsent.empty() && !l.second.unsent.front().has_end_of_stream();
    });
  };
  for (auto& [stream, lane] : run.lanes) {
    while (!lane.unsent.empty() && lane.in_flight < kLaneWindow) {
      v1::Envelope& next = lane.unsent.front();
      if (next.has_end_of_stream() && others_unsent(stream)) break;
      if (core::Status s = run.sender->Send(&next, 0); !s.ok()) return s;
      run.lane_of[next.batch_seq()] = stream;
      ++lane.in_flight;
      lane.unsent.pop_front();
    }
  }
  return core::Status::Ok();
}

bool DedupStage::Done(const Run_& run) const {
  if (static_cast<int>(run.link.finished().size()) < links_.streams || run.sender->in_flight() > 0 ||
      run.AnyUnsent()) {
    return false;
  }
  for (const std::string& stream : run.link.finished()) {
    auto it = run.ends_from.find(stream);
    if (it == run.ends_from.end() || static_cast<int>(it->second.size()) < links_.upstream_workers) {
      return run.finished_at && std::chrono::steady_clock::now() - *run.finished_at > kLinger;
    }
  }
  return true;
}

core::Status DedupStage::Run() {
  auto log = core::Logger("dedup");
  Run_ run;
  auto store = HistoryStore::Open(HistoryDir(config_.state_dir), false, kDefaultHistoryCache);
  if (!store.ok()) return store.status();
  run.store = std::move(store).value();
  run.order.set_end_senders(static_cast<uint32_t>(std::max(1, links_.upstream_workers)));
  if (core::Status s = run.link.Load(run.store->raw(), &run.order); !s.ok()) return s;
  auto receiver = core::BatchReceiver::Bind(*links_.context, links_.input, links_.security);
  if (!receiver.ok()) return receiver.status();
  run.receiver = std::move(receiver).value();
  core::SenderOptions options;
  options.security = links_.security;
  options.window = 0;  // the lanes keep the credit, per stream
  auto sender = core::BatchSender::Connect(*links_.context, links_.outputs, links_.name, options);
  if (!sender.ok()) return sender.status();
  run.sender = std::move(sender).value();
  run.sender->set_ack_handler([&run](uint64_t seq) {
    if (auto lane = run.lane_of.find(seq); lane != run.lane_of.end()) {
      --run.lanes[lane->second].in_flight;
      run.lane_of.erase(lane);
    }
    core::KvStore::Batch batch;
    const size_t finished = run.link.finished().size();
    for (std::string& key : run.link.Acknowledged(seq)) batch.Delete(std::move(key));
    if (core::Status s = run.store->raw().Write(batch); !s.ok()) {
      core::Logger("dedup")->warn("acknowledged incident batch not removed seq={} error=\"{}\"", seq, s.message());
    }
    if (run.link.finished().size() == finished) return;
    for (const std::string& stream : run.link.finished()) {
      for (const core::Received& r : run.held_ends[stream]) run.receiver->Ack(r);
      run.held_ends.erase(stream);
    }
  });
  HistoryLimits limits;
  limits.sample_lines = config_.dedup.sample_lines;
  limits.max_line_length = config_.dedup.max_line_length;
  limits.retention_us = config_.dedup.retention_us;
  auto dedup = Deduplicator::Create(run.store.get(), limits, config_.dedup.policy);
  if (!dedup.ok()) return dedup.status();
  run.dedup = std::move(dedup).value();
  run.outputs = std::make_unique<BlockOutputs>(BlocksDir(config_.state_dir), config_.dedup.block_hook);
  if (!run.link.outbox().empty()) log->info("sending again incident_batches={}", run.link.outbox().size());
  for (v1::Envelope& e : run.link.outbox()) run.lanes[e.cause_origin()].unsent.push_back(std::move(e));
  run.link.outbox().clear();
  core::Status status;
  while (!Done(run)) {
    if (core::StopRequested()) {
      status = core::Status::Unavailable("stop requested");
      break;
    }
    const bool busy = run.sender->in_flight() > 0 || run.AnyUnsent();
    auto received = run.receiver->Receive(std::chrono::milliseconds(busy ? 1 : 20));
    if (received) {
      if (received->envelope.has_end_of_stream()) {
        run.ends_from[received->envelope.cause_origin()].insert(received->envelope.origin());
      }
      if (run.order.Offer(&*received) == core::CauseOrder::Offered::kDone) {
        const std::string& stream = received->envelope.cause_origin();
        if (received->envelope.has_end_of_stream() && run.link.ended().count(stream)) {
          run.held_ends[stream].push_back(std::move(*received));  // notify has not acknowledged it yet
        } else {
          run.receiver->Ack(*received);
        }
      }
    }
    auto may_apply = [&run](const std::string& stream) { return run.MayApply(stream); };
    while (auto ready = run.order.Pop(may_apply)) {
      if (status = Apply(*ready, run); !status.ok()) break;
    }
    metrics_.held_batches.Set(static_cast<double>(run.order.held()));
    if (!status.ok()) break;
    if (status = SendReady(run); !status.ok()) break;
    if (status = run.sender->Poll(std::chrono::milliseconds(0)); !status.ok()) break;
    if (!run.finished_at && static_cast<int>(run.link.finished().size()) >= links_.streams &&
        run.sender->in_flight() == 0) {
      run.finished_at = std::chrono::steady_clock::now();
    }
  }
  stats_ = run.dedup->stats();
  transport_ = run.sender->stats();
  if (!status.ok()) return status;
  log->info(
      "done batches={} events={} duplicates={} addresses_new={} incidents={} suppressed={} "
      "blocks={} lifts={}",
      stats_.batches, stats_.events, stats_.duplicates, stats_.new_addresses, stats_.incidents,
      stats_.suppressed, stats_.blocks, stats_.lifts);
  return core::Status::Ok();
}

}  // namespace abuseflow::dedup
