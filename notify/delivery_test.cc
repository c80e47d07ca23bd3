// Delivery: the retry and rate policy, the durable state, and the worker
// against a scripted sender (the SMTP wire is covered by
// tests/integration/smtp_delivery_test.py against a real server).
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>

#include "core/kv_store.h"
#include "core/time_format.h"
#include "notify/delivery_policy.h"
#include "notify/delivery_store.h"
#include "notify/delivery_worker.h"
#include "notify/outbox_recovery.h"

namespace abuseflow::notify {
namespace {

namespace fs = std::filesystem;
constexpr int64_t kSec = 1000000;

TEST(DeliveryPolicyTest, RepliesAreClassifiedByTheirCode) {
  EXPECT_EQ(ClassifySmtpReply(true, 250), SmtpOutcome::kSent);
  EXPECT_EQ(ClassifySmtpReply(false, 451), SmtpOutcome::kTemporary);
  EXPECT_EQ(ClassifySmtpReply(false, 421), SmtpOutcome::kTemporary);
  EXPECT_EQ(ClassifySmtpReply(false, 0), SmtpOutcome::kTemporary);  // no answer at all
  EXPECT_EQ(ClassifySmtpReply(false, 550), SmtpOutcome::kPermanent);
  EXPECT_EQ(ClassifySmtpReply(false, 554), SmtpOutcome::kPermanent);
}

TEST(DeliveryPolicyTest, BackoffDoublesUpToTheMaximum) {
  EXPECT_EQ(RetryDelay(1, 60 * kSec, 3600 * kSec), 60 * kSec);
  EXPECT_EQ(RetryDelay(2, 60 * kSec, 3600 * kSec), 120 * kSec);
  EXPECT_EQ(RetryDelay(4, 60 * kSec, 3600 * kSec), 480 * kSec);
  EXPECT_EQ(RetryDelay(30, 60 * kSec, 3600 * kSec), 3600 * kSec);
  EXPECT_EQ(RetryDelay(1000, INT64_MAX / 3, INT64_MAX), INT64_MAX);
}

TEST(DeliveryPolicyTest, DomainRateLimitSpacesMailsToOneDomainOnly) {
  DomainRateLimiter limiter(2);  // two a minute
  const int64_t t = 1000 * kSec;
  limiter.Take("a.example", t);
  limiter.Take("a.example", t);
  EXPECT_EQ(limiter.ReadyAt("a.example", t), t + 30 * kSec);  // one token per 30 s
  EXPECT_EQ(limiter.ReadyAt("b.example", t), t);
  EXPECT_EQ(limiter.ReadyAt("a.example", t + 30 * kSec), t + 30 * kSec);
  EXPECT_EQ(MailDomain("Abuse@Kestrel.EXAMPLE"), "kestrel.example");
}

TEST(DeliveryPolicyTest, ContactCapHoldsTheNextMailUntilTheOldestIsADayOld) {
  ContactDailyCap cap(2);
  const int64_t t = 1000 * kSec;
  cap.Record("abuse@a.example", t);
  EXPECT_EQ(cap.ReadyAt("abuse@a.example", t + kSec), t + kSec);
  cap.Record("abuse@a.example", t + 10 * kSec);
  EXPECT_EQ(cap.ReadyAt("abuse@a.example", t + 20 * kSec), t + ContactDailyCap::kDayUs);
  EXPECT_EQ(cap.ReadyAt("abuse@b.example", t), t);
  EXPECT_EQ(ContactDailyCap(0).ReadyAt("abuse@a.example", t), t);
}

TEST(DeliveryStoreTest, RecordsRoundTripAndBadOnesAreRefused) {
  DeliveryRecord r;
  r.state = DeliveryRecord::State::kFailed;
  r.attempts = 3;
  r.queued_us = 7;
  r.next_attempt_us = 8;
  r.done_us = 9;
  r.last_code = 550;
  r.reason = "No such user\r\nX: injected";
  r.path = "/tmp/outbox/x.eml";
  r.contact = "abuse@a.example";
  r.recipients = {"abuse@a.example", "noc@a.example"};
  auto back = DecodeRecord(EncodeRecord(r));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->reason, "No such user X: injected");  // one line
  back->reason = r.reason;
  EXPECT_EQ(*back, r);
  EXPECT_FALSE(DecodeRecord("state=lost\n").ok());
  EXPECT_FALSE(DecodeRecord("attempts=x\n").ok());
  EXPECT_FALSE(DecodeRecord("no equals sign\n").ok());
}

// A scripted sender: per recipient, the codes of its successive attempts
// (250 when the script runs out). Thread-safe.
class ScriptedSender {
 public:
  void Script(const std::string& rcpt, std::vector<long> codes) { script_[rcpt] = codes; }
  SmtpResult Send(const std::vector<std::string>& to, const std::string& text) {
    std::lock_guard lock(mu_);
    std::vector<long>& codes = script_[to.front()];
    long code = 250;
    if (!codes.empty()) {
      code = codes.front();
      codes.erase(codes.begin());
    }
    if (code == 250) ++accepted_[text];
    return {ClassifySmtpReply(code == 250, code), code, code == 250 ? "" : "scripted"};
  }
  std::map<std::string, int> accepted() {
    std::lock_guard lock(mu_);
    return accepted_;
  }

