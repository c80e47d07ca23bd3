#include "notify/report_renderer.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "core/config.h"
#include "core/ip_address.h"
#include "notify/owner_batcher.h"
#include "notify/report.h"

namespace abuseflow::notify {
namespace {

namespace fs = std::filesystem;

// 2001-09-18T13:12:44Z
constexpr int64_t kT0 = int64_t{1000818764} * 1000000;
constexpr int64_t kDay = int64_t{86400} * 1000000;

class ReportRendererTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() /
           ("report_renderer_test_" + std::to_string(::getpid()) + "_" + info->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  static v1::Incident Make(const char* src, const char* cidr, uint32_t notice = 1) {
    v1::Incident incident;
    incident.set_src(core::IpAddress::Parse(src)->ToBytes());
    v1::OwnerRecord* owner = incident.mutable_owner();
    owner->add_abuse("abuse@kestrel.example");
    owner->set_owner("Kestrel Networks");
    owner->set_netname("KESTREL-NET");
    owner->set_country("NL");
    owner->add_cidrs(cidr);
    incident.set_first_seen_us(kT0);
    incident.set_last_seen_us(kT0 + 3600 * int64_t{1000000});
    incident.set_count(3);
    v1::KindCount* kind = incident.add_kinds();
    kind->set_kind(v1::KIND_WORM);
    kind->set_signature("code-red-ii");
    kind->set_count(3);
    incident.add_dst_ports(80);
    incident.set_notice_number(notice);
    v1::SampleLine* s = incident.add_samples();
    s->set_sensor("www1");
    s->set_observed_us(kT0);
    s->set_tz_name("EDT");
    s->set_utc_offset_minutes(-240);
    s->set_line(std::string("GET /default.ida?XXXX from ") + src);
    return incident;
  }

  static Report Build(const std::vector<v1::Incident>& incidents) {
    ReportBuilder builder("abuse@kestrel.example", kT0, kDay, ReportLimits{});
    for (const v1::Incident& incident : incidents) {
      builder.Add(incident, *core::IpAddress::FromBytes(incident.src()));
    }
    return builder.Build();
  }

  static RenderOptions Options() {
    RenderOptions options;
    options.site = "Kestrel Lab";
    options.from = "abuse-reports@lab.example";
    return options;
  }

  static RenderedReport RenderOrDie(const RenderOptions& options, const Report& report) {
    auto renderer = ReportRenderer::Create(options);
    EXPECT_TRUE(renderer.ok()) << renderer.status().ToString();
    if (!renderer.ok()) return {};
    auto rendered = renderer->Render(report);
    EXPECT_TRUE(rendered.ok()) << rendered.status().ToString();
    return rendered.ok() ? *rendered : RenderedReport{};
  }

  std::string WriteFile(const std::string& name, const std::string& text) {
    fs::path path = dir_ / name;
    std::ofstream(path, std::ios::binary) << text;
    return path.string();
  }

  fs::path dir_;
};

TEST_F(ReportRendererTest, SingleAddressGetsTheClassicNotice) {
  Report report = Build({Make("192.0.2.7", "192.0.2.0/24")});
  RenderedReport out = RenderOrDie(Options(), report);
  EXPECT_EQ(out.subject, "Probes from 192.0.2.7");
  const std::string& body = out.body;
  EXPECT_EQ(body.rfind("Hello,\n\n", 0), 0u) << body;
  // A worm report: the worm opening (the probe wording is for scans).
  EXPECT_NE(body.find("Our logs show that the following machine on your network appears to be\n"
                      "infected with Code Red II and is spreading: it has tried to infect\n"
                      "machines on our network at Kestrel Lab:\n\n    192.0.2.7\n"),
            std::string::npos)
      << body;
  EXPECT_NE(body.find("Your system may be compromised."), std::string::npos) << body;
  EXPECT_NE(body.find("why we should not block this machine from our network."), std::string::npos)
      << body;
  EXPECT_EQ(body.find("not the first time"), std::string::npos) << body;
  EXPECT_NE(body.find("192.0.2.7  (Kestrel Networks, KESTREL-NET, NL, 192.0.2.0/24)\n"),
            std::string::npos)
      << body;
  EXPECT_NE(body.find("Seen 3 times, first 2001-09-18 13:12:44 UTC, last 2001-09-18 14:12:44 UTC."),
            std::string::npos)
      << body;
  EXPECT_NE(body.find("  worm code-red-ii: 3\n"), std::string::npos) << body;
  EXPECT_NE(body.find("Ports probed: 80\n"), std::string::npos) << body;
  EXPECT_NE(body.find("Log entries, all times are EDT, GMT -0400:\n"
                      "GET /default.ida?XXXX from 192.0.2.7\n"),
            std::string::npos)
      << body;
  EXPECT_NE(body.find("(1 of 3 entries shown)"), std::string::npos) << body;
  // No signature configured: signed with `from`.
  EXPECT_NE(body.find("\n-- \nabuse-reports@lab.example\n"), std::string::npos) << body;
  EXPECT_EQ(body.find("{{"), std::string::npos) << body;
}

// notify.samples_per_address bounds the log lines each address shows.
TEST_F(ReportRendererTest, ConfiguredSamplesPerAddressIsWhatTheNoticeShows) {
  v1::Incident incident = Make("192.0.2.7", "192.0.2.0/24");
  incident.clear_samples();
  incident.set_count(8);
  for (int i = 0; i < 8; ++i) {
    v1::SampleLine* s = incident.add_samples();
    s->set_observed_us(kT0 + i);
    s->set_tz_name("EDT");
    s->set_utc_offset_minutes(-240);
    s->set_line("GET /default.ida?XXXX line " + std::to_string(i));
  }
  for (int samples : {3, 5, 8}) {
    core::NotifyConfig config;
    config.samples_per_address = samples;
    OwnerBatcher batcher = OwnerBatcher::FromConfig(config);
    (void)batcher.Add(incident);
    std::vector<Report> reports = batcher.Flush();
    ASSERT_EQ(reports.size(), 1u);
    const std::string body = RenderOrDie(Options(), reports[0]).body;
    int lines = 0;
    for (size_t at = body.find("XXXX line "); at != std::string::npos;
         at = body.find("XXXX line ", at + 1)) {
      ++lines;
    }
    EXPECT_EQ(lines, samples) << body;
    EXPECT_NE(body.find("line " + std::to_string(samples - 1) + "\n"), std::string::npos);
    EXPECT_EQ(body.find("line " + std::to_string(samples) + "\n"), std::string::npos);
    if (samples < 8) {
      EXPECT_NE(body.find("(" + std::to_string(samples) + " of 8 entries shown)"),
                std::string::npos)
          << body;
    }
  }
}

TEST_F(ReportRendererTest, BuiltInNoticeHasNoStrayBlankLines) {
  // Sections that are not rendered (no repeat notice, no signature) used to
  // leave an empty line each, one of them between "-- " and the signature.
  Report report = Build({Make("192.0.2.7", "192.0.2.0/24")});
  EXPECT_EQ(RenderOrDie(Options(), report).body,
            "Hello,\n"
            "\n"
            "Our logs show that the following machine on your network appears to be\n"
            "infected with Code Red II and is spreading: it has tried to infect\n"
            "machines on our network at Kestrel Lab:\n"
            "\n"
            "    192.0.2.7\n"
            "\n"
            "Your system may be compromised. We would be happy to provide more\n"
            "information if you need it. If these probes are deliberate, please explain\n"
            "why we should not block this machine from our network.\n"
            "\n"
            "Please keep the reference [" + ReportTicket(report) + "] in the subject of your reply.\n"
            "\n"
            "Thank you for your help.\n"
            "\n"
            "The log entries for each address follow.\n"
            "\n"
            "========================================================================\n"
            "192.0.2.7  (Kestrel Networks, KESTREL-NET, NL, 192.0.2.0/24)\n"
            "Seen 3 times, first 2001-09-18 13:12:44 UTC, last 2001-09-18 14:12:44 UTC.\n"
            "  worm code-red-ii: 3\n"
            "Ports probed: 80\n"
            "\n"
            "Log entries, all times are EDT, GMT -0400:\n"
            "GET /default.ida?XXXX from 192.0.2.7\n"
            "(1 of 3 entries shown)\n"
            "\n"
            "-- \n"
            "abuse-reports@lab.example\n");
}

TEST_F(ReportRendererTest, StandaloneSectionLinesOfCustomTemplatesFollowTheMustacheRule) {
  RenderOptions options = Options();
  options.template_path = WriteFile("standalone.mustache",
                                    "A\n"
                                    "  {{#has_repeats}}\n"
                                    "repeat\n"
                                    "  {{/has_repeats}}\n"
                                    "{{! a comment line }}\n"
                                    "{{^has_repeats}}\n"
                                    "\n"
                                    "first {{site}}\n"
                                    "{{/has_repeats}}\n"
                                    "{{#has_signature}}{{signature}}{{/has_signature}}\n"
                                    "B {{#single}}one{{/single}} C\n"
                                    "{{#entries}}\n"
                                    "{{address}}\n"
                                    "{{/entries}}\n"
                                    "end");
  std::string body = RenderOrDie(options, Build({Make("192.0.2.7", "192.0.2.0/24")})).body;
  // A tag that shares its line with others is not standalone: its line stays.
  EXPECT_EQ(body, "A\n\nfirst Kestrel Lab\n\nB one C\n192.0.2.7\nend");
}

TEST_F(ReportRendererTest, ByteFFInAValueBecomesAQuestionMark) {
  v1::Incident incident = Make("192.0.2.7", "192.0.2.0/24");
  incident.mutable_samples(0)->set_line("bad \xff byte");
  std::string body = RenderOrDie(Options(), Build({incident})).body;
  EXPECT_NE(body.find("\nbad ? byte\n"), std::string::npos) << body;
  EXPECT_EQ(body.find('\xff'), std::string::npos);
}

TEST_F(ReportRendererTest, SeveralAddressesUseThePluralWordingAndTheSubjectFromReportSubject) {
  Report report =
      Build({Make("198.51.100.20", "198.51.100.0/24"), Make("198.51.100.3", "198.51.100.0/24"),
             Make("203.0.113.9", "203.0.113.0/24")});
  RenderedReport out = RenderOrDie(Options(), report);
  EXPECT_EQ(out.subject, ReportSubject(report));
  EXPECT_EQ(out.subject,
            "Probes from 3 addresses on your network (198.51.100.0/24, 203.0.113.0/24)");
  const std::string& body = out.body;
  EXPECT_NE(body.find("the following machines on your network"), std::string::npos) << body;
  EXPECT_NE(body.find(":\n\n    198.51.100.3\n    198.51.100.20\n    203.0.113.9\n\n"),
            std::string::npos)
      << body;
  EXPECT_NE(body.find("Your systems may be compromised."), std::string::npos) << body;
  EXPECT_NE(body.find("block these machines from our network"), std::string::npos) << body;
  // Each address's evidence under its own heading, in report order.
  size_t a = body.find("\n198.51.100.3  (");
  size_t b = body.find("\n198.51.100.20  (");
  size_t c = body.find("\n203.0.113.9  (");
  ASSERT_NE(a, std::string::npos) << body;
  ASSERT_NE(b, std::string::npos) << body;
  ASSERT_NE(c, std::string::npos) << body;
  EXPECT_LT(a, b);
  EXPECT_LT(b, c);
}

TEST_F(ReportRendererTest, SplitReportKeepsEveryAddressInNumberedParts) {
  std::vector<v1::Incident> incidents;
  for (int i = 1; i <= 7; ++i) {
    incidents.push_back(Make(("192.0.2." + std::to_string(i)).c_str(), "192.0.2.0/24"));
  }
  std::vector<Report> parts = SplitReport(Build(incidents), 3);
  ASSERT_EQ(parts.size(), 3u);
  std::vector<std::string> listed;
  for (size_t i = 0; i < parts.size(); ++i) {
    EXPECT_EQ(parts[i].part, static_cast<int>(i + 1));
    EXPECT_EQ(parts[i].parts, 3);
    EXPECT_EQ(parts[i].contact, "abuse@kestrel.example");
    EXPECT_EQ(parts[i].window_start_us, kT0);
    EXPECT_EQ(parts[i].incidents, parts[i].entries.size());
    for (const ReportEntry& e : parts[i].entries) listed.push_back(e.address.ToString());
  }
  EXPECT_EQ(parts[0].entries.size(), 3u);
  EXPECT_EQ(parts[2].entries.size(), 1u);
  EXPECT_EQ(listed, (std::vector<std::string>{"192.0.2.1", "192.0.2.2", "192.0.2.3", "192.0.2.4",
                                              "192.0.2.5", "192.0.2.6", "192.0.2.7"}));
  RenderedReport out = RenderOrDie(Options(), parts[1]);
  EXPECT_EQ(out.subject, "Probes from 3 addresses on your network (192.0.2.0/24) (part 2 of 3)");
  EXPECT_NE(out.body.find("This report is part 2 of 3;"), std::string::npos) << out.body;
  EXPECT_NE(out.body.find("    192.0.2.4\n"), std::string::npos);
  EXPECT_EQ(out.body.find("    192.0.2.1\n"), std::string::npos);
}

TEST_F(ReportRendererTest, ReportWithinTheLimitIsNotSplit) {
  Report report = Build({Make("192.0.2.7", "192.0.2.0/24"), Make("192.0.2.8", "192.0.2.0/24")});
  std::vector<Report> parts = SplitReport(report, 2);
  ASSERT_EQ(parts.size(), 1u);
  EXPECT_EQ(parts[0].parts, 1);
  EXPECT_EQ(parts[0].entries.size(), 2u);
  RenderedReport out = RenderOrDie(Options(), parts[0]);
  EXPECT_EQ(out.body.find("This report is part"), std::string::npos);
  EXPECT_EQ(out.subject.find("part"), std::string::npos);
}

TEST_F(ReportRendererTest, SubjectNamesAtMostTwoPrefixesThenAnEllipsis) {
  Report report = Build({Make("192.0.2.1", "192.0.2.0/24"), Make("198.51.100.1", "198.51.100.0/24"),
                         Make("203.0.113.1", "203.0.113.0/24")});
  report.entries.push_back(report.entries.back());
  EXPECT_EQ(ReportSubject(report),
            "Probes from 4 addresses on your network (192.0.2.0/24, 198.51.100.0/24 ...)");
  report.owners.clear();
  EXPECT_EQ(ReportSubject(report), "Probes from 4 addresses on your network");
  Report one = Build({Make("2001:db8::7", "2001:db8::/32")});
  EXPECT_EQ(ReportSubject(one), "Probes from 2001:db8::7");
}

TEST_F(ReportRendererTest, RepeatNoticesSayHowManyTimesWeHaveWritten) {
  Report report = Build({Make("192.0.2.7", "192.0.2.0/24", 3)});
  std::string body = RenderOrDie(Options(), report).body;
  EXPECT_NE(body.find("This is not the first time we have written to you about this address:\n"
                      "this is our third notice, and the earlier occurrences are quoted\n"),
            std::string::npos)
      << body;
  EXPECT_NE(body.find("This is our third notice about this address."), std::string::npos) << body;

  Report many = Build({Make("192.0.2.7", "192.0.2.0/24", 12), Make("192.0.2.8", "192.0.2.0/24")});
  body = RenderOrDie(Options(), many).body;
  EXPECT_NE(body.find("about some of these addresses:\nthis is our 12th notice"), std::string::npos)
      << body;
  EXPECT_NE(body.find("This is our 12th notice about this address."), std::string::npos) << body;
}

TEST_F(ReportRendererTest, RepeatNoticesQuoteTheEarlierOccurrences) {
  v1::Incident incident = Make("192.0.2.7", "192.0.2.0/24", 2);
  v1::Occurrence* earlier = incident.add_earlier_occurrences();
  earlier->set_first_seen_us(kT0 - 30 * kDay);
  earlier->set_last_seen_us(kT0 - 30 * kDay + 60 * int64_t{1000000});
  earlier->set_count(1);
  v1::KindCount* kind = earlier->add_kinds();
  kind->set_kind(v1::KIND_PORT_SCAN);
  kind->set_count(1);
  // The same occurrence from a second incident is quoted once.
  v1::Incident again = incident;
  again.set_first_seen_us(kT0 + 60 * int64_t{1000000});
  Report report = Build({incident, again});
  ASSERT_EQ(report.entries.size(), 1u);
  EXPECT_EQ(report.entries[0].earlier.size(), 1u);
  std::string body = RenderOrDie(Options(), report).body;
  EXPECT_NE(body.find("This is our second notice about this address.\n"
                      "We reported it before; the earlier occurrences were:\n"
                      "  2001-08-19 13:12:44 UTC to 2001-08-19 13:13:44 UTC: 1 time (port-scan)\n"
                      "Now:\n"
                      "Seen 6 times"),
            std::string::npos)
      << body;
}

TEST_F(ReportRendererTest, EarlierOccurrencesKeepTheLatestOnesWhateverTheOrder) {
  v1::Incident a = Make("192.0.2.7", "192.0.2.0/24", 3);
  v1::Incident b = a;
  for (int i = 0; i < 12; ++i) {
    v1::Occurrence* o = (i % 2 ? a : b).add_earlier_occurrences();
    o->set_first_seen_us(kT0 - (20 - i) * kDay);
    o->set_last_seen_us(kT0 - (20 - i) * kDay);
    o->set_count(1);
  }
  Report ab = Build({a, b});
  Report ba = Build({b, a});
  ASSERT_EQ(ab.entries[0].earlier.size(), 10u);
  EXPECT_EQ(ab.entries[0].earlier.front().first_seen_us(), kT0 - 18 * kDay);
  EXPECT_EQ(ab.entries[0].earlier.back().first_seen_us(), kT0 - 9 * kDay);
  EXPECT_EQ(RenderOrDie(Options(), ab).body, RenderOrDie(Options(), ba).body);
}

TEST_F(ReportRendererTest, TicketIsStablePerReportAndSharedByItsParts) {
  Report report = Build({Make("192.0.2.7", "192.0.2.0/24"), Make("192.0.2.8", "192.0.2.0/24")});
  const std::string ticket = ReportTicket(report);
  EXPECT_EQ(ticket.size(), 11u);
  EXPECT_EQ(ticket.substr(0, 3), "AF-");
  EXPECT_EQ(ReportTicket(Build({Make("192.0.2.7", "192.0.2.0/24")})), ticket);
  for (const Report& part : SplitReport(report, 1)) EXPECT_EQ(ReportTicket(part), ticket);
  Report other = report;
  other.window_start_us += kDay;
  EXPECT_NE(ReportTicket(other), ticket);
}

TEST_F(ReportRendererTest, SignatureIsUsedWithoutTheBlankLinesAroundIt) {
  RenderOptions options = Options();
  options.signature = "\n\nJane Doe\nNetwork Security\n+31 20 555 0100\n\n";
  std::string body = RenderOrDie(options, Build({Make("192.0.2.7", "192.0.2.0/24")})).body;
  EXPECT_NE(body.find("\n-- \nJane Doe\nNetwork Security\n+31 20 555 0100\n"), std::string::npos)
      << body;
  EXPECT_EQ(body.find("abuse-reports@lab.example"), std::string::npos) << body;
}

TEST_F(ReportRendererTest, ZoneLabelGivesTheNameAndTheOffset) {
  EXPECT_EQ(ZoneLabel("EDT", -240), "EDT, GMT -0400");
  EXPECT_EQ(ZoneLabel("EST", -300), "EST, GMT -0500");
  EXPECT_EQ(ZoneLabel("", 330), "GMT +0530");
  EXPECT_EQ(ZoneLabel("UTC", 0), "UTC, GMT +0000");
}

TEST_F(ReportRendererTest, SamplesAreGroupedUnderTheirZoneLine) {
  v1::Incident incident = Make("192.0.2.7", "192.0.2.0/24");
  v1::SampleLine* later = incident.add_samples();
  later->set_observed_us(kT0 + 1000000);
  later->set_line("second line, same zone");
  later->set_tz_name("EDT");
  later->set_utc_offset_minutes(-240);
  v1::SampleLine* other = incident.add_samples();
  other->set_observed_us(kT0 + 2000000);
  other->set_line("third line, other zone");
  other->set_utc_offset_minutes(60);
  std::string body = RenderOrDie(Options(), Build({incident})).body;
  EXPECT_NE(body.find("Log entries, all times are EDT, GMT -0400:\n"
                      "GET /default.ida?XXXX from 192.0.2.7\n"
                      "second line, same zone\n"
                      "\nLog entries, all times are GMT +0100:\n"
                      "third line, other zone\n"),
            std::string::npos)
      << body;
}

TEST_F(ReportRendererTest, CustomTemplateFileIsUsed) {
  RenderOptions options = Options();
  options.template_path = WriteFile(
      "custom.mustache",
      "To {{contact}} ({{recipients}}) from {{from}} at {{site}}: {{subject}}\n"
      "{{#entries}}[{{address}} {{count}} {{ports}} {{ordinal}}]{{/entries}} n={{address_count}}\n"
      "{{#owners}}<{{owner}}|{{netname}}|{{country}}|{{cidrs}}>{{/owners}}\n");
  Report report = Build({Make("192.0.2.7", "192.0.2.0/24"), Make("192.0.2.9", "192.0.2.0/24", 2)});
  RenderedReport out = RenderOrDie(options, report);
  EXPECT_EQ(out.subject, "Probes from 2 addresses on your network (192.0.2.0/24)");
  EXPECT_EQ(out.body,
            "To abuse@kestrel.example (abuse@kestrel.example) from abuse-reports@lab.example at "
            "Kestrel Lab: Probes from 2 addresses on your network (192.0.2.0/24)\n"
            "[192.0.2.7 3 80 first][192.0.2.9 3 80 second] n=2\n"
            "<Kestrel Networks|KESTREL-NET|NL|192.0.2.0/24>\n");
}

TEST_F(ReportRendererTest, BrokenTemplateFileIsInvalidArgumentNamingTheFile) {
  RenderOptions options = Options();
  options.template_path = WriteFile("broken.mustache", "{{#entries}}{{address}}\n");
  auto renderer = ReportRenderer::Create(options);
  ASSERT_FALSE(renderer.ok());
  EXPECT_EQ(renderer.status().code(), core::Status::Code::kInvalidArgument);
  EXPECT_NE(renderer.status().message().find(options.template_path), std::string::npos)
      << renderer.status().message();
}

TEST_F(ReportRendererTest, MissingTemplateFileIsIoErrorNamingTheFile) {
  RenderOptions options = Options();
  options.template_path = (dir_ / "missing.mustache").string();
  auto renderer = ReportRenderer::Create(options);
  ASSERT_FALSE(renderer.ok());
  EXPECT_EQ(renderer.status().code(), core::Status::Code::kIoError);
  EXPECT_NE(renderer.status().message().find(options.template_path), std::string::npos)
      << renderer.status().message();

  options.template_path = dir_.string();  // a folder is not a template
  renderer = ReportRenderer::Create(options);
  ASSERT_FALSE(renderer.ok());
  EXPECT_EQ(renderer.status().code(), core::Status::Code::kIoError);
  EXPECT_NE(renderer.status().message().find(dir_.string()), std::string::npos);
}

TEST_F(ReportRendererTest, BuiltInTemplateParses) {
  EXPECT_FALSE(DefaultReportTemplate().empty());
  auto renderer = ReportRenderer::Create(RenderOptions{});
  ASSERT_TRUE(renderer.ok()) << renderer.status().ToString();
  EXPECT_EQ(renderer->options().site, "our network");
  std::string body = renderer->Render(Build({Make("192.0.2.7", "192.0.2.0/24")}))->body;
  EXPECT_NE(body.find("on our network at our network:"), std::string::npos) << body;
  EXPECT_NE(body.find("\n-- \nabuse-reports@localhost\n"), std::string::npos) << body;
}

TEST_F(ReportRendererTest, ValuesAreNotHtmlEscaped) {
  RenderOptions options = Options();
  options.site = "R&D <lab> \"north\"";
  v1::Incident incident = Make("192.0.2.7", "192.0.2.0/24");
  incident.mutable_samples(0)->set_line("GET /scripts/..%c1%1c../cmd.exe?/c+dir&x=<b> 'q'");
  std::string body = RenderOrDie(options, Build({incident})).body;
  EXPECT_NE(body.find("at R&D <lab> \"north\":"), std::string::npos) << body;
  EXPECT_NE(body.find("GET /scripts/..%c1%1c../cmd.exe?/c+dir&x=<b> 'q'\n"), std::string::npos)
      << body;
  EXPECT_EQ(body.find("&amp;"), std::string::npos) << body;
  EXPECT_EQ(body.find("&lt;"), std::string::npos) << body;
  EXPECT_EQ(body.find("&quot;"), std::string::npos) << body;
}

}  // namespace
}  // namespace abuseflow::notify
