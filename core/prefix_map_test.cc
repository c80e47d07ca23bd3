#include "core/prefix_map.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <string>
#include <vector>

namespace abuseflow::core {
namespace {

IpPrefix P(const char* text) {
  auto p = IpPrefix::Parse(text);
  EXPECT_TRUE(p) << text;
  return p.value_or(IpPrefix());
}

IpAddress A(const char* text) {
  auto a = IpAddress::Parse(text);
  EXPECT_TRUE(a) << text;
  return a.value_or(IpAddress());
}

// The value of the longest match, or "-" when nothing matches.
std::string Get(const PrefixMap<std::string>& map, const char* address) {
  const std::string* v = map.Lookup(A(address));
  return v ? *v : "-";
}

TEST(PrefixMapTest, EmptyMapMatchesNothing) {
  PrefixMap<int> map;
  EXPECT_EQ(map.Lookup(A("192.0.2.1")), nullptr);
  EXPECT_EQ(map.Lookup(A("2001:db8::1")), nullptr);
  EXPECT_EQ(map.Find(P("192.0.2.0/24")), nullptr);
  EXPECT_FALSE(map.Erase(P("192.0.2.0/24")));
  EXPECT_EQ(map.size(), 0u);
}

TEST(PrefixMapTest, MostSpecificOfNestedPrefixesWins) {
  PrefixMap<std::string> map;
  map.Insert(P("198.18.0.0/15"), "outer");
  map.Insert(P("198.18.4.0/22"), "middle");
  map.Insert(P("198.18.5.0/24"), "inner");
  EXPECT_EQ(Get(map, "198.18.5.77"), "inner");
  EXPECT_EQ(Get(map, "198.18.6.1"), "middle");
  EXPECT_EQ(Get(map, "198.19.255.255"), "outer");
  EXPECT_EQ(Get(map, "198.20.0.0"), "-");
  IpPrefix matched;
  ASSERT_NE(map.Lookup(A("198.18.7.9"), &matched), nullptr);
  EXPECT_EQ(matched.ToString(), "198.18.4.0/22");
}

TEST(PrefixMapTest, InsertReplacesAndFindIsExact) {
  PrefixMap<std::string> map;
  map.Insert(P("203.0.113.0/24"), "first");
  map.Insert(P("203.0.113.0/24"), "second");
  EXPECT_EQ(map.size(), 1u);
  EXPECT_EQ(Get(map, "203.0.113.9"), "second");
  EXPECT_EQ(map.Find(P("203.0.113.0/25")), nullptr);
  EXPECT_EQ(map.Find(P("203.0.112.0/23")), nullptr);
  ASSERT_NE(map.Find(P("203.0.113.0/24")), nullptr);
  EXPECT_EQ(*map.Find(P("203.0.113.0/24")), "second");
}

TEST(PrefixMapTest, FamiliesAreSeparate) {
  PrefixMap<std::string> map;
  map.Insert(P("0.0.0.0/0"), "v4 default");
  EXPECT_EQ(Get(map, "2001:db8::1"), "-");
  EXPECT_EQ(Get(map, "::"), "-");
  map.Insert(P("::/0"), "v6 default");
  map.Insert(P("::/96"), "v6 low");
  EXPECT_EQ(Get(map, "0.0.0.1"), "v4 default");
  EXPECT_EQ(Get(map, "::1"), "v6 low");
  EXPECT_EQ(Get(map, "::ffff:192.0.2.1"), "v6 default");
  EXPECT_EQ(*map.Find(P("0.0.0.0/0")), "v4 default");
  EXPECT_EQ(*map.Find(P("::/0")), "v6 default");
  EXPECT_TRUE(map.Erase(P("::/0")));
  EXPECT_EQ(Get(map, "2001:db8::1"), "-");
  EXPECT_EQ(Get(map, "100.64.0.1"), "v4 default");
}

TEST(PrefixMapTest, ZeroAndFullLengthPrefixes) {
  PrefixMap<std::string> map;
  map.Insert(P("0.0.0.0/0"), "all v4");
  map.Insert(P("192.0.2.7/32"), "host v4");
  map.Insert(P("255.255.255.255/32"), "broadcast");
  map.Insert(P("2001:db8::7/128"), "host v6");
  map.Insert(P("2001:db8::/32"), "doc v6");
  EXPECT_EQ(Get(map, "192.0.2.7"), "host v4");
  EXPECT_EQ(Get(map, "192.0.2.8"), "all v4");
  EXPECT_EQ(Get(map, "255.255.255.255"), "broadcast");
  EXPECT_EQ(Get(map, "0.0.0.0"), "all v4");
  EXPECT_EQ(Get(map, "2001:db8::7"), "host v6");
  EXPECT_EQ(Get(map, "2001:db8::6"), "doc v6");
  EXPECT_EQ(Get(map, "2001:db9::7"), "-");
  map.Insert(P("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128"), "last v6");
  EXPECT_EQ(Get(map, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"), "last v6");
  EXPECT_EQ(Get(map, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe"), "-");
}

TEST(PrefixMapTest, EraseUncoversTheShorterPrefix) {
  PrefixMap<std::string> map;
  map.Insert(P("100.64.0.0/10"), "cgn");
  map.Insert(P("100.64.1.0/24"), "customer");
  map.Insert(P("2001:db8:1::/48"), "site");
  EXPECT_EQ(Get(map, "100.64.1.1"), "customer");
  EXPECT_TRUE(map.Erase(P("100.64.1.0/24")));
  EXPECT_FALSE(map.Erase(P("100.64.1.0/24")));
  EXPECT_EQ(Get(map, "100.64.1.1"), "cgn");
  EXPECT_EQ(map.size(), 2u);
  // The entry moved into the erased one's place is still found.
  EXPECT_EQ(Get(map, "2001:db8:1::5"), "site");
  EXPECT_TRUE(map.Erase(P("100.64.0.0/10")));
  EXPECT_EQ(Get(map, "100.64.1.1"), "-");
  map.Clear();
  EXPECT_TRUE(map.empty());
  EXPECT_EQ(Get(map, "2001:db8:1::5"), "-");
}

TEST(PrefixMapTest, ForEachVisitsEveryEntryOnce) {
  PrefixMap<int> map;
  map.Insert(P("192.0.2.0/24"), 1);
  map.Insert(P("198.51.100.0/24"), 2);
  map.Insert(P("2001:db8::/32"), 3);
  map.Erase(P("198.51.100.0/24"));
  std::map<std::string, int> seen;
  map.ForEach([&](const IpPrefix& p, const int& v) { seen[p.ToString()] += v; });
  EXPECT_EQ(seen, (std::map<std::string, int>{{"192.0.2.0/24", 1}, {"2001:db8::/32", 3}}));
}

// The IPv4 directory per /16: prefixes of length <= 16 cover whole /16s,
// longer ones set a length bit in the one /16 they lie in.
TEST(PrefixMapTest, DirectoryBoundariesAtSlash16) {
  PrefixMap<std::string> map;
  map.Insert(P("0.0.0.0/0"), "all");
  map.Insert(P("10.0.0.0/8"), "ten");
  map.Insert(P("10.1.0.0/16"), "ten-one");
  map.Insert(P("10.1.0.0/17"), "low half");
  map.Insert(P("10.2.128.0/17"), "high half");
  EXPECT_EQ(Get(map, "10.1.0.1"), "low half");
  EXPECT_EQ(Get(map, "10.1.128.1"), "ten-one");
  EXPECT_EQ(Get(map, "10.2.128.1"), "high half");
  EXPECT_EQ(Get(map, "10.2.127.255"), "ten");
  EXPECT_EQ(Get(map, "10.0.255.255"), "ten");
  EXPECT_EQ(Get(map, "11.0.0.0"), "all");
  EXPECT_EQ(Get(map, "9.255.255.255"), "all");
  // A shorter prefix inserted later does not hide the longer short ones.
  map.Insert(P("10.0.0.0/7"), "seven");
  EXPECT_EQ(Get(map, "10.1.128.1"), "ten-one");
  EXPECT_EQ(Get(map, "11.0.0.1"), "seven");
  // Erasing the /16 uncovers the /8, erasing the /8 uncovers the /7, then /0.
  EXPECT_TRUE(map.Erase(P("10.1.0.0/16")));
  EXPECT_EQ(Get(map, "10.1.128.1"), "ten");
  EXPECT_EQ(Get(map, "10.1.0.1"), "low half");
  EXPECT_TRUE(map.Erase(P("10.0.0.0/8")));
  EXPECT_EQ(Get(map, "10.1.128.1"), "seven");
  EXPECT_TRUE(map.Erase(P("10.0.0.0/7")));
  EXPECT_EQ(Get(map, "10.1.128.1"), "all");
  EXPECT_TRUE(map.Erase(P("0.0.0.0/0")));
  EXPECT_EQ(Get(map, "10.1.128.1"), "-");
  EXPECT_EQ(Get(map, "10.1.0.1"), "low half");
}

TEST(PrefixMapTest, ErasingTheLastPrefixOfALengthInsideASlash16) {
  PrefixMap<std::string> map;
  map.Insert(P("192.0.0.0/16"), "block");
  map.Insert(P("192.0.2.0/24"), "a");
  map.Insert(P("192.0.3.0/24"), "b");
  map.Insert(P("192.1.2.0/24"), "other /16");
  EXPECT_TRUE(map.Erase(P("192.0.2.0/24")));
  EXPECT_EQ(Get(map, "192.0.2.1"), "block");
  EXPECT_EQ(Get(map, "192.0.3.1"), "b");
  EXPECT_TRUE(map.Erase(P("192.0.3.0/24")));  // the last /24 in 192.0/16
  EXPECT_EQ(Get(map, "192.0.3.1"), "block");
  EXPECT_EQ(Get(map, "192.1.2.1"), "other /16");
  map.Insert(P("192.0.3.0/24"), "b again");
  EXPECT_EQ(Get(map, "192.0.3.1"), "b again");
  map.Clear();
  EXPECT_EQ(Get(map, "192.0.3.1"), "-");
  map.Insert(P("192.0.3.7/32"), "host");
  EXPECT_EQ(Get(map, "192.0.3.7"), "host");
  EXPECT_EQ(Get(map, "192.0.3.6"), "-");
}

// Every /32 of one /16: the directory's count for that length saturates;
// answers stay exact as they are inserted and erased again.
TEST(PrefixMapTest, EveryHostOfASlash16) {
  PrefixMap<uint32_t> map;
  map.Insert(P("10.9.0.0/16"), 1u << 16);
  for (uint32_t i = 0; i < (1u << 16); ++i) map.Insert(IpPrefix(IpAddress::V4(0x0A090000u | i), 32), i);
  EXPECT_EQ(*map.Lookup(A("10.9.255.255")), 0xFFFFu);
  EXPECT_EQ(*map.Lookup(A("10.9.0.0")), 0u);
  for (uint32_t i = 0; i < (1u << 16); i += 2) EXPECT_TRUE(map.Erase(IpPrefix(IpAddress::V4(0x0A090000u | i), 32)));
  EXPECT_EQ(*map.Lookup(A("10.9.0.1")), 1u);
  EXPECT_EQ(*map.Lookup(A("10.9.0.2")), 1u << 16);
  EXPECT_EQ(map.size(), (1u << 15) + 1);
}

// Erase moves the last entry into the hole; a short prefix moved so must
// still be found through the directory.
TEST(PrefixMapTest, ShortPrefixMovedByEraseIsStillFound) {
  PrefixMap<std::string> map;
  map.Insert(P("198.51.100.0/24"), "first");
  map.Insert(P("0.0.0.0/0"), "all");
  map.Insert(P("203.0.113.0/24"), "third");
  map.Insert(P("172.16.0.0/12"), "private");
  EXPECT_TRUE(map.Erase(P("198.51.100.0/24")));  // "private" moves to 0
  EXPECT_EQ(Get(map, "172.20.1.1"), "private");
  EXPECT_TRUE(map.Erase(P("172.16.0.0/12")));
  EXPECT_EQ(Get(map, "172.20.1.1"), "all");
  EXPECT_EQ(Get(map, "203.0.113.1"), "third");
}

// The IPv6 directory per /32: lengths above 32 are probed only inside their
// own /32; shorter ones are found from every /32.
TEST(PrefixMapTest, DirectoryBoundariesAtSlash32V6) {
  PrefixMap<std::string> map;
  map.Insert(P("::/0"), "all");
  map.Insert(P("2001:db8::/32"), "doc");
  map.Insert(P("2001:db8:1::/48"), "site");
  map.Insert(P("2001:db9:1::/48"), "next site");
  EXPECT_EQ(Get(map, "2001:db8:1::1"), "site");
  EXPECT_EQ(Get(map, "2001:db8:2::1"), "doc");
  EXPECT_EQ(Get(map, "2001:db9:1::1"), "next site");
  EXPECT_EQ(Get(map, "2001:db9:2::1"), "all");
  EXPECT_TRUE(map.Erase(P("2001:db8:1::/48")));  // the last /48 in 2001:db8::/32
  EXPECT_EQ(Get(map, "2001:db8:1::1"), "doc");
  EXPECT_EQ(Get(map, "2001:db9:1::1"), "next site");
  EXPECT_TRUE(map.Erase(P("2001:db9:1::/48")));
  EXPECT_EQ(Get(map, "2001:db9:1::1"), "all");
  map.Insert(P("2001:db9:1::1/128"), "host");
  EXPECT_EQ(Get(map, "2001:db9:1::1"), "host");
  EXPECT_EQ(Get(map, "2001:db9:1::2"), "all");
}

// Checks `map` against `model` for a random insert, erase or lookup of a
// prefix of `a` with the length `len`.
void RandomStep(PrefixMap<int>& map, std::map<IpPrefix, int>& model, int op, const IpAddress& a, int len,
                int step) {
  IpPrefix p(a, len);
  if (op == 0) {
    map.Insert(p, step);
    model[p] = step;
  } else if (op == 1) {
    ASSERT_EQ(map.Erase(p), model.erase(p) == 1);
  } else {
    const IpPrefix* best = nullptr;
    for (const auto& [q, v] : model) {
      if (q.Contains(a) && (!best || q.length() > best->length())) best = &q;
    }
    IpPrefix matched;
    const int* got = map.Lookup(a, &matched);
    ASSERT_EQ(got != nullptr, best != nullptr) << a.ToString();
    if (best) {
      EXPECT_EQ(*got, model[*best]);
      EXPECT_EQ(matched, *best);
    }
  }
  ASSERT_EQ(map.size(), model.size());
}

// Brute force over IPv6 prefixes of every length (0..128) in four /32s.
TEST(PrefixMapTest, AgreesWithBruteForceAcrossSlash32sV6) {
  std::mt19937 rng(11);
  PrefixMap<int> map;
  std::map<IpPrefix, int> model;
  for (int step = 0; step < 10000; ++step) {
    std::array<uint8_t, 16> b{0x20, 0x01, 0x0d, static_cast<uint8_t>(0xb8 + (rng() & 3))};
    b[4] = rng() & 0x01;
    b[15] = rng() & 0x03;
    ASSERT_NO_FATAL_FAILURE(
        RandomStep(map, model, static_cast<int>(rng() % 4), IpAddress::V6(b), static_cast<int>(rng() % 129), step));
  }
}

// Brute force over IPv4 prefixes of every length (0..32) in a space of four
// /16s, so that short prefixes cover several directory entries.
TEST(PrefixMapTest, AgreesWithBruteForceAcrossSlash16s) {
  std::mt19937 rng(9);
  PrefixMap<int> map;
  std::map<IpPrefix, int> model;
  for (int step = 0; step < 20000; ++step) {
    IpAddress a = IpAddress::V4(0x0A000000u | ((rng() & 3u) << 16) | (rng() & 0x0F00u) | (rng() & 0x3u));
    ASSERT_NO_FATAL_FAILURE(
        RandomStep(map, model, static_cast<int>(rng() % 4), a, static_cast<int>(rng() % 33), step));
  }
}

// One /16 filled past the number of longer prefixes its range table holds
// (Directory16::kMaxRanged), then emptied again: lookups agree with brute
// force on the way up, while crowded, and on the way down.
TEST(PrefixMapTest, AgreesWithBruteForceThroughACrowdedSlash16) {
  std::mt19937 rng(5);
  PrefixMap<int> map;
  std::map<IpPrefix, int> model;
  map.Insert(P("10.0.0.0/8"), -1);
  model[P("10.0.0.0/8")] = -1;
  auto random_address = [&] { return IpAddress::V4(0x0A070000u | (rng() & 0x0FFFu)); };
  std::vector<IpPrefix> added;
  for (int step = 0; step < 3000; ++step) {
    IpAddress a = random_address();
    if (step % 3 != 2) {
      IpPrefix p(a, 17 + static_cast<int>(rng() % 16));
      added.push_back(p);
      ASSERT_NO_FATAL_FAILURE(RandomStep(map, model, 0, p.address(), p.length(), step));
    }
    ASSERT_NO_FATAL_FAILURE(RandomStep(map, model, 2, random_address(), 32, step));
  }
  ASSERT_GT(model.size(), 2 * prefix_map_internal::Directory16::kMaxRanged);
  std::shuffle(added.begin(), added.end(), rng);
  for (size_t i = 0; i < added.size(); ++i) {
    ASSERT_NO_FATAL_FAILURE(RandomStep(map, model, 1, added[i].address(), added[i].length(), 0));
    ASSERT_NO_FATAL_FAILURE(RandomStep(map, model, 2, random_address(), 32, 0));
    if (i + 10 == added.size()) {
      // Nearly empty again: the /16 gets a range table back only once empty.
      for (int k = 0; k < 200; ++k) ASSERT_NO_FATAL_FAILURE(RandomStep(map, model, 2, random_address(), 32, 0));
    }
  }
  ASSERT_EQ(model.size(), 1u);
  for (int step = 0; step < 200; ++step) {
    IpAddress a = random_address();
    ASSERT_NO_FATAL_FAILURE(RandomStep(map, model, step % 2 == 0 ? 0 : 2, a, 20 + static_cast<int>(rng() % 13), step));
  }
}

// The ranges of one /16: nested and disjoint members, the gaps between them
// uncovered (kNone), equal neighbours merged.
TEST(PrefixMapTest, RangeTableOfNestedMembers) {
  using D = prefix_map_internal::Directory16;
  std::vector<D::Member> members = {{0x0000, 17, 1}, {0x0100, 24, 2}, {0x0180, 25, 3}, {0x8000, 18, 4}, {0xFFFF, 32, 5}};
  auto table = D::BuildRanges(members);
  EXPECT_EQ(D::FindInRanges(table.get(), 0x0000), 1u);
  EXPECT_EQ(D::FindInRanges(table.get(), 0x00FF), 1u);
  EXPECT_EQ(D::FindInRanges(table.get(), 0x0100), 2u);
  EXPECT_EQ(D::FindInRanges(table.get(), 0x017F), 2u);
  EXPECT_EQ(D::FindInRanges(table.get(), 0x0180), 3u);
  EXPECT_EQ(D::FindInRanges(table.get(), 0x01FF), 3u);
  EXPECT_EQ(D::FindInRanges(table.get(), 0x0200), 1u);
  EXPECT_EQ(D::FindInRanges(table.get(), 0x7FFF), 1u);
  EXPECT_EQ(D::FindInRanges(table.get(), 0x8000), 4u);
  EXPECT_EQ(D::FindInRanges(table.get(), 0xBFFF), 4u);
  EXPECT_EQ(D::FindInRanges(table.get(), 0xC000), D::kNone);
  EXPECT_EQ(D::FindInRanges(table.get(), 0xFFFE), D::kNone);
  EXPECT_EQ(D::FindInRanges(table.get(), 0xFFFF), 5u);
  EXPECT_EQ(table[0], 7u);  // 1, 2, 3, 1, 4, none, 5

  std::vector<D::Member> crowded;
  for (uint32_t i = 0; i <= D::kMaxRanged; ++i) crowded.push_back({static_cast<uint16_t>(i), 32, i});
  EXPECT_EQ(D::BuildRanges(crowded), nullptr);  // past kMaxRanged: no table
  crowded.pop_back();
  ASSERT_NE(D::BuildRanges(crowded), nullptr);
  EXPECT_EQ(D::FindInRanges(D::BuildRanges(crowded).get(), 255), 255u);
}

// Compares the map against a brute-force list under random inserts, erases and
// lookups, with prefixes crowded into a small space so that they nest a lot.
TEST(PrefixMapTest, AgreesWithBruteForceUnderRandomOperations) {
  std::mt19937 rng(42);
  PrefixMap<int> map;
  std::map<IpPrefix, int> model;
  auto random_address = [&](bool v4) {
    if (v4) return IpAddress::V4(0xC6120000u | (rng() & 0x3FF));  // 198.18.0.0 - 198.18.3.255
    std::array<uint8_t, 16> b{0x20, 0x01, 0x0d, 0xb8};
    b[15] = rng() & 0xFF;
    b[14] = rng() & 0x03;
    return IpAddress::V6(b);
  };
  for (int step = 0; step < 20000; ++step) {
    bool v4 = rng() % 2 == 0;
    IpAddress a = random_address(v4);
    int op = rng() % 4;
    if (op == 0) {
      IpPrefix p(a, v4 ? 20 + rng() % 13 : 112 + rng() % 17);
      map.Insert(p, step);
      model[p] = step;
    } else if (op == 1) {
      IpPrefix p(a, v4 ? 20 + rng() % 13 : 112 + rng() % 17);
      ASSERT_EQ(map.Erase(p), model.erase(p) == 1);
    } else {
      const IpPrefix* best = nullptr;
      for (const auto& [p, v] : model) {
        if (p.Contains(a) && (!best || p.length() > best->length())) best = &p;
      }
      IpPrefix matched;
      const int* got = map.Lookup(a, &matched);
      ASSERT_EQ(got != nullptr, best != nullptr) << a.ToString();
      if (best) {
        EXPECT_EQ(*got, model[*best]);
        EXPECT_EQ(matched, *best);
      }
    }
    ASSERT_EQ(map.size(), model.size());
  }
}

}  // namespace
}  // namespace abuseflow::core
