#include "notify/report_kind.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "core/config.h"
#include "core/ip_address.h"
#include "notify/report_renderer.h"

namespace abuseflow::notify {
namespace {

namespace fs = std::filesystem;

constexpr int64_t kT0 = int64_t{1000818764} * 1000000;
constexpr int64_t kDay = int64_t{86400} * 1000000;

struct KindCount {
  v1::Kind kind;
  const char* signature;
  uint64_t count;
};

v1::Incident Make(const char* src, std::vector<KindCount> kinds, uint32_t notice = 1) {
  v1::Incident incident;
  incident.set_src(core::IpAddress::Parse(src)->ToBytes());
  incident.mutable_owner()->add_abuse("abuse@kestrel.example");
  incident.mutable_owner()->add_cidrs("192.0.2.0/24");
  incident.set_first_seen_us(kT0);
  incident.set_last_seen_us(kT0);
  for (const KindCount& k : kinds) {
    v1::KindCount* add = incident.add_kinds();
    add->set_kind(k.kind);
    add->set_signature(k.signature);
    add->set_count(k.count);
    incident.set_count(incident.count() + k.count);
  }
  incident.set_notice_number(notice);
  return incident;
}

Report Build(const std::vector<v1::Incident>& incidents) {
  ReportBuilder builder("abuse@kestrel.example", kT0, kDay, {});
  for (const v1::Incident& i : incidents) builder.Add(i, *core::IpAddress::FromBytes(i.src()));
  return builder.Take();
}

std::string Body(const Report& report, RenderOptions options = {}) {
  options.site = "Kestrel Lab";
  auto renderer = ReportRenderer::Create(options);
  EXPECT_TRUE(renderer.ok()) << renderer.status().ToString();
  if (!renderer.ok()) return "";
  auto out = renderer->Render(report);
  EXPECT_TRUE(out.ok()) << out.status().ToString();
  return out.ok() ? out->body : "";
}

TEST(DominantKindTest, TheKindWithMostEventsWinsTiesGoToTheMoreSerious) {
  Report r = Build({Make("192.0.2.7", {{v1::KIND_PORT_SCAN, "", 5}, {v1::KIND_WORM, "nimda", 2}}),
                    Make("192.0.2.8", {{v1::KIND_WORM, "code-red-ii", 4}})});
  ReportKind kind = DominantKind(r);
  EXPECT_EQ(kind.kind, v1::KIND_WORM);  // 6 worm events against 5 scans
  EXPECT_EQ(kind.name, "worm");
  EXPECT_EQ(kind.variant, "worm");
  EXPECT_EQ(kind.signature, "code-red-ii");
  EXPECT_EQ(kind.display_name, "Code Red II");
  ReportKind tie = DominantKind(
      Build({Make("192.0.2.7", {{v1::KIND_PORT_SCAN, "", 3}, {v1::KIND_BRUTE_FORCE, "ssh", 3}})}));
  EXPECT_EQ(tie.variant, "brute_force");
  Report attempts = Build({Make("192.0.2.7", {{v1::KIND_CONNECTION_ATTEMPT, "", 1}})});
  EXPECT_EQ(DominantKind(attempts).variant, "scan");
  EXPECT_EQ(DominantKind(Report{}).variant, "");
}

TEST(KindOpeningTest, AWormReportSaysTheMachineIsInfectedAndSpreading) {
  std::string body = Body(Build({Make("192.0.2.7", {{v1::KIND_WORM, "code-red-ii", 3}})}));
  EXPECT_NE(body.find("Our logs show that the following machine on your network appears to be\n"
                      "infected with Code Red II and is spreading: it has tried to infect\n"
                      "machines on our network at Kestrel Lab:\n"),
            std::string::npos)
      << body;
  EXPECT_EQ(body.find("probing machines"), std::string::npos) << body;
  body = Body(Build({Make("192.0.2.7", {{v1::KIND_WORM, "nimda", 3}}),
                     Make("192.0.2.8", {{v1::KIND_WORM, "nimda", 3}})}));
  EXPECT_NE(body.find("machines on your network appear to be\ninfected with Nimda and are "
                      "spreading: they have tried"),
            std::string::npos)
      << body;
}

TEST(KindOpeningTest, ScansKeepTheClassicProbeWording) {
  std::string body = Body(Build({Make("192.0.2.7", {{v1::KIND_PORT_SCAN, "", 30}})}));
  EXPECT_NE(body.find("Hello,\n\nOur logs show the following machine on your network probing "
                      "machines\non our network at Kestrel Lab:\n\n    192.0.2.7\n"),
            std::string::npos)
      << body;
}

TEST(KindOpeningTest, BruteForceAndExploitsHaveTheirOwnOpening) {
  std::string body = Body(Build({Make("192.0.2.7", {{v1::KIND_BRUTE_FORCE, "ssh", 40}})}));
  EXPECT_NE(body.find("Our logs show the following machine on your network trying to log in\n"
                      "to machines on our network at Kestrel Lab by guessing passwords:\n"),
            std::string::npos)
      << body;
  body = Body(Build({Make("192.0.2.7", {{v1::KIND_EXPLOIT, "php-cgi", 2}})}));
  EXPECT_NE(body.find("attacking machines\n"
                      "on our network at Kestrel Lab with exploits (php-cgi):\n"),
            std::string::npos)
      << body;
}

TEST(KindOpeningTest, ARepeatSaysWhichNoticeItIs) {
  std::string body = Body(Build({Make("192.0.2.7", {{v1::KIND_PORT_SCAN, "", 3}}, 3)}));
  EXPECT_NE(body.find("this is our third notice, and the earlier occurrences are quoted"),
            std::string::npos)
      << body;
}

TEST(KindOpeningTest, AReroutedReportSaysWhyItCameHere) {
  Report report = Build({Make("192.0.2.7", {{v1::KIND_PORT_SCAN, "", 3}})});
  report.instead_of = {"abuse@old.example"};
  std::string body = Body(report);
  EXPECT_NE(body.find("Hello,\n\nWe write to you because our notices to abuse@old.example could "
                      "not be\ndelivered;"),
            std::string::npos)
      << body;
  EXPECT_EQ(Body(Build({Make("192.0.2.7", {{v1::KIND_PORT_SCAN, "", 3}})})).find("We write to you"),
            std::string::npos);
}

TEST(KindOpeningTest, AReportToTheUpstreamSaysTheOwnersContactsFailed) {
  Report report = Build({Make("192.0.2.7", {{v1::KIND_PORT_SCAN, "", 3}})});
  report.instead_of = {"abuse@customer.example"};
  report.upstream = true;
  std::string body = Body(report);
  EXPECT_NE(body.find("Hello,\n\nWe write to you because our notices to abuse@customer.example "
                      "could not be\ndelivered: the owner's own abuse contacts could not be "
                      "reached, and the\nregistry names you as the upstream provider of this "
                      "address.\n"),
            std::string::npos)
      << body;
  EXPECT_EQ(body.find("next abuse contact"), std::string::npos) << body;
}

class KindTemplateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() /
           ("report_kind_test_" + std::to_string(::getpid()) + "_" + info->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string Write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
    return (dir_ / name).string();
  }

