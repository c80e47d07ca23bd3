#include "ingest/line_parser.h"

#include <gtest/gtest.h>

#include <utility>

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

TEST(LineParserTest, AliasesOfTheIssue3Formats) {
  const std::pair<const char*, const char*> kAliases[] = {
      {"ssh", "sshd"},           {"tcpd", "tcpwrappers"},        {"libwrap", "tcpwrappers"},
      {"snort-fast", "snort"},   {"suricata", "suricata-fast"},  {"eve", "suricata-eve"},
      {"loginvain", "log_in_vain"}, {"pflog", "pf"},             {"w3c", "iis"},
      {"bro", "zeek"}};
  for (const auto& [alias, name] : kAliases) {
    auto parser = MakeParser(alias);
    ASSERT_NE(parser, nullptr) << alias;
    EXPECT_EQ(parser->name(), name) << alias;
  }
}

TEST(LineParserTest, OnlyHeaderFormatsKeepState) {
  for (const std::string& name : ParserNames()) {
    const bool expected = name == "iis" || name == "zeek" || name == "snort-full" || name == "auto";
    EXPECT_EQ(MakeParser(name)->learns_header(), expected) << name;
  }
}

TEST(LineParserTest, UnknownFormatMakesNoParser) {
  EXPECT_EQ(MakeParser("no-such-format"), nullptr);
  EXPECT_EQ(MakeParser(""), nullptr);
  EXPECT_EQ(MakeParser("Apache"), nullptr);
}

}  // namespace
}  // namespace abuseflow::ingest
