// Reading encoded replies: transfer encodings, RFC 2047 words, charsets and
// the MIME walk, and the classifier seeing the decoded text of real-looking
// messages (an Exchange NDR in base64, a quoted-printable Latin-1 answer, a
// base64 UTF-8 acknowledgement, an encoded subject).
#include "notify/mime_text.h"

#include <gtest/gtest.h>

#include "notify/failing_contacts.h"

namespace abuseflow::notify {
namespace {

using Kind = v1::ReplyRecord;

TEST(MimeTextTest, Base64SkipsLineBreaksAndStopsAtPadding) {
  EXPECT_EQ(DecodeBase64("SGVs\r\nbG8s\nIHdvcmxk\r\nIQ=="), "Hello, world!");
  EXPECT_EQ(DecodeBase64("YQ==ignored"), "a");
  EXPECT_EQ(DecodeBase64("!!\x01\xff"), "");
}

TEST(MimeTextTest, QuotedPrintableJoinsSoftBreaksAndKeepsStrayEquals) {
  EXPECT_EQ(DecodeQuotedPrintable("cle=\r\naned =3D done=20\nnext"), "cleaned = done \nnext");
  EXPECT_EQ(DecodeQuotedPrintable("soft =  \nbreak"), "soft break");
  EXPECT_EQ(DecodeQuotedPrintable("a=zz b=4"), "a=zz b=4");
  EXPECT_EQ(DecodeQuotedPrintable("end="), "end");
}

TEST(MimeTextTest, CharsetsBecomeUtf8) {
  EXPECT_EQ(CharsetToUtf8("K\xF6ln", "ISO-8859-1"), "K\xC3\xB6ln");
  EXPECT_EQ(CharsetToUtf8("\xB0\xA1", "euc-kr"), "\xEA\xB0\x80");
  EXPECT_EQ(CharsetToUtf8("K\xC3\xB6ln", "utf-8"), "K\xC3\xB6ln");
  EXPECT_EQ(CharsetToUtf8("K\xF6ln", "x-no-such-charset"), "K\xC3\xB6ln");  // as Latin-1
}

TEST(MimeTextTest, EncodedWordsAreDecodedAndAdjacentOnesJoined) {
  EXPECT_EQ(DecodeHeaderWords("=?ISO-8859-1?Q?Re:_R=FCckmeldung?= [AF-1a2b3c4d]"),
            "Re: R\xC3\xBC"
            "ckmeldung [AF-1a2b3c4d]");
  EXPECT_EQ(DecodeHeaderWords("=?UTF-8?B?QXV0b21hdGlj?= =?utf-8?b?IHJlcGx5?=: x"),
            "Automatic reply: x");
  EXPECT_EQ(DecodeHeaderWords("plain  text"), "plain  text");
  EXPECT_EQ(DecodeHeaderWords("=?broken?= =?utf-8?x?abc?= =?"), "=?broken?= =?utf-8?x?abc?= =?");
}

TEST(MimeTextTest, HeaderParameterUnquotes) {
  EXPECT_EQ(HeaderParameter("multipart/mixed; boundary=\"a b;c\"", "boundary"), "a b;c");
  EXPECT_EQ(HeaderParameter("text/plain;\r\n Charset=ISO-8859-1; format=flowed", "charset"),
            "ISO-8859-1");
  EXPECT_EQ(HeaderParameter("text/plain", "charset"), "");
}

TEST(MimeTextTest, AlternativePrefersPlainTextAndHtmlIsStrippedWhenAlone) {
  MailText alt = DecodeMail(
      "Content-Type: multipart/alternative; boundary=b\n\n--b\nContent-Type: text/html\n\n"
      "<p>html</p>\n--b\nContent-Type: text/plain\n\nplain\n--b--\n");
  EXPECT_EQ(alt.text, "plain\n");
  MailText html = DecodeMail(
      "Content-Type: multipart/alternative; boundary=b\n\n--b\nContent-Type: text/html\n"
      "Content-Transfer-Encoding: base64\n\n" +
      std::string("PHA+Rml4ZWQgJmFtcDsgY2xlYW48L3A+") + "\n--b--\n");
  EXPECT_EQ(html.text, "Fixed & clean\n");
}

TEST(MimeTextTest, BrokenMimeIsReadAsText) {
  EXPECT_EQ(DecodeMail("Content-Type: text\n\nfixed now\n").text, "fixed now\n");
  EXPECT_EQ(DecodeMail("Content-Type: multipart/mixed; boundary=zz\n\n--other\n\nfixed\n").text,
            "--other\n\nfixed\n");
  EXPECT_EQ(DecodeMail("Content-Type: multipart/mixed\n\nno boundary\n").text, "no boundary\n");
  EXPECT_EQ(
      DecodeMail("Content-Type: image/png\nContent-Transfer-Encoding: base64\n\niVBORw0K\n").text,
      "");
}

TEST(MimeTextTest, DeepNestingAndManyPartsAreBounded) {
  std::string nested;
  for (int i = 0; i < 200; ++i) {
    nested += "Content-Type: multipart/mixed; boundary=n" + std::to_string(i) + "\n\n--n" +
              std::to_string(i) + "\n";
  }
  nested += "\ninner text\n";
  MailText deep = DecodeMail(nested);
  EXPECT_LE(deep.parts, MailText::kMaxParts);
  std::string many = "Content-Type: multipart/mixed; boundary=m\n\n";
  for (int i = 0; i < 1000; ++i) many += "--m\n\npart " + std::to_string(i) + "\n";
  MailText wide = DecodeMail(many);
  EXPECT_EQ(wide.parts, MailText::kMaxParts);
  EXPECT_NE(wide.text.find("part 0\n"), std::string::npos);
  EXPECT_EQ(wide.text.find("part 999"), std::string::npos);
}

TEST(MimeTextTest, NestingAMegabyteDeepStaysBoundedAndDoesNotCrash) {
  std::string nested;
  for (int i = 0; nested.size() < (1 << 20); ++i) {
    nested += "Content-Type: multipart/mixed; boundary=n" + std::to_string(i) + "\n\n--n" +
              std::to_string(i) + "\n";
  }
  nested += "\ninner text\n";
  MailText deep = DecodeMail(nested);
  EXPECT_LE(deep.parts, MailText::kMaxParts);
  EXPECT_LE(deep.text.size(), MailText::kMaxTextBytes + 1);
  ReplyInfo r = ClassifyReply(nested);
  EXPECT_FALSE(r.why.empty());
}

TEST(MimeTextTest, ReturnedMessageAndSignedPartsAreRead) {
  MailText mail = DecodeMail(
      "Content-Type: multipart/mixed; boundary=o\n\n--o\n"
      "Content-Type: multipart/signed; protocol=\"application/pgp-signature\"; boundary=s\n\n"
      "--s\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: "
      "quoted-printable\n\n"
      "We have disconnected it.=0A\n--s\nContent-Type: application/pgp-signature\n\nSIG\n--s--\n"
      "--o\nContent-Type: message/rfc822\n\nMessage-ID: <af-1@example.net>\nSubject: Probes\n\n"
      "notice body\n--o--\n");
  EXPECT_EQ(mail.text, "We have disconnected it.\n");
  EXPECT_NE(mail.returned.find("Message-ID: <af-1@example.net>"), std::string::npos);
  EXPECT_EQ(mail.parts, 5u);  // mixed, signed, text, signature, message
}

// Exchange's NDR: multipart/report with every part in base64, the DSN and the
// returned headers only readable decoded.
const std::string kExchangeNdr =
    "From: Microsoft Outlook <postmaster@corp.example>\r\n"
    "To: abuse-desk@example.net\r\n"
    "Date: Wed, 19 Sep 2001 16:30:00 +0000\r\n"
    "Subject: =?utf-8?B?VW5kZWxpdmVyYWJsZTogW0FGLTk5YWE4OGJiXSBQcm9iZXMgZnJvbSAxOTIuMC4yLjk5?=\r\n"
    "Message-ID: <3c1b2a90-ndr@EXCH01.corp.example>\r\n"
    "MIME-Version: 1.0\r\n"
    "Content-Type: multipart/report; report-type=delivery-status;\r\n"
    "\tboundary=\"_000_3c1b2a90_\"\r\n"
    "\r\n"
    "--_000_3c1b2a90_\r\n"
    "Content-Type: text/plain; charset=\"utf-8\"\r\n"
    "Content-Transfer-Encoding: base64\r\n\r\n"
    "RGVsaXZlcnkgaGFzIGZhaWxlZCB0byB0aGVzZSByZWNpcGllbnRzIG9yIGdyb3VwczoNCg0KYWJ1\r\n"
    "c2VAY29ycC5leGFtcGxlDQpUaGUgZS1tYWlsIGFkZHJlc3MgeW91IGVudGVyZWQgY291bGRuJ3Qg\r\n"
    "YmUgZm91bmQuIFBsZWFzZSBjaGVjayB0aGUgcmVjaXBpZW50J3MgZS1tYWlsIGFkZHJlc3MgYW5k\r\n"
    "IHRyeSB0byByZXNlbmQgdGhlIG1lc3NhZ2UuDQo=\r\n\r\n"
    "--_000_3c1b2a90_\r\n"
    "Content-Type: message/delivery-status\r\n"
    "Content-Transfer-Encoding: base64\r\n\r\n"
    "UmVwb3J0aW5nLU1UQTogZG5zO0VYQ0gwMS5jb3JwLmV4YW1wbGUNClJlY2VpdmVkLUZyb20tTVRB\r\n"
    "OiBkbnM7bWFpbC5leGFtcGxlLm5ldA0KQXJyaXZhbC1EYXRlOiBXZWQsIDE5IFNlcCAyMDAxIDE2\r\n"
    "OjI5OjU4ICswMDAwDQoNCk9yaWdpbmFsLVJlY2lwaWVudDogcmZjODIyO2FidXNlQGNvcnAuZXhh\r\n"
    "bXBsZQ0KRmluYWwtUmVjaXBpZW50OiByZmM4MjI7YWJ1c2VAY29ycC5leGFtcGxlDQpBY3Rpb246\r\n"
    "IGZhaWxlZA0KU3RhdHVzOiA1LjEuMQ0KRGlhZ25vc3RpYy1Db2RlOiBzbXRwOzU1MCA1LjEuMSBS\r\n"
    "RVNPTFZFUi5BRFIuUmVjaXBOb3RGb3VuZDsgbm90IGZvdW5kDQo=\r\n\r\n"
    "--_000_3c1b2a90_\r\n"
    "Content-Type: text/rfc822-headers\r\n"
    "Content-Transfer-Encoding: base64\r\n\r\n"
    "TWVzc2FnZS1JRDogPGFmLTk5YWE4OGJiNzdjYzY2ZGRAZXhhbXBsZS5uZXQ+DQpGcm9tOiBhYnVz\r\n"
    "ZS1kZXNrQGV4YW1wbGUubmV0DQpUbzogYWJ1c2VAY29ycC5leGFtcGxlDQpTdWJqZWN0OiBbQUYt\r\n"
    "OTlhYTg4YmJdIFByb2JlcyBmcm9tIDE5Mi4wLjIuOTkNCg==\r\n\r\n"
    "--_000_3c1b2a90_--\r\n";

TEST(MimeTextTest, Base64ExchangeNdrGivesItsDeliveryStatusAndOurMessageId) {
  ReplyInfo r = ClassifyReply(kExchangeNdr);
  EXPECT_EQ(r.kind, Kind::KIND_BOUNCE);
  ASSERT_EQ(r.referenced.size(), 1u);
  EXPECT_EQ(r.referenced[0], "<af-99aa88bb77cc66dd@example.net>");
  bool has_dsn = false;
  auto failed = FailedRecipients(r.delivery_status, &has_dsn);
  EXPECT_TRUE(has_dsn);
  ASSERT_EQ(failed.size(), 1u);
  EXPECT_EQ(failed[0].mailbox, "abuse@corp.example");
  EXPECT_EQ(failed[0].status, "5.1.1");
  // Read raw, the message shows no recipient at all.
  EXPECT_TRUE(FailedRecipients(kExchangeNdr, &has_dsn).empty());
}

TEST(MimeTextTest, DeliveryStatusPartMakesABounceWhateverTheSender) {
  const std::string gateway =
      "From: Mail Gateway <gw@corp.example>\nSubject: Message status\n"
      "Content-Type: multipart/mixed; boundary=x\n\n--x\nContent-Type: text/plain\n\n"
      "Your message could not be delivered.\n--x\nContent-Type: message/delivery-status\n"
      "Content-Transfer-Encoding: base64\n\n"
      "RmluYWwtUmVjaXBpZW50OiByZmM4MjI7IGFidXNlQGNvcnAuZXhhbXBsZQpBY3Rpb246IGZhaWxlZAo=\n--x--\n";
  ReplyInfo r = ClassifyReply(gateway);
  EXPECT_EQ(r.kind, Kind::KIND_BOUNCE);
  EXPECT_EQ(r.why, "delivery-status part");
  EXPECT_NE(r.delivery_status.find("Final-Recipient: rfc822; abuse@corp.example"),
            std::string::npos);
}

// A human answer in quoted-printable Latin-1: "gesäubert (cleaned)" is split
// by a soft line break, so only the decoded text says it.
const std::string kLatin1Fixed =
    "From: =?ISO-8859-1?Q?J=FCrgen_M=FCller?= <noc@koeln-net.example>\n"
    "To: abuse-desk@example.net\n"
    "Subject: =?ISO-8859-1?Q?AW:_[AF-2b3c4d5e]_Probes_from_198.51.100.23_=96_erledigt?=\n"
    "Date: Thu, 20 Sep 2001 09:12:00 +0200\n"
    "Message-ID: <4711@koeln-net.example>\n"
    "MIME-Version: 1.0\n"
    "Content-Type: text/plain; charset=\"iso-8859-1\"\n"
    "Content-Transfer-Encoding: quoted-printable\n\n"
    "Hallo,\n\nder Rechner 198.51.100.23 war mit Nimda infiziert. Er ist vom Netz genommen, =\n"
    "gepr=FCft und ges=E4ubert (cle=\naned). Gr=FC=DFe aus K=F6ln\n\n"
    "> Probes from 198.51.100.23\n";

TEST(MimeTextTest, QuotedPrintableLatin1AnswerSaysFixed) {
  ReplyInfo r = ClassifyReply(kLatin1Fixed);
  EXPECT_EQ(r.kind, Kind::KIND_HUMAN);
  EXPECT_TRUE(r.says_fixed);
  EXPECT_EQ(r.ticket, "AF-2b3c4d5e");  // Q encoding keeps it readable in the raw subject
  MailText mail = DecodeMail(kLatin1Fixed);
  EXPECT_NE(mail.text.find("ges\xC3\xA4ubert (cleaned). Gr\xC3\xBC\xC3\x9F"
                           "e aus K\xC3\xB6ln"),
            std::string::npos);
}

TEST(MimeTextTest, Base64Utf8AcknowledgementWithoutHeadersIsAutomated) {
  const std::string ack =
      "From: Abuse Team <abuse@rheinnetz.example>\n"
      "To: abuse-desk@example.net\n"
      "Subject: Re: Probes from 203.0.113.9\n"
      "Message-ID: <case-4471@rheinnetz.example>\n"
      "MIME-Version: 1.0\n"
      "Content-Type: text/plain; charset=UTF-8\n"
      "Content-Transfer-Encoding: base64\n\n"
      "VmllbGVuIERhbmsgZsO8ciBJaHJlIE5hY2hyaWNodC4gV2lyIGhhYmVuIElocmUgTWVsZHVuZyBl\n"
      "cmhhbHRlbi4NClRoaXMgaXMgYW4gYXV0b21hdGVkIG1lc3NhZ2U6IHlvdXIgcmVwb3J0IGhhcyBi\n"
      "ZWVuIHF1ZXVlZCBhcyBjYXNlIDQ0NzEuDQo=\n";
  ReplyInfo r = ClassifyReply(ack);
  EXPECT_EQ(r.kind, Kind::KIND_AUTOMATED);
  EXPECT_EQ(r.why, "acknowledgement text");
}

TEST(MimeTextTest, EncodedSubjectIsReadForTheRules) {
  const std::string ooo =
      "From: Hana Kim <hana@krnet.example>\nTo: abuse-desk@example.net\n"
      "Subject: =?UTF-8?B?QXV0b21hdGljIHJlcGx5OiBQcm9iZXMgZnJvbSAyMDMuMC4xMTMuNzc=?=\n\n"
      "Back on Monday.\n";
  ReplyInfo r = ClassifyReply(ooo);
  EXPECT_EQ(r.kind, Kind::KIND_AUTOMATED);
  EXPECT_EQ(r.why, "auto-reply subject");
}

TEST(MimeTextTest, TheSameCannedTextHashesAlikeInEveryEncoding) {
  const std::string head = "From: abuse@desk.example\nSubject: Re: x\nContent-Type: text/plain\n";
  ReplyInfo plain = ClassifyReply(head + "\nThanks, we will look into it.\n");
  ReplyInfo b64 = ClassifyReply(head +
                                "Content-Transfer-Encoding: base64\n\n"
                                "VGhhbmtzLCB3ZSB3aWxsIGxvb2sgaW50byBpdC4K\n");
  ReplyInfo qp = ClassifyReply(head +
                               "Content-Transfer-Encoding: quoted-printable\n\n"
                               "Thanks, we will look =\ninto it.=0A\n");
  EXPECT_NE(plain.text_hash, 0u);
  EXPECT_EQ(b64.text_hash, plain.text_hash);
  EXPECT_EQ(qp.text_hash, plain.text_hash);
}

}  // namespace
}  // namespace abuseflow::notify