  fs::path dir_;
};

TEST_F(KindTemplateTest, EachKindUsesItsTemplateThenTheGeneralOneThenTheBuiltIn) {
  RenderOptions options;
  options.template_path = Write("all.mustache", "general {{kind_name}}\n");
  const std::string worm = "worm {{worm_name}} {{#is_worm}}yes{{/is_worm}}\n";
  options.variant_paths = {{"worm", Write("worm.mustache", worm)},
                           {"repeat", Write("repeat.mustache", "repeat {{notice_ordinal}}\n")},
                           {"scan", ""}};
  EXPECT_EQ(Body(Build({Make("192.0.2.7", {{v1::KIND_WORM, "nimda", 3}})}), options),
            "worm Nimda yes\n");
  EXPECT_EQ(Body(Build({Make("192.0.2.7", {{v1::KIND_PORT_SCAN, "", 3}})}), options),
            "general port-scan\n");
  EXPECT_EQ(Body(Build({Make("192.0.2.7", {{v1::KIND_WORM, "nimda", 3}}, 2)}), options),
            "repeat second\n");
  options.template_path.clear();
  EXPECT_NE(Body(Build({Make("192.0.2.7", {{v1::KIND_PORT_SCAN, "", 3}})}), options)
                .find("probing machines"),
            std::string::npos);
}

TEST_F(KindTemplateTest, ABadVariantTemplateStopsTheRendererWithItsName) {
  RenderOptions options;
  options.variant_paths = {{"scan", Write("scan.mustache", "{{#open}}never closed\n")}};
  auto renderer = ReportRenderer::Create(options);
  ASSERT_FALSE(renderer.ok());
  EXPECT_NE(renderer.status().message().find("scan.mustache"), std::string::npos);
  options.variant_paths = {{"spam", Write("spam.mustache", "x\n")}};
  renderer = ReportRenderer::Create(options);
  ASSERT_FALSE(renderer.ok());
  EXPECT_NE(renderer.status().message().find("spam"), std::string::npos);
  options.variant_paths = {{"worm", (dir_ / "missing.mustache").string()}};
  EXPECT_EQ(ReportRenderer::Create(options).status().code(), core::Status::Code::kIoError);
}

TEST_F(KindTemplateTest, ConfigReadsTheTemplatesTableAndRejectsUnknownVariants) {
  auto config = core::ParseConfig(
      "[notify]\ntemplate = \"all.mustache\"\n[notify.templates]\nworm = \"t/worm.mustache\"\n"
      "brute_force = \"/abs/bf.mustache\"\n",
      dir_.string());
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->notify.templates.size(), 2u);
  EXPECT_EQ(config->notify.templates.at("worm"), (dir_ / "t/worm.mustache").string());
  EXPECT_EQ(config->notify.templates.at("brute_force"), "/abs/bf.mustache");
  auto bad = core::ParseConfig("[notify.templates]\nspam = \"x\"\n", dir_.string());
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("notify.templates.spam"), std::string::npos)
      << bad.status().message();
}

}  // namespace
}  // namespace abuseflow::notify
