#include "ingest/journaled_stream.h"

#include <fstream>
#include <iterator>

#include "core/log.h"
#include "core/shutdown.h"

namespace abuseflow::ingest {
namespace {

constexpr auto kEndPoll = std::chrono::milliseconds(50);

// The positions and end flag of the last batch journaled, without its events:
// kept beside the journal for when every batch is acknowledged.
std::string ResumePath(const std::string& dir) { return dir + "/resume"; }

void AddPositions(const std::map<std::string, uint64_t>& positions, v1::JournalEntry* entry) {
  for (const auto& [origin, lines] : positions) {
    v1::InputPosition* p = entry->add_positions();
    p->set_origin(origin);
    p->set_lines(lines);
  }
}

core::Status WriteResume(const std::string& dir, const std::map<std::string, uint64_t>& positions, bool end) {
  v1::JournalEntry resume;
  AddPositions(positions, &resume);
  if (end) resume.mutable_envelope()->mutable_end_of_stream();
  std::string tmp = ResumePath(dir) + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << resume.SerializeAsString();
    if (!out.flush()) return core::Status::IoError("cannot write " + tmp);
  }
  if (std::rename(tmp.c_str(), ResumePath(dir).c_str()) != 0) {
    return core::Status::IoError("cannot rename " + tmp);
  }
  return core::Status::Ok();
}

v1::JournalEntry ReadResume(const std::string& dir) {
  std::ifstream in(ResumePath(dir), std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  v1::JournalEntry entry;
  entry.ParseFromString(bytes);
  return entry;
}

}  // namespace

bool StreamEndJournaled(const std::string& dir) { return ReadResume(dir).envelope().has_end_of_stream(); }

core::Result<std::unique_ptr<JournaledStream>> JournaledStream::Open(zmq::context_t& context,
                                                                     const std::vector<std::string>& outputs,
                                                                     StreamOptions options) {
  std::unique_ptr<JournaledStream> stream(new JournaledStream(std::move(options)));
  core::JournalRecovery recovery;
  auto journal = core::Journal::Open(stream->options_.dir, {}, &recovery);
  if (!journal.ok()) return journal.status();
  stream->journal_ = std::move(journal).value();
  if (recovery.torn_bytes > 0 || recovery.skipped_bytes > 0) {
    core::Logger("ingest")->warn("journal repaired torn_bytes={} skipped_bytes={}", recovery.torn_bytes,
                                 recovery.skipped_bytes);
  }
  if (core::Status s = stream->Recover(); !s.ok()) return s;
  // Named after the stream: a central ingest tells its agents apart by it.
  auto sender = core::BatchSender::Connect(context, outputs, stream->cause_origin_, stream->options_.sender);
  if (!sender.ok()) return sender.status();
  stream->sender_ = std::move(sender).value();
  JournaledStream* raw = stream.get();
  stream->sender_->set_ack_handler([raw](uint64_t seq) { raw->OnAck(seq); });
  return stream;
}

core::Status JournaledStream::Recover() {
  v1::JournalEntry last = ReadResume(options_.dir);
  const uint64_t newest = journal_->last_seq();
  if (journal_->unacked_records() > 0 && journal_->Unacked().back() == newest) {
    auto bytes = journal_->Read(newest);
    if (!bytes.ok()) return bytes.status();
    if (!last.ParseFromString(*bytes)) {
      return core::Status::Corruption("journal record " + std::to_string(newest) + " does not decode");
    }
  }
  const bool previous_ended = last.envelope().has_end_of_stream();
  if (journal_->stream().empty() || (previous_ended && journal_->unacked_records() == 0)) {
    if (core::Status s = journal_->NewStream(); !s.ok()) return s;
  } else {
    resuming_ = true;
    ended_ = previous_ended;
    if (ended_) end_seq_ = newest;
    for (const v1::InputPosition& p : last.positions()) positions_[p.origin()] = p.lines();
    for (uint64_t seq : journal_->Unacked()) unsent_.push_back(seq);
    stats_.resumed = unsent_.size();
  }
  cause_origin_ = "ingest:" + journal_->stream();
  return core::Status::Ok();
}

core::Status JournaledStream::Journal(v1::JournalEntry* entry) {
  const uint64_t seq = journal_->last_seq() + 1;
  v1::Envelope* envelope = entry->mutable_envelope();
  envelope->set_batch_seq(seq);
  envelope->set_cause_origin(cause_origin_);
  envelope->set_cause_seq(seq - journal_->stream_base());
  const std::string bytes = entry->SerializeAsString();
  const bool end = envelope->has_end_of_stream();
  auto appended = journal_->Append(bytes);
  if (!appended.ok()) return appended.status();
  ++unsynced_;
  ++stats_.batches;
  unsent_.push_back(seq);
  positions_.clear();
  for (const v1::InputPosition& p : entry->positions()) positions_[p.origin()] = p.lines();
  if (in_memory_bytes_ + bytes.size() <= options_.memory_bytes) {
    in_memory_bytes_ += bytes.size();
    in_memory_.emplace(seq, std::make_pair(std::move(*envelope), static_cast<uint64_t>(bytes.size())));
  }
  if (end || unsynced_ >= options_.group_batches) {
    if (core::Status s = journal_->Sync(); !s.ok()) return s;
    if (core::Status s = WriteResume(options_.dir, positions_, end); !s.ok()) return s;
    unsynced_ = 0;
    ++stats_.syncs;
    return SendReady();
  }
  return core::Status::Ok();
}

core::Status JournaledStream::Append(v1::EventBatch* events, const std::map<std::string, uint64_t>& positions) {
  v1::JournalEntry entry;
  entry.mutable_envelope()->mutable_events()->Swap(events);
  AddPositions(positions, &entry);
  return Journal(&entry);
}

core::Status JournaledStream::Flush() {
  if (unsynced_ > 0) {
    if (core::Status s = journal_->Sync(); !s.ok()) return s;
    if (core::Status s = WriteResume(options_.dir, positions_, ended_); !s.ok()) return s;
    unsynced_ = 0;
    ++stats_.syncs;
  }
  return SendReady();
}

// Sends the durable batches not sent yet, as long as there is credit; the
// end of stream goes to every worker.
core::Status JournaledStream::SendReady() {
  while (unsent_.size() > static_cast<size_t>(unsynced_) && sender_->HasCredit()) {
    const uint64_t seq = unsent_.front();
    v1::Envelope envelope;
    if (auto it = in_memory_.find(seq); it != in_memory_.end()) {
      envelope = std::move(it->second.first);
      in_memory_bytes_ -= it->second.second;
      in_memory_.erase(it);
    } else {
      auto bytes = journal_->Read(seq);
      if (!bytes.ok()) return bytes.status();
      v1::JournalEntry entry;
      if (!entry.ParseFromString(*bytes)) {
        return core::Status::Corruption("journal record " + std::to_string(seq) + " does not decode");
      }
      envelope = std::move(*entry.mutable_envelope());
      ++stats_.spooled;
    }
    unsent_.pop_front();
    core::Status s = envelope.has_end_of_stream() ? sender_->SendToAll(&envelope) : sender_->Send(&envelope);
    if (!s.ok()) return s;
  }
  return core::Status::Ok();
}

void JournaledStream::OnAck(uint64_t seq) {
  std::vector<uint64_t> done{seq};
  if (seq == end_seq_) {
    // dedup applies a stream in order: an acknowledged end means every
    // batch before it is applied, whatever became of their own acknowledgements.
    done = journal_->Unacked();
    sender_->AckThrough(seq);
  }
  for (uint64_t s : done) {
    if (core::Status st = journal_->Ack(s); !st.ok()) {
      core::Logger("ingest")->error("journal acknowledgement not saved error=\"{}\"", st.message());
    }
  }
}

core::Status JournaledStream::Pump(std::chrono::milliseconds timeout) {
  if (core::Status s = sender_->Poll(timeout); !s.ok()) return s;
  return SendReady();
}

core::Status JournaledStream::End() {
  if (!ended_) {
    if (core::Status s = Flush(); !s.ok()) return s;
    v1::JournalEntry entry;
    entry.mutable_envelope()->mutable_end_of_stream()->set_origin(cause_origin_);
    AddPositions(positions_, &entry);
    end_seq_ = journal_->last_seq() + 1;
    ended_ = true;
    if (core::Status s = Journal(&entry); !s.ok()) return s;
  }
  while (journal_->unacked_records() > 0 || sender_->in_flight() > 0) {
    if (core::StopRequested()) {
      return core::Status::Unavailable("stopped with " + std::to_string(journal_->unacked_records()) +
                                       " batches unacknowledged; they are sent again at the next start");
    }
    if (core::Status s = Pump(kEndPoll); !s.ok()) return s;
  }
  return core::Status::Ok();
}

}  // namespace abuseflow::ingest
