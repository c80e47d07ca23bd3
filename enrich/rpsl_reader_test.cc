#include "enrich/rpsl_reader.h"

#include <gtest/gtest.h>

#include <sstream>
#include <stdexcept>

namespace abuseflow::enrich {
namespace {

class RpslReaderTest : public ::testing::Test {
 protected:
  // Reads every object of `text`, collecting the reported errors.
  std::vector<RpslObject> ReadAll(const std::string& text, RpslReaderOptions options = {}) {
    std::istringstream in(text);
    RpslReader reader(&in, "test.db", std::move(options),
                      [this](const std::string& m) { errors_.push_back(m); });
    std::vector<RpslObject> objects;
    RpslObject object;
    while (reader.Next(&object)) objects.push_back(object);
    EXPECT_TRUE(reader.status().ok()) << reader.status().ToString();
    stats_ = reader.stats();
    return objects;
  }

  // Expects `text` to hold one malformed object reported at `line` with
  // `message`, followed by a good one that is still read.
  void ExpectMalformed(const std::string& text, int line, const std::string& message) {
    auto objects = ReadAll(text + "\ninetnum: 192.0.2.0 - 192.0.2.255\nnetname: AFTER\n");
    ASSERT_EQ(errors_.size(), 1u) << text;
    EXPECT_EQ(errors_[0].rfind("test.db:" + std::to_string(line) + ": ", 0), 0u) << errors_[0];
    EXPECT_NE(errors_[0].find(message), std::string::npos) << errors_[0];
    EXPECT_EQ(stats_.malformed, 1u);
    ASSERT_EQ(objects.size(), 1u);
    EXPECT_EQ(objects[0].Get("netname"), "AFTER");
  }

