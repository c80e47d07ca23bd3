#include "ingest/file_follower.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "ingest/line_reader.h"

namespace abuseflow::ingest {
namespace {

namespace fs = std::filesystem;

class FileFollowerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("file_follower_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    path_ = (dir_ / "access.log").string();
  }
  void TearDown() override { fs::remove_all(dir_); }

  void Append(const std::string& text) { std::ofstream(path_, std::ios::binary | std::ios::app) << text; }
  std::unique_ptr<FileFollower> Open() {
    auto store = std::make_unique<OffsetStore>((dir_ / "positions").string(), "apache:" + path_);
    auto f = FileFollower::Open(path_, "access", std::move(store));
    EXPECT_TRUE(f.ok()) << f.status().ToString();
    return f.ok() ? std::move(f).value() : nullptr;
  }
  // Every line the follower has now, as "seq:text", until it is idle.
  static std::vector<std::string> Drain(FileFollower& f) {
    std::vector<std::string> out;
    SourceLine line;
    SourceState state;
    while ((state = f.Next(&line, 0)) == SourceState::kLine) {
      out.push_back(std::to_string(line.seq) + ":" + std::string(line.text));
    }
    EXPECT_EQ(state, SourceState::kIdle) << f.status().ToString();
    return out;
  }
  using Lines = std::vector<std::string>;

  fs::path dir_;
  std::string path_;
};

TEST_F(FileFollowerTest, ReadsLinesAsTheyAreAppended) {
  Append("one\ntwo\n");
  auto f = Open();
  EXPECT_EQ(Drain(*f), (Lines{"1:one", "2:two"}));
  EXPECT_EQ(Drain(*f), Lines{});
  Append("three\r\n");
  EXPECT_EQ(Drain(*f), (Lines{"3:three"}));
}

TEST_F(FileFollowerTest, PartialLastLineWaitsForItsNewline) {
  Append("whole\npart");
  auto f = Open();
  EXPECT_EQ(Drain(*f), (Lines{"1:whole"}));
  EXPECT_EQ(f->position().offset, 6u);
  Append("ial");
  EXPECT_EQ(Drain(*f), Lines{});
  Append(" line\n");
  EXPECT_EQ(Drain(*f), (Lines{"2:partial line"}));
}

TEST_F(FileFollowerTest, MissingFileIsWaitedFor) {
  auto f = Open();
  EXPECT_EQ(Drain(*f), Lines{});
  Append("late\n");
  EXPECT_EQ(Drain(*f), (Lines{"1:late"}));
}

TEST_F(FileFollowerTest, RenameRotationFinishesTheOldFileThenReadsTheNewOne) {
  Append("a1\na2\n");
  auto f = Open();
  EXPECT_EQ(Drain(*f), (Lines{"1:a1", "2:a2"}));
  Append("a3\nlast without newline");  // written before the rotation
  fs::rename(path_, path_ + ".1");
  EXPECT_EQ(Drain(*f), (Lines{"3:a3"}));  // the new file is not there yet
  Append("b1\n");
  EXPECT_EQ(Drain(*f), (Lines{"4:last without newline", "5:b1"}));
  EXPECT_EQ(f->counters().rotations, 1u);
}

TEST_F(FileFollowerTest, CopytruncateReadsTheFileAgainFromItsStart) {
  Append("a1\na2\na3\n");
  auto f = Open();
  EXPECT_EQ(Drain(*f).size(), 3u);
  fs::resize_file(path_, 0);
  Append("b1\n");
  EXPECT_EQ(Drain(*f), (Lines{"4:b1"}));
  EXPECT_EQ(f->counters().truncations, 1u);
}

TEST_F(FileFollowerTest, TruncatedAndRefilledBeyondTheOffsetIsNoticedByItsFirstBytes) {
  Append("a1\na2\n");
  auto f = Open();
  EXPECT_EQ(Drain(*f).size(), 2u);
  EXPECT_EQ(Drain(*f), Lines{});  // idle: the first bytes are learned
  fs::resize_file(path_, 0);
  Append("b1 longer than before\nb2\n");
  EXPECT_EQ(Drain(*f), (Lines{"3:b1 longer than before", "4:b2"}));
  EXPECT_EQ(f->counters().truncations, 1u);
}

TEST_F(FileFollowerTest, RestartAfterTruncateAndRefillStartsFromZero) {
  Append("a1\na2\n");
  {
    auto f = Open();
    EXPECT_EQ(Drain(*f).size(), 2u);
    EXPECT_EQ(Drain(*f), Lines{});
    ASSERT_TRUE(f->Commit().ok());
  }
  fs::resize_file(path_, 0);
  Append("b1 longer than before\n");
  auto f = Open();
  EXPECT_EQ(Drain(*f), (Lines{"3:b1 longer than before"}));
}

TEST_F(FileFollowerTest, RestartResumesAfterTheCommittedLine) {
  Append("a1\na2\n");
  {
    auto f = Open();
    EXPECT_EQ(Drain(*f).size(), 2u);
    ASSERT_TRUE(f->Commit().ok());
  }
  Append("a3\n");
  auto f = Open();
  EXPECT_EQ(Drain(*f), (Lines{"3:a3"}));
}

TEST_F(FileFollowerTest, UncommittedLinesAreReadAgainWithTheSameSeq) {
  Append("a1\n");
  {
    auto f = Open();
    EXPECT_EQ(Drain(*f).size(), 1u);
    ASSERT_TRUE(f->Commit().ok());
    Append("a2\n");
    EXPECT_EQ(Drain(*f), (Lines{"2:a2"}));  // not committed: as if it crashed here
  }
  auto f = Open();
  EXPECT_EQ(Drain(*f), (Lines{"2:a2"}));
}

TEST_F(FileFollowerTest, RestartAfterRenameRotationFinishesTheRotatedFile) {
  Append("a1\n");
  {
    auto f = Open();
    EXPECT_EQ(Drain(*f).size(), 1u);
    ASSERT_TRUE(f->Commit().ok());
  }
  Append("a2\n");
  fs::rename(path_, path_ + "-20261201");
  Append("b1\n");
  auto f = Open();
  EXPECT_EQ(Drain(*f), (Lines{"2:a2", "3:b1"}));
}

TEST_F(FileFollowerTest, RestartAfterTruncationStartsFromZero) {
  Append("a1\na2\n");
  {
    auto f = Open();
    EXPECT_EQ(Drain(*f).size(), 2u);
    ASSERT_TRUE(f->Commit().ok());
  }
  fs::resize_file(path_, 0);
  Append("b\n");
  auto f = Open();
  EXPECT_EQ(Drain(*f), (Lines{"3:b"}));
}

TEST_F(FileFollowerTest, OverlongLineIsCutFlaggedAndSkipped) {
  Append(std::string(LineReader::kMaxLineLength + 100, 'x') + "\nafter\n");
  auto f = Open();
  SourceLine line;
  ASSERT_EQ(f->Next(&line, 0), SourceState::kLine);
  EXPECT_TRUE(line.too_long);
  EXPECT_EQ(line.text.size(), LineReader::kMaxLineLength);
  EXPECT_EQ(Drain(*f), (Lines{"2:after"}));
}

}  // namespace
}  // namespace abuseflow::ingest
