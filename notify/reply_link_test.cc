// Linking replies to our notices: In-Reply-To/References first, then the
// ticket, found in the decoded Subject (RFC 2047, any charset) and the
// decoded text parts (base64, quoted-printable). The messages are the seeds
// of tests/fuzz/seeds/reply_mail of the same names.
#include "notify/reply_link.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <optional>

#include "core/ip_address.h"
#include "core/kv_store.h"
#include "notify/mail_header.h"
#include "notify/mime_text.h"
#include "notify/kv_store_test_base.h"

namespace abuseflow::notify {
namespace {

namespace fs = std::filesystem;

// Outlook (German): "AW: Missbrauchsmeldung [AF-323c8811] ...", the Subject
// B-encoded UTF-8 because of an en dash, the body base64 UTF-8, In-Reply-To
// naming a forward inside the desk, not our notice.
const std::string kOutlookGerman =
    "Received: from AM6PR0402MB3368.eurprd04.prod.outlook.example (2603:10a6:209:3d::21)\r\n"
    " by AM6PR0402MB3368.eurprd04.prod.outlook.example with HTTPS; Wed, 19 Sep 2001\r\n"
    " 09:14:03 +0000\r\n"
    "From: =?iso-8859-1?Q?M=FCller=2C_J=FCrgen?= <j.mueller@bahnhof-net.example>\r\n"
    "To: \"abuse-desk@example.net\" <abuse-desk@example.net>\r\n"
    "Subject: =?utf-8?B?QVc6IE1pc3NicmF1Y2hzbWVsZHVuZyBbQUYtMzIzYzg4MTFdIFByb2JlcyBm?=\r\n"
    " =?utf-8?B?cm9tIDE5Mi4wLjIuNyDigJMgUmVjaG5lciB2b20gTmV0eiBnZW5vbW1lbg==?=\r\n"
    "Thread-Topic: =?utf-8?B?TWlzc2JyYXVjaHNtZWxkdW5nIFtBRi0zMjNjODgxMV0gUHJvYmVzIGZyb20g?=\r\n"
    " =?utf-8?B?MTkyLjAuMi43IOKAkyBSZWNobmVyIHZvbSBOZXR6IGdlbm9tbWVu?=\r\n"
    "Thread-Index: AQHXrP3kQ2VmYm9xS0yBuV7cJ8Tg1qkR7x0A\r\n"
    "Date: Wed, 19 Sep 2001 09:14:03 +0000\r\n"
    "Message-ID: <AM6PR0402MB33687D1C2E5F9A0B8C3D4E5FA1B2@AM6PR0402MB3368.eurprd04.prod.outlook.example>\r\n"
    "In-Reply-To: <AM6PR0402MB3368F00D1E2C3B4A5968778695A4@AM6PR0402MB3368.eurprd04.prod.outlook.example>\r\n"
    "Accept-Language: de-DE, en-US\r\n"
    "Content-Language: de-DE\r\n"
    "X-MS-Has-Attach:\r\n"
    "X-MS-TNEF-Correlator:\r\n"
    "Content-Type: text/plain; charset=\"utf-8\"\r\n"
    "Content-Transfer-Encoding: base64\r\n"
    "MIME-Version: 1.0\r\n"
    "\r\n"
    "U2VociBnZWVocnRlIERhbWVuIHVuZCBIZXJyZW4sDQoNCnZpZWxlbiBEYW5rIGbDvHIgSWhyZW4g\r\n"
    "SGlud2Vpcy4gRGVyIGJldHJvZmZlbmUgUmVjaG5lciAoMTkyLjAuMi43KSB3dXJkZSB2b20NCk5l\r\n"
    "dHogZ2Vub21tZW4gdW5kIHdpcmQgbmV1IGF1Zmdlc2V0enQuDQoNCk1pdCBmcmV1bmRsaWNoZW4g\r\n"
    "R3LDvMOfZW4NCg0KSsO8cmdlbiBNw7xsbGVyDQpOZXR6YmV0cmllYiAvIEFidXNlLVRlYW0NCkJh\r\n"
    "aG5ob2YgTmV0eiBHbWJIDQoNCi0tLS0tVXJzcHLDvG5nbGljaGUgTmFjaHJpY2h0LS0tLS0NClZv\r\n"
    "bjogYWJ1c2UtZGVza0BleGFtcGxlLm5ldCA8YWJ1c2UtZGVza0BleGFtcGxlLm5ldD4NCkdlc2Vu\r\n"
    "ZGV0OiBEaWVuc3RhZywgMTguIFNlcHRlbWJlciAyMDAxIDE1OjEyDQpBbjogQWJ1c2UgPGFidXNl\r\n"
    "QGJhaG5ob2YtbmV0LmV4YW1wbGU+DQpCZXRyZWZmOiBQcm9iZXMgZnJvbSAxOTIuMC4yLjcNCg0K\r\n"
    "VGhlIGZvbGxvd2luZyBtYWNoaW5lIG9uIHlvdXIgbmV0d29yayBhcHBlYXJzIHRvIGhhdmUgYmVl\r\n"
    "biBwcm9iaW5nDQptYWNoaW5lcyBvbiBvdXIgbmV0d29yayBhdCBleGFtcGxlLm5ldDoNCg==\r\n";

// A help desk's answer under its own subject; the body, quoted-printable,
// quotes our subject with the ticket cut by a soft line break.
const std::string kHelpDeskQuotedPrintable =
    "Return-Path: <support@kestrel.example>\r\n"
    "From: Kestrel Networks Support <support@kestrel.example>\r\n"
    "Reply-To: support+id4711@kestrel.example\r\n"
    "To: abuse-desk@example.net\r\n"
    "Subject: [#INC-4711] Your report about 192.0.2.23\r\n"
    "Date: Thu, 20 Sep 2001 08:02:41 +0000\r\n"
    "Message-ID: <4711.1001c0de@helpdesk.kestrel.example>\r\n"
    "X-Mailer: Helpdesk Mailer 4.2\r\n"
    "MIME-Version: 1.0\r\n"
    "Content-Type: text/plain; charset=UTF-8\r\n"
    "Content-Transfer-Encoding: quoted-printable\r\n"
    "\r\n"
    "Hello,\r\n"
    "\r\n"
    "thank you for your report. We have disconnected the customer=E2=80=99s server\r\n"
    "192.0.2.23 and asked them to clean it before it goes back online.\r\n"
    "\r\n"
    "Kind regards,\r\n"
    "Marta =C5=A0imi=C4=87\r\n"
    "Kestrel Networks =E2=80=93 Network Security\r\n"
    "\r\n"
    "-------- Original Message --------\r\n"
    "> From: abuse-desk@example.net\r\n"
    "> Subject: Probes from 192.0.2.23 =E2=80=93 please keep the reference [AF-8224=\r\n"
    "f15e]\r\n"
    "> The following machine on your network appears to have been probing machin=\r\n"
    "es on our network at example.net:\r\n";

// A Japanese ISP: Subject and From ISO-2022-JP B-encoded, the body 7bit
// ISO-2022-JP (escape sequences), no In-Reply-To.
const std::string kJapaneseIso2022Jp =
    "From: =?ISO-2022-JP?B?GyRCJDUkLyRpJU0lQyVIGyhCIBskQklUQDVNeE1RQlA6dkFrOH0bKEI=?= <abuse@sakura-isp.example>\r\n"
    "To: abuse-desk@example.net\r\n"
    "Subject: =?ISO-2022-JP?B?UmU6IBskQiFaJDRPIk1tIVsbKEJbQUYtM2EzMjdkNWZdIFByb2JlcyBm?=\r\n"
    " =?ISO-2022-JP?B?cm9tIDE5OC41MS4xMDAuNzcgGyRCJEskRCQkJEYbKEI=?=\r\n"
    "Date: Fri, 21 Sep 2001 10:30:00 +0900\r\n"
    "Message-ID: <20010921103000.5F3A@mail.sakura-isp.example>\r\n"
    "X-Mailer: Becky! ver. 2.00\r\n"
    "MIME-Version: 1.0\r\n"
    "Content-Type: text/plain; charset=ISO-2022-JP\r\n"
    "Content-Transfer-Encoding: 7bit\r\n"
    "\r\n"
    "\033$B$4O\"Mm$\"$j$,$H$&$4$6$$$^$9!#\033(B\r\n"
    "\033$B3:Ev$N%[%9%H\033(B 198.51.100.77 \033$B$ODd;_$7!\"D4::$r9T$C$F$*$j$^$9!#\033(B\r\n"
    "\r\n"
    "\033$B$5$/$i%M%C%H!!IT@5MxMQBP:vAk8}\033(B\r\n";

constexpr int64_t kSep18Us = int64_t{1000818764} * 1000000;  // 2001-09-18 13:12:44 UTC
constexpr int64_t kDayUs = int64_t{86400} * 1000000;

class ReplyLinkTest : public KvStoreTest {
 protected:
  ReplyLinkTest() : KvStoreTest(/*sync_writes=*/true) {}
  void SetUp() override {
    KvStoreTest::SetUp();
    if (HasFatalFailure()) return;
    index_.emplace(store_.get());
  }
  void TearDown() override {
    index_.reset();
    KvStoreTest::TearDown();
  }

