#include "core/prefix_map.h"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <string>

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
