// The pure parts of the IMAP reader: URLs, the UIDVALIDITY of an EXAMINE
// answer and the UIDs and sizes of a FETCH answer. (The reader against a
// real server: tests/integration/replies_imap_test.py, dovecot on loopback.)
#include "notify/reply_imap.h"

#include <gtest/gtest.h>

namespace abuseflow::notify {
namespace {

TEST(ReplyImapTest, UrlsGiveServerAndDecodedMailboxWithoutCredentials) {
  auto url = ParseImapUrl("imap://reports@127.0.0.1:1143/Abuse%20Replies;UIDVALIDITY=7");
  ASSERT_TRUE(url.ok());
  EXPECT_EQ(url->server, "imap://127.0.0.1:1143");
  EXPECT_EQ(url->path, "Abuse%20Replies");
  EXPECT_EQ(url->mailbox, "Abuse Replies");
  EXPECT_EQ(url->MailboxUrl(), "imap://127.0.0.1:1143/Abuse%20Replies");
  auto inbox = ParseImapUrl("imaps://mail.example.net");
  ASSERT_TRUE(inbox.ok());
  EXPECT_EQ(inbox->MailboxUrl(), "imaps://mail.example.net/INBOX");
  EXPECT_FALSE(ParseImapUrl("pop3://mail.example.net/INBOX").ok());
  EXPECT_FALSE(ParseImapUrl("imap:///INBOX").ok());
  EXPECT_FALSE(ParseImapUrl("imap://h/IN%0D%0ABOX").ok());  // CRLF would end the command
  EXPECT_FALSE(ParseImapUrl("imap://h/IN%zz").ok());
  EXPECT_FALSE(ParseImapUrl("imap://h/IN%4").ok());
}

TEST(ReplyImapTest, UidValidityIsReadFromTheExamineAnswer) {
  EXPECT_EQ(ParseUidValidity("* FLAGS (\\Answered \\Seen)\r\n* OK [PERMANENTFLAGS ()] x\r\n"
                             "* 3 EXISTS\r\n* OK [UIDVALIDITY 3857529045] UIDs valid\r\n"
                             "* OK [UIDNEXT 4] Predicted next UID\r\n"),
            3857529045u);
  EXPECT_EQ(ParseUidValidity("* ok [uidvalidity 7]\r\n"), 7u);
  EXPECT_FALSE(ParseUidValidity("* 3 EXISTS\r\n").has_value());
  EXPECT_FALSE(ParseUidValidity("* OK [UIDVALIDITY x]\r\n").has_value());
}

TEST(ReplyImapTest, FetchSizesAreInUidOrderAboveTheLastUid) {
  const std::string answer =
      "* 2 FETCH (UID 12 RFC822.SIZE 2048)\r\n"
      "* 1 FETCH (RFC822.SIZE 300 UID 11)\r\n"
      "* 3 FETCH (FLAGS (\\Seen))\r\n"  // no UID: skipped
      "* 3 FETCH (UID 14 RFC822.SIZE 5)\r\n"
      "* 3 FETCH (UID 14 RFC822.SIZE 5)\r\n"  // repeated: once
      "garbage line\r\n";
  std::vector<ImapMessage> all = ParseFetchSizes(answer, 0);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].uid, 11u);
  EXPECT_EQ(all[0].size, 300u);
  EXPECT_EQ(all[1].uid, 12u);
  EXPECT_EQ(all[1].size, 2048u);
  EXPECT_EQ(all[2].uid, 14u);
  // "15:*" answers with the highest message even when its UID is 14.
  EXPECT_TRUE(ParseFetchSizes(answer, 14).empty());
  ASSERT_EQ(ParseFetchSizes(answer, 11).size(), 2u);
}

}  // namespace
}  // namespace abuseflow::notify
