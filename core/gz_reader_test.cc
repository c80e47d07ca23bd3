#include "core/gz_reader.h"

#include <gtest/gtest.h>
#include <unistd.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace abuseflow::core {
namespace {

class GzReaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = (std::filesystem::temp_directory_path() /
             ("gz_reader_test_" + std::to_string(::getpid()) + "_" +
              ::testing::UnitTest::GetInstance()->current_test_info()->name()))
                .string();
  }
  void TearDown() override { std::filesystem::remove(path_); }
  void WriteGzip(const std::string& content, const char* mode = "wb") {
    gzFile gz = gzopen(path_.c_str(), mode);
    gzwrite(gz, content.data(), static_cast<unsigned>(content.size()));
    gzclose(gz);
  }
  // Everything Read gives, with the error (empty when the end was reached).
  std::pair<std::string, std::string> ReadAll() {
    auto reader = GzReader::Open(path_, 4096);
    EXPECT_TRUE(reader.ok()) << reader.status().ToString();
    std::string out, error;
    char buf[1000];
    for (long n; (n = (*reader)->Read(buf, sizeof buf, &error)) != 0;) {
      if (n < 0) return {out, error};
      out.append(buf, static_cast<size_t>(n));
    }
    return {out, ""};
  }
  std::string path_;
};

std::string Lines(int n) {
  std::string text;
  for (int i = 0; i < n; ++i) text += "line " + std::to_string(i) + "\n";
  return text;
}

TEST_F(GzReaderTest, PlainAndGzipGiveTheSameBytes) {
  std::ofstream(path_, std::ios::binary) << Lines(20000);
  EXPECT_EQ(ReadAll(), std::make_pair(Lines(20000), std::string()));
  WriteGzip(Lines(20000));
  EXPECT_EQ(ReadAll(), std::make_pair(Lines(20000), std::string()));
}

TEST_F(GzReaderTest, ConcatenatedMembersAreReadInTurn) {
  WriteGzip("first\n");
  WriteGzip("second\n", "ab");
  EXPECT_EQ(ReadAll(), std::make_pair(std::string("first\nsecond\n"), std::string()));
}

TEST_F(GzReaderTest, AStreamCutShortIsAnErrorNotTheEnd) {
  WriteGzip(Lines(20000));
  std::filesystem::resize_file(path_, std::filesystem::file_size(path_) / 2);
  auto [text, error] = ReadAll();
  EXPECT_LT(text.size(), Lines(20000).size());
  EXPECT_EQ(error, "truncated gzip data (unexpected end of file)");
}

TEST_F(GzReaderTest, CorruptDataIsAnError) {
  WriteGzip(Lines(2000));
  {
    std::fstream f(path_, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(40);
    f << std::string(64, '\xAA');
  }
  auto [text, error] = ReadAll();
  EXPECT_EQ(error.rfind("corrupt gzip data: ", 0), 0u) << error;
}

TEST_F(GzReaderTest, AMissingFileAndADirectory) {
  auto missing = GzReader::Open("/nonexistent/abuseflow/file", 4096);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().message(), "No such file or directory");
  auto dir = GzReader::Open(std::filesystem::temp_directory_path().string(), 4096);
  ASSERT_TRUE(dir.ok());
  std::string error;
  char buf[16];
  EXPECT_EQ((*dir)->Read(buf, sizeof buf, &error), -1);
  EXPECT_EQ(error, "Is a directory");
  EXPECT_EQ((*dir)->Read(buf, sizeof buf, &error), -1);  // and stays failed
}

}  // namespace
}  // namespace abuseflow::core
