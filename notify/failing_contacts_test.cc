#include "notify/failing_contacts.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <memory>

#include "core/ip_address.h"
#include "notify/kv_store_test_base.h"
#include "notify/mail_writer.h"
#include "notify/owner_batcher.h"

namespace abuseflow::notify {
namespace {

namespace fs = std::filesystem;

constexpr int64_t kT0 = int64_t{1000818764} * 1000000;

constexpr std::string_view kDsn =
    "From: MAILER-DAEMON@mx.example\r\n"
    "Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\r\n"
    "\r\n"
    "--B\r\n"
    "Content-Type: message/delivery-status\r\n"
    "\r\n"
    "Reporting-MTA: dns; mx.example\r\n"
    "\r\n"
    "Final-Recipient: rfc822; Abuse@Kestrel.example\r\n"
    "Action: failed\r\n"
    "Status: 5.1.1\r\n"
    "\r\n"
    "Original-Recipient: rfc822;noc@kestrel.example\r\n"
    "Final-Recipient: rfc822; joe@internal.kestrel.example\r\n"
    "Action: failed\r\n"
    "Status: 5.2.2\r\n"
    "\r\n"
    "Final-Recipient: rfc822; slow@kestrel.example\r\n"
    "Action: delayed\r\n"
    "\r\n"
    "Final-Recipient: rfc822; bad@@kestrel.example, x@y.example\r\n"
    "Action: failed\r\n"
    "\r\n"
    "--B--\r\n";

TEST(FailedRecipientsTest, TakesFailedRecipientsOfTheDeliveryStatus) {
  bool has_dsn = false;
  std::vector<BounceRecipient> failed = FailedRecipients(kDsn, &has_dsn);
  EXPECT_TRUE(has_dsn);
  ASSERT_EQ(failed.size(), 2u);  // delayed and not-a-mailbox are left out
  EXPECT_EQ(failed[0].mailbox, "abuse@kestrel.example");
  EXPECT_EQ(failed[0].final_recipient, "Abuse@Kestrel.example");
  EXPECT_EQ(failed[0].status, "5.1.1");
  EXPECT_EQ(failed[1].mailbox, "noc@kestrel.example");  // Original-Recipient first
  EXPECT_EQ(failed[1].final_recipient, "joe@internal.kestrel.example");
}

TEST(FailedRecipientsTest, ABounceWithoutDeliveryStatusNamesNobody) {
  bool has_dsn = true;
  EXPECT_TRUE(FailedRecipients("Subject: Undelivered Mail\n\nUser unknown\n", &has_dsn).empty());
  EXPECT_FALSE(has_dsn);
  EXPECT_TRUE(FailedRecipients("Final-Recipient: rfc822; a@b.example\nAction: delayed\n",
                               &has_dsn)
                  .empty());
  EXPECT_TRUE(has_dsn);  // a DSN about delayed mail: nothing is failing
}

TEST(FailingContactTest, RecordRoundTripsAndRejectsGarbage) {
  FailingContact c{.mailbox = "abuse@kestrel.example", .since_us = kT0, .last_us = kT0 + 5,
                   .bounces = 2, .bounce_id = "<b@mx>", .notice_id = "<af-1@x>",
                   .final_recipient = "abuse@kestrel.example\r\nBcc: x", .status = "5.1.1"};
  auto back = DecodeFailingContact(EncodeFailingContact(c));
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->final_recipient, "abuse@kestrel.example Bcc: x");  // kept on one line
  back->final_recipient = c.final_recipient;
  EXPECT_EQ(*back, c);
  EXPECT_FALSE(DecodeFailingContact("since_us=1\n").has_value());
  EXPECT_FALSE(DecodeFailingContact("mailbox=a@b.example\nbounces=x\n").has_value());
}

class FailingContactStoreTest : public KvStoreTest {
 protected:
  static FailingContact Bounce(const char* mailbox, int64_t when_us, const char* id) {
    FailingContact c;
    c.mailbox = mailbox;
    c.since_us = c.last_us = when_us;
    c.bounce_id = id;
    return c;
  }

