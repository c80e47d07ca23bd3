#include "core/charset.h"

#include <gtest/gtest.h>

#include <string>

namespace abuseflow::core {
namespace {

TEST(CharsetTest, Utf8ValidationRejectsIllFormedSequencesAndNul) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("plain"));
  EXPECT_TRUE(IsValidUtf8("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"));
  EXPECT_FALSE(IsValidUtf8("\xc3\x28"));          // bad continuation
  EXPECT_FALSE(IsValidUtf8("\xc0\xaf"));          // overlong '/'
  EXPECT_FALSE(IsValidUtf8("\xe0\x80\xaf"));      // overlong '/'
  EXPECT_FALSE(IsValidUtf8("\xf0\x80\x80\xaf"));  // overlong '/'
  EXPECT_FALSE(IsValidUtf8("\xed\xa0\x80"));      // surrogate
  EXPECT_FALSE(IsValidUtf8("\xf4\x90\x80\x80"));  // past U+10FFFF
  EXPECT_FALSE(IsValidUtf8("\xe2\x82"));          // cut short
  EXPECT_FALSE(IsValidUtf8("\xff"));
  EXPECT_FALSE(IsValidUtf8("\x80"));              // stray continuation
  EXPECT_FALSE(IsValidUtf8(std::string("a\0b", 3)));
}

TEST(CharsetTest, SequenceLengthOfEachForm) {
  const std::string text = "a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80";
  EXPECT_EQ(Utf8SequenceLength(text, 0), 1u);
  EXPECT_EQ(Utf8SequenceLength(text, 1), 2u);
  EXPECT_EQ(Utf8SequenceLength(text, 2), 0u);  // inside a sequence
  EXPECT_EQ(Utf8SequenceLength(text, 3), 3u);
  EXPECT_EQ(Utf8SequenceLength(text, 6), 4u);
  EXPECT_EQ(Utf8SequenceLength(std::string("\0", 1), 0), 0u);
  EXPECT_EQ(Utf8SequenceLength("\xf0\x9f\x98", 0), 0u);  // cut short at the end
}

TEST(CharsetTest, ToUtf8ConvertsNamedCharsetsAndAlwaysGivesValidText) {
  EXPECT_EQ(ToUtf8("S\xe3o Paulo", "ISO-8859-1"), "S\xc3\xa3o Paulo");
  EXPECT_EQ(ToUtf8("S\xe3o Paulo", ""), "S\xc3\xa3o Paulo");      // Latin-1 by default
  EXPECT_EQ(ToUtf8("caf\xc3\xa9", "EUC-KR"), "caf\xc3\xa9");       // already UTF-8: kept
  EXPECT_EQ(ToUtf8("\xc7\xd1\xb1\xb9", "EUC-KR"), "\xed\x95\x9c\xea\xb5\xad");  // "Korea" in Hangul
  EXPECT_EQ(ToUtf8("\x1b$B%F%9%H\x1b(B", ""), "\xe3\x83\x86\xe3\x82\xb9\xe3\x83\x88");  // ISO-2022-JP
  std::string with_nul = ToUtf8(std::string("a\0b", 3), "");
  EXPECT_TRUE(IsValidUtf8(with_nul));
  EXPECT_EQ(with_nul.find('\0'), std::string::npos);
  EXPECT_TRUE(IsValidUtf8(ToUtf8("\xff\xfe\x80", "NO-SUCH-CHARSET")));
}

}  // namespace
}  // namespace abuseflow::core
