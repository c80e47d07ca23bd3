// The machine-readable parts of a notice: MIME composition, X-ARF and CSV.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/ip_address.h"
#include "notify/csv_report.h"
#include "notify/mail_writer.h"
#include "notify/mime_part.h"
#include "notify/report.h"
#include "notify/xarf_parts.h"

namespace abuseflow::notify {
namespace {

// 2001-09-18T13:12:44Z
constexpr int64_t kT0 = int64_t{1000818764} * 1000000;

ReportEntry Entry(const char* address, v1::Kind kind, const char* signature, uint64_t count,
                  std::vector<uint32_t> ports, std::string line) {
  ReportEntry e;
  e.address = *core::IpAddress::Parse(address);
  e.first_seen_us = kT0;
  e.last_seen_us = kT0 + 60 * int64_t{1000000};
  e.count = count;
  v1::KindCount k;
  k.set_kind(kind);
  k.set_signature(signature);
  k.set_count(count);
  e.kinds.push_back(k);
  e.dst_ports = std::move(ports);
  v1::SampleLine s;
  s.set_line(std::move(line));
  s.set_tz_name("EDT");
  s.set_utc_offset_minutes(-240);
  e.samples.push_back(s);
  return e;
}

Report TwoClassReport() {
  Report r;
  r.contact = "abuse@kestrel.example";
  r.recipients = {r.contact};
  r.window_start_us = kT0;
  r.window_end_us = kT0 + 86400 * int64_t{1000000};
  r.entries.push_back(Entry("192.0.2.7", v1::KIND_BRUTE_FORCE, "ssh", 14, {22},
                            "sshd[1]: Failed password for root from 192.0.2.7"));
  r.entries.push_back(Entry("2001:db8::9", v1::KIND_WORM, "code-red-ii", 3, {80},
                            "GET /default.ida?XXXX"));
  return r;
}

TEST(MimePartTest, Base64LinesAreAtMost76CharactersWithCrlf) {
  std::string data(200, 'x');
  std::string out = Base64Lines(data);
  size_t begin = 0;
  while (begin < out.size()) {
    size_t end = out.find("\r\n", begin);
    ASSERT_NE(end, std::string::npos);
    EXPECT_LE(end - begin, 76u);
    begin = end + 2;
  }
  EXPECT_EQ(Base64Lines("abc"), "YWJj\r\n");
}

TEST(MimePartTest, BoundaryIsStableAndAvoidsTheBodies) {
  std::string b = ChooseBoundary("<af-1@x.example>", {"hello\r\n"});
  EXPECT_EQ(b, ChooseBoundary("<af-1@x.example>", {"other\r\n"}));
  EXPECT_LE(b.size(), 70u);
  std::string hostile = "--" + b + "\r\n";
  std::string other = ChooseBoundary("<af-1@x.example>", {hostile});
  EXPECT_NE(other, b);
  EXPECT_EQ(hostile.find(other), std::string::npos);
}

TEST(XarfPartsTest, OneReportAndOneEvidencePartPerClassWithEveryRequiredField) {
  std::vector<MimePart> parts = XarfParts(TwoClassReport(), "abuse-reports@lab.example", "AF-1");
  ASSERT_EQ(parts.size(), 4u);
  EXPECT_NE(parts[0].content_type.find("xarf-login-attack.yaml"), std::string::npos);
  EXPECT_NE(parts[1].content_type.find("xarf-login-attack-evidence.txt"), std::string::npos);
  EXPECT_NE(parts[2].content_type.find("xarf-malware-attack.yaml"), std::string::npos);
  const std::string& login = parts[0].body;
  for (const char* line :
       {"---\n", "Reported-From: 'abuse-reports@lab.example'\n", "Category: 'abuse'\n",
        "Report-Type: 'login-attack'\n", "Report-ID: 'AF-1-192.0.2.7@lab.example'\n",
        "Date: 'Tue, 18 Sep 2001 13:12:44 +0000'\n", "Source: '192.0.2.7'\n",
        "Source-Type: 'ipv4'\n", "Service: 'ssh'\n", "Port: 22\n", "Occurrences: '14'\n",
        "Attachment: 'text/plain'\n",
        "Schema-URL: 'http://www.x-arf.org/schema/abuse_login-attack_0.1.2.json'\n",
        "User-Agent: 'abuseflow'\n"}) {
    EXPECT_NE(login.find(line), std::string::npos) << line << "\n" << login;
  }
  EXPECT_EQ(login.find("2001:db8::9"), std::string::npos);
  EXPECT_NE(parts[2].body.find("Source-Type: 'ipv6'\n"), std::string::npos);
  EXPECT_NE(parts[3].body.find("GET /default.ida?XXXX"), std::string::npos);
  EXPECT_NE(parts[3].body.find("EDT, GMT -0400"), std::string::npos);
}

TEST(XarfPartsTest, YamlValuesCannotAddKeysOrDocuments) {
  EXPECT_EQ(YamlQuoted("it's"), "'it''s'");
  EXPECT_EQ(YamlQuoted("a\nCategory: x\n---"), "'a?Category: x?---'");
  EXPECT_EQ(YamlQuoted("\xff"), "'?'");
}

TEST(CsvReportTest, OneRowPerAddressQuotedAsRfc4180Says) {
  Report r = TwoClassReport();
  r.entries[0].samples[0].set_line("say \"hi\", then\tgo");
  std::string csv = ReportCsv(r);
  EXPECT_EQ(csv,
            "address,first_seen,last_seen,count,kind,signature,sample_line\r\n"
            "192.0.2.7,2001-09-18T13:12:44Z,2001-09-18T13:13:44Z,14,brute-force,ssh,"
            "\"say \"\"hi\"\", then\tgo\"\r\n"
            "2001:db8::9,2001-09-18T13:12:44Z,2001-09-18T13:13:44Z,3,worm,code-red-ii,"
            "GET /default.ida?XXXX\r\n");
  EXPECT_EQ(CsvField("a\r\nb"), "\"a\r\nb\"");
  EXPECT_EQ(CsvField(" lead"), "\" lead\"");
  EXPECT_EQ(CsvField("plain"), "plain");
}

TEST(CsvReportTest, ControlsAndInvalidUtf8BecomeQuestionMarks) {
  Report r = TwoClassReport();
  r.entries[0].samples[0].set_line("a\x01" "b\xff");
  EXPECT_NE(ReportCsv(r).find(",a?b?\r\n"), std::string::npos);
  MimePart part = CsvPart(r, "AF-1");
  EXPECT_EQ(part.encoding, TransferEncoding::kBase64);
  EXPECT_NE(part.disposition.find("abuseflow-AF-1.csv"), std::string::npos);
}

TEST(ComposeMultipartTest, NoticeFirstThenAttachmentsUnderOneBoundary) {
  MailFields f;
  f.from = "abuse-reports@lab.example";
  f.to = {"abuse@kestrel.example"};
  f.subject = "Probes from 192.0.2.7";
  f.body = "Hello\n";
  f.contact = "abuse@kestrel.example";
  f.window_start_us = kT0;
  f.ticket = "AF-0000abcd";
  f.attachments = {CsvPart(TwoClassReport(), f.ticket)};
  f.xarf = true;
  f.in_reply_to = {"<af-1@lab.example>", "bad id", "<af-1@lab.example>"};
  f.references = {"<af-0@lab.example>", "<af-1@lab.example>"};
  auto mail = ComposeMail(f);
  ASSERT_TRUE(mail.ok()) << mail.status().ToString();
  const std::string& t = mail->text;
  EXPECT_NE(t.find("\r\nSubject: [AF-0000abcd] Probes from 192.0.2.7\r\n"), std::string::npos);
  EXPECT_NE(t.find("\r\nIn-Reply-To: <af-1@lab.example>\r\n"), std::string::npos);
  EXPECT_NE(t.find("\r\nReferences: <af-0@lab.example> <af-1@lab.example>\r\n"),
            std::string::npos);
  EXPECT_NE(t.find("\r\nX-ARF: YES\r\n"), std::string::npos);
  EXPECT_NE(t.find("\r\nAuto-Submitted: auto-generated\r\n"), std::string::npos);
  size_t ct = t.find("Content-Type: multipart/mixed; boundary=\"");
  ASSERT_NE(ct, std::string::npos);
  size_t begin = ct + 41;
  std::string boundary = t.substr(begin, t.find('"', begin) - begin);
  size_t notice = t.find("--" + boundary + "\r\nContent-Type: text/plain; charset=utf-8\r\n");
  size_t csv = t.find("--" + boundary + "\r\nContent-Type: text/csv");
  ASSERT_NE(notice, std::string::npos);
  ASSERT_NE(csv, std::string::npos);
  EXPECT_LT(notice, csv);
  EXPECT_NE(t.find("\r\n--" + boundary + "--\r\n"), std::string::npos);
  // The same fields give the same mail (the Date aside, which is the caller's).
  EXPECT_EQ(ComposeMail(f)->text, t);
}

TEST(ComposeMultipartTest, TheMailsOwnIdIsNeverItsParent) {
  MailFields f;
  f.from = "abuse-reports@lab.example";
  f.to = {"abuse@kestrel.example"};
  f.contact = "abuse@kestrel.example";
  f.window_start_us = kT0;
  f.in_reply_to = {ReportMessageId(f.contact, kT0, f.from)};
  auto mail = ComposeMail(f);
  ASSERT_TRUE(mail.ok());
  EXPECT_EQ(mail->text.find("In-Reply-To"), std::string::npos);
  EXPECT_TRUE(IsValidMessageId("<a@b>"));
  EXPECT_FALSE(IsValidMessageId("<a@b>\r\nBcc: x@y"));
  EXPECT_FALSE(IsValidMessageId("<a b@c>"));
  EXPECT_FALSE(IsValidMessageId("<ab>"));
}

}  // namespace
}  // namespace abuseflow::notify
