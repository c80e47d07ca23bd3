#include "notify/monthly_report.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "core/ip_address.h"
#include "notify/kv_store_test_base.h"
#include "notify/html_report.h"
#include "notify/report.h"
#include "notify/thread_index.h"

namespace abuseflow::notify {
namespace {

namespace fs = std::filesystem;

constexpr int64_t kSep = int64_t{1000818764} * 1000000;

// Mails per owner in the monthly report: the owner names kept in each mail's
// summary ("w" keys), in every format.
class MonthlyOwnersTest : public KvStoreTest {
 protected:
  // A report with one address per owner name given.
  static Report Mail(const char* contact, std::vector<std::string> owners) {
    ReportBuilder builder(contact, kSep, 86400LL * 1000000, ReportLimits{});
    int n = 1;
    for (const std::string& owner : owners) {
      v1::Incident incident;
      auto address = core::IpAddress::Parse("192.0.2." + std::to_string(n++));
      incident.set_src(address->ToBytes());
      incident.mutable_owner()->add_abuse(contact);
      incident.mutable_owner()->set_owner(owner);
      incident.mutable_owner()->set_country("NL");
      incident.set_first_seen_us(kSep);
      incident.set_last_seen_us(kSep);
      builder.Add(incident, *address);
    }
    return builder.Build();
  }

  void Put(const std::string& id, const std::string& summary) {
    core::KvStore::Batch batch;
    batch.Put("w" + id, summary);
    ASSERT_TRUE(store_->Write(batch).ok());
  }

  MonthlyReport Build(size_t top = 10) {
    auto report = BuildMonthlyReport(*store_, std::nullopt, top);
    EXPECT_TRUE(report.ok()) << report.status().ToString();
    return report.ok() ? *report : MonthlyReport{};
  }
};

TEST_F(MonthlyOwnersTest, SummaryKeepsTheDistinctOwnerNamesAndReadsOldSummaries) {
  MailSummary m = SummaryOf(Mail("abuse@a.example", {"Kestrel\tNetworks", "Acme", "Acme", ""}));
  EXPECT_EQ(m.owners, (std::vector<std::string>{"Acme", "Kestrel Networks"}));
  auto back = DecodeMailSummary(EncodeMailSummary(m));
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->owners, m.owners);
  EXPECT_EQ(back->countries, (std::vector<std::string>{"NL"}));
  EXPECT_EQ(back->addresses, 4u);
  // Written before owners were kept: six fields.
  auto old = DecodeMailSummary(std::to_string(kSep) + "\tabuse@b.example\tAF-1\t2\t0\tKR");
  ASSERT_TRUE(old.has_value());
  EXPECT_TRUE(old->owners.empty());
  EXPECT_EQ(old->countries, (std::vector<std::string>{"KR"}));
  EXPECT_FALSE(DecodeMailSummary("1\ta\tb\t2").has_value());
}

TEST_F(MonthlyOwnersTest, MailsAreCountedPerOwnerOldOnesAsUnknownInEveryFormat) {
  Put("<1@x>", EncodeMailSummary(SummaryOf(Mail("abuse@a.example", {"Kestrel Networks"}))));
  Put("<2@x>", EncodeMailSummary(SummaryOf(Mail("abuse@a.example", {"Kestrel Networks", "Acme"}))));
  Put("<3@x>", EncodeMailSummary(SummaryOf(Mail("abuse@b.example", {"Acme, Inc. \"<b>\""}))));
  Put("<4@x>", std::to_string(kSep) + "\tabuse@c.example\tAF-1\t2\t0\tKR");  // an old summary
  MonthlyReport report = Build();
  EXPECT_EQ(
      report.owners,
      (std::vector<std::pair<std::string, uint64_t>>{
          {"Kestrel Networks", 2}, {"(unknown)", 1}, {"Acme", 1}, {"Acme, Inc. \"<b>\"", 1}}));
  EXPECT_EQ(Build(2).owners.size(), 2u);

  const std::string text = MonthlyReportText(report);
  const size_t owners_at = text.find("\nmails by owner:\n");
  ASSERT_NE(owners_at, std::string::npos) << text;
  EXPECT_NE(text.find("  Kestrel Networks", owners_at), std::string::npos) << text;
  EXPECT_NE(text.find("  (unknown)", owners_at), std::string::npos) << text;

  auto csv = MonthlyTopCsv(report, "owners");
  ASSERT_TRUE(csv.ok());
  EXPECT_EQ(*csv,
            "owner,mails\r\nKestrel Networks,2\r\n(unknown),1\r\nAcme,1\r\n"
            "\"Acme, Inc. \"\"<b>\"\"\",1\r\n");
  EXPECT_EQ(*MonthlyTopCsv(report, "domains"),
            "domain,mails\r\na.example,2\r\nb.example,1\r\n"
            "c.example,1\r\n");
  EXPECT_TRUE(MonthlyTopCsv(report, "countries").ok());
  EXPECT_FALSE(MonthlyTopCsv(report, "planets").ok());

  auto j = nlohmann::json::parse(MonthlyReportJson(report));
  ASSERT_EQ(j["owners"].size(), 4u);
  EXPECT_EQ(j["owners"][0]["owner"], "Kestrel Networks");
  EXPECT_EQ(j["owners"][0]["mails"], 2);
  EXPECT_EQ(j["owners"][1]["owner"], "(unknown)");

  const std::string html = MonthlyReportHtml(report, {});
  EXPECT_NE(html.find("<h2>Top owners</h2>"), std::string::npos);
  EXPECT_NE(html.find("id=\"chart-owners\""), std::string::npos);
  EXPECT_NE(html.find("Kestrel Networks"), std::string::npos);
  EXPECT_NE(html.find("Acme, Inc. &quot;&lt;b&gt;&quot;"), std::string::npos);
  EXPECT_EQ(html.find("\"<b>\""), std::string::npos);
}

}  // namespace
}  // namespace abuseflow::notify