  // Records a notice to `contact` about `address` under `id`; its ticket.
  std::string Notice(const char* contact, int64_t start_us, const char* address,
                     const std::string& id) {
    Report report;
    report.contact = contact;
    report.window_start_us = start_us;
    ReportEntry entry;
    entry.address = *core::IpAddress::Parse(address);
    report.entries.push_back(entry);
    EXPECT_TRUE(index_->Record(report, id).ok());
    return ReportTicket(report);
  }

  std::vector<std::string> Linked(std::string_view raw) {
    auto ids = LinkedNotices(*index_, ClassifyReply(raw));
    EXPECT_TRUE(ids.ok()) << ids.status().ToString();
    return ids.ok() ? *ids : std::vector<std::string>{};
  }

  std::optional<ThreadIndex> index_;
};

using Ids = std::vector<std::string>;

TEST_F(ReplyLinkTest, OutlookReplyWithABase64Utf8SubjectLinksByItsTicket) {
  const std::string id = "<af-1111111111111111@example.net>";
  const std::string ticket = Notice("abuse@bahnhof-net.example", kSep18Us, "192.0.2.7", id);
  ASSERT_EQ(ticket, "AF-323c8811");
  ASSERT_EQ(kOutlookGerman.find(ticket), std::string::npos);  // only inside the encoded words
  const ReplyInfo info = ClassifyReply(kOutlookGerman);
  EXPECT_EQ(info.ticket, ticket);
  EXPECT_EQ(info.ticket_source, "decoded subject");
  EXPECT_EQ(info.kind, v1::ReplyRecord::KIND_HUMAN);
  EXPECT_EQ(info.sender_domain, "bahnhof-net.example");
  EXPECT_EQ(Linked(kOutlookGerman), Ids{id});
}

TEST_F(ReplyLinkTest, HelpDeskReplyQuotingTheTicketInAQuotedPrintableBodyLinks) {
  const std::string id = "<af-2222222222222222@example.net>";
  const std::string ticket = Notice("abuse@kestrel.example", kSep18Us + kDayUs, "192.0.2.23", id);
  ASSERT_EQ(ticket, "AF-8224f15e");
  ASSERT_EQ(kHelpDeskQuotedPrintable.find(ticket), std::string::npos);  // cut by "=\r\n"
  const ReplyInfo info = ClassifyReply(kHelpDeskQuotedPrintable);
  EXPECT_EQ(info.ticket, ticket);
  EXPECT_EQ(info.ticket_source, "decoded text");
  EXPECT_TRUE(info.says_fixed);  // "We have disconnected"
  EXPECT_EQ(Linked(kHelpDeskQuotedPrintable), Ids{id});
}

TEST_F(ReplyLinkTest, JapaneseIso2022JpSubjectLinksByItsTicket) {
  const std::string id = "<af-3333333333333333@example.net>";
  const std::string ticket =
      Notice("abuse@sakura-isp.example", kSep18Us + 2 * kDayUs, "198.51.100.77", id);
  ASSERT_EQ(ticket, "AF-3a327d5f");
  ASSERT_EQ(kJapaneseIso2022Jp.find(ticket), std::string::npos);
  const ReplyInfo info = ClassifyReply(kJapaneseIso2022Jp);
  EXPECT_EQ(info.ticket, ticket);
  EXPECT_EQ(info.ticket_source, "decoded subject");
  const auto [headers, body] = SplitMessage(kJapaneseIso2022Jp);
  EXPECT_EQ(DecodeHeaderWords(headers.Get("subject")),
            "Re: \u3010\u3054\u9023\u7d61\u3011[AF-3a327d5f] Probes from 198.51.100.77 "
            "\u306b\u3064\u3044\u3066");
  EXPECT_NE(DecodeMail(kJapaneseIso2022Jp).text.find("198.51.100.77"), std::string::npos);
  EXPECT_EQ(Linked(kJapaneseIso2022Jp), Ids{id});
}

TEST_F(ReplyLinkTest, InReplyToAndReferencesComeBeforeTheTicket) {
  const std::string first = "<af-4444444444444444@example.net>";
  const std::string second = "<af-5555555555555555@example.net>";
  Notice("abuse@bahnhof-net.example", kSep18Us, "192.0.2.7", first);
  Notice("abuse@bahnhof-net.example", kSep18Us + kDayUs, "192.0.2.7", second);
  // The German reply (ticket of `first`) threaded to `second`: the id wins.
  std::string threaded = kOutlookGerman;
  const size_t at = threaded.find("In-Reply-To:");
  ASSERT_NE(at, std::string::npos);
  threaded.insert(at, "References: <unknown@elsewhere.example> " + second + "\r\n");
  EXPECT_EQ(Linked(threaded), Ids{second});
  // An id that is no notice of ours does not hide the ticket.
  EXPECT_EQ(Linked(kOutlookGerman), Ids{first});
}

TEST_F(ReplyLinkTest, ABounceOfANoticeWithAnEncodedSubjectLinksByTheReturnedTicket) {
  const std::string id = "<af-6666666666666666@example.net>";
  const std::string ticket = Notice("abuse@bahnhof-net.example", kSep18Us, "192.0.2.7", id);
  // Our own writer B-encodes a subject that is not ASCII, ticket and all.
  const std::string subject = EncodeHeaderText("[" + ticket + "] Probes from 192.0.2.7 \u2013 2nd");
  ASSERT_EQ(subject.find(ticket), std::string::npos);
  const std::string bounce =
      "From: MAILER-DAEMON@mx.bahnhof-net.example\r\n"
      "Subject: Undelivered Mail Returned to Sender\r\n"
      "MIME-Version: 1.0\r\n"
      "Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n"
      "--b1\r\nContent-Type: text/plain\r\n\r\nUser unknown.\r\n"
      "--b1\r\nContent-Type: message/rfc822\r\n\r\n"
      "From: abuse-desk@example.net\r\nSubject: " +
      subject +
      "\r\n\r\nThe following machine ...\r\n"
      "--b1--\r\n";
  const ReplyInfo info = ClassifyReply(bounce);
  EXPECT_EQ(info.kind, v1::ReplyRecord::KIND_BOUNCE);
  EXPECT_EQ(info.ticket, ticket);
  EXPECT_EQ(info.ticket_source, "returned subject");
  EXPECT_EQ(Linked(bounce), Ids{id});
}

TEST_F(ReplyLinkTest, AReplyWithNeitherIdNorTicketLinksToNothing) {
  Notice("abuse@bahnhof-net.example", kSep18Us, "192.0.2.7", "<af-7777777777777777@example.net>");
  const std::string raw =
      "From: noc@kestrel.example\r\nSubject: =?UTF-8?B?UmU6IFByb2Jlcw==?=\r\n"
      "In-Reply-To: <nothing@elsewhere.example>\r\n\r\nAF-12345 is not a ticket.\r\n";
  const ReplyInfo info = ClassifyReply(raw);
  EXPECT_EQ(info.ticket, "");
  EXPECT_EQ(info.ticket_source, "");
  EXPECT_EQ(Linked(raw), Ids{});
}

}  // namespace
}  // namespace abuseflow::notify
