#include "core/journal.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace abuseflow::core {
namespace {

class JournalTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = (std::filesystem::temp_directory_path() /
            ("abuseflow-journal-" + std::to_string(::getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name()))
               .string();
    std::filesystem::remove_all(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::unique_ptr<Journal> Open(JournalRecovery* recovery = nullptr, JournalOptions options = {}) {
    auto j = Journal::Open(dir_, options, recovery);
    EXPECT_TRUE(j.ok()) << j.status().ToString();
    return j.ok() ? std::move(j).value() : nullptr;
  }
  std::string OnlySegment() const {
    for (const auto& e : std::filesystem::directory_iterator(dir_)) {
      if (e.path().extension() == ".log") return e.path().string();
    }
    return "";
  }
  std::string dir_;
};

TEST_F(JournalTest, RecordsComeBackAfterReopenUntilAcknowledged) {
  {
    auto j = Open();
    ASSERT_TRUE(j->NewStream().ok());
    for (int i = 1; i <= 5; ++i) {
      auto seq = j->Append("record " + std::to_string(i));
      ASSERT_TRUE(seq.ok());
      EXPECT_EQ(*seq, static_cast<uint64_t>(i));
    }
    ASSERT_TRUE(j->Sync().ok());
    ASSERT_TRUE(j->Ack(1).ok());
    ASSERT_TRUE(j->Ack(3).ok());  // out of order: 2 is still owed
    EXPECT_EQ(j->acked_through(), 1u);
  }
  auto j = Open();
  EXPECT_FALSE(j->stream().empty());
  EXPECT_EQ(j->last_seq(), 5u);
  // 3 was acknowledged above the watermark: only the watermark is durable,
  // so it comes back too (sent again, applied once downstream).
  EXPECT_EQ(j->Unacked(), (std::vector<uint64_t>{2, 3, 4, 5}));
  auto payload = j->Read(4);
  ASSERT_TRUE(payload.ok());
  EXPECT_EQ(*payload, "record 4");
  auto next = j->Append("record 6");
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(*next, 6u);
  EXPECT_EQ(j->stream_base(), 0u);
  const std::string first_stream = j->stream();
  for (uint64_t s = 2; s <= 6; ++s) ASSERT_TRUE(j->Ack(s).ok());
  ASSERT_TRUE(j->NewStream().ok());
  EXPECT_NE(j->stream(), first_stream);
  EXPECT_EQ(j->stream_base(), 6u);  // the new stream's first record, 7, is its first
  j.reset();
  EXPECT_EQ(Open()->stream_base(), 6u);
}

TEST_F(JournalTest, AnUnfinishedRecordAtTheEndIsCutOff) {
  std::string segment;
  {
    auto j = Open();
    ASSERT_TRUE(j->Append("complete").ok());
    ASSERT_TRUE(j->Append("torn record").ok());
    ASSERT_TRUE(j->Sync().ok());
    segment = OnlySegment();
  }
  std::filesystem::resize_file(segment, std::filesystem::file_size(segment) - 4);
  JournalRecovery recovery;
  auto j = Open(&recovery);
  EXPECT_EQ(j->Unacked(), (std::vector<uint64_t>{1}));
  EXPECT_GT(recovery.torn_bytes, 0u);
  auto next = j->Append("after");
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(*next, 2u);
  j.reset();
  auto again = Open();
  EXPECT_EQ(again->Unacked(), (std::vector<uint64_t>{1, 2}));
  EXPECT_EQ(*again->Read(2), "after");
}

TEST_F(JournalTest, ACorruptUnacknowledgedRecordInTheMiddleRefusesToOpen) {
  std::string segment;
  {
    auto j = Open();
    for (int i = 0; i < 3; ++i) ASSERT_TRUE(j->Append(std::string(100, 'a' + i)).ok());
    ASSERT_TRUE(j->Sync().ok());
    segment = OnlySegment();
  }
  {
    std::fstream f(segment, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(120 + 20 + 50);  // inside the second record's payload
    f.put('X');
  }
  auto j = Journal::Open(dir_);
  ASSERT_FALSE(j.ok());
  EXPECT_EQ(j.status().code(), Status::Code::kCorruption);
  EXPECT_NE(j.status().message().find("records 2..2"), std::string::npos) << j.status().message();
  EXPECT_NE(j.status().message().find(segment), std::string::npos);
}

TEST_F(JournalTest, ACorruptAcknowledgedRecordIsSkipped) {
  std::string segment;
  {
    auto j = Open();
    for (int i = 0; i < 3; ++i) ASSERT_TRUE(j->Append(std::string(100, 'a' + i)).ok());
    ASSERT_TRUE(j->Sync().ok());
    ASSERT_TRUE(j->Ack(1).ok());
    ASSERT_TRUE(j->Ack(2).ok());
    segment = OnlySegment();
  }
  {
    std::fstream f(segment, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(120 + 20 + 50);
    f.put('X');
  }
  JournalRecovery recovery;
  auto j = Open(&recovery);
  ASSERT_NE(j, nullptr);
  EXPECT_EQ(j->Unacked(), (std::vector<uint64_t>{3}));
  EXPECT_GT(recovery.skipped_bytes, 0u);
}

TEST_F(JournalTest, FullyAcknowledgedSegmentsAreDeleted) {
  JournalOptions small;
  small.segment_bytes = 256;
  auto j = Open(nullptr, small);
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(j->Append(std::string(100, 'x')).ok());
  ASSERT_TRUE(j->Sync().ok());
  auto count = [&] {
    int n = 0;
    for (const auto& e : std::filesystem::directory_iterator(dir_)) n += e.path().extension() == ".log";
    return n;
  };
  EXPECT_GE(count(), 6);  // three 120-byte records per 256-byte segment
  EXPECT_EQ(j->unacked_bytes(), 2000u);
  for (uint64_t s = 1; s <= 18; ++s) ASSERT_TRUE(j->Ack(s).ok());
  EXPECT_LE(count(), 2);
  EXPECT_EQ(j->unacked_bytes(), 200u);
  j.reset();
  auto reopened = Open(nullptr, small);
  EXPECT_EQ(reopened->Unacked(), (std::vector<uint64_t>{19, 20}));
}

TEST_F(JournalTest, GarbageInsteadOfAJournalIsCutOffNotACrash) {
  std::filesystem::create_directories(dir_);
  {
    std::ofstream f(dir_ + "/00000000000000000001.log", std::ios::binary);
    for (int i = 0; i < 1000; ++i) f.put(static_cast<char>(i * 7919));
  }
  JournalRecovery recovery;
  auto j = Open(&recovery);
  ASSERT_NE(j, nullptr);
  EXPECT_EQ(j->unacked_records(), 0u);
  EXPECT_EQ(recovery.torn_bytes, 1000u);
}

}  // namespace
}  // namespace abuseflow::core