  std::vector<std::string> errors_;
  RpslReaderStats stats_;
};

TEST_F(RpslReaderTest, ReadsObjectsSeparatedByBlankLines) {
  auto objects = ReadAll(
      "inetnum:  192.0.2.0 - 192.0.2.255\nNetName:   EXAMPLE-NET  \ndescr: one\ndescr: two\n"
      "\n  \t\n"
      "organisation: ORG-EX1-TEST\norg-name: Example\n");
  ASSERT_EQ(objects.size(), 2u);
  EXPECT_EQ(objects[0].cls, "inetnum");
  EXPECT_EQ(objects[0].key, "192.0.2.0 - 192.0.2.255");
  EXPECT_EQ(objects[0].file, "test.db");
  EXPECT_EQ(objects[0].line, 1);
  EXPECT_EQ(objects[0].Get("netname"), "EXAMPLE-NET");
  EXPECT_EQ(objects[0].GetAll("descr"), (std::vector<std::string_view>{"one", "two"}));
  EXPECT_EQ(objects[0].Get("missing"), "");
  EXPECT_EQ(objects[1].cls, "organisation");
  EXPECT_EQ(objects[1].key, "ORG-EX1-TEST");
  EXPECT_EQ(objects[1].line, 7);
  EXPECT_EQ(stats_.objects, 2u);
  EXPECT_TRUE(errors_.empty());
}

TEST_F(RpslReaderTest, ContinuationLinesAreAppendedWithOneSpace) {
  auto objects = ReadAll(
      "role: Abuse Team\naddress: Line one\n  line two\n\tline three\n+ line four\n+\n"
      "nic-hdl: AT1-TEST\n");
  ASSERT_EQ(objects.size(), 1u);
  EXPECT_EQ(objects[0].Get("address"), "Line one line two line three line four");
}

TEST_F(RpslReaderTest, PersonAndRoleAreKeyedByNicHdl) {
  auto objects = ReadAll(
      "person: Pat Example\nnic-hdl: PE1-TEST # the handle\n\n"
      "role: Abuse\nnic-hdl: AB1-TEST\n");
  ASSERT_EQ(objects.size(), 2u);
  EXPECT_EQ(objects[0].key, "PE1-TEST");
  EXPECT_EQ(objects[1].key, "AB1-TEST");
}

TEST_F(RpslReaderTest, CommentLinesAreSkippedBetweenAndInsideObjects) {
  auto objects = ReadAll(
      "% header\n# another\n\nirt: IRT-EX\n% inside\n# inside too\n"
      "abuse-mailbox: irt@example.net\n");
  ASSERT_EQ(objects.size(), 1u);
  EXPECT_EQ(objects[0].line, 4);
  EXPECT_EQ(objects[0].attrs.size(), 2u);
}

TEST_F(RpslReaderTest, CrLfLineEndingsAndMissingFinalNewlineAreAccepted) {
  auto objects = ReadAll("irt: IRT-A\r\nabuse-mailbox: a@example.net\r\n\r\nirt: IRT-B");
  ASSERT_EQ(objects.size(), 2u);
  EXPECT_EQ(objects[0].Get("abuse-mailbox"), "a@example.net");
  EXPECT_EQ(objects[1].key, "IRT-B");
}

TEST_F(RpslReaderTest, AbuseCommentIsAttachedToTheNextInetnum) {
  auto objects = ReadAll(
      "% Abuse contact for '193.0.0.0 - 193.0.7.255' is 'abuse@ripe.example'\n\n"
      "inetnum: 193.0.0.0 - 193.0.7.255\nnetname: RIPE-NCC\n\n"
      "inet6num: 2001:db8::/32\nnetname: LATER\n");
  ASSERT_EQ(objects.size(), 2u);
  ASSERT_TRUE(objects[0].abuse_comment.has_value());
  EXPECT_EQ(objects[0].abuse_comment->range, "193.0.0.0 - 193.0.7.255");
  EXPECT_EQ(objects[0].abuse_comment->mailbox, "abuse@ripe.example");
  EXPECT_FALSE(objects[1].abuse_comment.has_value());
}

TEST_F(RpslReaderTest, AbuseCommentBeforeAnotherClassIsDropped) {
  auto objects = ReadAll(
      "% Abuse contact for '192.0.2.0 - 192.0.2.255' is 'a@example.net'\n"
      "role: R\nnic-hdl: R1-TEST\n\ninetnum: 192.0.2.0 - 192.0.2.255\n");
  ASSERT_EQ(objects.size(), 2u);
  EXPECT_FALSE(objects[1].abuse_comment.has_value());
}

TEST_F(RpslReaderTest, UnwantedClassesAreSkippedWithoutChecks) {
  RpslReaderOptions options;
  options.classes = {"inetnum"};
  auto objects = ReadAll("route: 192.0.2.0/24\nno colon here\n\ninetnum: 192.0.2.0/24\n", options);
  ASSERT_EQ(objects.size(), 1u);
  EXPECT_EQ(objects[0].cls, "inetnum");
  EXPECT_EQ(stats_.skipped, 1u);
  EXPECT_TRUE(errors_.empty());
}

TEST_F(RpslReaderTest, LineWithoutColonMakesObjectMalformed) {
  ExpectMalformed("inetnum: 10.0.0.0/8\nthis line has no colon\n", 2, "without a colon");
}

TEST_F(RpslReaderTest, BadAttributeNameMakesObjectMalformed) {
  ExpectMalformed("inetnum: 10.0.0.0/8\nnet name: X\n", 2, "bad attribute name 'net name'");
}

TEST_F(RpslReaderTest, ContinuationWithoutAttributeMakesObjectMalformed) {
  ExpectMalformed("\n\n  indented first line\nnetname: X\n", 3,
                  "continuation line without an attribute");
}

TEST_F(RpslReaderTest, BackwardsRangeMakesInetnumMalformed) {
  ExpectMalformed("\ninetnum: 198.18.9.0 - 198.18.1.0\nnetname: BACKWARDS\n", 2,
                  "first address after last");
}

TEST_F(RpslReaderTest, UnparseableRangeMakesInetnumMalformed) {
  ExpectMalformed("inetnum: 300.1.1.1 - 300.1.1.9\n", 1, "unparseable");
}

TEST_F(RpslReaderTest, WrongFamilyMakesInet6numMalformed) {
  ExpectMalformed("inet6num: 10.0.0.0/8\n", 1, "wrong address family");
}

TEST_F(RpslReaderTest, PersonWithoutNicHdlIsMalformed) {
  ExpectMalformed("person: Nobody\naddress: nowhere\n", 1, "without nic-hdl");
}

TEST_F(RpslReaderTest, TooManyAttributesMakeObjectMalformed) {
  std::string text = "inetnum: 10.0.0.0/8\n";
  for (int i = 0; i < 20; ++i) text += "descr: x\n";
  RpslReaderOptions options;
  options.max_attributes = 10;
  auto objects = ReadAll(text + "\nirt: IRT-OK\n", options);
  ASSERT_EQ(errors_.size(), 1u);
  EXPECT_EQ(errors_[0], "test.db:11: object too large (more than 10 attributes)");
  ASSERT_EQ(objects.size(), 1u);
  EXPECT_EQ(objects[0].key, "IRT-OK");
}

TEST_F(RpslReaderTest, OversizedObjectIsDroppedAndReadingGoesOn) {
  std::string text = "inetnum: 10.0.0.0/8\n";
  for (int i = 0; i < 100000; ++i) text += "remarks: " + std::string(30, 'r') + "\n";
  auto objects = ReadAll(text + "\nirt: IRT-OK\n");
  ASSERT_EQ(errors_.size(), 1u);
  EXPECT_NE(errors_[0].find("object too large"), std::string::npos) << errors_[0];
  ASSERT_EQ(objects.size(), 1u);
  EXPECT_EQ(objects[0].key, "IRT-OK");
}

TEST_F(RpslReaderTest, OverlongLineIsMalformedAndSkippedToItsEnd) {
  ExpectMalformed("inetnum: 10.0.0.0/8\ndescr: " + std::string(1 << 20, 'x') + "\n", 2,
                  "line too long");
}

TEST_F(RpslReaderTest, OverlongCommentLineIsJustSkipped) {
  auto objects = ReadAll("% " + std::string(100000, 'c') + "\nirt: IRT-OK\n");
  ASSERT_EQ(objects.size(), 1u);
  EXPECT_EQ(objects[0].line, 2);
  EXPECT_TRUE(errors_.empty());
}

// Serves `data` in full reads, then fails as a broken disk would.
class FailingBuffer : public std::streambuf {
 public:
  explicit FailingBuffer(std::string data) : data_(std::move(data)) {}

