#pragma once
// For the enrich unit tests: the registry answers in tests/fixtures/whois.

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

namespace abuseflow::enrich {

// The bytes of tests/fixtures/whois/NAME (ABUSEFLOW_WHOIS_FIXTURES); a
// failed expectation when it cannot be read.
inline std::string WhoisFixture(const std::string& name) {
  std::ifstream in(std::string(ABUSEFLOW_WHOIS_FIXTURES) + "/" + name, std::ios::binary);
  EXPECT_TRUE(in.good()) << name;
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

}  // namespace abuseflow::enrich
