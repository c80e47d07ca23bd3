#include "enrich/input_file.h"

#include <gtest/gtest.h>
#include <unistd.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "enrich/asn_table.h"
#include "enrich/delegated_stats.h"
#include "enrich/offline_registry.h"

namespace abuseflow::enrich {
namespace {

const std::string kFixtures = ABUSEFLOW_OFFLINE_FIXTURES;
const std::string kDemoRegistry = std::string(ABUSEFLOW_DEMO_DIR) + "/registry/demo.db";

core::IpAddress Ip(std::string_view text) { return *core::IpAddress::Parse(text); }

std::string ReadBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void WriteBytes(const std::string& path, std::string_view bytes) {
  std::ofstream(path, std::ios::binary)
      .write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// Writes `text` gzip-compressed to `path` with zlib, as gzip(1) would.
void WriteGz(const std::string& path, std::string_view text) {
  gzFile gz = gzopen(path.c_str(), "wb");
  ASSERT_NE(gz, nullptr);
  ASSERT_EQ(gzwrite(gz, text.data(), static_cast<unsigned>(text.size())),
            static_cast<int>(text.size()));
  ASSERT_EQ(gzclose(gz), Z_OK);
}

// Everything InputFile gives for `path`, and its status.
std::string ReadAll(InputFile* file) {
  std::ostringstream text;
  char chunk[4096];
  while (file->stream()->read(chunk, sizeof chunk) || file->stream()->gcount() > 0) {
    text.write(chunk, file->stream()->gcount());
  }
  return text.str();
}

class InputFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("input_file_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string Path(const std::string& name) const { return (dir_ / name).string(); }

  // A gzip copy of the file at `plain`, in the test folder as `name`.
  std::string GzCopy(const std::string& plain, const std::string& name) {
    std::string path = Path(name);
    WriteGz(path, ReadBytes(plain));
    return path;
  }
  // A .gz of `plain` with its compressed bytes cut in half.
  std::string TruncatedGz(const std::string& plain, const std::string& name) {
    std::string path = GzCopy(plain, name);
    std::string bytes = ReadBytes(path);
    WriteBytes(path, std::string_view(bytes).substr(0, bytes.size() / 2));
    return path;
  }
  // A valid gzip header (from zlib) followed by bytes that are no deflate data.
  std::string GarbageGz(const std::string& name) {
    std::string path = GzCopy(kFixtures + "/routeviews-rv2-20241130-1200.pfx2as", name);
    std::string bytes = ReadBytes(path).substr(0, 10);
    bytes += std::string(4000, '\xff');
    WriteBytes(path, bytes);
    return path;
  }

  std::filesystem::path dir_;
};

TEST_F(InputFileTest, PlainAndGzipFilesGiveTheSameBytes) {
  std::string text;
  for (int i = 0; i < 30000; ++i) text += "line " + std::to_string(i) + "\n";  // several buffers
  WriteBytes(Path("plain.txt"), text);
  WriteGz(Path("text.gz"), text);
  auto plain = InputFile::Open(Path("plain.txt"), "test file");
  ASSERT_TRUE(plain.ok()) << plain.status().ToString();
  EXPECT_EQ(ReadAll(plain->get()), text);
  EXPECT_TRUE((*plain)->status().ok());
  EXPECT_FALSE((*plain)->compressed());
  auto gz = InputFile::Open(Path("text.gz"), "test file");
  ASSERT_TRUE(gz.ok());
  EXPECT_EQ(ReadAll(gz->get()), text);
  EXPECT_TRUE((*gz)->status().ok()) << (*gz)->status().ToString();
  EXPECT_TRUE((*gz)->compressed());
  EXPECT_FALSE((*gz)->stream()->bad());
}

TEST_F(InputFileTest, TruncatedGzipIsAReadErrorNotTheEnd) {
  std::string path = TruncatedGz(kDemoRegistry, "demo.db.gz");
  auto file = InputFile::Open(path, "registry");
  ASSERT_TRUE(file.ok());
  std::string text = ReadAll(file->get());
  EXPECT_LT(text.size(), ReadBytes(kDemoRegistry).size());
  EXPECT_TRUE((*file)->stream()->bad());
  EXPECT_EQ((*file)->status().code(), core::Status::Code::kIoError);
  EXPECT_EQ((*file)->status().message(),
            "cannot read registry " + path + ": truncated gzip data (unexpected end of file)");
}

TEST_F(InputFileTest, GarbageAfterAGzipHeaderIsCorruptData) {
  std::string path = GarbageGz("table.gz");
  auto file = InputFile::Open(path, "ASN table");
  ASSERT_TRUE(file.ok());
  EXPECT_EQ(ReadAll(file->get()), "");
  EXPECT_TRUE((*file)->stream()->bad());
  EXPECT_EQ((*file)->status().message().rfind(
                "cannot read ASN table " + path + ": corrupt gzip data: ", 0),
            0u)
      << (*file)->status().message();
}

TEST_F(InputFileTest, GzNameOverPlainTextIsAnError) {
  WriteBytes(Path("plain.gz"), "inetnum: 192.0.2.0/24\n");
  auto file = InputFile::Open(Path("plain.gz"), "registry");
  ASSERT_TRUE(file.ok());
  EXPECT_EQ(ReadAll(file->get()), "");
  EXPECT_EQ((*file)->status().message(),
            "cannot read registry " + Path("plain.gz") + ": not gzip data");
  WriteBytes(Path("empty.gz"), "");
  DelegatedStats stats;
  EXPECT_EQ(stats.Load(Path("empty.gz")).message(),
            "cannot read delegated file " + Path("empty.gz") + ": empty gzip file");
}

TEST_F(InputFileTest, MissingFileAndDirectoryAreRefusedAtOpen) {
  auto missing = InputFile::Open(Path("none.gz"), "registry");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().message(),
            "cannot open registry " + Path("none.gz") + ": No such file or directory");
  auto dir = InputFile::Open(dir_.string(), "registry");
  ASSERT_FALSE(dir.ok());
  EXPECT_EQ(dir.status().message(), "cannot read registry " + dir_.string() + ": is a directory");
}

// /proc/self/mem fails read(2) at offset 0 with EIO: a real disk-like read
// error, which an std::ifstream reports as the end of the file.
TEST_F(InputFileTest, ReadErrorOfTheFileIsReportedWithItsReason) {
  auto file = InputFile::Open("/proc/self/mem", "delegated file");
  if (!file.ok()) GTEST_SKIP() << file.status().ToString();
  EXPECT_EQ(ReadAll(file->get()), "");
  EXPECT_TRUE((*file)->stream()->bad());
  EXPECT_EQ((*file)->status().message(),
            "cannot read delegated file /proc/self/mem: Input/output error");
  DelegatedStats stats;
  EXPECT_EQ(stats.Load("/proc/self/mem").message(), (*file)->status().message());
  OfflineRegistry registry;
  EXPECT_EQ(registry.Load("/proc/self/mem").message(),
            "cannot read registry /proc/self/mem: Input/output error");
}

TEST_F(InputFileTest, GzippedDelegatedFilesLoadLikeThePlainOnes) {
  DelegatedStats plain, gz;
  for (const char* name :
       {"delegated-ripencc-extended-20241130", "delegated-arin-extended-20241130"}) {
    ASSERT_TRUE(plain.Load(kFixtures + "/" + name).ok());
    core::Status s = gz.Load(GzCopy(kFixtures + "/" + name, std::string(name) + ".gz"));
    ASSERT_TRUE(s.ok()) << s.ToString();
  }
  EXPECT_EQ(gz.stats().files, 2u);
  EXPECT_EQ(gz.stats().ranges, plain.stats().ranges);
  EXPECT_EQ(gz.stats().asn_lines, plain.stats().asn_lines);
  EXPECT_EQ(gz.stats().no_country, plain.stats().no_country);
  EXPECT_EQ(gz.stats().malformed, plain.stats().malformed);
  for (const char* address :
       {"193.0.7.255", "194.160.2.200", "195.0.5.1", "2001:db8:8000::1", "8.18.1.1"}) {
    auto a = plain.Lookup(Ip(address));
    auto b = gz.Lookup(Ip(address));
    ASSERT_TRUE(a && b) << address;
    EXPECT_EQ(a->country, b->country);
    EXPECT_EQ(a->prefix.ToString(), b->prefix.ToString());
  }
}

TEST_F(InputFileTest, GzippedPrefix2AsLoadsLikeThePlainOne) {
  std::string plain_path = kFixtures + "/routeviews-rv2-20241130-1200.pfx2as";
  AsnTable plain, gz;
  ASSERT_TRUE(plain.Load(plain_path).ok());
  ASSERT_TRUE(gz.Load(GzCopy(plain_path, "routeviews-rv2-20241130-1200.pfx2as.gz")).ok());
  std::vector<std::string> a, b;
  plain.ForEach([&](const core::IpPrefix& p, auto origins) {
    a.push_back(p.ToString() + " " + std::to_string(origins.size()) + " " +
                std::to_string(origins[0]));
  });
  gz.ForEach([&](const core::IpPrefix& p, auto origins) {
    b.push_back(p.ToString() + " " + std::to_string(origins.size()) + " " +
                std::to_string(origins[0]));
  });
  EXPECT_EQ(a.size(), 8u);
  EXPECT_EQ(a, b);
  EXPECT_EQ(gz.stats().malformed, plain.stats().malformed);
}

TEST_F(InputFileTest, GzippedRegistryLoadsLikeThePlainOne) {
  OfflineRegistry plain([] { return int64_t{1}; }), gz([] { return int64_t{1}; });
  ASSERT_TRUE(plain.Load(kDemoRegistry).ok());
  core::Status s = gz.Load(GzCopy(kDemoRegistry, "demo.db.gz"));
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(gz.stats().objects, plain.stats().objects);
  EXPECT_EQ(gz.stats().blocks, plain.stats().blocks);
  EXPECT_GT(plain.stats().blocks, 40u);
  int found = 0;
  for (int third = 0; third < 2; ++third) {
    for (int fourth = 0; fourth < 256; ++fourth) {
      std::string address =
          "198." + std::to_string(18 + third) + "." + std::to_string(fourth) + ".9";
      auto a = plain.Lookup(Ip(address));
      auto b = gz.Lookup(Ip(address));
      ASSERT_EQ(a.has_value(), b.has_value()) << address;
      if (!a) continue;
      ++found;
      a->clear_provenance();  // names the file
      b->clear_provenance();
      EXPECT_EQ(a->SerializeAsString(), b->SerializeAsString()) << address;
    }
  }
  EXPECT_GT(found, 100);
}

TEST_F(InputFileTest, TruncatedOrCorruptGzipFailsTheLoadNamingTheFile) {
  std::string delegated = TruncatedGz(kFixtures + "/delegated-ripencc-extended-20241130", "d.gz");
  DelegatedStats stats;
  core::Status s = stats.Load(delegated);
  EXPECT_EQ(s.code(), core::Status::Code::kIoError);
  EXPECT_EQ(s.message().rfind("cannot read delegated", 0), 0u) << s.message();
  EXPECT_NE(s.message().find(delegated + ": truncated gzip data"), std::string::npos)
      << s.message();
  EXPECT_EQ(stats.stats().files, 0u);  // a failed load is not counted

  AsnTable table;
  std::string garbage = GarbageGz("pfx2as.gz");
  s = table.Load(garbage);
  EXPECT_EQ(s.code(), core::Status::Code::kIoError);
  EXPECT_NE(s.message().find(garbage + ": corrupt gzip data"), std::string::npos) << s.message();

  OfflineRegistry registry;
  std::string dump = TruncatedGz(kDemoRegistry, "demo.db.gz");
  s = registry.Load(dump);
  EXPECT_EQ(s.code(), core::Status::Code::kIoError);
  EXPECT_EQ(s.message(),
            "cannot read registry " + dump + ": truncated gzip data (unexpected end of file)");
  EXPECT_GT(registry.stats().objects, 0u);  // what was read before stays loaded
  s = registry.Load(GarbageGz("garbage.db.gz"));
  EXPECT_EQ(s.code(), core::Status::Code::kIoError);
  EXPECT_NE(s.message().find("corrupt gzip data"), std::string::npos) << s.message();
}

TEST_F(InputFileTest, PlainTextFilesStillLoad) {
  OfflineRegistry registry;
  WriteBytes(Path("registry.db"), "inetnum: 192.0.2.0/24\nnetname: PLAIN-NET\n");
  ASSERT_TRUE(registry.Load(Path("registry.db")).ok());
  EXPECT_EQ(registry.Lookup(Ip("192.0.2.1"))->netname(), "PLAIN-NET");
  AsnTable table;
  WriteBytes(Path("pfx2as"), "192.0.2.0\t24\t64500\n");
  ASSERT_TRUE(table.Load(Path("pfx2as")).ok());
  EXPECT_EQ(table.stats().prefixes, 1u);
  WriteBytes(Path("empty"), "");
  EXPECT_TRUE(table.Load(Path("empty")).ok());
  EXPECT_EQ(table.stats().files, 2u);
}

}  // namespace
}  // namespace abuseflow::enrich
