#include "enrich/never_mail.h"

#include <gtest/gtest.h>

namespace abuseflow::enrich {
namespace {

TEST(NeverMailTest, BlocksListedMailboxesAndWholeDomainsIgnoringCase) {
  NeverMail never({"abuse@catchall.example", "@deadbox.example"});
  EXPECT_TRUE(never.Blocks("abuse@catchall.example"));
  EXPECT_TRUE(never.Blocks("Abuse@CatchAll.Example"));
  EXPECT_TRUE(never.Blocks("anyone@deadbox.example"));
  EXPECT_FALSE(never.Blocks("noc@catchall.example"));
  EXPECT_FALSE(never.Blocks("abuse@sub.deadbox.example"));
  EXPECT_FALSE(never.Blocks("abuse@example.net"));
}

TEST(NeverMailTest, ApplyRemovesListedMailboxesKeepingTheOrder) {
  NeverMail never({"abuse@catchall.example", "@deadbox.example"});
  v1::OwnerRecord record;
  for (const char* m : {"a@deadbox.example", "first@example.net", "abuse@catchall.example",
                        "second@example.net"}) {
    record.add_abuse(m);
  }
  EXPECT_EQ(never.Apply(&record), 2);
  ASSERT_EQ(record.abuse_size(), 2);
  EXPECT_EQ(record.abuse(0), "first@example.net");
  EXPECT_EQ(record.abuse(1), "second@example.net");
}

TEST(NeverMailTest, ApplyRemovesListedUpstreamMailboxesToo) {
  NeverMail never({"@deadbox.example"});
  v1::OwnerRecord record;
  record.add_abuse("own@example.net");
  record.add_upstream_abuse("up@deadbox.example");
  record.add_upstream_abuse("up@example.org");
  EXPECT_EQ(never.Apply(&record), 1);
  ASSERT_EQ(record.upstream_abuse_size(), 1);
  EXPECT_EQ(record.upstream_abuse(0), "up@example.org");
  EXPECT_EQ(record.abuse_size(), 1);
}

TEST(NeverMailTest, AnOwnerLeftWithoutMailboxesStaysResolved) {
  NeverMail never({"@deadbox.example"});
  v1::OwnerRecord record;
  record.set_owner("Dead Box Ltd");
  record.add_abuse("abuse@deadbox.example");
  EXPECT_EQ(never.Apply(&record), 1);
  EXPECT_EQ(record.abuse_size(), 0);
  EXPECT_FALSE(record.unresolved());
  EXPECT_EQ(record.owner(), "Dead Box Ltd");
}

TEST(NeverMailTest, EmptyListChangesNothing) {
  NeverMail never;
  EXPECT_TRUE(never.empty());
  v1::OwnerRecord record;
  record.add_abuse("abuse@example.net");
  EXPECT_EQ(never.Apply(&record), 0);
  EXPECT_EQ(record.abuse_size(), 1);
}

}  // namespace
}  // namespace abuseflow::enrich
