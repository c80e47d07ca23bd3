#include "notify/mail_writer.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "notify/mail_header.h"

namespace abuseflow::notify {
namespace {

namespace fs = std::filesystem;

// 2001-09-18T13:12:44Z
constexpr int64_t kT0 = int64_t{1000818764} * 1000000;
constexpr int64_t kDay = int64_t{86400} * 1000000;

class MailWriterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() /
           ("mail_writer_test_" + std::to_string(::getpid()) + "_" + info->name());
    fs::remove_all(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  static MailFields Fields() {
    MailFields fields;
    fields.from = "abuse-reports@lab.example";
    fields.to = {"abuse@kestrel.example", "noc@kestrel.example"};
    fields.subject = "Probes from 192.0.2.7";
    fields.body = "Hello,\n\nline two\n";
    fields.contact = "abuse@kestrel.example";
    fields.window_start_us = kT0;
    fields.window_end_us = kT0 + kDay;
    fields.date_us = kT0;
    return fields;
  }

  static Mail ComposeOrDie(const MailFields& fields) {
    auto mail = ComposeMail(fields);
    EXPECT_TRUE(mail.ok()) << mail.status().ToString();
    return mail.ok() ? *mail : Mail{};
  }

  static std::string HeaderOf(const std::string& text) {
    return text.substr(0, text.find("\r\n\r\n") + 2);
  }
  static std::string BodyOf(const std::string& text) {
    return text.substr(text.find("\r\n\r\n") + 4);
  }
  // The text split at CRLF; fails the test on a bare CR or LF.
  static std::vector<std::string> Lines(const std::string& text) {
    std::vector<std::string> lines;
    size_t begin = 0;
    while (begin < text.size()) {
      size_t end = text.find("\r\n", begin);
      if (end == std::string::npos) end = text.size();
      std::string line = text.substr(begin, end - begin);
      EXPECT_EQ(line.find_first_of("\r\n"), std::string::npos) << "bare CR or LF in " << line;
      lines.push_back(line);
      begin = end + 2;
    }
    return lines;
  }

  static std::string Read(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  std::vector<std::string> Listing() const {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(dir_)) names.push_back(e.path().filename());
    std::sort(names.begin(), names.end());
    return names;
  }

  fs::path dir_;
};

TEST_F(MailWriterTest, CheckRecipientsKeepsValidMailboxesInOrderWithoutRepeats) {
  RecipientCheck check = CheckRecipients({" abuse@kestrel.example\t", "noc@kestrel.example",
                                          "ABUSE@Kestrel.example", "", "a@b.example"});
  EXPECT_EQ(check.valid, (std::vector<std::string>{"abuse@kestrel.example", "noc@kestrel.example",
                                                   "a@b.example"}));
  EXPECT_EQ(check.rejected, (std::vector<std::string>{""}));
}

TEST_F(MailWriterTest, CheckRecipientsRejectsSmuggledAddressesWhole) {
  RecipientCheck check =
      CheckRecipients({"a@b.example, c@d.example", "a@b.example\r\nBcc: c@d.example",
                       "ok@e.example", "Name <x@y.example>"});
  EXPECT_EQ(check.valid, (std::vector<std::string>{"ok@e.example"}));
  EXPECT_EQ(check.rejected,
            (std::vector<std::string>{"a@b.example, c@d.example",
                                      "a@b.example\\r\\nBcc: c@d.example", "Name <x@y.example>"}));
}

TEST_F(MailWriterTest, IsValidMailboxAcceptsPlainDotAtomMailboxes) {
  for (const char* good : {"abuse@kestrel.example", "first.last+tag@sub.example.org", "a@b",
                           "x!#$%&*/=?^_{}~-y@host-1.example", "A@B.EXAMPLE"}) {
    EXPECT_TRUE(IsValidMailbox(good)) << good;
  }
  EXPECT_TRUE(IsValidMailbox(std::string(64, 'l') + "@example.org"));
  EXPECT_TRUE(IsValidMailbox("a@" + std::string(63, 'd') + ".example"));
}

TEST_F(MailWriterTest, IsValidMailboxRejectsAnythingThatCouldCarryMore) {
  for (const char* bad : {"",
                          "abuse",
                          "@kestrel.example",
                          "abuse@",
                          "a@@b.example",
                          "a@b@c.example",
                          ".a@b.example",
                          "a.@b.example",
                          "a..b@c.example",
                          "a b@c.example",
                          "a,b@c.example",
                          "<a@b.example>",
                          "\"a\"@b.example",
                          "a|b@c.example",
                          "a@-b.example",
                          "a@b-.example",
                          "a@b..example",
                          "a@b.example.",
                          "a@b_c.example",
                          " a@b.example",
                          "a@b.example\r\n",
                          "a@b.example\nBcc: c@d.example",
                          "a\x01@b.example",
                          "m\xc3\xbcller@b.example",
                          "a@b.example;c@d.example",
                          "a@[192.0.2.1]"}) {
    EXPECT_FALSE(IsValidMailbox(bad)) << EscapeForLog(bad);
  }
  EXPECT_FALSE(IsValidMailbox(std::string(65, 'l') + "@example.org"));
  EXPECT_FALSE(IsValidMailbox("a@" + std::string(64, 'd') + ".example"));
  std::string long_domain;
  while (long_domain.size() < 254) long_domain += "abcdefghi.";
  long_domain += "example";
  EXPECT_FALSE(IsValidMailbox("a@" + long_domain));
  EXPECT_FALSE(IsValidMailbox(std::string_view("a\0b@c.example", 13)));
}

TEST_F(MailWriterTest, SanitizeHeaderValueTurnsControlsIntoSingleSpacesAndTrims) {
  EXPECT_EQ(SanitizeHeaderValue("  a\r\n\tb   c\x7f "), "a b c");
  EXPECT_EQ(SanitizeHeaderValue(std::string_view("x\0y", 3)), "x y");
  EXPECT_EQ(SanitizeHeaderValue("bad \xff byte \xc3"), "bad ? byte ?");
  EXPECT_EQ(SanitizeHeaderValue("M\xc3\xbcller"), "M\xc3\xbcller");
  EXPECT_EQ(SanitizeHeaderValue("\r\n"), "");
}

TEST_F(MailWriterTest, EscapeForLogShowsControlCharacters) {
  EXPECT_EQ(EscapeForLog("a\r\nb\tc\\d\x01"), "a\\r\\nb\\tc\\\\d\\x01");
}

TEST_F(MailWriterTest, EncodeHeaderTextLeavesAsciiAlone) {
  EXPECT_EQ(EncodeHeaderText("Probes from 192.0.2.7"), "Probes from 192.0.2.7");
  EXPECT_EQ(EncodeHeaderText("Probes\r\nBcc: x@y.example"), "Probes Bcc: x@y.example");
}

TEST_F(MailWriterTest, EncodeHeaderTextUsesRfc2047ForNonAscii) {
  EXPECT_EQ(EncodeHeaderText("Proben von M\xc3\xbcller"), "=?UTF-8?B?UHJvYmVuIHZvbiBNw7xsbGVy?=");
  // Something that looks like an encoded word is encoded too, so that it
  // reads as the literal text.
  EXPECT_EQ(EncodeHeaderText("=?x?="), "=?UTF-8?B?PT94Pz0=?=");
}

TEST_F(MailWriterTest, EncodeHeaderTextSplitsLongTextIntoShortWordsAtCharacterBoundaries) {
  std::string text;
  for (int i = 0; i < 40; ++i) text += "\xc3\xbc";  // 80 bytes of u-umlaut
  std::string encoded = EncodeHeaderText(text);
  std::vector<std::string> words;
  size_t begin = 0;
  while (begin <= encoded.size()) {
    size_t end = encoded.find(' ', begin);
    if (end == std::string::npos) end = encoded.size();
    words.push_back(encoded.substr(begin, end - begin));
    begin = end + 1;
  }
  ASSERT_EQ(words.size(), 2u) << encoded;
  for (const std::string& word : words) {
    EXPECT_LE(word.size(), 75u) << word;
    EXPECT_EQ(word.rfind("=?UTF-8?B?", 0), 0u) << word;
    EXPECT_EQ(word.substr(word.size() - 2), "?=") << word;
  }
  // 44 bytes (22 characters) in the first word: 45 would split a character.
  EXPECT_EQ(words[0].size(), 10u + 60u + 2u);
}

TEST_F(MailWriterTest, FoldHeaderKeepsLinesWithin78Characters) {
  std::string value;
  for (int i = 0; i < 30; ++i) value += "abuse" + std::to_string(i) + "@kestrel.example, ";
  value.pop_back();
  std::string folded = FoldHeader("To", value);
  ASSERT_GE(folded.size(), 2u);
  EXPECT_EQ(folded.substr(folded.size() - 2), "\r\n");
  std::vector<std::string> lines = Lines(folded.substr(0, folded.size() - 2));
  ASSERT_GT(lines.size(), 1u);
  EXPECT_EQ(lines[0].rfind("To: abuse0@", 0), 0u);
  for (size_t i = 0; i < lines.size(); ++i) {
    EXPECT_LE(lines[i].size(), 78u) << lines[i];
    if (i > 0) {
      EXPECT_EQ(lines[i][0], ' ') << lines[i];
    }
  }
  // Unfolding gives the header back.
  std::string unfolded;
  for (const std::string& line : lines) unfolded += line;
  EXPECT_EQ(unfolded, "To: " + value);
}

TEST_F(MailWriterTest, FoldHeaderLeavesAnUnbreakableWordWhole) {
  std::string word(100, 'x');
  EXPECT_EQ(FoldHeader("Subject", word), "Subject: " + word + "\r\n");
  EXPECT_EQ(FoldHeader("Subject", "short " + word), "Subject: short\r\n " + word + "\r\n");
  EXPECT_EQ(FoldHeader("Subject", ""), "Subject:\r\n");
}

TEST_F(MailWriterTest, FormatMailDateGivesTheRfc5322Form) {
  EXPECT_EQ(FormatMailDate(kT0), "Tue, 18 Sep 2001 13:12:44 +0000");
  EXPECT_EQ(FormatMailDate(kT0 + 999999), "Tue, 18 Sep 2001 13:12:44 +0000");
  EXPECT_EQ(FormatMailDate(0), "Thu, 01 Jan 1970 00:00:00 +0000");
  EXPECT_EQ(FormatMailDate(-1), "Wed, 31 Dec 1969 23:59:59 +0000");
}

TEST_F(MailWriterTest, ComposeMailWritesEveryHeaderWithCrlfEndings) {
  Mail mail = ComposeOrDie(Fields());
  EXPECT_EQ(mail.contact, "abuse@kestrel.example");
  EXPECT_EQ(mail.window_start_us, kT0);
  EXPECT_EQ(mail.recipients,
            (std::vector<std::string>{"abuse@kestrel.example", "noc@kestrel.example"}));
  EXPECT_TRUE(mail.rejected.empty());
  EXPECT_EQ(mail.message_id,
            ReportMessageId("abuse@kestrel.example", kT0, "abuse-reports@lab.example"));
  std::vector<std::string> header = Lines(HeaderOf(mail.text));
  EXPECT_EQ(header, (std::vector<std::string>{
                        "Date: Tue, 18 Sep 2001 13:12:44 +0000",
                        "From: abuse-reports@lab.example",
                        "To: abuse@kestrel.example, noc@kestrel.example",
                        "Subject: Probes from 192.0.2.7",
                        "Message-ID: " + mail.message_id,
                        "MIME-Version: 1.0",
                        "Content-Type: text/plain; charset=utf-8",
                        "Content-Transfer-Encoding: 8bit",
                        "X-Abuseflow-Window: 2001-09-18T13:12:44Z/2001-09-19T13:12:44Z",
                    }));
  EXPECT_EQ(BodyOf(mail.text), "Hello,\r\n\r\nline two\r\n");
  Lines(mail.text);  // no bare CR or LF anywhere
}

TEST_F(MailWriterTest, ComposeMailNormalizesLineEndingsAndEndsWithCrlf) {
  MailFields fields = Fields();
  fields.body = "a\rb\nc\r\nd";
  EXPECT_EQ(BodyOf(ComposeOrDie(fields).text), "a\r\nb\r\nc\r\nd\r\n");
}

TEST_F(MailWriterTest, SubjectCannotInjectAHeader) {
  MailFields fields = Fields();
  fields.subject = "Probes\r\nBcc: x@y.example";
  Mail mail = ComposeOrDie(fields);
  std::vector<std::string> header = Lines(HeaderOf(mail.text));
  for (const std::string& line : header) {
    EXPECT_NE(line.rfind("Bcc:", 0), 0u) << line;
  }
  EXPECT_NE(std::find(header.begin(), header.end(), "Subject: Probes Bcc: x@y.example"),
            header.end());
}

TEST_F(MailWriterTest, NonAsciiSubjectIsEncoded) {
  MailFields fields = Fields();
  fields.subject = "Proben von M\xc3\xbcller";
  Mail mail = ComposeOrDie(fields);
  EXPECT_NE(mail.text.find("\r\nSubject: =?UTF-8?B?UHJvYmVuIHZvbiBNw7xsbGVy?=\r\n"),
            std::string::npos);
}

TEST_F(MailWriterTest, InvalidRecipientsAreDroppedAndListedInRejected) {
  MailFields fields = Fields();
  fields.to = {"abuse@kestrel.example", "a@b.example\r\nBcc: c@d.example", "Abuse@kestrel.example",
               "not a mailbox"};
  Mail mail = ComposeOrDie(fields);
  EXPECT_EQ(mail.recipients, (std::vector<std::string>{"abuse@kestrel.example"}));
  EXPECT_EQ(mail.rejected,
            (std::vector<std::string>{"a@b.example\\r\\nBcc: c@d.example", "not a mailbox"}));
  EXPECT_EQ(mail.text.find("c@d.example"), std::string::npos);
  EXPECT_NE(mail.text.find("\r\nTo: abuse@kestrel.example\r\n"), std::string::npos);
}

TEST_F(MailWriterTest, ComposeMailFailsWithoutAValidRecipient) {
  MailFields fields = Fields();
  fields.to = {"a@b.example, c@d.example", ""};
  auto mail = ComposeMail(fields);
  ASSERT_FALSE(mail.ok());
  EXPECT_EQ(mail.status().code(), core::Status::Code::kInvalidArgument);
  EXPECT_NE(mail.status().message().find("a@b.example, c@d.example"), std::string::npos)
      << mail.status().message();
  fields.to.clear();
  EXPECT_FALSE(ComposeMail(fields).ok());
}

TEST_F(MailWriterTest, ComposeMailFailsWithABadFrom) {
  MailFields fields = Fields();
  for (const char* from :
       {"", "not a mailbox", "a@b.example\r\nBcc: c@d.example", "Reports <a@b.example>"}) {
    fields.from = from;
    auto mail = ComposeMail(fields);
    ASSERT_FALSE(mail.ok()) << from;
    EXPECT_EQ(mail.status().code(), core::Status::Code::kInvalidArgument);
  }
}

TEST_F(MailWriterTest, BodyLinesAreCutTo998BytesWithoutLosingText) {
  MailFields fields = Fields();
  fields.body = std::string(2500, 'a') + "\n" + std::string(997, 'b') + "\xc3\xbc" + "end\n";
  std::string body = BodyOf(ComposeOrDie(fields).text);
  std::vector<std::string> lines = Lines(body);
  ASSERT_EQ(lines.size(), 5u);
  for (const std::string& line : lines) EXPECT_LE(line.size(), 998u);
  EXPECT_EQ(lines[0], std::string(998, 'a'));
  EXPECT_EQ(lines[1], std::string(998, 'a'));
  EXPECT_EQ(lines[2], std::string(504, 'a'));
  // A character that does not fit is moved whole to the next line.
  EXPECT_EQ(lines[3], std::string(997, 'b'));
  EXPECT_EQ(lines[4],
            "\xc3\xbc"
            "end");
}

TEST_F(MailWriterTest, InvalidUtf8AndControlsInTheBodyBecomeQuestionMarks) {
  MailFields fields = Fields();
  fields.body = std::string("bad \xff\xfe byte, cut \xe2\x82, nul ") + std::string(1, '\0') +
                " bell \x07 tab\tok \xe2\x82\xac";
  std::string body = BodyOf(ComposeOrDie(fields).text);
  EXPECT_EQ(body, "bad ?? byte, cut ??, nul ? bell ? tab\tok \xe2\x82\xac\r\n");
}

TEST_F(MailWriterTest, ReportMessageIdIsStableAndDiffersPerContactAndWindow) {
  std::string id = ReportMessageId("abuse@kestrel.example", kT0, "reports@lab.example");
  EXPECT_EQ(id, ReportMessageId("abuse@kestrel.example", kT0, "reports@lab.example"));
  EXPECT_NE(id, ReportMessageId("noc@kestrel.example", kT0, "reports@lab.example"));
  EXPECT_NE(id, ReportMessageId("abuse@kestrel.example", kT0 + 1, "reports@lab.example"));
  ASSERT_EQ(id.size(), std::string("<af-0123456789abcdef@lab.example>").size()) << id;
  EXPECT_EQ(id.rfind("<af-", 0), 0u) << id;
  EXPECT_EQ(id.substr(20), "@lab.example>") << id;
  EXPECT_EQ(id.substr(4, 16).find_first_not_of("0123456789abcdef"), std::string::npos) << id;
  std::string no_domain = ReportMessageId("abuse@kestrel.example", kT0, "reports");
  EXPECT_EQ(no_domain.substr(no_domain.size() - 11), "@localhost>") << no_domain;
  EXPECT_EQ(no_domain.substr(0, 20), id.substr(0, 20));
}

TEST_F(MailWriterTest, PartsOfASplitReportGetTheirOwnIdAndFileName) {
  const std::string whole = ReportMessageId("abuse@kestrel.example", kT0, "reports@lab.example");
  EXPECT_EQ(ReportMessageId("abuse@kestrel.example", kT0, "reports@lab.example", 1), whole);
  const std::string second = ReportMessageId("abuse@kestrel.example", kT0, "reports@lab.example", 2);
  EXPECT_NE(second, whole);
  EXPECT_NE(second, ReportMessageId("abuse@kestrel.example", kT0, "reports@lab.example", 3));
  MailFields fields = Fields();
  fields.part = 2;
  Mail mail = ComposeOrDie(fields);
  EXPECT_EQ(mail.message_id, ReportMessageId(fields.contact, kT0, fields.from, 2));
  EXPECT_EQ(OutboxFileName(mail), "20010918T131244Z-abuse@kestrel.example-part2.eml");
}

TEST_F(MailWriterTest, PerKindReportsGetTheirOwnIdAndFileName) {
  const std::string whole = ReportMessageId("abuse@kestrel.example", kT0, "reports@lab.example");
  EXPECT_EQ(ReportMessageId("abuse@kestrel.example", kT0, "reports@lab.example", 1, ""), whole);
  const std::string worm =
      ReportMessageId("abuse@kestrel.example", kT0, "reports@lab.example", 1, "worm");
  EXPECT_NE(worm, whole);
  EXPECT_NE(worm, ReportMessageId("abuse@kestrel.example", kT0, "reports@lab.example", 1, "scan"));
  MailFields fields = Fields();
  fields.kind = "brute_force";
  fields.part = 2;
  Mail mail = ComposeOrDie(fields);
  EXPECT_EQ(mail.kind, "brute_force");
  EXPECT_EQ(mail.message_id, ReportMessageId(fields.contact, kT0, fields.from, 2, "brute_force"));
  EXPECT_EQ(OutboxFileName(mail), "20010918T131244Z-abuse@kestrel.example-brute_force-part2.eml");
  mail.kind = "a/b";
  mail.part = 1;
  EXPECT_EQ(OutboxFileName(mail), "20010918T131244Z-abuse@kestrel.example-a_b.eml");
}

TEST_F(MailWriterTest, OutboxFileNameIsWindowStartThenContact) {
  Mail mail;
  mail.window_start_us = kT0;
  mail.contact = "abuse@kestrel.example";
  EXPECT_EQ(OutboxFileName(mail), "20010918T131244Z-abuse@kestrel.example.eml");
  mail.contact = "../a b/c+d_e-f@x.example";
  EXPECT_EQ(OutboxFileName(mail), "20010918T131244Z-.._a_b_c+d_e-f@x.example.eml");
  mail.contact = "";
  EXPECT_EQ(OutboxFileName(mail), "20010918T131244Z-unknown.eml");
  mail.contact = std::string(200, 'x');
  EXPECT_EQ(OutboxFileName(mail), "20010918T131244Z-" + std::string(128, 'x') + ".eml");
}

TEST_F(MailWriterTest, WriteToOutboxCreatesTheFolderAndWritesAtomically) {
  Mail mail = ComposeOrDie(Fields());
  fs::path outbox = dir_ / "nested" / "outbox";
  auto path = WriteToOutbox(outbox.string(), mail);
  ASSERT_TRUE(path.ok()) << path.status().ToString();
  EXPECT_EQ(*path, (outbox / "20010918T131244Z-abuse@kestrel.example.eml").string());
  EXPECT_EQ(Read(*path), mail.text);
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(outbox)) names.push_back(e.path().filename());
  // No temporary file is left beside it.
  EXPECT_EQ(names, (std::vector<std::string>{"20010918T131244Z-abuse@kestrel.example.eml"}));
}

TEST_F(MailWriterTest, WritingTheSameMessageIdAgainReplacesTheFile) {
  Mail mail = ComposeOrDie(Fields());
  auto first = WriteToOutbox(dir_.string(), mail);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  MailFields fields = Fields();
  fields.body = "re-rendered\n";
  Mail again = ComposeOrDie(fields);
  ASSERT_EQ(again.message_id, mail.message_id);
  auto second = WriteToOutbox(dir_.string(), again);
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(*second, *first);
  EXPECT_EQ(Read(*second), again.text);
  EXPECT_EQ(Listing(), (std::vector<std::string>{"20010918T131244Z-abuse@kestrel.example.eml"}));
}

TEST_F(MailWriterTest, ADifferentMessageIdUnderTheSameNameGetsANumberedName) {
  Mail mail = ComposeOrDie(Fields());
  MailFields other_fields = Fields();
  other_fields.from = "reports@other.example";  // another Message-ID domain
  Mail other = ComposeOrDie(other_fields);
  ASSERT_NE(other.message_id, mail.message_id);
  ASSERT_EQ(OutboxFileName(other), OutboxFileName(mail));

  auto first = WriteToOutbox(dir_.string(), mail);
  auto second = WriteToOutbox(dir_.string(), other);
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_EQ(*second, (dir_ / "20010918T131244Z-abuse@kestrel.example-2.eml").string());
  EXPECT_EQ(Read(*first), mail.text);
  EXPECT_EQ(Read(*second), other.text);
  // Each mail written again finds its own file.
  auto third = WriteToOutbox(dir_.string(), other);
  ASSERT_TRUE(third.ok());
  EXPECT_EQ(*third, *second);
  EXPECT_EQ(Listing(), (std::vector<std::string>{"20010918T131244Z-abuse@kestrel.example-2.eml",
                                                 "20010918T131244Z-abuse@kestrel.example.eml"}));
}

TEST_F(MailWriterTest, UnwritableOutboxIsIoErrorNamingThePath) {
  fs::create_directories(dir_);
  fs::path file = dir_ / "a-file";
  std::ofstream(file) << "not a folder";
  std::string outbox = (file / "outbox").string();
  auto path = WriteToOutbox(outbox, ComposeOrDie(Fields()));
  ASSERT_FALSE(path.ok());
  EXPECT_EQ(path.status().code(), core::Status::Code::kIoError);
  EXPECT_NE(path.status().message().find(outbox), std::string::npos) << path.status().message();
}

TEST_F(MailWriterTest, MailWithoutRecipientsIsNotWritten) {
  Mail mail = ComposeOrDie(Fields());
  mail.recipients.clear();
  auto path = WriteToOutbox(dir_.string(), mail);
  ASSERT_FALSE(path.ok());
  EXPECT_EQ(path.status().code(), core::Status::Code::kInvalidArgument);
  EXPECT_FALSE(fs::exists(dir_));
}

}  // namespace
}  // namespace abuseflow::notify
