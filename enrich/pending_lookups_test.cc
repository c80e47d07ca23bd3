#include "enrich/pending_lookups.h"

#include <gtest/gtest.h>

namespace abuseflow::enrich {
namespace {

WaitingEvent Event(const std::string& address, const std::string& origin, int64_t deadline_us) {
  WaitingEvent e;
  e.address = *core::IpAddress::Parse(address);
  e.key = "q/" + address;
  e.pending.set_cause_origin(origin);
  e.pending.set_deadline_us(deadline_us);
  e.pending.mutable_event()->set_src(e.address.ToBytes());
  return e;
}

TEST(PendingLookupsTest, OneLookupPerGroupHoweverManyEventsWait) {
  PendingLookups p({});
  auto first = p.Add(Event("192.0.2.1", "s", 100));
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->group.ToString(), "192.0.2.0/24");
  EXPECT_EQ(first->address.ToString(), "192.0.2.1");
  EXPECT_FALSE(p.Add(Event("192.0.2.200", "s", 100)).has_value());
  EXPECT_FALSE(p.Add(Event("192.0.2.1", "t", 100)).has_value());
  auto other = p.Add(Event("198.51.100.7", "s", 100));
  ASSERT_TRUE(other.has_value());
  EXPECT_EQ(p.size(), 4u);
  EXPECT_EQ(p.groups(), 2u);
  EXPECT_EQ(p.WaitingOf("s"), 3u);
  EXPECT_EQ(p.WaitingOf("t"), 1u);

  std::vector<WaitingEvent> answered = p.Take(first->group);
  EXPECT_EQ(answered.size(), 3u);
  EXPECT_EQ(p.size(), 1u);
  EXPECT_EQ(p.WaitingOf("t"), 0u);
  // An event the answer did not cover comes back and starts the next lookup.
  auto next = p.Add(std::move(answered[1]));
  ASSERT_TRUE(next.has_value());
  EXPECT_EQ(next->address.ToString(), "192.0.2.200");
}

TEST(PendingLookupsTest, GroupsOfOneWaveTakeTurnsSoOneAnswerCanServeThemAll) {
  PendingLookups p({});
  auto first = p.Add(Event("8.18.1.1", "s", 100));
  ASSERT_TRUE(first.has_value());
  EXPECT_FALSE(p.Add(Event("8.18.2.3", "s", 100)).has_value()) << "same /16: waits for the first answer";
  EXPECT_TRUE(p.Add(Event("8.19.0.1", "s", 100)).has_value()) << "another /16 goes at once";
  EXPECT_TRUE(p.Due(0).empty());
  p.Take(first->group);
  std::vector<PendingLookups::Ask> due = p.Due(0);
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].group.ToString(), "8.18.2.0/24");
  // A failed lookup gives the wave to the next group while it backs off.
  EXPECT_FALSE(p.Add(Event("8.18.3.3", "s", 100)).has_value());
  p.Failed(due[0].group, 0);
  due = p.Due(0);
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].group.ToString(), "8.18.3.0/24");
  EXPECT_EQ(p.retries(), 0u);
}

TEST(PendingLookupsTest, FailedLookupIsRetriedAfterADoublingBackoff) {
  PendingLookups p({/*retry_min_us=*/1000, /*retry_max_us=*/3000});
  auto ask = p.Add(Event("2001:db8::1", "s", 1000000));
  ASSERT_TRUE(ask.has_value());
  EXPECT_EQ(ask->group.ToString(), "2001:db8::/48");
  EXPECT_TRUE(p.Due(0).empty());  // in flight: nothing to start
  p.Failed(ask->group, 10000);
  EXPECT_TRUE(p.Due(10999).empty());
  ASSERT_EQ(p.Due(11000).size(), 1u);
  EXPECT_TRUE(p.Due(50000).empty());  // in flight again
  p.Failed(ask->group, 20000);
  EXPECT_TRUE(p.Due(21999).empty());
  EXPECT_EQ(p.Due(22000).size(), 1u);
  p.Failed(ask->group, 30000);
  p.Failed(ask->group, 30000);  // capped at retry_max
  EXPECT_EQ(p.Due(33000).size(), 1u);
  p.Failed(ask->group, 40000, /*hint_us=*/2500);
  EXPECT_TRUE(p.Due(42499).empty());
  EXPECT_EQ(p.retries(), 3u);
}

TEST(PendingLookupsTest, EventsPastTheirDeadlineLeaveAndTheirGroupWithThem) {
  PendingLookups p({});
  auto ask = p.Add(Event("192.0.2.1", "s", 100));
  p.Add(Event("192.0.2.2", "s", 500));
  std::vector<WaitingEvent> late = p.Expired(200);
  ASSERT_EQ(late.size(), 1u);
  EXPECT_EQ(late[0].address.ToString(), "192.0.2.1");
  EXPECT_EQ(p.size(), 1u);
  EXPECT_EQ(p.Expired(600).size(), 1u);
  EXPECT_EQ(p.size(), 0u);
  EXPECT_EQ(p.groups(), 0u);
  EXPECT_TRUE(p.Take(ask->group).empty());  // the lookup's late answer finds nothing
  EXPECT_EQ(p.WaitingOf("s"), 0u);
}

}  // namespace
}  // namespace abuseflow::enrich
