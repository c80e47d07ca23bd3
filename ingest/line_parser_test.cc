#include "ingest/line_parser.h"

#include <gtest/gtest.h>

namespace abuseflow::ingest {
namespace {

TEST(LineParserTest, EveryCanonicalNameMakesItsParser) {
  for (const std::string& name : ParserNames()) {
    auto parser = MakeParser(name);
    ASSERT_NE(parser, nullptr) << name;
    EXPECT_EQ(parser->name(), name);
  }
}

TEST(LineParserTest, AliasesMakeTheCanonicalParser) {
  for (const char* alias : {"ncsa", "common", "combined", "nginx"}) {
    auto parser = MakeParser(alias);
    ASSERT_NE(parser, nullptr) << alias;
    EXPECT_EQ(parser->name(), "apache");
  }
  ASSERT_NE(MakeParser("iptables"), nullptr);
  EXPECT_EQ(MakeParser("iptables")->name(), "netfilter");
}

TEST(LineParserTest, UnknownFormatMakesNoParser) {
  EXPECT_EQ(MakeParser("no-such-format"), nullptr);
  EXPECT_EQ(MakeParser(""), nullptr);
  EXPECT_EQ(MakeParser("Apache"), nullptr);
}

}  // namespace
}  // namespace abuseflow::ingest
