#include "notify/owner_batcher.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <initializer_list>
#include <string>
#include <vector>

#include "core/ip_address.h"
#include "notify/report.h"

namespace abuseflow::notify {
namespace {

constexpr int64_t kWindow = 100;

class OwnerBatcherTest : public ::testing::Test {
 protected:
  static v1::Incident Make(const char* src, std::initializer_list<const char*> abuse, int64_t first,
                           int64_t last, uint64_t count = 1) {
    v1::Incident incident;
    incident.set_src(core::IpAddress::Parse(src)->ToBytes());
    for (const char* mailbox : abuse) incident.mutable_owner()->add_abuse(mailbox);
    incident.mutable_owner()->set_owner("Kestrel Networks");
    incident.mutable_owner()->add_cidrs("198.51.100.0/24");
    incident.set_first_seen_us(first);
    incident.set_last_seen_us(last);
    incident.set_count(count);
    return incident;
  }

  static void AddKind(v1::Incident* incident, v1::Kind kind, const char* signature,
                      uint64_t count) {
    v1::KindCount* k = incident->add_kinds();
    k->set_kind(kind);
    k->set_signature(signature);
    k->set_count(count);
  }

  static void AddSample(v1::Incident* incident, int64_t observed, const char* line) {
    v1::SampleLine* s = incident->add_samples();
    s->set_observed_us(observed);
    s->set_line(line);
    s->set_sensor("www1");
    s->set_tz_name("EDT");
    s->set_utc_offset_minutes(-240);
  }

  static std::vector<std::string> Addresses(const Report& report) {
    std::vector<std::string> out;
    for (const ReportEntry& entry : report.entries) out.push_back(entry.address.ToString());
    return out;
  }

