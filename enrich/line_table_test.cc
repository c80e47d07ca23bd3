#include "enrich/line_table.h"

#include <gtest/gtest.h>

#include <sstream>
#include <vector>

namespace abuseflow::enrich {
namespace {

// A table that keeps the lines that are numbers.
struct Numbers {
  std::vector<std::string> kept;
  uint64_t files = 0;
  uint64_t malformed = 0;
  LineTable Table() {
    return {"numbers file", "numbers", 8,
            [this](std::string_view line) -> std::optional<std::string> {
              if (line.find_first_not_of("0123456789") != std::string_view::npos) return "not a number";
              kept.emplace_back(line);
              return std::nullopt;
            },
            &files, &malformed};
  }
};

TEST(LineTableTest, StreamLinesAreAddedAndCounted) {
  Numbers t;
  std::istringstream in("1\nx\n22\r\n123456789012\n333\n");
  ASSERT_TRUE(AddLineTable(&in, "test", t.Table()).ok());
  EXPECT_EQ(t.kept, (std::vector<std::string>{"1", "22", "333"}));
  EXPECT_EQ(t.files, 1u);
  EXPECT_EQ(t.malformed, 2u);  // "x" and the line over max_line
  std::istringstream more("4\n");
  ASSERT_TRUE(AddLineTable(&more, "test", t.Table()).ok());
  EXPECT_EQ(t.files, 2u);
}

TEST(LineTableTest, MissingFileIsAnErrorNamingItAndCountsNothing) {
  Numbers t;
  core::Status s = LoadLineTable("/nonexistent/numbers.txt", t.Table(), [&] { return t.kept.size(); });
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("/nonexistent/numbers.txt"), std::string::npos);
  EXPECT_NE(s.message().find("numbers file"), std::string::npos);
  EXPECT_EQ(t.files, 0u);
}

}  // namespace
}  // namespace abuseflow::enrich
