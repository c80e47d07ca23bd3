#include "ingest/line_reader.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>

namespace abuseflow::ingest {
namespace {

class LineReaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = (std::filesystem::temp_directory_path() /
             ("line_reader_test_" + std::to_string(::getpid()) + "_" +
              ::testing::UnitTest::GetInstance()->current_test_info()->name()))
                .string();
  }
  void TearDown() override { std::filesystem::remove(path_); }
  void Write(const std::string& content) { std::ofstream(path_, std::ios::binary) << content; }
  std::vector<std::string> ReadAll(std::vector<bool>* too_long = nullptr) {
    auto reader = LineReader::Open(path_);
    EXPECT_TRUE(reader.ok()) << reader.status().ToString();
    std::vector<std::string> lines;
    std::string_view line;
    bool is_long = false;
    while ((*reader)->Next(&line, &is_long)) {
      lines.emplace_back(line);
      if (too_long) too_long->push_back(is_long);
    }
    EXPECT_TRUE((*reader)->status().ok());
    return lines;
  }
  std::string path_;
};

TEST_F(LineReaderTest, SplitsLinesAndStripsLineEndings) {
  Write("one\r\ntwo\n\nlast without newline");
  EXPECT_EQ(ReadAll(), (std::vector<std::string>{"one", "two", "", "last without newline"}));
}

TEST_F(LineReaderTest, ReadsGzipTransparently) {
  gzFile gz = gzopen(path_.c_str(), "wb");
  for (int i = 0; i < 10000; ++i) gzprintf(gz, "line %d\n", i);
  gzclose(gz);
  auto lines = ReadAll();
  ASSERT_EQ(lines.size(), 10000u);
  EXPECT_EQ(lines[9999], "line 9999");
}

// A .gz cut short is a read error naming the file, not a shorter log.
TEST_F(LineReaderTest, TruncatedGzipIsAReadErrorNotTheEnd) {
  gzFile gz = gzopen(path_.c_str(), "wb");
  for (int i = 0; i < 10000; ++i) gzprintf(gz, "line %d\n", i);
  gzclose(gz);
  std::filesystem::resize_file(path_, std::filesystem::file_size(path_) / 2);
  auto reader = LineReader::Open(path_);
  ASSERT_TRUE(reader.ok());
  std::string_view line;
  bool too_long = false;
  size_t lines = 0;
  while ((*reader)->Next(&line, &too_long)) ++lines;
  EXPECT_LT(lines, 10000u);
  ASSERT_FALSE((*reader)->status().ok());
  EXPECT_NE((*reader)->status().message().find(path_), std::string::npos);
  EXPECT_NE((*reader)->status().message().find("truncated"), std::string::npos);
}

TEST_F(LineReaderTest, OverlongLineIsFlaggedAndSkippedToItsEnd) {
  std::string huge(LineReader::kMaxLineLength * 3 + 17, 'A');
  Write("before\n" + huge + "\nafter\n" + std::string(LineReader::kMaxLineLength + 1, 'B'));
  std::vector<bool> too_long;
  auto lines = ReadAll(&too_long);
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[0], "before");
  EXPECT_TRUE(too_long[1]);
  EXPECT_EQ(lines[1].size(), LineReader::kMaxLineLength);
  EXPECT_EQ(lines[2], "after");
  EXPECT_FALSE(too_long[2]);
  EXPECT_TRUE(too_long[3]);
}

TEST_F(LineReaderTest, LineOfExactlyTheLimitIsNotTooLong) {
  std::string exact(LineReader::kMaxLineLength - 1, 'C');
  Write(exact + "\nnext\n");
  std::vector<bool> too_long;
  auto lines = ReadAll(&too_long);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_FALSE(too_long[0]);
  EXPECT_EQ(lines[1], "next");
}

TEST_F(LineReaderTest, MissingFileIsAnErrorNamingThePath) {
  auto reader = LineReader::Open("/nonexistent/abuseflow/access.log");
  ASSERT_FALSE(reader.ok());
  EXPECT_NE(reader.status().message().find("/nonexistent/abuseflow/access.log"), std::string::npos);
}

}  // namespace
}  // namespace abuseflow::ingest
