#include "dedup/block_outputs.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace abuseflow::dedup {
namespace {

namespace fs = std::filesystem;

std::string Read(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<BlockEntry> Two() {
  return {{*core::IpAddress::Parse("2001:db8::7"), 0, "escalate"},
          {*core::IpAddress::Parse("198.18.0.9"), 0, "manual"}};
}

TEST(BlockOutputsTest, TextsListEveryAddressInItsFamily) {
  std::string nft = NftablesText(Two());
  EXPECT_NE(nft.find("add element inet abuseflow blocked_v4 { 198.18.0.9 }"), std::string::npos);
  EXPECT_NE(nft.find("add element inet abuseflow blocked_v6 { 2001:db8::7 }"), std::string::npos);
  EXPECT_NE(nft.find("flush set inet abuseflow blocked_v4"), std::string::npos);
  std::string ipset = IpsetText(Two());
  EXPECT_NE(ipset.find("add abuseflow-v4 198.18.0.9\n"), std::string::npos);
  EXPECT_NE(ipset.find("add abuseflow-v6 2001:db8::7\n"), std::string::npos);
  // An empty list still flushes, and has no empty element list (nft rejects "{ }").
  EXPECT_EQ(NftablesText({}).find("add element"), std::string::npos);
}

TEST(BlockOutputsTest, WritesTheFilesSortedAndRunsTheHook) {
  fs::path dir = fs::temp_directory_path() / ("block_outputs_" + std::to_string(getpid()));
  fs::remove_all(dir);
  BlockOutputs outputs((dir / "blocks").string(), "cp \"$ABUSEFLOW_BLOCKS_DIR/blocklist.txt\" " +
                                                      (dir / "hook-saw.txt").string());
  ASSERT_TRUE(outputs.Write(Two()).ok());
  EXPECT_EQ(Read(dir / "blocks" / "blocklist.txt"), "198.18.0.9\n2001:db8::7\n");
  EXPECT_EQ(Read(dir / "hook-saw.txt"), "198.18.0.9\n2001:db8::7\n");
  EXPECT_TRUE(fs::exists(dir / "blocks" / "nftables.nft"));
  EXPECT_TRUE(fs::exists(dir / "blocks" / "ipset.restore"));
  BlockOutputs failing((dir / "blocks").string(), "exit 3");
  core::Status s = failing.Write({});
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("status 3"), std::string::npos);
  EXPECT_EQ(Read(dir / "blocks" / "blocklist.txt"), "");  // files written before the hook
  fs::remove_all(dir);
}

}  // namespace
}  // namespace abuseflow::dedup