  void Mark(const FailingContact& c) {
    core::KvStore::Batch batch;
    ASSERT_TRUE(FailingContactStore(store_.get()).Mark(c, &batch).ok());
    ASSERT_TRUE(store_->Write(batch).ok());
  }
};

TEST_F(FailingContactStoreTest, MarksCountsListsAndClears) {
  Mark(Bounce("Abuse@Kestrel.example", kT0, "<1@mx>"));
  Mark(Bounce("abuse@kestrel.example", kT0 + 9, "<2@mx>"));
  Mark(Bounce("noc@heron.example", kT0, "<3@mx>"));
  FailingContactStore store(store_.get());
  auto list = store.List();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].mailbox, "abuse@kestrel.example");
  EXPECT_EQ((*list)[0].bounces, 2u);
  EXPECT_EQ((*list)[0].since_us, kT0);  // the first bounce
  EXPECT_EQ((*list)[0].last_us, kT0 + 9);
  EXPECT_EQ((*list)[0].bounce_id, "<2@mx>");
  auto cleared = store.Clear(" ABUSE@kestrel.example");
  ASSERT_TRUE(cleared.ok());
  EXPECT_TRUE(*cleared);
  cleared = store.Clear("abuse@kestrel.example");
  ASSERT_TRUE(cleared.ok());
  EXPECT_FALSE(*cleared);
  auto left = store.Mailboxes();
  ASSERT_TRUE(left.ok());
  EXPECT_EQ(*left, std::set<std::string>{"noc@heron.example"});
}

v1::Incident Incident(const char* src, std::vector<std::string> abuse) {
  v1::Incident incident;
  incident.set_src(core::IpAddress::Parse(src)->ToBytes());
  for (const std::string& a : abuse) incident.mutable_owner()->add_abuse(a);
  incident.mutable_owner()->set_owner("Kestrel Networks");
  incident.set_first_seen_us(kT0);
  incident.set_last_seen_us(kT0);
  incident.set_count(1);
  return incident;
}

TEST(FailingContactChoiceTest, AFailingMailboxGivesWayToTheNextOfTheChain) {
  v1::OwnerRecord owner = Incident("192.0.2.7", {"abuse@kestrel.example", "NOC@kestrel.example",
                                                 "admin@kestrel.example"})
                              .owner();
  EXPECT_EQ(ContactOf(owner, {}), "abuse@kestrel.example");
  EXPECT_EQ(ContactOf(owner, {"abuse@kestrel.example"}), "noc@kestrel.example");
  EXPECT_EQ(ContactOf(owner, {"abuse@kestrel.example", "noc@kestrel.example"}),
            "admin@kestrel.example");
  EXPECT_EQ(ContactOf(owner, {"abuse@kestrel.example", "noc@kestrel.example",
                              "admin@kestrel.example"}),
            "");
}

TEST(FailingContactChoiceTest, TheReportGoesToTheNextContactAndSaysInsteadOfWhom) {
  OwnerBatcher batcher(int64_t{86400} * 1000000);
  batcher.SetFailing({"abuse@kestrel.example"});
  EXPECT_TRUE(
      batcher.Add(Incident("192.0.2.7", {"abuse@kestrel.example", "noc@kestrel.example"})).empty());
  EXPECT_TRUE(batcher.Add(Incident("192.0.2.8", {"noc@kestrel.example", "abuse@kestrel.example",
                                                 "admin@kestrel.example"}))
                  .empty());
  std::vector<Report> reports = batcher.Flush();
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_EQ(reports[0].contact, "noc@kestrel.example");
  EXPECT_EQ(reports[0].recipients,
            (std::vector<std::string>{"noc@kestrel.example", "admin@kestrel.example"}));
  EXPECT_EQ(reports[0].instead_of, std::vector<std::string>{"abuse@kestrel.example"});
  EXPECT_EQ(reports[0].entries.size(), 2u);
}

TEST(FailingContactChoiceTest, AnOwnerWithOnlyFailingMailboxesIsHeldAsUnroutable) {
  OwnerBatcher batcher(int64_t{86400} * 1000000);
  batcher.SetFailing({"abuse@kestrel.example", "noc@kestrel.example"});
  std::vector<v1::Incident> held;
  EXPECT_TRUE(
      batcher.Add(Incident("192.0.2.7", {"abuse@kestrel.example", "noc@kestrel.example"}), &held)
          .empty());
  EXPECT_TRUE(batcher.Add(Incident("192.0.2.9", {}), &held).empty());
  EXPECT_EQ(held.size(), 2u);
  EXPECT_EQ(batcher.stats().unroutable, 2u);
  EXPECT_EQ(batcher.stats().all_failing, 1u);
  EXPECT_TRUE(batcher.Flush().empty());  // nothing goes to a failing box
}

// A customer block's incident whose record names the provider as upstream.
v1::Incident CustomerIncident(const char* src) {
  v1::Incident incident = Incident(src, {"abuse@customer.example", "noc@customer.example"});
  incident.mutable_owner()->add_upstream_abuse("Abuse@Provider.example");
  incident.mutable_owner()->add_upstream_abuse("noc@provider.example");
  return incident;
}

