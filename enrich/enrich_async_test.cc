// The enrich stage with lookup threads (enrich.lookup_threads), against
// WHOIS servers on loopback run by the test: a slow server holds up only its
// own addresses, one query serves every waiting event of a block, waiting
// events survive a restart, and a lookup that keeps failing ends unresolved
// at the deadline.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <functional>
#include <mutex>
#include <sstream>
#include <thread>

#include "core/shutdown.h"
#include "enrich/deferred_events.h"
#include "enrich/enrich_stage.h"
#include "enrich/owner_cache_store.h"
#include "enrich/whois_fixture.h"

namespace abuseflow::enrich {
namespace {

constexpr char kStream[] = "ingest:async";

// A WHOIS server on 127.0.0.1 answering every query with `answer`, after
// the gate opens (open at once unless Close()d); counts the queries.
class GatedWhoisServer {
 public:
  explicit GatedWhoisServer(std::string answer) : answer_(std::move(answer)) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
    EXPECT_EQ(::listen(fd_, 16), 0);
    socklen_t len = sizeof(addr);
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { Loop(); });
  }
  ~GatedWhoisServer() {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
    ::close(fd_);
  }
  std::string endpoint() const { return "127.0.0.1:" + std::to_string(port_); }
  void Close() {
    std::lock_guard lock(mu_);
    open_ = false;
  }
  void Open() {
    {
      std::lock_guard lock(mu_);
      open_ = true;
    }
    cv_.notify_all();
  }
  int queries() const { return queries_.load(); }

 private:
  void Loop() {
    for (;;) {
      {
        std::lock_guard lock(mu_);
        if (stop_) return;
      }
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 20) <= 0) continue;
      int conn = ::accept(fd_, nullptr, nullptr);
      if (conn < 0) continue;
      char c;
      while (::recv(conn, &c, 1, 0) == 1 && c != '\n') {
      }
      ++queries_;
      std::unique_lock lock(mu_);
      cv_.wait(lock, [this] { return open_ || stop_; });
      lock.unlock();
      ::send(conn, answer_.data(), answer_.size(), MSG_NOSIGNAL);
      ::close(conn);
    }
  }

  std::string answer_;
  int fd_ = -1;
  int port_ = 0;
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool open_ = true;
  bool stop_ = false;
  std::atomic<int> queries_{0};
};

v1::Envelope Batch(uint64_t seq, const std::vector<std::string>& sources) {
  v1::Envelope e;
  e.set_batch_seq(seq);
  e.set_cause_origin(kStream);
  e.set_cause_seq(seq);
  for (const std::string& s : sources) {
    v1::ProbeEvent* event = e.mutable_events()->add_events();
    event->set_src(core::IpAddress::Parse(s)->ToBytes());
    event->mutable_id()->set_origin("test");
    event->mutable_id()->set_seq(seq * 100 + e.events().events_size());
    event->set_raw("probe from " + s);
  }
  return e;
}

v1::Envelope End(uint64_t seq) {
  v1::Envelope e;
  e.set_batch_seq(seq);
  e.set_cause_origin(kStream);
  e.set_cause_seq(seq);
  e.mutable_end_of_stream()->set_origin("ingest");
  return e;
}