 private:
  std::mutex mu_;
  std::map<std::string, std::vector<long>> script_;
  std::map<std::string, int> accepted_;  // message text -> times accepted
};

class DeliveryWorkerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() /
           ("delivery_test_" + std::to_string(::getpid()) + "_" + info->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "outbox");
    config_.from = "abuse-reports@lab.example";
    config_.smtp.retry_initial_us = 1000;  // 1 ms: the test waits on the worker, not a clock
    config_.smtp.retry_max_us = 4000;
    config_.smtp.max_attempts = 3;
    config_.smtp.domain_per_minute = 100000;
    config_.smtp.drain_timeout_us = 30 * kSec;
    Reopen();
  }
  void TearDown() override {
    store_.reset();
    fs::remove_all(dir_);
  }
  void Reopen() {
    store_.reset();
    core::KvStore::Options options;
    options.sync_writes = true;
    store_ = std::move(core::KvStore::Open((dir_ / "state").string(), options)).value();
    deliveries_ = std::make_unique<DeliveryStore>(store_.get());
  }
  // Writes a mail file for `rcpt` and queues it in the store.
  DeliveryRecord Queue(const std::string& id, const std::string& rcpt) {
    DeliveryRecord r;
    r.path = (dir_ / "outbox" / (id + ".eml")).string();
    std::ofstream(r.path) << "Message-ID: <" << id << "@x>\r\n\r\nbody " << id << "\r\n";
    r.contact = rcpt;
    r.recipients = {rcpt};
    r.queued_us = r.next_attempt_us = core::NowMicros();
    core::KvStore::Batch batch;
    DeliveryStore::AddQueued(id, r, &batch);
    EXPECT_TRUE(store_->Write(batch).ok());
    return r;
  }
  std::unique_ptr<DeliveryWorker> StartWorker() {
    auto w = DeliveryWorker::Start(config_, deliveries_.get(),
                                   [this](const std::string&, const std::vector<std::string>& to,
                                          const std::string& text) {
                                     return sender_.Send(to, text);
                                   });
    EXPECT_TRUE(w.ok()) << w.status().ToString();
    return std::move(w).value();
  }
  DeliveryRecord StateOf(const std::string& id) { return **deliveries_->Get(id); }

  fs::path dir_;
  core::NotifyConfig config_;
  std::unique_ptr<core::KvStore> store_;
  std::unique_ptr<DeliveryStore> deliveries_;
  ScriptedSender sender_;
};

TEST_F(DeliveryWorkerTest, MailWrittenWithoutItsRecordIsQueuedAtTheNextStartAndSentOnce) {
  // A notify stopped between writing the .eml and committing its queue
  // record leaves this: the file, no record.
  const std::string orphan = (dir_ / "outbox" / "20010918T131244Z-abuse@ok.example.eml").string();
  std::ofstream(orphan) << "Date: Tue, 18 Sep 2001 13:12:44 +0000\r\nTo: abuse@ok.example,\r\n"
                           " noc@ok.example\r\nMessage-ID: <orphan@x>\r\n\r\nbody\r\n";
  std::ofstream(dir_ / "outbox" / ".tmp.eml") << "Message-ID: <tmp@x>\r\nTo: a@b.example\r\n\r\n";
  Queue("known", "abuse@known.example");
  auto mails = ListOutbox((dir_ / "outbox").string());
  ASSERT_TRUE(mails.ok()) << mails.status().ToString();
  // The orphan only: the known mail's file has no To header, and temporary
  // files are not mails.
  ASSERT_EQ(mails->size(), 1u);
  EXPECT_EQ((*mails)[0].message_id, "<orphan@x>");
  EXPECT_EQ((*mails)[0].path, orphan);
  auto worker = StartWorker();
  auto queued = QueueUnrecordedMails((dir_ / "outbox").string(), deliveries_.get(), store_.get(),
                                     worker.get());
  ASSERT_TRUE(queued.ok()) << queued.status().ToString();
  EXPECT_EQ(*queued, 1);
  ASSERT_TRUE(worker->Stop().ok());
  DeliveryRecord record = StateOf("<orphan@x>");
  EXPECT_EQ(record.state, DeliveryRecord::State::kSent);
  EXPECT_EQ(record.recipients, (std::vector<std::string>{"abuse@ok.example", "noc@ok.example"}));
  EXPECT_EQ(record.contact, "abuse@ok.example");
  EXPECT_EQ(StateOf("known").state, DeliveryRecord::State::kSent);
  for (const auto& [text, times] : sender_.accepted()) EXPECT_EQ(times, 1) << text;
  auto again = QueueUnrecordedMails((dir_ / "outbox").string(), deliveries_.get(), store_.get(),
                                    StartWorker().get());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, 0);
}

