#include "core/mailbox.h"

#include <gtest/gtest.h>

namespace abuseflow::core {
namespace {

TEST(MailboxTest, PlainMailboxesAreValid) {
  EXPECT_TRUE(IsValidMailbox("abuse@example.net"));
  EXPECT_TRUE(IsValidMailbox("network-abuse+ip@sub.example.co.uk"));
  EXPECT_TRUE(IsValidMailbox("a.b@x-y.example"));
}

TEST(MailboxTest, AnythingThatCouldSmuggleAHeaderIsInvalid) {
  EXPECT_FALSE(IsValidMailbox("abuse@example.net\r\nBcc: x@evil.example"));
  EXPECT_FALSE(IsValidMailbox("abuse@example.net, other@example.org"));
  EXPECT_FALSE(IsValidMailbox("<abuse@example.net>"));
  EXPECT_FALSE(IsValidMailbox("\"a b\"@example.net"));
  EXPECT_FALSE(IsValidMailbox("abuse@localhost"));
  EXPECT_FALSE(IsValidMailbox("abuse@@example.net"));
  EXPECT_FALSE(IsValidMailbox(".abuse@example.net"));
  EXPECT_FALSE(IsValidMailbox("ab..use@example.net"));
  EXPECT_FALSE(IsValidMailbox("abuse@-example.net"));
  EXPECT_FALSE(IsValidMailbox(std::string("abuse@exa\0mple.net", 18)));
  EXPECT_FALSE(IsValidMailbox("abus\xc3\xa9@example.net"));
  EXPECT_FALSE(IsValidMailbox(std::string(65, 'a') + "@example.net"));
  EXPECT_FALSE(IsValidMailbox(""));
}

TEST(MailboxTest, ExtractTakesOnlyValidWordsOfAField) {
  EXPECT_EQ(ExtractMailboxes("Abuse@Example.NET"), std::vector<std::string>{"Abuse@example.net"});
  EXPECT_EQ(ExtractMailboxes("<abuse@example.net>, noc@example.org; junk"),
            (std::vector<std::string>{"abuse@example.net", "noc@example.org"}));
  EXPECT_EQ(ExtractMailboxes("mailto:abuse@example.net."),
            std::vector<std::string>{"abuse@example.net"});
  EXPECT_EQ(ExtractMailboxes("abuse@example.net\r\nBcc: evil@@x"),
            std::vector<std::string>{"abuse@example.net"});
  EXPECT_TRUE(ExtractMailboxes("not a mailbox \x01\xff").empty());
  EXPECT_EQ(ExtractMailboxes("a@x.net a@x.net A@X.NET").size(), 2u);
}

TEST(MailboxTest, ExtractIsBounded) {
  std::string field;
  for (int i = 0; i < 1000; ++i) field += "u" + std::to_string(i) + "@example.net ";
  EXPECT_EQ(ExtractMailboxes(field, 8).size(), 8u);
}

}  // namespace
}  // namespace abuseflow::core
