#include "notify/outbox_list.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "core/time_format.h"
#include "notify/kv_store_test_base.h"

namespace abuseflow::notify {
namespace {

namespace fs = std::filesystem;

constexpr int64_t kT0 = int64_t{1000818764} * 1000000;

// `outbox list` over a real DeliveryStore in a RocksDB database, its records
// written through the store's own operations as the delivery worker does.
class OutboxListTest : public KvStoreTest {
 protected:
  OutboxListTest() : KvStoreTest(/*sync_writes=*/true) {}
  void SetUp() override {
    KvStoreTest::SetUp();
    if (HasFatalFailure()) return;
    deliveries_ = std::make_unique<DeliveryStore>(store_.get());
    Queue("<a@lab.example>", "20010918T131244Z-abuse@a.example.eml", {"abuse@a.example"});
    Queue("<b@lab.example>", "20010918T131244Z-abuse@b.example.eml",
          {"abuse@b.example", "noc@b.example"});
    Queue("<c@lab.example>", "20010917T000000Z-abuse@c.example.eml", {"abuse@c.example"});
    Queue("<d@lab.example>", "20010919T000000Z-abuse@d.example.eml", {"abuse@d.example"});
    // a: sent on the second attempt; b: given up with a 550; c: a 451, retried
    // later; d: an attempt under way.
    DeliveryRecord a = records_["<a@lab.example>"];
    a.state = DeliveryRecord::State::kSent;
    a.attempts = 2;
    a.last_code = 250;
    a.done_us = kT0 + 60;
    ASSERT_TRUE(deliveries_->Finish("<a@lab.example>", a, {kT0 + 60}).ok());
    DeliveryRecord b = records_["<b@lab.example>"];
    b.state = DeliveryRecord::State::kFailed;
    b.attempts = 1;
    b.last_code = 550;
    b.reason = "5.1.1 no such user\tnoc@b.example";
    b.done_us = kT0 + 5;
    ASSERT_TRUE(deliveries_->Finish("<b@lab.example>", b, {}).ok());
    DeliveryRecord c = records_["<c@lab.example>"];
    c.attempts = 1;
    c.last_code = 451;
    c.reason = "try again later";
    c.next_attempt_us = kT0 + 3600 * int64_t{1000000};
    ASSERT_TRUE(deliveries_->Update("<c@lab.example>", c).ok());
    DeliveryRecord d = records_["<d@lab.example>"];
    d.state = DeliveryRecord::State::kSending;
    ASSERT_TRUE(deliveries_->Update("<d@lab.example>", d).ok());
  }
  void TearDown() override {
    deliveries_.reset();
    KvStoreTest::TearDown();
  }

  void Queue(const std::string& id, const std::string& file, std::vector<std::string> to) {
    DeliveryRecord r;
    r.queued_us = kT0;
    r.next_attempt_us = kT0;
    r.path = (dir_ / "outbox" / file).string();
    r.contact = to.front();
    r.recipients = std::move(to);
    core::KvStore::Batch batch;
    DeliveryStore::AddQueued(id, r, &batch);
    ASSERT_TRUE(store_->Write(batch).ok());
    records_[id] = r;
  }

  std::vector<OutboxListRow> List(std::optional<DeliveryRecord::State> only = std::nullopt) {
    auto rows = ListDeliveries(*deliveries_, only);
    EXPECT_TRUE(rows.ok()) << rows.status().ToString();
    return rows.ok() ? *rows : std::vector<OutboxListRow>{};
  }

  std::unique_ptr<DeliveryStore> deliveries_;
  std::map<std::string, DeliveryRecord> records_;
};

TEST_F(OutboxListTest, ListsEveryMailByFileNameWithItsState) {
  std::vector<OutboxListRow> rows = List();
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0].file, "20010917T000000Z-abuse@c.example.eml");
  EXPECT_EQ(rows[0].message_id, "<c@lab.example>");
  EXPECT_EQ(rows[0].record.state, DeliveryRecord::State::kQueued);
  EXPECT_EQ(rows[1].file, "20010918T131244Z-abuse@a.example.eml");
  EXPECT_EQ(rows[1].record.state, DeliveryRecord::State::kSent);
  EXPECT_EQ(rows[1].record.attempts, 2);
  EXPECT_EQ(rows[2].record.state, DeliveryRecord::State::kFailed);
  EXPECT_EQ(rows[2].record.last_code, 550);
  EXPECT_EQ(rows[3].record.state, DeliveryRecord::State::kSending);
}