 protected:
  std::streamsize xsgetn(char* s, std::streamsize n) override {
    if (static_cast<size_t>(n) > data_.size() - offset_) throw std::runtime_error("read failed");
    data_.copy(s, static_cast<size_t>(n), offset_);
    offset_ += static_cast<size_t>(n);
    return n;
  }
  int_type underflow() override { throw std::runtime_error("read failed"); }

 private:
  std::string data_;
  size_t offset_ = 0;
};

TEST_F(RpslReaderTest, StreamFailureEndsReadingWithIoErrorNamingTheFile) {
  std::string data;
  while (data.size() < 200 * 1024) data += "irt: IRT-A\nabuse-mailbox: a@example.net\n\n";
  FailingBuffer buffer(data);
  std::istream in(&buffer);
  RpslReader reader(&in, "broken-disk.db");
  RpslObject object;
  int objects = 0;
  while (reader.Next(&object)) ++objects;
  EXPECT_GT(objects, 1000);
  EXPECT_EQ(reader.status().code(), core::Status::Code::kIoError);
  EXPECT_NE(reader.status().message().find("broken-disk.db"), std::string::npos);
}

TEST(ParseAddressRangeTest, AcceptsRangesPrefixesAndBareAddresses) {
  auto range = ParseAddressRange(" 192.0.2.0-192.0.2.127 ");
  ASSERT_TRUE(range.ok());
  EXPECT_EQ(range->first.ToString(), "192.0.2.0");
  EXPECT_EQ(range->last.ToString(), "192.0.2.127");
  range = ParseAddressRange("2001:db8::/32");
  ASSERT_TRUE(range.ok());
  EXPECT_EQ(range->last.ToString(), "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff");
  range = ParseAddressRange("2001:db8:: - 2001:db8::ff");
  ASSERT_TRUE(range.ok());
  EXPECT_EQ(range->last.ToString(), "2001:db8::ff");
  range = ParseAddressRange("192.0.2.9");
  ASSERT_TRUE(range.ok());
  EXPECT_EQ(range->first, range->last);
}

TEST(ParseAddressRangeTest, RejectsBadRangesSayingWhy) {
  EXPECT_NE(ParseAddressRange("192.0.2.0 - 2001:db8::1").status().message().find("mixed"),
            std::string::npos);
  EXPECT_NE(ParseAddressRange("192.0.2.9 - 192.0.2.1").status().message().find("after"),
            std::string::npos);
  EXPECT_EQ(ParseAddressRange("192.0.2.1/24").status().code(),
            core::Status::Code::kInvalidArgument);
  EXPECT_FALSE(ParseAddressRange("").ok());
  EXPECT_FALSE(ParseAddressRange("example").ok());
}

TEST(StripRpslCommentTest, RemovesEndOfLineCommentAndWhiteSpace) {
  EXPECT_EQ(StripRpslComment("  AB1-TEST   # handle "), "AB1-TEST");
  EXPECT_EQ(StripRpslComment("# all comment"), "");
  EXPECT_EQ(StripRpslComment("floor#3"), "floor#3");
}

}  // namespace
}  // namespace abuseflow::enrich
