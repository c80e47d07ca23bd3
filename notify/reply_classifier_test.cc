// Replies: classification of real-looking bounces, auto-replies and human
// answers; the Maildir and mbox readers; the monthly report over the state.
#include "notify/reply_classifier.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>

#include "core/kv_store.h"
#include "notify/mailbox_reader.h"
#include "notify/monthly_report.h"
#include "notify/thread_index.h"

namespace abuseflow::notify {
namespace {

namespace fs = std::filesystem;
using Kind = v1::ReplyRecord;

constexpr const char* kOurId = "<af-7ec8d614b3fa30ba@example.net>";

const std::string kPostfixDsn =
    "Return-Path: <>\r\n"
    "From: MAILER-DAEMON@mx.hanriver-bb.example (Mail Delivery System)\r\n"
    "Subject: Undelivered Mail Returned to Sender\r\n"
    "To: abuse-desk@example.net\r\n"
    "Message-ID: <20010919031222.A1B2C3@mx.hanriver-bb.example>\r\n"
    "MIME-Version: 1.0\r\n"
    "Content-Type: multipart/report; report-type=delivery-status;\r\n"
    "\tboundary=\"A1B2C3.1000869142/mx.hanriver-bb.example\"\r\n"
    "\r\n"
    "--A1B2C3.1000869142/mx.hanriver-bb.example\r\n"
    "Content-Type: text/plain\r\n\r\n"
    "I'm sorry to have to inform you that your message could not\r\n"
    "be delivered to one or more recipients.\r\n\r\n"
    "<abuse@hanriver-bb.example>: host mx said: 550 5.1.1 User unknown\r\n\r\n"
    "--A1B2C3.1000869142/mx.hanriver-bb.example\r\n"
    "Content-Type: message/delivery-status\r\n\r\n"
    "Reporting-MTA: dns; mx.hanriver-bb.example\r\n\r\n"
    "Final-Recipient: rfc822; abuse@hanriver-bb.example\r\n"
    "Action: failed\r\nStatus: 5.1.1\r\n\r\n"
    "--A1B2C3.1000869142/mx.hanriver-bb.example\r\n"
    "Content-Type: text/rfc822-headers\r\n\r\n"
    "From: abuse-desk@example.net\r\n"
    "Subject: [AF-19c41d23] Probes from 40 addresses on your network\r\n"
    "Message-ID: <af-7ec8d614b3fa30ba@example.net>\r\n\r\n"
    "--A1B2C3.1000869142/mx.hanriver-bb.example--\r\n";

TEST(ReplyClassifierTest, Rfc3464BounceLinksToTheReturnedNotice) {
  ReplyInfo r = ClassifyReply(kPostfixDsn);
  EXPECT_EQ(r.kind, Kind::KIND_BOUNCE);
  EXPECT_EQ(r.why, "rfc3464");
  ASSERT_EQ(r.referenced.size(), 1u);
  EXPECT_EQ(r.referenced[0], kOurId);
  EXPECT_EQ(r.message_id, "<20010919031222.A1B2C3@mx.hanriver-bb.example>");
}

TEST(ReplyClassifierTest, NonStandardBouncesAreRecognised) {
  ReplyInfo exchange = ClassifyReply(
      "From: postmaster@sahara.example\nSubject: Undeliverable: [AF-0a1b2c3d] Probes from "
      "192.0.2.7\nContent-Type: text/plain\n\nDelivery has failed to these recipients.\n");
  EXPECT_EQ(exchange.kind, Kind::KIND_BOUNCE);
  EXPECT_EQ(exchange.ticket, "AF-0a1b2c3d");
  ReplyInfo qmail = ClassifyReply(
      "From: MAILER-DAEMON@mail.skyline.example\nSubject: failure notice\n\nHi. This is the "
      "qmail-send program at mail.skyline.example.\n");
  EXPECT_EQ(qmail.kind, Kind::KIND_BOUNCE);
}

TEST(ReplyClassifierTest, AutoRepliesByHeaderSubjectOrAcknowledgementText) {
  ReplyInfo rfc3834 = ClassifyReply(
      "From: abuse@kestrel.example\nAuto-Submitted: auto-replied\nIn-Reply-To: "
      "<af-1@example.net>\nSubject: Re: Probes\n\nThanks.\n");
  EXPECT_EQ(rfc3834.kind, Kind::KIND_AUTOMATED);
  EXPECT_EQ(rfc3834.referenced, (std::vector<std::string>{"<af-1@example.net>"}));
  EXPECT_EQ(ClassifyReply("Subject: Automatic reply: Probes\n\nI am away.\n").kind,
            Kind::KIND_AUTOMATED);
  EXPECT_EQ(ClassifyReply("X-Autoreply: yes\nSubject: Re: x\n\nback monday\n").kind,
            Kind::KIND_AUTOMATED);
  EXPECT_EQ(ClassifyReply("Precedence: auto_reply\n\nbody\n").kind, Kind::KIND_AUTOMATED);
  ReplyInfo desk = ClassifyReply(
      "From: abuse@bigisp.example\nSubject: [Ticket#2001091810000123] Re: [AF-0a1b2c3d] "
      "Probes\n\nDear reporter,\nwe have received your report. A ticket has been created.\n");
  EXPECT_EQ(desk.kind, Kind::KIND_AUTOMATED);
  EXPECT_EQ(desk.why, "acknowledgement text");
  EXPECT_EQ(desk.ticket, "AF-0a1b2c3d");
  // "Auto-Submitted: no" is a person.
  EXPECT_EQ(ClassifyReply("Auto-Submitted: no\n\nWe are looking into it.\n").kind,
            Kind::KIND_HUMAN);
}

TEST(ReplyClassifierTest, HumanRepliesAndFixedKeywordsCountOnlyTheirOwnText) {
  ReplyInfo fixed = ClassifyReply(
      "From: Jan <noc@kestrel.example>\nSubject: Re: [AF-0a1b2c3d] Probes from 192.0.2.7\n"
      "In-Reply-To: <af-2@example.net>\nDate: Wed, 19 Sep 2001 10:00:00 +0200\n\n"
      "Thanks, the machine was infected with Nimda. It has been cleaned and patched.\n");
  EXPECT_EQ(fixed.kind, Kind::KIND_HUMAN);
  EXPECT_TRUE(fixed.says_fixed);
  EXPECT_TRUE(fixed.admits_compromise);  // "was infected"
  EXPECT_EQ(fixed.date_us, int64_t{1000886400} * 1000000);
  ReplyInfo quoting = ClassifyReply(
      "Subject: Re: Probes\n\nWho are you?\n\nOn Tue, 18 Sep 2001, abuse-desk wrote:\n"
      "> this is an automated report; it may be fixed\n");
  EXPECT_EQ(quoting.kind, Kind::KIND_HUMAN);
  EXPECT_FALSE(quoting.says_fixed);
  EXPECT_FALSE(quoting.admits_compromise);
}

TEST(ReplyClassifierTest, OnlyAnAffirmativeAdmissionCountsAsACompromise) {
  // Our notice's own words ("may be compromised") admit nothing.
  ReplyInfo echo = ClassifyReply(
      "From: Ann <ann@desk.example>\nSubject: Re: Probes\n\n"
      "You say our system may be compromised. We will look at it.\n");
  EXPECT_EQ(echo.kind, Kind::KIND_HUMAN);
  EXPECT_FALSE(echo.admits_compromise);
  ReplyInfo admits = ClassifyReply(
      "From: Ann <ann@desk.example>\nSubject: Re: Probes\n\n"
      "Our customer's server had been hacked; we found a rootkit and took it offline.\n");
  EXPECT_TRUE(admits.admits_compromise);
  ReplyInfo quoted = ClassifyReply(
      "From: Ann <ann@desk.example>\nSubject: Re: Probes\n\nOk.\n\n"
      "> the machine was compromised\n");
  EXPECT_FALSE(quoted.admits_compromise);  // only the replier's own text counts
}

TEST(ReplyClassifierTest, OwnTextHashIgnoresSpacingAndQuotes) {
  ReplyInfo a = ClassifyReply("From: Desk <abuse@Desk.example>\n\nThank you,  we will\nlook.\n");
  ReplyInfo b = ClassifyReply("From: abuse@desk.example\n\nThank you, we will look.\n> quoted\n");
  EXPECT_EQ(a.sender_domain, "desk.example");
  EXPECT_NE(a.text_hash, 0u);
  EXPECT_EQ(a.text_hash, b.text_hash);
  EXPECT_NE(a.text_hash, ClassifyReply("\nSomething else.\n").text_hash);
}

TEST(ReplyClassifierTest, HeadersAreUnfoldedAndBounded) {
  auto [h, body] = SplitMessage("Subject: a\r\n b\r\nX: 1\r\n\r\nbody");
  EXPECT_EQ(h.Get("subject"), "a b");
  EXPECT_EQ(body, "body");
  // A folded line of blanks only (found by the reply_mail fuzz target).
  auto [blank, rest] = SplitMessage("Subject: a\n \t\nX: 1\n\nbody");
  EXPECT_EQ(blank.Get("subject"), "a");
  EXPECT_EQ(rest, "body");
  std::string many;
  for (int i = 0; i < 2000; ++i) many += "X-" + std::to_string(i) + ": v\n";
  EXPECT_LE(SplitMessage(many + "\nbody").first.fields.size(), MessageHeaders::kMaxHeaderFields);
  EXPECT_FALSE(ParseMailDate("yesterday").has_value());
  EXPECT_EQ(*ParseMailDate("18 Sep 2001 13:12 -0400"), int64_t{1000833120} * 1000000);
  EXPECT_EQ(MessageIdsIn("<a@b> junk <bad> <c@d>"), (std::vector<std::string>{"<a@b>", "<c@d>"}));
}

class MailboxTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() /
           ("mailbox_test_" + std::to_string(::getpid()) + "_" + info->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::vector<std::string> Read(const fs::path& path, uint64_t* skipped) {
    std::vector<std::string> out;
    EXPECT_TRUE(ForEachMessage(path.string(), 200, skipped,
                               [&](const std::string&, std::string_view raw) {
                                 out.emplace_back(raw);
                                 return true;
                               })
                    .ok());
    return out;
  }
  fs::path dir_;
};

TEST_F(MailboxTest, MaildirNewAndCurInNameOrder) {
  fs::create_directories(dir_ / "new");
  fs::create_directories(dir_ / "cur");
  fs::create_directories(dir_ / "tmp");
  std::ofstream(dir_ / "new" / "2.host") << "Subject: two\n\nb\n";
  std::ofstream(dir_ / "cur" / "1.host:2,S") << "Subject: one\n\nb\n";
  std::ofstream(dir_ / "tmp" / "3.host") << "Subject: partial\n";
  std::ofstream(dir_ / "new" / "4.host") << std::string(500, 'x');
  uint64_t skipped = 0;
  auto messages = Read(dir_, &skipped);
  ASSERT_EQ(messages.size(), 2u);
  EXPECT_EQ(skipped, 1u);
  EXPECT_NE(messages[0].find("one"), std::string::npos);
}

TEST_F(MailboxTest, MboxSplitsOnFromLinesAndUnquotes) {
  std::ofstream(dir_ / "box") << "From a@b Tue Sep 18 13:12:44 2001\nSubject: one\n\n>From here\n\n"
                              << "From c@d Tue Sep 18 13:12:45 2001\nSubject: two\n\nx\n";
  uint64_t skipped = 0;
  auto messages = Read(dir_ / "box", &skipped);
  ASSERT_EQ(messages.size(), 2u);
  EXPECT_EQ(messages[0], "Subject: one\n\nFrom here\n\n");
  EXPECT_EQ(messages[1], "Subject: two\n\nx\n");
  EXPECT_FALSE(ForEachMessage((dir_ / "none").string(), 100, &skipped,
                              [](const std::string&, std::string_view) { return true; })
                   .ok());
}

TEST_F(MailboxTest, MonthlyReportCountsMailsRepeatsAndResponses) {
  core::KvStore::Options options;
  auto store = std::move(core::KvStore::Open((dir_ / "db").string(), options)).value();
  core::KvStore::Batch batch;
  auto mail = [&](const std::string& id, int64_t start_us, const char* contact, uint64_t repeats,
                  const char* country) {
    MailSummary m{start_us, contact, "AF-00000000", 3, repeats, {country}, {}};
    batch.Put("w" + id, EncodeMailSummary(m));
  };
  const int64_t sep = int64_t{1000818764} * 1000000, oct = sep + 30LL * 86400 * 1000000;
  mail("<1@x>", sep, "abuse@a.example", 0, "KR");
  mail("<2@x>", sep, "abuse@b.example", 1, "KR");
  mail("<3@x>", sep, "abuse@a.example", 0, "NL");
  mail("<4@x>", oct, "abuse@a.example", 2, "NL");
  batch.Put(std::string("a<1@x>\x1f") + "<r1@y>", "automated");
  batch.Put(std::string("a<1@x>\x1f") + "<r2@y>", "human admits fixed");
  batch.Put(std::string("a<2@x>\x1f") + "<r3@y>", "automated");
  batch.Put(std::string("a<3@x>\x1f") + "<r4@y>", "bounce");
  ASSERT_TRUE(store->Write(batch).ok());
  auto report = BuildMonthlyReport(*store, std::nullopt, 10);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  ASSERT_EQ(report->months.size(), 2u);
  const MonthRow& s = report->months[0];
  EXPECT_EQ(s.month, "2001-09");
  EXPECT_EQ(s.mails, 3u);
  EXPECT_EQ(s.repeat_mails, 1u);
  EXPECT_EQ(s.actual, 1u);
  EXPECT_EQ(s.automated, 1u);
  EXPECT_EQ(s.bounced, 1u);
  EXPECT_EQ(s.none, 0u);
  EXPECT_EQ(s.says_fixed, 1u);
  EXPECT_EQ(s.admits_compromise, 1u);
  EXPECT_EQ(report->months[1].none, 1u);
  EXPECT_EQ(report->total.mails, 4u);
  EXPECT_EQ(report->domains.front(), (std::pair<std::string, uint64_t>{"a.example", 3}));
  EXPECT_EQ(report->countries.size(), 2u);
  auto one = BuildMonthlyReport(*store, std::string("2001-10"), 10);
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(one->total.mails, 1u);
  EXPECT_FALSE(BuildMonthlyReport(*store, std::string("2001-13"), 10).ok());
  EXPECT_NE(MonthlyReportText(*report).find("2001-09"), std::string::npos);
  EXPECT_NE(MonthlyReportCsv(*report).find("total,4,"), std::string::npos);
  EXPECT_NE(MonthlyReportJson(*report).find("\"none\": 1"), std::string::npos);
}

}  // namespace
}  // namespace abuseflow::notify