TEST_F(OutboxListTest, OnlyKeepsTheMailsInOneState) {
  std::vector<OutboxListRow> failed = List(DeliveryRecord::State::kFailed);
  ASSERT_EQ(failed.size(), 1u);
  EXPECT_EQ(failed[0].message_id, "<b@lab.example>");
  EXPECT_EQ(List(DeliveryRecord::State::kSent).size(), 1u);
  EXPECT_EQ(ParseStateName("failed"), DeliveryRecord::State::kFailed);
  EXPECT_EQ(ParseStateName("sending"), DeliveryRecord::State::kSending);
  EXPECT_EQ(ParseStateName("retrying"), std::nullopt);
}

TEST_F(OutboxListTest, TextHasOneLinePerMailAndASummary) {
  const std::string text = OutboxListText(List());
  EXPECT_EQ(text.rfind("file\tstate\tattempts\tnext_attempt\tlast_error\trecipients\n", 0), 0u);
  EXPECT_NE(text.find("20010917T000000Z-abuse@c.example.eml\tqueued\t1\t" +
                      core::FormatUtc(kT0 + 3600 * int64_t{1000000}) +
                      "\t451 try again later\tabuse@c.example\n"),
            std::string::npos)
      << text;
  // The tab inside the reason is a space: the line keeps its six fields.
  EXPECT_NE(text.find("20010918T131244Z-abuse@b.example.eml\tfailed\t1\t-\t550 5.1.1 no such "
                      "user noc@b.example\tabuse@b.example, noc@b.example\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("20010918T131244Z-abuse@a.example.eml\tsent\t2\t-\t-\tabuse@a.example\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("\n4 mails: 1 queued, 1 sending, 1 sent, 1 failed\n"), std::string::npos)
      << text;
  EXPECT_EQ(OutboxListText({}),
            "file\tstate\tattempts\tnext_attempt\tlast_error\trecipients\n"
            "0 mails: 0 queued, 0 sending, 0 sent, 0 failed\n");
}

TEST_F(OutboxListTest, JsonCarriesEveryFieldAndNullTimesWhereTheyDoNotApply) {
  auto j = nlohmann::json::parse(OutboxListJson(List()));
  ASSERT_EQ(j.size(), 4u);
  EXPECT_EQ(j[0]["state"], "queued");
  EXPECT_EQ(j[0]["next_attempt"], core::FormatUtc(kT0 + 3600 * int64_t{1000000}));
  EXPECT_TRUE(j[0]["done"].is_null());
  EXPECT_EQ(j[2]["message_id"], "<b@lab.example>");
  EXPECT_EQ(j[2]["state"], "failed");
  EXPECT_EQ(j[2]["last_code"], 550);
  EXPECT_EQ(j[2]["recipients"], (std::vector<std::string>{"abuse@b.example", "noc@b.example"}));
  EXPECT_EQ(j[2]["path"], (dir_ / "outbox" / "20010918T131244Z-abuse@b.example.eml").string());
  EXPECT_EQ(j[2]["done"], core::FormatUtc(kT0 + 5));
  EXPECT_TRUE(j[2]["next_attempt"].is_null());
  EXPECT_EQ(j[1]["attempts"], 2);
  EXPECT_EQ(j[3]["state"], "sending");
}

TEST_F(OutboxListTest, AMalformedRecordIsAnErrorNotACrash) {
  core::KvStore::Batch batch;
  batch.Put("d<bad@lab.example>", "state=lost\n");
  ASSERT_TRUE(store_->Write(batch).ok());
  auto rows = ListDeliveries(*deliveries_, std::nullopt);
  EXPECT_FALSE(rows.ok());
}

}  // namespace
}  // namespace abuseflow::notify