TEST_F(DeliveryWorkerTest, SendsEachMailOnceRetriesTemporaryAndRecordsPermanentFailures) {
  sender_.Script("abuse@temp.example", {451});
  sender_.Script("abuse@gone.example", {550});
  sender_.Script("abuse@down.example", {421, 421, 421});
  auto worker = StartWorker();
  for (const char* rcpt : {"abuse@ok.example", "abuse@temp.example", "abuse@gone.example",
                           "abuse@down.example"}) {
    std::string id = std::string("m-") + rcpt;
    worker->Submit(id, Queue(id, rcpt));
  }
  ASSERT_TRUE(worker->Stop().ok());
  EXPECT_EQ(worker->stats().sent, 2u);
  EXPECT_EQ(worker->stats().failed, 2u);
  EXPECT_EQ(worker->stats().retries, 3u);  // temp once, down twice before giving up
  EXPECT_EQ(StateOf("m-abuse@ok.example").state, DeliveryRecord::State::kSent);
  DeliveryRecord temp = StateOf("m-abuse@temp.example");
  EXPECT_EQ(temp.state, DeliveryRecord::State::kSent);
  EXPECT_EQ(temp.attempts, 2);
  DeliveryRecord gone = StateOf("m-abuse@gone.example");
  EXPECT_EQ(gone.state, DeliveryRecord::State::kFailed);
  EXPECT_EQ(gone.attempts, 1);
  EXPECT_EQ(gone.last_code, 550);
  DeliveryRecord down = StateOf("m-abuse@down.example");
  EXPECT_EQ(down.state, DeliveryRecord::State::kFailed);
  EXPECT_EQ(down.attempts, 3);
  EXPECT_NE(down.reason.find("gave up after 3 attempts"), std::string::npos) << down.reason;
  for (const auto& [text, times] : sender_.accepted()) EXPECT_EQ(times, 1) << text;
  EXPECT_TRUE(deliveries_->Queued()->empty());
}

TEST_F(DeliveryWorkerTest, ARestartSendsWhatWasQueuedAndNothingThatWasSent) {
  {
    auto worker = StartWorker();
    worker->Submit("a", Queue("a", "abuse@a.example"));
    ASSERT_TRUE(worker->Stop().ok());
  }
  Queue("b", "abuse@b.example");  // queued, then the process stopped before sending
  DeliveryRecord mid = Queue("c", "abuse@c.example");
  mid.state = DeliveryRecord::State::kSending;  // stopped mid-send
  ASSERT_TRUE(deliveries_->Update("c", mid).ok());
  Reopen();
  auto worker = StartWorker();
  ASSERT_TRUE(worker->Stop().ok());
  EXPECT_EQ(worker->stats().sent, 2u);
  EXPECT_EQ(worker->stats().resumed, 1u);
  auto accepted = sender_.accepted();
  EXPECT_EQ(accepted.size(), 3u);
  for (const auto& [text, times] : accepted) EXPECT_EQ(times, 1) << text;
}

TEST_F(DeliveryWorkerTest, ContactCapLeavesTheRestQueuedForTheNextStart) {
  config_.smtp.contact_per_day = 1;
  config_.smtp.drain_timeout_us = 1000;
  auto worker = StartWorker();
  worker->Submit("a1", Queue("a1", "abuse@a.example"));
  worker->Submit("a2", Queue("a2", "abuse@a.example"));
  ASSERT_TRUE(worker->Stop().ok());
  EXPECT_EQ(worker->stats().sent, 1u);
  EXPECT_EQ(worker->stats().left_queued, 1u);
  ASSERT_EQ(deliveries_->Queued()->size(), 1u);
  // The cap survives a restart: the send time is in the store.
  Reopen();
  auto again = StartWorker();
  ASSERT_TRUE(again->Stop().ok());
  EXPECT_EQ(again->stats().sent, 0u);
  EXPECT_EQ(again->stats().left_queued, 1u);
}

TEST_F(DeliveryWorkerTest, AMissingMailFileIsGivenUpWithTheReason) {
  auto worker = StartWorker();
  DeliveryRecord r = Queue("x", "abuse@a.example");
  fs::remove(r.path);
  worker->Submit("x", r);
  ASSERT_TRUE(worker->Stop().ok());
  DeliveryRecord x = StateOf("x");
  EXPECT_EQ(x.state, DeliveryRecord::State::kFailed);
  EXPECT_NE(x.reason.find("cannot read"), std::string::npos);
}

}  // namespace
}  // namespace abuseflow::notify
