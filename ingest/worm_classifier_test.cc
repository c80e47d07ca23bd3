#include "ingest/worm_classifier.h"

#include <gtest/gtest.h>

#include <string>

namespace abuseflow::ingest {
namespace {

// The shell code both Code Red variants send after their fill.
const std::string kShellCode =
    "%u9090%u6858%ucbd3%u7801%u9090%u6858%ucbd3%u7801%u9090%u6858%ucbd3%u7801%u9090%u9090%u8190"
    "%u00c3%u0003%u8b00%u531b%u53ff%u0078%u0000%u00=a";

std::string CodeRed(char filler, size_t run = 224, const std::string& tail = kShellCode) {
  return "/default.ida?" + std::string(run, filler) + tail;
}

class WormClassifierTest : public ::testing::Test {};

TEST_F(WormClassifierTest, CodeRedIIsARunOfN) {
  EXPECT_EQ(ClassifyWebRequest(CodeRed('N')), kCodeRedI);
}

TEST_F(WormClassifierTest, CodeRedIIIsARunOfX) {
  EXPECT_EQ(ClassifyWebRequest(CodeRed('X')), kCodeRedII);
}

TEST_F(WormClassifierTest, CodeRedCutShortIsStillCodeRed) {
  EXPECT_EQ(ClassifyWebRequest(CodeRed('N', 224, "%u90")), kCodeRedI);
  EXPECT_EQ(ClassifyWebRequest(CodeRed('X', 224, "")), kCodeRedII);
  EXPECT_EQ(ClassifyWebRequest(CodeRed('X', 150, "")), kCodeRedII);
}

TEST_F(WormClassifierTest, ShortFillOrOtherTailIsNotCodeRed) {
  EXPECT_EQ(ClassifyWebRequest(CodeRed('N', 10)), "");
  EXPECT_EQ(ClassifyWebRequest(CodeRed('N', 99, "")), "");
  EXPECT_EQ(ClassifyWebRequest(CodeRed('N', 224, "=a")), "");
  EXPECT_EQ(ClassifyWebRequest(CodeRed('Y')), "");
  EXPECT_EQ(ClassifyWebRequest("/default.ida?"), "");
  EXPECT_EQ(ClassifyWebRequest("/default.ida"), "");
  EXPECT_EQ(ClassifyWebRequest("/other.ida?" + std::string(224, 'N') + kShellCode), "");
}

TEST_F(WormClassifierTest, CodeRedPathIsCaseInsensitive) {
  EXPECT_EQ(ClassifyWebRequest("/DEFAULT.IDA?" + std::string(224, 'N') + "%U9090"), kCodeRedI);
}

// Every request of Nimda's scan, as Apache logs them.
class NimdaFormTest : public ::testing::TestWithParam<const char*> {};

TEST_P(NimdaFormTest, IsNimda) { EXPECT_EQ(ClassifyWebRequest(GetParam()), kNimda); }

INSTANTIATE_TEST_SUITE_P(
    ApacheLogged, NimdaFormTest,
    ::testing::Values(
        "/scripts/root.exe?/c+dir", "/MSADC/root.exe?/c+dir", "/c/winnt/system32/cmd.exe?/c+dir",
        "/d/winnt/system32/cmd.exe?/c+dir", "/scripts/..%5c../winnt/system32/cmd.exe?/c+dir",
        "/_vti_bin/..%5c../..%5c../..%5c../winnt/system32/cmd.exe?/c+dir",
        "/_mem_bin/..%5c../..%5c../..%5c../winnt/system32/cmd.exe?/c+dir",
        "/msadc/..%5c../..%5c../..%5c/..%c1%1c../..%c1%1c../..%c1%1c../winnt/system32/cmd.exe?/c+dir",
        "/scripts/..%c1%1c../winnt/system32/cmd.exe?/c+dir",
        "/scripts/..%c0%2f../winnt/system32/cmd.exe?/c+dir",
        "/scripts/..%c0%af../winnt/system32/cmd.exe?/c+dir",
        "/scripts/..%c1%9c../winnt/system32/cmd.exe?/c+dir",
        "/scripts/..%%35%63../winnt/system32/cmd.exe?/c+dir",
        "/scripts/..%%35c../winnt/system32/cmd.exe?/c+dir",
        "/scripts/..%25%35%63../winnt/system32/cmd.exe?/c+dir",
        "/scripts/..%252f../winnt/system32/cmd.exe?/c+dir"));

// The same requests as other servers and setups write them: "%5c" logged
// as "%255c", raw bytes as Apache 2's \xHH escapes or as themselves, IIS's
// decoded backslashes, %u escapes.
INSTANTIATE_TEST_SUITE_P(
    OtherEscapings, NimdaFormTest,
    ::testing::Values(
        "/scripts/..%255c../winnt/system32/cmd.exe?/c+dir",
        "/_vti_bin/..%255c../..%255c../..%255c../winnt/system32/cmd.exe?/c+dir",
        "/msadc/..%255c../..%255c../..%255c/..%c1%1c../..%c1%1c../..%c1%1c../winnt/system32/"
        "cmd.exe?/c+dir",
        "/scripts/..\\xc1\\x1c../winnt/system32/cmd.exe?/c+dir",
        "/scripts/..\\xc0/../winnt/system32/cmd.exe?/c+dir",
        "/scripts/..\xc0\xaf../winnt/system32/cmd.exe?/c+dir",
        "/scripts/..\xc1\x9c../winnt/system32/cmd.exe?/c+dir",
        "/scripts/..%35c../winnt/system32/cmd.exe?/c+dir",
        "/scripts/..\\../winnt/system32/cmd.exe?/c+dir",
        "/scripts/..%u005c../winnt/system32/cmd.exe?/c+dir",
        "/scripts/..%e0%80%af../winnt/system32/cmd.exe?/c+dir",
        "/SCRIPTS/ROOT.EXE?/c+dir", "/scripts/..%5C../WINNT/System32/Cmd.exe?/c+dir"));

TEST_F(WormClassifierTest, DirectRequestsForTheWormsProgramsAreNimda) {
  EXPECT_EQ(ClassifyWebRequest("/winnt/system32/cmd.exe"), kNimda);
  EXPECT_EQ(ClassifyWebRequest("/winnt/system32/cmd.exe?/c+ver"), kNimda);
  EXPECT_EQ(ClassifyWebRequest("/iisadmpwd/..%c0%af../winnt/system32/cmd.exe?/c+dir"), kNimda);
  EXPECT_EQ(ClassifyWebRequest("/root.exe"), kNimda);
  EXPECT_EQ(ClassifyWebRequest("http://192.0.2.1//scripts/root.exe?/c+dir"), kNimda);
  EXPECT_EQ(ClassifyWebRequest("/winnt//system32///cmd.exe?/c+dir"), kNimda);
}

TEST_F(WormClassifierTest, OtherTraversalsAreNotWorms) {
  EXPECT_EQ(ClassifyWebRequest("/scripts/..%c0%af../etc/passwd"), "");
  EXPECT_EQ(ClassifyWebRequest("/cgi-bin/../../../../etc/passwd"), "");
  EXPECT_EQ(ClassifyWebRequest("/scripts/..%255c../winnt/system32/notepad.exe?/c+dir"), "");
  EXPECT_EQ(ClassifyWebRequest("/scripts/..%c1%1c../boot.ini"), "");
  EXPECT_EQ(ClassifyWebRequest("/winnt/system32/cmd.exe.bak"), "");
  EXPECT_EQ(ClassifyWebRequest("/scripts/myroot.exe?/c+dir"), "");
  EXPECT_EQ(ClassifyWebRequest("/search?q=/winnt/system32/cmd.exe"), "");
}

TEST_F(WormClassifierTest, OrdinaryRequestsAreNotWorms) {
  EXPECT_EQ(ClassifyWebRequest("/"), "");
  EXPECT_EQ(ClassifyWebRequest("/index.html"), "");
  EXPECT_EQ(ClassifyWebRequest("/images/caf%C3%A9.png?size=100%25"), "");
  EXPECT_EQ(ClassifyWebRequest("/robots.txt"), "");
  EXPECT_EQ(ClassifyWebRequest(""), "");
}

TEST_F(WormClassifierTest, CutShortEscapesAreHarmless) {
  for (const char* target : {"%", "%2", "/x%", "/x%u00", "/x\\", "/x\\x", "/x\\x5", "\xc0", "\xe0\x80",
                             "/%%%%%", "%252"}) {
    EXPECT_EQ(ClassifyWebRequest(target), "") << target;
  }
}

TEST_F(WormClassifierTest, VeryLongPathIsJudgedByItsEnd) {
  std::string prefix;
  for (int i = 0; i < 1000; ++i) prefix += "..%5c";
  EXPECT_EQ(ClassifyWebRequest("/scripts/" + prefix + "../winnt/system32/cmd.exe?/c+dir"), kNimda);
  EXPECT_EQ(ClassifyWebRequest("/scripts/" + prefix + "../winnt/system32/calc.exe"), "");
}

}  // namespace
}  // namespace abuseflow::ingest
