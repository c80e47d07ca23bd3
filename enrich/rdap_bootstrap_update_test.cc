#include "enrich/rdap_bootstrap_update.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

namespace abuseflow::enrich {
namespace {

const char* kV4 = R"({"version": "1.0", "publication": "2027-01-02T03:04:05Z",
  "description": "v4", "services": [[["41.0.0.0/8", "102.0.0.0/8"], ["https://rdap.afrinic.net/rdap/"]]]})";
const char* kV6 = R"({"version": "1.0", "publication": "2027-01-02T03:04:06Z",
  "services": [[["2001:4200::/23"], ["http://rdap.afrinic.net/rdap/", "https://rdap.afrinic.net/rdap/"]]]})";

class RdapBootstrapUpdateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("rdap_bootstrap_update_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    Write("ipv4.json", "old v4");
    Write("ipv6.json", "old v6");
    served_ = {{"https://iana.test/rdap/ipv4.json", {200, kV4}},
               {"https://iana.test/rdap/ipv6.json", {200, kV6}}};
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  void Write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
  }
  std::string Read(const std::string& name) {
    std::ifstream in(dir_ / name);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
  }
  core::Result<std::vector<BootstrapFileUpdate>> Update() {
    BootstrapUpdateOptions options;
    options.base_url = "https://iana.test/rdap";  // without the trailing slash
    options.dir = dir_.string();
    return UpdateRdapBootstrap(options, [this](const std::string& url) -> core::Result<RdapResponse> {
      auto it = served_.find(url);
      RdapResponse r;
      r.status = it == served_.end() ? 404 : it->second.first;
      if (it != served_.end()) r.body = it->second.second;
      return r;
    });
  }
  size_t FilesInDir() {
    return static_cast<size_t>(std::distance(std::filesystem::directory_iterator(dir_), {}));
  }
  std::filesystem::path dir_;
  std::map<std::string, std::pair<long, std::string>> served_;
};

TEST_F(RdapBootstrapUpdateTest, GoodFilesReplaceTheOldOnesAndReportTheirPublication) {
  Write("ipv4.json", kV4);  // a readable old file: its publication is reported
  auto updates = Update();
  ASSERT_TRUE(updates.ok()) << updates.status().ToString();
  ASSERT_EQ(updates->size(), 2u);
  EXPECT_EQ((*updates)[0].name, "ipv4.json");
  EXPECT_EQ((*updates)[0].info.publication, "2027-01-02T03:04:05Z");
  EXPECT_EQ((*updates)[0].info.v4_prefixes, 2u);
  EXPECT_EQ((*updates)[0].previous_publication, "2027-01-02T03:04:05Z");
  EXPECT_EQ((*updates)[1].info.version, "1.0");
  EXPECT_EQ((*updates)[1].previous_publication, "");
  EXPECT_EQ(Read("ipv4.json"), kV4);
  EXPECT_EQ(Read("ipv6.json"), kV6);
  EXPECT_EQ(FilesInDir(), 2u);  // no temporary file left
}

TEST_F(RdapBootstrapUpdateTest, ABrokenFileLeavesEveryOldFileUntouched) {
  served_["https://iana.test/rdap/ipv6.json"].second = std::string(kV6).substr(0, 40);  // cut short
  auto updates = Update();
  ASSERT_FALSE(updates.ok());
  EXPECT_EQ(updates.status().code(), core::Status::Code::kInvalidArgument);
  EXPECT_NE(updates.status().message().find("ipv6.json"), std::string::npos);
  EXPECT_EQ(Read("ipv4.json"), "old v4");  // fetched and good, but not written alone
  EXPECT_EQ(Read("ipv6.json"), "old v6");
  EXPECT_EQ(FilesInDir(), 2u);
}

TEST_F(RdapBootstrapUpdateTest, NotFoundAndWrongFamilyAndMissingFieldsAreRefused) {
  served_.erase("https://iana.test/rdap/ipv6.json");
  auto missing = Update();
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("404"), std::string::npos);
  served_["https://iana.test/rdap/ipv6.json"] = {200, kV4};  // the IPv4 file served as ipv6.json
  auto swapped = Update();
  ASSERT_FALSE(swapped.ok());
  EXPECT_NE(swapped.status().message().find("IPv6 prefixes only"), std::string::npos);
  served_["https://iana.test/rdap/ipv6.json"] = {200, R"({"version": "1.0", "services": []})"};
  auto undated = Update();
  ASSERT_FALSE(undated.ok());
  EXPECT_NE(undated.status().message().find("publication"), std::string::npos);
  EXPECT_EQ(Read("ipv4.json"), "old v4");
  EXPECT_EQ(Read("ipv6.json"), "old v6");
}

TEST_F(RdapBootstrapUpdateTest, AFolderThatIsNotThereIsAnIoError) {
  BootstrapUpdateOptions options;
  options.dir = (dir_ / "missing").string();
  auto r = UpdateRdapBootstrap(options, [](const std::string&) -> core::Result<RdapResponse> {
    ADD_FAILURE() << "nothing may be fetched";
    return RdapResponse{};
  });
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), core::Status::Code::kIoError);
}

TEST(InspectRdapBootstrapTest, CountsServicesAndPrefixesAndRefusesOtherText) {
  auto info = InspectRdapBootstrap(kV6);
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->services, 1u);
  EXPECT_EQ(info->v6_prefixes, 1u);
  EXPECT_EQ(info->v4_prefixes, 0u);
  for (const char* bad : {"", "not json", "[]", R"({"services": {}})",
                          R"({"version": "1.0", "publication": "x", "services": [[["1.0.0.0/8"], []]]})",
                          R"({"version": "1.0", "publication": "x", "services": [[["nope"], ["https://a/"]]]})"}) {
    EXPECT_FALSE(InspectRdapBootstrap(bad).ok()) << bad;
  }
}

}  // namespace
}  // namespace abuseflow::enrich