// Ingest and dedup around one enrich stage on inproc sockets: what reaches
// dedup is collected (and acknowledged) as it comes.
class AsyncStageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    core::ResetStop();
    state_ = std::filesystem::temp_directory_path() /
             ("abuseflow-async-" + std::to_string(::getpid()) + "-" +
              ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(state_);
    config_.state_dir = state_.string();
    config_.enrich.sources = {"whois"};
    config_.enrich.whois.only_listed = true;
    config_.enrich.whois.more_specifics = false;
    config_.enrich.whois.timeout_us = 20LL * 1000000;
    config_.enrich.lookup_threads = 4;
    auto dedup = core::BatchReceiver::Bind(context_, "inproc://async-dedup");
    ASSERT_TRUE(dedup.ok());
    dedup_ = std::move(*dedup);
  }
  void TearDown() override {
    core::ResetStop();
    std::filesystem::remove_all(state_);
  }

  void StartStage() {
    core::StageLinks links;
    links.context = &context_;
    links.input = "inproc://async-in-" + std::to_string(++runs_);
    links.outputs = {"inproc://async-dedup"};
    links.name = "enrich-0";
    stage_ = std::make_unique<EnrichStage>(config_, links);
    core::SenderOptions options;
    options.window = 64;
    auto ingest = core::BatchSender::Connect(context_, links.input, "ingest", options);
    ASSERT_TRUE(ingest.ok());
    ingest_ = std::move(*ingest);
    finished_ = false;
    thread_ = std::thread([this] {
      result_ = stage_->Run();
      finished_ = true;
    });
  }
  // Lets the stage end by itself (every stream ended, nothing waiting); a
  // stop after 30 s makes a hang a failure.
  core::Status FinishStage() {
    const bool ended = PumpUntil([this] { return finished_.load(); });
    if (!ended) core::RequestStop();
    thread_.join();
    core::ResetStop();
    ingest_.reset();
    EXPECT_TRUE(ended) << "the stage did not end by itself";
    return result_;
  }
  core::Status StopStage() {
    core::RequestStop();
    thread_.join();
    core::ResetStop();
    ingest_.reset();
    return result_;
  }
  void Send(v1::Envelope e) { ASSERT_TRUE(ingest_->Send(&e).ok()); }

  // Pumps both ends until `done` holds or 30 s pass; false on the deadline.
  bool PumpUntil(const std::function<bool()>& done) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (!done()) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      if (auto r = dedup_->Receive(std::chrono::milliseconds(5))) {
        if (r->envelope.has_end_of_stream()) ends_.push_back(r->envelope.cause_origin());
        for (const v1::EnrichedEvent& e : r->envelope.enriched().events()) {
          owners_[core::IpAddress::FromBytes(e.event().src())->ToString()] = e.owner();
          streams_[core::IpAddress::FromBytes(e.event().src())->ToString()] = r->envelope.cause_origin();
        }
        dedup_->Ack(*r);
      }
      if (ingest_) {
        EXPECT_TRUE(ingest_->Poll(std::chrono::milliseconds(0)).ok());
      }
    }
    return true;
  }
  bool Has(const std::string& address) const { return owners_.count(address) > 0; }
  std::string Abuse(const std::string& address) const {
    auto it = owners_.find(address);
    return it == owners_.end() || it->second.abuse_size() == 0 ? "" : it->second.abuse(0);
  }

  std::filesystem::path state_;
  core::Config config_;
  zmq::context_t context_;
  std::unique_ptr<core::BatchReceiver> dedup_;
  std::unique_ptr<core::BatchSender> ingest_;
  std::unique_ptr<EnrichStage> stage_;
  std::thread thread_;
  core::Status result_;
  std::atomic<bool> finished_{false};
  int runs_ = 0;
  std::map<std::string, v1::OwnerRecord> owners_;
  std::map<std::string, std::string> streams_;
  std::vector<std::string> ends_;
};

