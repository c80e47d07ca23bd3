// Help desks that send their agents' answers with auto-reply headers:
// real-looking RT, OTRS/Znuny, Zendesk, Freshdesk and Jira Service Management
// mails, both agent answers (human) and the same systems' autoresponders
// (still automated).
#include "notify/helpdesk_reply.h"

#include <gtest/gtest.h>

namespace abuseflow::notify {
namespace {

using Kind = v1::ReplyRecord;

// RT 4 correspondence by an agent: Precedence bulk on every RT mail.
const std::string kRtCorrespondence =
    "From: \"Tom Baker via RT\" <abuse@hanriver-bb.example>\n"
    "To: abuse-desk@example.net\n"
    "Subject: Re: [hanriver-bb.example #88123] [AF-19c41d23] Probes from 40 addresses\n"
    "Message-ID: <rt-4.4.4-88123-1000900000-1.0@hanriver-bb.example>\n"
    "Precedence: bulk\n"
    "X-RT-Loop-Prevention: hanriver-bb.example\n"
    "RT-Ticket: hanriver-bb.example #88123\n"
    "X-Managed-BY: RT 4.4.4 (http://www.bestpractical.com/rt/)\n"
    "RT-Originator: tbaker@hanriver-bb.example\n"
    "Content-Type: text/plain; charset=\"utf-8\"\n\n"
    "Hello,\n\nthank you, the customer has been told to clean the hosts.\n\n"
    "Tom Baker, Network Abuse\n";

// RT's autoreply to the ticket our notice created: the originator is us.
const std::string kRtAutoReply =
    "From: \"Abuse via RT\" <abuse@hanriver-bb.example>\n"
    "To: abuse-desk@example.net\n"
    "Subject: [hanriver-bb.example #88123] AutoReply: [AF-19c41d23] Probes from 40 addresses\n"
    "Precedence: bulk\n"
    "Auto-Submitted: auto-replied\n"
    "X-RT-Loop-Prevention: hanriver-bb.example\n"
    "RT-Ticket: hanriver-bb.example #88123\n"
    "RT-Originator: abuse-desk@example.net\n\n"
    "Greetings,\n\nThis message has been automatically generated in response to the\n"
    "creation of a trouble ticket regarding:\n\t\"[AF-19c41d23] Probes from 40 addresses\"\n";

TEST(HelpDeskReplyTest, RtCorrespondenceByAnAgentIsHuman) {
  ReplyInfo r = ClassifyReply(kRtCorrespondence);
  EXPECT_EQ(r.kind, Kind::KIND_HUMAN);
  EXPECT_EQ(r.why, "human despite precedence (rt correspondence from tbaker@hanriver-bb.example)");
}

TEST(HelpDeskReplyTest, RtAutoReplyStaysAutomated) {
  ReplyInfo r = ClassifyReply(kRtAutoReply);
  EXPECT_EQ(r.kind, Kind::KIND_AUTOMATED);
  EXPECT_EQ(r.why, "auto-submitted");
  // Even without the AutoReply subject the originator (us) gives it away.
  std::string renamed = kRtAutoReply;
  renamed.replace(renamed.find("AutoReply: "), 11, "");
  renamed.replace(renamed.find("automatically generated"), 23, "created");
  EXPECT_EQ(ClassifyReply(renamed).kind, Kind::KIND_AUTOMATED);
}

TEST(HelpDeskReplyTest, OtrsAgentArticleIsHumanAndItsAutoResponseIsNot) {
  const std::string agent =
      "From: \"Kestrel Abuse Team\" <abuse@kestrel.example>\n"
      "To: abuse-desk@example.net\n"
      "Subject: Re: [Ticket#2001092010000123] Probes from 192.0.2.7\n"
      "Auto-Submitted: auto-generated\n"
      "X-Mailer: OTRS Mail Service (6.0.30)\n"
      "X-OTRS-SenderType: agent\n"
      "X-Znuny-Ignore: no\n\n"
      "Dear reporter,\n\nthe server was compromised; it is offline now.\n";
  ReplyInfo r = ClassifyReply(agent);
  EXPECT_EQ(r.kind, Kind::KIND_HUMAN);
  EXPECT_EQ(r.why, "human despite auto-submitted (otrs agent article)");
  std::string loop = agent;
  loop.replace(loop.find("X-Znuny-Ignore: no"), 18, "X-OTRS-Loop: yes");
  EXPECT_EQ(ClassifyReply(loop).kind, Kind::KIND_AUTOMATED);
  std::string customer = agent;
  customer.replace(customer.find("agent\n"), 6, "system\n");
  EXPECT_EQ(ClassifyReply(customer).kind, Kind::KIND_AUTOMATED);
}

TEST(HelpDeskReplyTest, ZendeskAgentCommentIsHumanAndItsReceiptIsNot) {
  const std::string head =
      "From: \"BigISP Support\" <support@bigisp.zendesk.example>\n"
      "To: abuse-desk@example.net\n"
      "Subject: [BigISP] Re: Probes from 40 addresses on your network\n"
      "Auto-Submitted: auto-generated\n"
      "X-Auto-Response-Suppress: All\n"
      "X-Zendesk-From-Account-Id: 1f2e3d\n\n"
      "##- Please type your reply above this line -##\n\n";
  ReplyInfo comment = ClassifyReply(
      head +
      "Your request (77812) has been updated. To add additional comments, reply to this "
      "email.\n\nMaria Lopez (BigISP Abuse)\n\nSep 21, 2001, 10:04 UTC\n\n"
      "Thanks for the report, the account is suspended.\n");
  EXPECT_EQ(comment.kind, Kind::KIND_HUMAN);
  EXPECT_EQ(comment.why, "human despite auto-submitted (zendesk agent comment)");
  ReplyInfo receipt =
      ClassifyReply(head +
                    "Your request (77812) has been received and is being reviewed by our support "
                    "staff.\n\nTo add additional comments, reply to this email.\n\n"
                    "BigISP Support (BigISP)\n\nSep 21, 2001, 10:00 UTC\n");
  EXPECT_EQ(receipt.kind, Kind::KIND_AUTOMATED);
}

TEST(HelpDeskReplyTest, FreshdeskAnswerNamingOurTicketAndWhatWasDoneIsHuman) {
  const std::string reply =
      "From: Abuse Desk <abuse@fjord-net.freshdesk.example>\n"
      "To: abuse-desk@example.net\n"
      "Subject: Re: [AF-5e6f7a8b] Probes from 203.0.113.77 [#4521]\n"
      "Precedence: bulk\n"
      "Auto-Submitted: auto-generated\n\n"
      "Hi,\n\nregarding AF-5e6f7a8b: we have disconnected the customer behind 203.0.113.77\n"
      "and the machine has been cleaned.\n\nRegards, Ole\n";
  ReplyInfo r = ClassifyReply(reply);
  EXPECT_EQ(r.kind, Kind::KIND_HUMAN);
  EXPECT_EQ(r.why,
            "human despite auto-submitted "
            "(refers to our notice: ticket, we have, disconnected)");
  EXPECT_TRUE(r.says_fixed);
}

TEST(HelpDeskReplyTest, JiraAnswerNamingTheAddressIsHuman) {
  const std::string reply =
      "From: \"Lars Berg (Jira)\" <jira@nordlink.atlassian.example>\n"
      "To: abuse-desk@example.net\n"
      "Subject: [JIRA] (ABUSE-311) Probes from 198.51.100.201\n"
      "Auto-Submitted: auto-generated\n"
      "X-JIRA-FingerPrint: 0f1e2d3c\n"
      "Precedence: bulk\n\n"
      "Lars Berg commented on ABUSE-311:\n\n"
      "I have removed the compromised VM 198.51.100.201 from the network.\n";
  ReplyInfo r = ClassifyReply(reply);
  EXPECT_EQ(r.kind, Kind::KIND_HUMAN);
  EXPECT_EQ(r.why,
            "human despite auto-submitted "
            "(refers to our notice: 198.51.100.201, i have, removed)");
}

TEST(HelpDeskReplyTest, AutoresponderQuotingOurTicketStaysAutomated) {
  // Mentions the ticket and "we have", but it is a receipt, not an answer.
  const std::string ack =
      "From: abuse@cnnet.example\nTo: abuse-desk@example.net\n"
      "Subject: Re: [AF-1a2b3c4d] Probes from 198.51.100.201\n"
      "Auto-Submitted: auto-replied\nX-Auto-Response-Suppress: All\n\n"
      "We have received your report AF-1a2b3c4d about 198.51.100.201. Blocked and\n"
      "removed hosts will be listed on our status page.\n";
  EXPECT_EQ(ClassifyReply(ack).kind, Kind::KIND_AUTOMATED);
  // No reference to our notice: action words alone are not enough.
  const std::string vague =
      "From: noc@isp.example\nSubject: Re: your mail\nPrecedence: bulk\n\n"
      "We have disconnected many customers this week.\n";
  EXPECT_EQ(ClassifyReply(vague).kind, Kind::KIND_AUTOMATED);
  // An address in the text that the subject does not name is not ours.
  EXPECT_EQ(HelpDeskHumanAnswer({}, "Re: Probes from 192.0.2.7",
                                "we have removed 10.0.0.1 from the network"),
            "");
}

}  // namespace
}  // namespace abuseflow::notify