TEST(FailingContactChoiceTest, UpstreamMailboxesAreNoRecipientsWhileAnOwnMailboxWorks) {
  OwnerBatcher batcher(int64_t{86400} * 1000000);
  batcher.SetFailing({"abuse@customer.example"});
  EXPECT_TRUE(batcher.Add(CustomerIncident("192.0.2.7")).empty());
  std::vector<Report> reports = batcher.Flush();
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_EQ(reports[0].contact, "noc@customer.example");
  EXPECT_EQ(reports[0].recipients, std::vector<std::string>{"noc@customer.example"});
  EXPECT_FALSE(reports[0].upstream);
}

TEST(FailingContactChoiceTest, WhenEveryOwnMailboxIsFailingTheReportGoesUpstream) {
  OwnerBatcher batcher(int64_t{86400} * 1000000);
  batcher.SetFailing({"abuse@customer.example", "noc@customer.example"});
  EXPECT_EQ(batcher.ContactFor(CustomerIncident("192.0.2.7").owner()), "abuse@provider.example");
  std::vector<v1::Incident> held;
  EXPECT_TRUE(batcher.Add(CustomerIncident("192.0.2.7"), &held).empty());
  EXPECT_TRUE(held.empty());
  std::vector<Report> reports = batcher.Flush();
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_EQ(reports[0].contact, "abuse@provider.example");
  // Only the first upstream mailbox that works, not the rest of the list.
  EXPECT_EQ(reports[0].recipients, std::vector<std::string>{"abuse@provider.example"});
  EXPECT_EQ(reports[0].instead_of,
            (std::vector<std::string>{"abuse@customer.example", "noc@customer.example"}));
  EXPECT_TRUE(reports[0].upstream);
  EXPECT_EQ(batcher.stats().unroutable, 0u);
}

TEST(FailingContactChoiceTest, AFailingUpstreamGivesWayToItsNextMailboxThenTheReportIsHeld) {
  OwnerBatcher batcher(int64_t{86400} * 1000000);
  batcher.SetFailing({"abuse@customer.example", "noc@customer.example", "abuse@provider.example"});
  EXPECT_TRUE(batcher.Add(CustomerIncident("192.0.2.7")).empty());
  std::vector<Report> reports = batcher.Flush();
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_EQ(reports[0].contact, "noc@provider.example");
  EXPECT_EQ(reports[0].instead_of,
            (std::vector<std::string>{"abuse@customer.example", "abuse@provider.example",
                                      "noc@customer.example"}));

  OwnerBatcher all_failing(int64_t{86400} * 1000000);
  all_failing.SetFailing({"abuse@customer.example", "noc@customer.example",
                          "abuse@provider.example", "noc@provider.example"});
  std::vector<v1::Incident> held;
  EXPECT_TRUE(all_failing.Add(CustomerIncident("192.0.2.7"), &held).empty());
  EXPECT_EQ(held.size(), 1u);
  EXPECT_EQ(all_failing.stats().unroutable, 1u);
  EXPECT_EQ(all_failing.stats().all_failing, 1u);
  EXPECT_TRUE(all_failing.Flush().empty());
}

TEST(FailingContactChoiceTest, AnOwnerWithoutMailboxesIsNotSentUpstream) {
  v1::Incident incident = Incident("192.0.2.7", {});
  incident.mutable_owner()->add_upstream_abuse("abuse@provider.example");
  EXPECT_EQ(ContactOf(incident.owner(), {}), "");
  EXPECT_EQ(ContactOf(incident.owner(), {"abuse@elsewhere.example"}), "");
}

TEST(FailingContactChoiceTest, TheMailNamesTheFailingMailboxInAHeader) {
  MailFields f;
  f.from = "abuse-desk@example.net";
  f.to = {"noc@kestrel.example"};
  f.subject = "Probes from 192.0.2.7";
  f.body = "text\n";
  f.contact = "noc@kestrel.example";
  f.instead_of = {"abuse@kestrel.example", "x@y.example\r\nBcc: evil@z.example"};
  auto mail = ComposeMail(f);
  ASSERT_TRUE(mail.ok()) << mail.status().ToString();
  EXPECT_NE(mail->text.find("\r\nX-Abuseflow-Instead-Of: abuse@kestrel.example\r\n"),
            std::string::npos)
      << mail->text;
  EXPECT_EQ(mail->text.find("Bcc:"), std::string::npos);
  f.instead_of.clear();
  EXPECT_EQ(ComposeMail(f)->text.find("X-Abuseflow-Instead-Of"), std::string::npos);
}

}  // namespace
}  // namespace abuseflow::notify