TEST_F(AsyncStageTest, SlowServerHoldsUpOnlyItsOwnAddressesAndOneQueryServesTheBlock) {
  GatedWhoisServer arin(WhoisFixture("arin_8_18.txt"));
  GatedWhoisServer ripe(WhoisFixture("ripe_194_160.txt"));
  config_.enrich.whois.servers = {{"whois.arin.net", arin.endpoint()}, {"whois.ripe.net", ripe.endpoint()}};
  arin.Close();
  StartStage();
  Send(Batch(1, {"8.18.1.1"}));
  Send(Batch(2, {"194.160.1.9", "8.18.1.2"}));
  Send(Batch(3, {"8.18.2.3"}));
  Send(End(4));
  // RIPE's address comes through, and ingest has every batch acknowledged
  // but the end, while ARIN's server has not answered yet.
  ASSERT_TRUE(PumpUntil([&] { return Has("194.160.1.9") && ingest_->in_flight() == 1; }))
      << "in flight " << ingest_->in_flight();
  EXPECT_EQ(Abuse("194.160.1.9"), "abuse@fjord-net.example.net");
  EXPECT_FALSE(Has("8.18.1.1"));
  EXPECT_TRUE(ends_.empty()) << "the end passed events still waiting";
  EXPECT_EQ(arin.queries(), 1) << "one query for the waiting block";
  arin.Open();
  ASSERT_TRUE(PumpUntil([&] { return ingest_->in_flight() == 0 && !ends_.empty(); }));
  EXPECT_TRUE(FinishStage().ok());
  for (const char* a : {"8.18.1.1", "8.18.1.2", "8.18.2.3"}) {
    EXPECT_EQ(Abuse(a), "abuse@prairie-cloud.example.com") << a;
    EXPECT_NE(streams_[a].find("enrich-0/deferred/"), std::string::npos) << streams_[a];
  }
  EXPECT_EQ(arin.queries(), 1) << "8.18.0.0/22 answered for all three";
  EXPECT_EQ(ripe.queries(), 1);
  EXPECT_EQ(stage_->stats().deferred.deferred, 4u);
  EXPECT_EQ(stage_->stats().deferred.expired, 0u);
  EXPECT_EQ(stage_->stats().events, 4u);
}

TEST_F(AsyncStageTest, WaitingEventsSurviveARestartAndComeOutOnce) {
  GatedWhoisServer arin(WhoisFixture("arin_8_18.txt"));
  config_.enrich.whois.servers = {{"whois.arin.net", arin.endpoint()}};
  arin.Close();
  StartStage();
  Send(Batch(1, {"8.18.1.1"}));
  ASSERT_TRUE(PumpUntil([&] { return ingest_->in_flight() == 0; }));  // acknowledged: it is on disk
  EXPECT_EQ(StopStage().code(), core::Status::Code::kUnavailable);  // stopped while the lookup waits
  EXPECT_FALSE(Has("8.18.1.1"));
  {
    auto store = OwnerCacheStore::Open(OwnerCacheDir(config_.state_dir), /*read_only=*/true);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    auto stored = DeferredEvents::CountStored((*store)->raw());
    ASSERT_TRUE(stored.ok());
    EXPECT_EQ(stored->waiting, 1u);  // what `abuseflow cache stats` shows as pending events
    EXPECT_EQ(stored->unacknowledged_parts, 0u);
  }
  arin.Open();
  StartStage();  // nothing sent again by ingest: the stage has it
  ASSERT_TRUE(PumpUntil([&] { return Has("8.18.1.1"); }));
  EXPECT_EQ(Abuse("8.18.1.1"), "abuse@prairie-cloud.example.com");
  Send(End(2));
  ASSERT_TRUE(PumpUntil([&] { return ingest_->in_flight() == 0 && !ends_.empty(); }));
  EXPECT_TRUE(FinishStage().ok());
  EXPECT_EQ(stage_->stats().deferred.restored, 1u);
  EXPECT_EQ(arin.queries(), 2) << "asked once before the restart, once after";
}

TEST_F(AsyncStageTest, LookupThatKeepsFailingEndsUnresolvedAtTheDeadline) {
  // A port nobody listens on: every query fails at once.
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  socklen_t len = sizeof(addr);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  const std::string dead = "127.0.0.1:" + std::to_string(ntohs(addr.sin_port));
  config_.enrich.whois.servers = {{"whois.arin.net", dead}};
  config_.enrich.pending_deadline_us = 2500000;
  StartStage();
  Send(Batch(1, {"8.18.1.1"}));
  Send(End(2));
  ASSERT_TRUE(PumpUntil([&] { return ingest_->in_flight() == 0 && !ends_.empty(); }));
  EXPECT_TRUE(FinishStage().ok());
  ::close(fd);
  ASSERT_TRUE(Has("8.18.1.1"));
  EXPECT_TRUE(owners_["8.18.1.1"].unresolved());
  EXPECT_EQ(stage_->stats().deferred.expired, 1u);
  EXPECT_GE(stage_->stats().deferred.failures, 2u) << "retried before giving up";
}

}  // namespace
}  // namespace abuseflow::enrich