  // Every field of a report as text, so that two reports can be compared whole.
  static std::string Describe(const Report& r) {
    std::string out = r.contact + "|" + std::to_string(r.window_start_us) + "-" +
                      std::to_string(r.window_end_us) + "|n=" + std::to_string(r.incidents);
    for (const std::string& m : r.recipients) out += "|to:" + m;
    for (const OwnerSummary& o : r.owners) {
      out += "|owner:" + o.owner + "," + o.netname + "," + o.country;
      for (const std::string& c : o.cidrs) out += "," + c;
    }
    for (const ReportEntry& e : r.entries) {
      out += "\n" + e.address.ToString() + " " + std::to_string(e.first_seen_us) + "-" +
             std::to_string(e.last_seen_us) + " c=" + std::to_string(e.count) +
             " notice=" + std::to_string(e.notice_number) +
             " incidents=" + std::to_string(e.incidents) + " owner=" + e.owner.owner() + "/" +
             e.owner.netname();
      for (const v1::KindCount& k : e.kinds) {
        out +=
            " k" + std::to_string(k.kind()) + ":" + k.signature() + "=" + std::to_string(k.count());
      }
      for (const v1::SampleLine& s : e.samples) {
        out += " s" + std::to_string(s.observed_us()) + ":" + s.line();
      }
      for (uint32_t p : e.dst_ports) out += " p" + std::to_string(p);
    }
    return out;
  }
};

TEST_F(OwnerBatcherTest, IncidentsOfOneContactInOneWindowBecomeOneReportListingEachAddressOnce) {
  OwnerBatcher batcher(kWindow);
  EXPECT_TRUE(batcher.Add(Make("198.51.100.7", {"abuse@kestrel.example"}, 10, 20, 3)).empty());
  EXPECT_TRUE(batcher.Add(Make("198.51.100.9", {"abuse@kestrel.example"}, 30, 40, 1)).empty());
  EXPECT_TRUE(batcher.Add(Make("198.51.100.7", {"abuse@kestrel.example"}, 50, 60, 2)).empty());
  EXPECT_EQ(batcher.open_reports(), 1u);

  std::vector<Report> reports = batcher.Flush();
  ASSERT_EQ(reports.size(), 1u);
  const Report& report = reports[0];
  EXPECT_EQ(report.contact, "abuse@kestrel.example");
  EXPECT_EQ(report.incidents, 3u);
  EXPECT_EQ(report.window_start_us, 10);
  EXPECT_EQ(report.window_end_us, 10 + kWindow);
  EXPECT_EQ(Addresses(report), (std::vector<std::string>{"198.51.100.7", "198.51.100.9"}));
  const ReportEntry& seven = report.entries[0];
  EXPECT_EQ(seven.incidents, 2u);
  EXPECT_EQ(seven.count, 5u);
  EXPECT_EQ(seven.first_seen_us, 10);
  EXPECT_EQ(seven.last_seen_us, 60);
  EXPECT_EQ(batcher.stats().incidents, 3u);
  EXPECT_EQ(batcher.stats().reports, 1u);
  EXPECT_EQ(batcher.open_reports(), 0u);
}

TEST_F(OwnerBatcherTest, DifferentContactsGetSeparateReports) {
  OwnerBatcher batcher(kWindow);
  (void)batcher.Add(Make("198.51.100.7", {"abuse@kestrel.example"}, 10, 10));
  (void)batcher.Add(Make("203.0.113.5", {"noc@heron.example"}, 20, 20));
  (void)batcher.Add(Make("198.51.100.8", {"abuse@kestrel.example"}, 30, 30));
  EXPECT_EQ(batcher.open_reports(), 2u);

  std::vector<Report> reports = batcher.Flush();
  ASSERT_EQ(reports.size(), 2u);
  EXPECT_EQ(reports[0].contact, "abuse@kestrel.example");
  EXPECT_EQ(Addresses(reports[0]), (std::vector<std::string>{"198.51.100.7", "198.51.100.8"}));
  EXPECT_EQ(reports[1].contact, "noc@heron.example");
  EXPECT_EQ(Addresses(reports[1]), (std::vector<std::string>{"203.0.113.5"}));
}

TEST_F(OwnerBatcherTest, ContactIsTheFirstNonEmptyAbuseMailboxTrimmedAndLowercased) {
  v1::OwnerRecord owner;
  owner.add_abuse("");
  owner.add_abuse("  \t ");
  owner.add_abuse(" Abuse@Kestrel.EXAMPLE\t");
  owner.add_abuse("noc@kestrel.example");
  EXPECT_EQ(ContactOf(owner), "abuse@kestrel.example");
  EXPECT_EQ(ContactOf(v1::OwnerRecord()), "");

  OwnerBatcher batcher(kWindow);
  (void)batcher.Add(Make("198.51.100.7", {"ABUSE@Kestrel.example"}, 10, 10));
  (void)batcher.Add(Make("198.51.100.8", {"abuse@kestrel.example", "other@x.example"}, 20, 20));
  EXPECT_EQ(batcher.open_reports(), 1u);
  std::vector<Report> reports = batcher.Flush();
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_EQ(reports[0].contact, "abuse@kestrel.example");
  EXPECT_EQ(reports[0].entries.size(), 2u);
}

TEST_F(OwnerBatcherTest, IncidentJustBeforeTheWindowEndIsMerged) {
  OwnerBatcher batcher(kWindow);
  (void)batcher.Add(Make("198.51.100.7", {"abuse@kestrel.example"}, 0, 0));
  EXPECT_TRUE(batcher.Add(Make("198.51.100.8", {"abuse@kestrel.example"}, 99, 99)).empty());
  std::vector<Report> reports = batcher.Flush();
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_EQ(reports[0].entries.size(), 2u);
}

TEST_F(OwnerBatcherTest, IncidentAtTheWindowEndClosesTheReportAndOpensTheNext) {
  OwnerBatcher batcher(kWindow);
  (void)batcher.Add(Make("198.51.100.7", {"abuse@kestrel.example"}, 0, 0));
  std::vector<Report> closed =
      batcher.Add(Make("198.51.100.8", {"abuse@kestrel.example"}, kWindow, kWindow));
  ASSERT_EQ(closed.size(), 1u);
  EXPECT_EQ(closed[0].window_start_us, 0);
  EXPECT_EQ(closed[0].window_end_us, kWindow);
  EXPECT_EQ(Addresses(closed[0]), (std::vector<std::string>{"198.51.100.7"}));
  EXPECT_EQ(batcher.open_reports(), 1u);

  std::vector<Report> rest = batcher.Flush();
  ASSERT_EQ(rest.size(), 1u);
  EXPECT_EQ(rest[0].window_start_us, kWindow);
  EXPECT_EQ(rest[0].window_end_us, 2 * kWindow);
  EXPECT_EQ(Addresses(rest[0]), (std::vector<std::string>{"198.51.100.8"}));
  EXPECT_EQ(batcher.stats().reports, 2u);
  EXPECT_EQ(batcher.stats().late, 0u);
}

TEST_F(OwnerBatcherTest, WatermarkClosesExpiredReportsOfOtherContacts) {
  OwnerBatcher batcher(kWindow);
  EXPECT_EQ(batcher.watermark_us(), INT64_MIN);
  (void)batcher.Add(Make("198.51.100.7", {"abuse@kestrel.example"}, 0, 5));
  EXPECT_EQ(batcher.watermark_us(), 5);
  // Heron's incident moves event time to the end of Kestrel's window.
  std::vector<Report> closed = batcher.Add(Make("203.0.113.5", {"noc@heron.example"}, 50, kWindow));
  EXPECT_EQ(batcher.watermark_us(), kWindow);
  ASSERT_EQ(closed.size(), 1u);
  EXPECT_EQ(closed[0].contact, "abuse@kestrel.example");
  EXPECT_EQ(batcher.open_reports(), 1u);

  std::vector<Report> rest = batcher.Flush();
  ASSERT_EQ(rest.size(), 1u);
  EXPECT_EQ(rest[0].contact, "noc@heron.example");
}

TEST_F(OwnerBatcherTest, ReportStaysOpenWhileWatermarkIsBeforeItsEnd) {
  OwnerBatcher batcher(kWindow);
  (void)batcher.Add(Make("198.51.100.7", {"abuse@kestrel.example"}, 0, 5));
  EXPECT_TRUE(batcher.Add(Make("203.0.113.5", {"noc@heron.example"}, 50, kWindow - 1)).empty());
  EXPECT_EQ(batcher.open_reports(), 2u);
}

TEST_F(OwnerBatcherTest, LateIncidentThatFitsIsMergedAndMovesTheStartBack) {
  OwnerBatcher batcher(kWindow);
  (void)batcher.Add(Make("198.51.100.7", {"abuse@kestrel.example"}, 50, 50));
  // 10 + window = 110 > 50: the report still fits in one window.
  EXPECT_TRUE(batcher.Add(Make("198.51.100.8", {"abuse@kestrel.example"}, 10, 10)).empty());
  std::vector<Report> reports = batcher.Flush();
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_EQ(reports[0].window_start_us, 10);
  EXPECT_EQ(reports[0].window_end_us, 10 + kWindow);
  EXPECT_EQ(Addresses(reports[0]), (std::vector<std::string>{"198.51.100.7", "198.51.100.8"}));
  EXPECT_EQ(batcher.stats().late, 0u);
}

TEST_F(OwnerBatcherTest, LateIncidentThatDoesNotFitIsReportedAloneAndCountedAsLate) {
  OwnerBatcher batcher(kWindow);
  (void)batcher.Add(Make("198.51.100.7", {"abuse@kestrel.example"}, 200, 200));
  // 50 + window = 150 <= 200: merging would stretch the report past a window.
  std::vector<Report> closed = batcher.Add(Make("198.51.100.8", {"abuse@kestrel.example"}, 50, 50));
  ASSERT_EQ(closed.size(), 1u);
  EXPECT_EQ(closed[0].contact, "abuse@kestrel.example");
  EXPECT_EQ(closed[0].window_start_us, 50);
  EXPECT_EQ(closed[0].window_end_us, 50 + kWindow);
  EXPECT_EQ(Addresses(closed[0]), (std::vector<std::string>{"198.51.100.8"}));
  EXPECT_EQ(batcher.stats().late, 1u);
  EXPECT_EQ(batcher.stats().reports, 1u);

  std::vector<Report> rest = batcher.Flush();
  ASSERT_EQ(rest.size(), 1u);
  EXPECT_EQ(rest[0].window_start_us, 200);
  EXPECT_EQ(Addresses(rest[0]), (std::vector<std::string>{"198.51.100.7"}));
}

TEST_F(OwnerBatcherTest, LateIncidentOfANewContactBehindTheWatermarkGoesOutAtOnce) {
  OwnerBatcher batcher(kWindow);
  (void)batcher.Add(Make("198.51.100.7", {"abuse@kestrel.example"}, 300, 300));
  std::vector<Report> closed = batcher.Add(Make("203.0.113.5", {"noc@heron.example"}, 20, 20));
  ASSERT_EQ(closed.size(), 1u);
  EXPECT_EQ(closed[0].contact, "noc@heron.example");
  EXPECT_EQ(closed[0].window_start_us, 20);
  EXPECT_EQ(batcher.stats().late, 1u);
  EXPECT_EQ(batcher.open_reports(), 1u);
}

TEST_F(OwnerBatcherTest, FlushReturnsEveryOpenReportSortedByContact) {
  OwnerBatcher batcher(kWindow);
  (void)batcher.Add(Make("192.0.2.3", {"charlie@c.example"}, 10, 10));
  (void)batcher.Add(Make("192.0.2.1", {"alpha@a.example"}, 20, 20));
  (void)batcher.Add(Make("192.0.2.2", {"bravo@b.example"}, 30, 30));
  ASSERT_EQ(batcher.open_reports(), 3u);
  std::vector<Report> reports = batcher.Flush();
  ASSERT_EQ(reports.size(), 3u);
  EXPECT_EQ(reports[0].contact, "alpha@a.example");
  EXPECT_EQ(reports[1].contact, "bravo@b.example");
  EXPECT_EQ(reports[2].contact, "charlie@c.example");
  EXPECT_EQ(batcher.open_reports(), 0u);
  EXPECT_EQ(batcher.stats().reports, 3u);
  EXPECT_TRUE(batcher.Flush().empty());
}

TEST_F(OwnerBatcherTest, ReportsClosedByOneAddAreSortedByContact) {
  OwnerBatcher batcher(kWindow);
  (void)batcher.Add(Make("192.0.2.3", {"charlie@c.example"}, 10, 10));
  (void)batcher.Add(Make("192.0.2.1", {"alpha@a.example"}, 20, 20));
  std::vector<Report> closed = batcher.Add(Make("192.0.2.9", {"zulu@z.example"}, 500, 500));
  ASSERT_EQ(closed.size(), 2u);
  EXPECT_EQ(closed[0].contact, "alpha@a.example");
  EXPECT_EQ(closed[1].contact, "charlie@c.example");
}

TEST_F(OwnerBatcherTest, UnroutableAndInvalidSourceIncidentsAreCountedAndHandedBack) {
  OwnerBatcher batcher(kWindow);
  std::vector<v1::Incident> unroutable;
  v1::Incident no_contact = Make("198.51.100.7", {}, 10, 10);
  no_contact.mutable_owner()->add_abuse("   ");
  EXPECT_TRUE(batcher.Add(no_contact, &unroutable).empty());
  v1::Incident bad_source = Make("198.51.100.8", {"abuse@kestrel.example"}, 20, 20);
  bad_source.set_src("abc");
  EXPECT_TRUE(batcher.Add(bad_source, &unroutable).empty());
  // Without a vector to hand it back in, it is still counted.
  EXPECT_TRUE(batcher.Add(Make("198.51.100.9", {}, 30, 30)).empty());

  ASSERT_EQ(unroutable.size(), 2u);
  EXPECT_EQ(unroutable[0].src(), no_contact.src());
  EXPECT_EQ(unroutable[1].src(), "abc");
  EXPECT_EQ(batcher.stats().incidents, 3u);
  EXPECT_EQ(batcher.stats().unroutable, 2u);
  EXPECT_EQ(batcher.stats().invalid_source, 1u);
  EXPECT_EQ(batcher.open_reports(), 0u);
  EXPECT_TRUE(batcher.Flush().empty());
  EXPECT_EQ(batcher.watermark_us(), INT64_MIN);
}

TEST_F(OwnerBatcherTest, MergeDoesNotDependOnIncidentOrder) {
  ReportLimits limits;
  limits.samples_per_address = 3;
  limits.ports_per_address = 4;
  std::vector<v1::Incident> incidents;
  v1::Incident a1 =
      Make("198.51.100.7", {"abuse@kestrel.example", "noc@kestrel.example"}, 10, 40, 4);
  AddKind(&a1, v1::KIND_WORM, "code-red-ii", 3);
  AddKind(&a1, v1::KIND_CONNECTION_ATTEMPT, "", 1);
  AddSample(&a1, 10, "a1 line 10");
  AddSample(&a1, 40, "a1 line 40");
  for (uint32_t p : {80u, 8080u, 0u}) a1.add_dst_ports(p);
  a1.set_notice_number(1);
  incidents.push_back(a1);

  v1::Incident a2 = Make("198.51.100.7", {"abuse@kestrel.example"}, 5, 60, 2);
  a2.mutable_owner()->set_netname("KESTREL-NET");
  AddKind(&a2, v1::KIND_WORM, "code-red-ii", 2);
  AddSample(&a2, 5, "a2 line 5");
  AddSample(&a2, 60, "a2 line 60");
  for (uint32_t p : {443u, 22u, 80u}) a2.add_dst_ports(p);
  a2.set_notice_number(3);
  incidents.push_back(a2);

  v1::Incident a3 =
      Make("198.51.100.7", {"abuse@kestrel.example", "alt@kestrel.example"}, 20, 30, 1);
  AddKind(&a3, v1::KIND_WORM, "nimda", 1);
  AddSample(&a3, 20, "a3 line 20");
  a3.add_dst_ports(21);
  a3.set_notice_number(2);
  incidents.push_back(a3);

  v1::Incident b1 = Make("2001:db8::5", {"Abuse@Kestrel.example"}, 15, 15, 1);
  b1.mutable_owner()->clear_cidrs();
  b1.mutable_owner()->add_cidrs("2001:db8::/32");
  AddKind(&b1, v1::KIND_PORT_SCAN, "", 1);
  incidents.push_back(b1);

  v1::Incident c1 = Make("198.51.100.20", {"abuse@kestrel.example"}, 25, 26, 1);
  incidents.push_back(c1);

  std::vector<int> order(incidents.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = static_cast<int>(i);
  std::string expected;
  int permutations = 0;
  do {
    OwnerBatcher batcher(1000, limits);
    for (int i : order) EXPECT_TRUE(batcher.Add(incidents[i]).empty());
    std::vector<Report> reports = batcher.Flush();
    ASSERT_EQ(reports.size(), 1u);
    std::string described = Describe(reports[0]);
    if (expected.empty()) expected = described;
    ASSERT_EQ(described, expected) << "order differs at permutation " << permutations;
    ++permutations;
  } while (std::next_permutation(order.begin(), order.end()));
  EXPECT_EQ(permutations, 120);

  // And the merged values are the documented ones.
  OwnerBatcher batcher(1000, limits);
  for (const v1::Incident& incident : incidents) (void)batcher.Add(incident);
  Report report = batcher.Flush().at(0);
  EXPECT_EQ(report.window_start_us, 5);
  ASSERT_EQ(Addresses(report),
            (std::vector<std::string>{"198.51.100.7", "198.51.100.20", "2001:db8::5"}));
  const ReportEntry& seven = report.entries[0];
  EXPECT_EQ(seven.count, 7u);
  EXPECT_EQ(seven.incidents, 3u);
  EXPECT_EQ(seven.first_seen_us, 5);
  EXPECT_EQ(seven.last_seen_us, 60);
  EXPECT_EQ(seven.notice_number, 3u);
  EXPECT_EQ(seven.owner.netname(), "KESTREL-NET");  // from the latest last_seen_us
  ASSERT_EQ(seven.kinds.size(), 3u);
  EXPECT_EQ(seven.kinds[0].kind(), v1::KIND_CONNECTION_ATTEMPT);
  EXPECT_EQ(seven.kinds[0].count(), 1u);
  EXPECT_EQ(seven.kinds[1].signature(), "code-red-ii");
  EXPECT_EQ(seven.kinds[1].count(), 5u);
  EXPECT_EQ(seven.kinds[2].signature(), "nimda");
  EXPECT_EQ(seven.kinds[2].count(), 1u);
  ASSERT_EQ(seven.samples.size(), 3u);
  EXPECT_EQ(seven.samples[0].line(), "a2 line 5");
  EXPECT_EQ(seven.samples[1].line(), "a1 line 10");
  EXPECT_EQ(seven.samples[2].line(), "a3 line 20");
  EXPECT_EQ(seven.dst_ports, (std::vector<uint32_t>{21, 22, 80, 443}));
  EXPECT_EQ(report.recipients,
            (std::vector<std::string>{"abuse@kestrel.example", "alt@kestrel.example",
                                      "noc@kestrel.example"}));
}

TEST_F(OwnerBatcherTest, MergeIntoEntryKeepsTheEarliestSamplesAndLowestPortsWithinLimits) {
  ReportLimits limits;
  limits.samples_per_address = 2;
  limits.ports_per_address = 2;
  v1::Incident late = Make("192.0.2.7", {"abuse@kestrel.example"}, 100, 200, 2);
  AddSample(&late, 100, "late 100");
  AddSample(&late, 200, "late 200");
  for (uint32_t p : {445u, 139u}) late.add_dst_ports(p);
  late.set_notice_number(2);
  v1::Incident early = Make("192.0.2.7", {"abuse@kestrel.example"}, 50, 150, 1);
  AddSample(&early, 50, "early 50");
  AddSample(&early, 50, "early 50");  // an exact repeat is kept once
  for (uint32_t p : {0u, 1434u, 139u}) early.add_dst_ports(p);
  early.set_notice_number(1);

  ReportEntry entry;
  entry.address = *core::IpAddress::Parse("192.0.2.7");
  MergeIntoEntry(late, limits, &entry);
  MergeIntoEntry(early, limits, &entry);
  EXPECT_EQ(entry.incidents, 2u);
  EXPECT_EQ(entry.count, 3u);
  EXPECT_EQ(entry.first_seen_us, 50);
  EXPECT_EQ(entry.last_seen_us, 200);
  EXPECT_EQ(entry.notice_number, 2u);
  ASSERT_EQ(entry.samples.size(), 2u);
  EXPECT_EQ(entry.samples[0].line(), "early 50");
  EXPECT_EQ(entry.samples[1].line(), "late 100");
  EXPECT_EQ(entry.dst_ports, (std::vector<uint32_t>{139, 445}));
}

TEST_F(OwnerBatcherTest, ZeroLimitsKeepNoSamplesOrPorts) {
  ReportLimits limits;
  limits.samples_per_address = 0;
  limits.ports_per_address = -1;
  v1::Incident incident = Make("192.0.2.7", {"abuse@kestrel.example"}, 1, 2);
  AddSample(&incident, 1, "line");
  incident.add_dst_ports(80);
  ReportEntry entry;
  MergeIntoEntry(incident, limits, &entry);
  EXPECT_TRUE(entry.samples.empty());
  EXPECT_TRUE(entry.dst_ports.empty());
  EXPECT_EQ(entry.count, 1u);
}

TEST_F(OwnerBatcherTest, EntriesListIPv4BeforeIPv6InNumericOrder) {
  OwnerBatcher batcher(kWindow);
  for (const char* src : {"2001:db8::10", "198.51.100.20", "2001:db8::9", "198.51.100.3",
                          "192.0.2.200", "10.0.0.1"}) {
    (void)batcher.Add(Make(src, {"abuse@kestrel.example"}, 10, 10));
  }
  std::vector<Report> reports = batcher.Flush();
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_EQ(Addresses(reports[0]),
            (std::vector<std::string>{"10.0.0.1", "192.0.2.200", "198.51.100.3", "198.51.100.20",
                                      "2001:db8::9", "2001:db8::10"}));
}

TEST_F(OwnerBatcherTest, RecipientsAreTheContactFirstThenTheRestSortedAndLowercased) {
  ReportBuilder builder("zed@kestrel.example", 0, kWindow, ReportLimits{});
  builder.Add(Make("192.0.2.1", {"Zed@Kestrel.example", "beta@x.example", "ALPHA@x.example"}, 0, 0),
              *core::IpAddress::Parse("192.0.2.1"));
  builder.Add(Make("192.0.2.2", {"zed@kestrel.example", " gamma@y.example ", ""}, 5, 5),
              *core::IpAddress::Parse("192.0.2.2"));
  Report report = builder.Build();
  EXPECT_EQ(report.recipients, (std::vector<std::string>{"zed@kestrel.example", "alpha@x.example",
                                                         "beta@x.example", "gamma@y.example"}));
}

TEST_F(OwnerBatcherTest, BuilderMovesTheStartBackAndTracksTheLatestFirstSeen) {
  ReportBuilder builder("abuse@kestrel.example", 50, kWindow, ReportLimits{});
  EXPECT_EQ(builder.max_first_seen_us(), 50);
  builder.Add(Make("192.0.2.1", {"abuse@kestrel.example"}, 70, 80),
              *core::IpAddress::Parse("192.0.2.1"));
  builder.Add(Make("192.0.2.2", {"abuse@kestrel.example"}, 30, 35),
              *core::IpAddress::Parse("192.0.2.2"));
  EXPECT_EQ(builder.start_us(), 30);
  EXPECT_EQ(builder.end_us(), 30 + kWindow);
  EXPECT_EQ(builder.max_first_seen_us(), 70);
  Report first = builder.Build();
  Report again = builder.Build();
  EXPECT_EQ(Describe(first), Describe(again));
  EXPECT_EQ(first.incidents, 2u);
}

TEST_F(OwnerBatcherTest, OwnersAreListedByTheirFirstPrefix) {
  ReportBuilder builder("abuse@kestrel.example", 0, kWindow, ReportLimits{});
  v1::Incident high = Make("203.0.113.9", {"abuse@kestrel.example"}, 0, 0);
  high.mutable_owner()->clear_cidrs();
  high.mutable_owner()->add_cidrs("203.0.113.0/24");
  high.mutable_owner()->set_owner("Heron");
  v1::Incident low = Make("198.51.100.9", {"abuse@kestrel.example"}, 0, 0);
  v1::Incident none = Make("192.0.2.9", {"abuse@kestrel.example"}, 0, 0);
  none.mutable_owner()->clear_cidrs();
  none.mutable_owner()->set_owner("Unknown");
  builder.Add(high, *core::IpAddress::Parse("203.0.113.9"));
  builder.Add(none, *core::IpAddress::Parse("192.0.2.9"));
  builder.Add(low, *core::IpAddress::Parse("198.51.100.9"));
  builder.Add(low, *core::IpAddress::Parse("198.51.100.10"));  // same owner: listed once
  Report report = builder.Build();
  ASSERT_EQ(report.owners.size(), 3u);
  EXPECT_EQ(report.owners[0].owner, "Kestrel Networks");
  EXPECT_EQ(report.owners[1].owner, "Heron");
  EXPECT_EQ(report.owners[2].owner, "Unknown");
}

TEST_F(OwnerBatcherTest, WindowBelowOneIsTakenAsOne) {
  OwnerBatcher batcher(0);
  (void)batcher.Add(Make("192.0.2.1", {"abuse@kestrel.example"}, 5, 5));
  std::vector<Report> closed = batcher.Add(Make("192.0.2.2", {"abuse@kestrel.example"}, 6, 6));
  ASSERT_EQ(closed.size(), 1u);
  EXPECT_EQ(closed[0].window_start_us, 5);
  EXPECT_EQ(closed[0].window_end_us, 6);
  std::vector<Report> rest = batcher.Flush();
  ASSERT_EQ(rest.size(), 1u);
  EXPECT_EQ(rest[0].window_start_us, 6);
  EXPECT_EQ(rest[0].window_end_us, 7);
}

TEST_F(OwnerBatcherTest, WindowEndSaturatesInsteadOfOverflowing) {
  OwnerBatcher batcher(kWindow);
  (void)batcher.Add(Make("192.0.2.1", {"abuse@kestrel.example"}, INT64_MAX - 10, INT64_MAX - 10));
  std::vector<Report> reports = batcher.Flush();
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_EQ(reports[0].window_end_us, INT64_MAX);
  EXPECT_EQ(SaturatingAdd(INT64_MAX - 1, 5), INT64_MAX);
  EXPECT_EQ(SaturatingAdd(1, 5), 6);
}

// notify.window_by_kind: a worm gets a 10 µs window, scans 40; brute force
// keeps the default 100. One contact, three reports, each closed by the
// watermark at its own end.
TEST_F(OwnerBatcherTest, KindsWithTheirOwnWindowsAreSeparateReportsClosingAtTheirOwnEnds) {
  OwnerBatcher batcher(kWindow, {}, {{"worm", 10}, {"scan", 40}});
  const char* kestrel = "abuse@kestrel.example";
  auto make = [&](const char* src, const char* contact, int64_t at, v1::Kind kind) {
    v1::Incident incident = Make(src, {contact}, at, at);
    AddKind(&incident, kind, "", 3);
    return incident;
  };
  EXPECT_TRUE(batcher.Add(make("192.0.2.1", kestrel, 0, v1::KIND_WORM)).empty());
  EXPECT_TRUE(batcher.Add(make("192.0.2.2", kestrel, 2, v1::KIND_PORT_SCAN)).empty());
  EXPECT_TRUE(batcher.Add(make("192.0.2.3", kestrel, 4, v1::KIND_BRUTE_FORCE)).empty());
  EXPECT_TRUE(batcher.Add(make("192.0.2.4", kestrel, 9, v1::KIND_WORM)).empty());
  EXPECT_TRUE(batcher.Add(make("192.0.2.5", kestrel, 9, v1::KIND_CONNECTION_ATTEMPT)).empty());
  EXPECT_EQ(batcher.open_reports(), 3u);

  // Another contact's event at 10 moves the watermark to the worm report's end.
  std::vector<Report> worm =
      batcher.Add(make("203.0.113.1", "abuse@other.example", 10, v1::KIND_EXPLOIT));
  ASSERT_EQ(worm.size(), 1u);
  EXPECT_EQ(worm[0].kind, "worm");
  EXPECT_EQ(worm[0].contact, kestrel);
  EXPECT_EQ(worm[0].window_start_us, 0);
  EXPECT_EQ(worm[0].window_end_us, 10);
  EXPECT_EQ(Addresses(worm[0]), (std::vector<std::string>{"192.0.2.1", "192.0.2.4"}));

  EXPECT_TRUE(
      batcher.Add(make("203.0.113.2", "abuse@other.example", 41, v1::KIND_EXPLOIT)).empty());
  std::vector<Report> scan =
      batcher.Add(make("203.0.113.3", "abuse@other.example", 42, v1::KIND_EXPLOIT));
  ASSERT_EQ(scan.size(), 1u);
  EXPECT_EQ(scan[0].kind, "scan");
  EXPECT_EQ(scan[0].window_end_us, 42);
  EXPECT_EQ(Addresses(scan[0]), (std::vector<std::string>{"192.0.2.2", "192.0.2.5"}));

  // A worm after its report closed opens the next worm report, not the default one.
  EXPECT_TRUE(batcher.Add(make("192.0.2.6", kestrel, 50, v1::KIND_WORM)).empty());
  std::vector<Report> rest =
      batcher.Add(make("203.0.113.4", "abuse@other.example", 104, v1::KIND_EXPLOIT));
  ASSERT_EQ(rest.size(), 2u);  // kestrel's default report [4, 104), its worm report [50, 60)
  EXPECT_EQ(rest[0].kind, "");
  EXPECT_EQ(rest[0].window_end_us, 104);
  EXPECT_EQ(Addresses(rest[0]), (std::vector<std::string>{"192.0.2.3"}));
  EXPECT_EQ(rest[1].kind, "worm");
  EXPECT_EQ(rest[1].window_start_us, 50);
  EXPECT_EQ(Addresses(rest[1]), (std::vector<std::string>{"192.0.2.6"}));
  std::vector<Report> flushed = batcher.Flush();
  ASSERT_EQ(flushed.size(), 1u);  // the other contact's default report [10, 110)
  EXPECT_EQ(flushed[0].contact, "abuse@other.example");
  EXPECT_EQ(flushed[0].kind, "");
  EXPECT_EQ(flushed[0].entries.size(), 4u);
}

TEST_F(OwnerBatcherTest, AnIncidentIsBatchedUnderTheKindWithMostEventsAndReportsOfOneStartDiffer) {
  OwnerBatcher batcher(kWindow, {}, {{"worm", 10}});
  v1::Incident mostly_scan = Make("192.0.2.1", {"abuse@kestrel.example"}, 0, 0);
  AddKind(&mostly_scan, v1::KIND_WORM, "nimda", 1);
  AddKind(&mostly_scan, v1::KIND_PORT_SCAN, "", 5);
  v1::Incident worm = Make("192.0.2.2", {"abuse@kestrel.example"}, 0, 0);
  AddKind(&worm, v1::KIND_WORM, "nimda", 2);
  AddKind(&worm, v1::KIND_PORT_SCAN, "", 2);    // a tie goes to the more serious kind
  EXPECT_EQ(batcher.KindFor(mostly_scan), "");  // "scan" has no window of its own
  EXPECT_EQ(batcher.KindFor(worm), "worm");
  EXPECT_EQ(batcher.WindowOf("worm"), 10);
  EXPECT_EQ(batcher.WindowOf(""), kWindow);
  (void)batcher.Add(mostly_scan);
  EXPECT_EQ(batcher.last_key(), "abuse@kestrel.example");
  (void)batcher.Add(worm);
  EXPECT_EQ(batcher.last_key(), ReportKey("abuse@kestrel.example", "worm"));
  std::vector<Report> reports = batcher.Flush();
  ASSERT_EQ(reports.size(), 2u);
  EXPECT_EQ(reports[0].window_start_us, reports[1].window_start_us);
  EXPECT_EQ(reports[0].kind, "");
  EXPECT_EQ(reports[1].kind, "worm");
  EXPECT_NE(ReportTicket(reports[0]), ReportTicket(reports[1]));
  EXPECT_EQ(SplitReportKey(ReportKey("a@b.example", "worm")),
            (std::pair<std::string, std::string>{"a@b.example", "worm"}));
  EXPECT_EQ(SplitReportKey("a@b.example"),
            (std::pair<std::string, std::string>{"a@b.example", ""}));
}

TEST_F(OwnerBatcherTest, SamplesPerAddressBoundsTheLinesKept) {
  ReportLimits limits;
  limits.samples_per_address = 2;
  OwnerBatcher batcher(kWindow, limits);
  v1::Incident incident = Make("192.0.2.1", {"abuse@kestrel.example"}, 0, 9, 4);
  for (int i = 3; i >= 0; --i) AddSample(&incident, i, ("line " + std::to_string(i)).c_str());
  (void)batcher.Add(incident);
  std::vector<Report> reports = batcher.Flush();
  ASSERT_EQ(reports.size(), 1u);
  ASSERT_EQ(reports[0].entries[0].samples.size(), 2u);
  EXPECT_EQ(reports[0].entries[0].samples[0].line(), "line 0");
  EXPECT_EQ(reports[0].entries[0].samples[1].line(), "line 1");
}

}  // namespace
}  // namespace abuseflow::notify
