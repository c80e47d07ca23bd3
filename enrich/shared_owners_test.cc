#include "enrich/shared_owners.h"

#include <gtest/gtest.h>

#include "core/enriched_owner.h"

namespace abuseflow::enrich {
namespace {

v1::ProbeEvent Event(int n) {
  v1::ProbeEvent e;
  e.set_src(std::string("\xC6\x12\x00", 3) + static_cast<char>(n));
  e.set_signature("code-red-" + std::to_string(n));
  return e;
}

v1::OwnerRecord Owner(const char* name) {
  v1::OwnerRecord r;
  r.set_owner(name);
  r.add_abuse(std::string("abuse@") + name + ".example");
  return r;
}

TEST(SharedOwnersTest, EventsOfOneCachedRecordShareOneCopy) {
  const v1::OwnerRecord kestrel = Owner("kestrel"), heron = Owner("heron");
  v1::EnrichedBatch batch;
  SharedOwners builder(&batch);
  v1::OwnerRecord own;
  builder.Add(Event(1), &kestrel, &own, 7);
  builder.Add(Event(2), &heron, &own, 7);
  builder.Add(Event(3), &kestrel, &own, 7);
  ASSERT_EQ(batch.owners_size(), 2);
  ASSERT_EQ(batch.events_size(), 3);
  const char* want[] = {"kestrel", "heron", "kestrel"};
  for (int i = 0; i < 3; ++i) {
    const v1::OwnerRecord* owner = core::OwnerOf(batch, batch.events(i));
    ASSERT_NE(owner, nullptr);
    EXPECT_EQ(owner->owner(), want[i]);
    EXPECT_FALSE(batch.events(i).has_owner());
    EXPECT_EQ(batch.events(i).event().signature(), "code-red-" + std::to_string(i + 1));
  }
  EXPECT_EQ(batch.events(0).owner_ref(), batch.events(2).owner_ref());
}

TEST(SharedOwnersTest, AnEventsOwnRecordTravelsWithIt) {
  const v1::OwnerRecord kestrel = Owner("kestrel");
  v1::EnrichedBatch batch;
  SharedOwners builder(&batch);
  v1::OwnerRecord own = Owner("liaison");
  builder.Add(Event(1), &own, &own, 1);
  builder.Add(Event(2), &kestrel, &own, 1);
  ASSERT_EQ(batch.owners_size(), 1);
  EXPECT_EQ(batch.events(0).owner_ref(), 0u);
  EXPECT_EQ(core::OwnerOf(batch, batch.events(0))->owner(), "liaison");
  EXPECT_EQ(core::OwnerOf(batch, batch.events(1))->owner(), "kestrel");
}

// A record pointer from before the cache changed may name another record
// now: the builder copies it again instead of trusting the old copy.
TEST(SharedOwnersTest, ANewCacheGenerationCopiesTheRecordAgain) {
  v1::OwnerRecord slot = Owner("kestrel");
  v1::EnrichedBatch batch;
  SharedOwners builder(&batch);
  v1::OwnerRecord own;
  builder.Add(Event(1), &slot, &own, 1);
  slot = Owner("heron");  // the same address, another record
  builder.Add(Event(2), &slot, &own, 2);
  builder.Add(Event(3), &slot, &own, 2);
  ASSERT_EQ(batch.owners_size(), 2);
  EXPECT_EQ(core::OwnerOf(batch, batch.events(0))->owner(), "kestrel");
  EXPECT_EQ(core::OwnerOf(batch, batch.events(1))->owner(), "heron");
  EXPECT_EQ(core::OwnerOf(batch, batch.events(2))->owner(), "heron");
}

TEST(SharedOwnersTest, AReferencePastTheOwnersIsNoOwner) {
  v1::EnrichedBatch batch;
  *batch.add_owners() = Owner("kestrel");
  v1::EnrichedEvent* e = batch.add_events();
  e->set_owner_ref(2);
  EXPECT_EQ(core::OwnerOf(batch, *e), nullptr);
  e->set_owner_ref(1);
  EXPECT_EQ(core::OwnerOf(batch, *e)->owner(), "kestrel");
}

}  // namespace
}  // namespace abuseflow::enrich
