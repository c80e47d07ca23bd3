#include "enrich/whois_parser.h"
#include "enrich/whois_fixture.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "core/mailbox.h"
#include "core/charset.h"

namespace abuseflow::enrich {
namespace {

core::IpAddress Ip(std::string_view text) { return *core::IpAddress::Parse(text); }

WhoisAnswer Parse(WhoisFormat format, const std::string& file, std::string_view address,
                  std::string_view charset = "") {
  return ParseWhoisAnswer(format, core::ToUtf8(WhoisFixture(file), charset), Ip(address));
}

std::vector<std::string> Abuse(const WhoisAnswer& a) {
  if (!a.record) return {"(no record)"};
  return {a.record->abuse().begin(), a.record->abuse().end()};
}

TEST(WhoisParserTest, IanaReferralAndReservedDeadEnd) {
  WhoisAnswer a = Parse(WhoisFormat::kIana, "iana_refer_ripe.txt", "194.160.1.1");
  ASSERT_TRUE(a.referral);
  EXPECT_EQ(a.referral->host, "whois.ripe.net");
  EXPECT_EQ(a.referral->port, 43);
  EXPECT_FALSE(a.record);
  WhoisAnswer r = Parse(WhoisFormat::kIana, "iana_reserved.txt", "10.1.1.1");
  EXPECT_FALSE(r.referral);
  EXPECT_FALSE(r.record);
}

TEST(WhoisParserTest, RipeAbuseCommentOwnerFromOrganisation) {
  WhoisAnswer a = Parse(WhoisFormat::kRpsl, "ripe_194_160.txt", "194.160.1.1");
  ASSERT_TRUE(a.record);
  EXPECT_EQ(a.record->netname(), "FJORDNET-LAN");
  EXPECT_EQ(a.record->owner(), "Fjord Networks AS");
  EXPECT_EQ(a.record->country(), "NO");
  EXPECT_EQ(a.record->cidrs(0), "194.160.0.0/22");
  EXPECT_EQ(Abuse(a), std::vector<std::string>{"abuse@fjord-net.example.net"});
  EXPECT_FALSE(a.referral);
  EXPECT_FALSE(a.not_managed);
}

TEST(WhoisParserTest, NonAlignedRipeRangeGivesItsCidrs) {
  WhoisAnswer a = Parse(WhoisFormat::kRpsl, "ripe_194_160_2.txt", "194.160.2.5");
  ASSERT_TRUE(a.record);
  EXPECT_EQ(a.record->cidrs(0), "194.160.2.0/25");
  EXPECT_EQ(a.record->owner(), "Kaffebar Bergen");
  EXPECT_EQ(Abuse(a), std::vector<std::string>{"security@kaffe-bar.example.org"});
}

TEST(WhoisParserTest, RipeWholeSpacePlaceholderIsNotManaged) {
  WhoisAnswer a = Parse(WhoisFormat::kRpsl, "ripe_not_managed.txt", "8.8.8.8");
  EXPECT_TRUE(a.not_managed);
  EXPECT_FALSE(a.record);
}

TEST(WhoisParserTest, RateLimitMessagesAreRecognised) {
  EXPECT_TRUE(Parse(WhoisFormat::kRpsl, "ripe_ratelimit.txt", "194.160.1.1").rate_limited);
  EXPECT_TRUE(IsRateLimitAnswer("% Query rate limit exceeded. Reduced information.\n"));
  EXPECT_TRUE(IsRateLimitAnswer("Query rate limit exceeded, please try again later\r\n"));
  EXPECT_TRUE(IsRateLimitAnswer("%ERROR:201: access denied for 192.0.2.1\n"));
  EXPECT_FALSE(IsRateLimitAnswer(WhoisFixture("ripe_194_160.txt")));
  EXPECT_FALSE(IsRateLimitAnswer(WhoisFixture("arin_8_18.txt")));
}

TEST(WhoisParserTest, AfrinicIrtAbuseMailbox) {
  WhoisAnswer a = Parse(WhoisFormat::kRpsl, "afrinic_196_44.txt", "196.44.100.1");
  ASSERT_TRUE(a.record);
  EXPECT_EQ(a.record->country(), "KE");
  EXPECT_EQ(Abuse(a), std::vector<std::string>{"abuse@savanna-link.example.com"});
}

TEST(WhoisParserTest, ApnicIrtAndAbuseRole) {
  WhoisAnswer a = Parse(WhoisFormat::kRpsl, "apnic_203_119.txt", "203.119.81.9");
  ASSERT_TRUE(a.record);
  EXPECT_EQ(a.record->owner(), "Coral Internet Pty Ltd");
  EXPECT_EQ(a.record->cidrs_size(), 1);
  EXPECT_EQ(a.record->cidrs(0), "203.119.80.0/20");
  EXPECT_EQ(Abuse(a), std::vector<std::string>{"abuse@coral-isp.example.au"});
}

TEST(WhoisParserTest, ApnicBlockOfJpnicRefersToJpnic) {
  WhoisAnswer a = Parse(WhoisFormat::kRpsl, "apnic_jpnic_202_11.txt", "202.11.70.1");
  ASSERT_TRUE(a.referral);
  EXPECT_EQ(a.referral->host, "whois.nic.ad.jp");
  ASSERT_TRUE(a.record);
  EXPECT_EQ(a.record->abuse(0), "hostmaster@nic.ad.jp.example");
}

TEST(WhoisParserTest, JpnicEnglishAnswer) {
  WhoisAnswer a = Parse(WhoisFormat::kJpnic, "jpnic_202_11_64.txt", "202.11.70.1");
  ASSERT_TRUE(a.record);
  EXPECT_EQ(a.record->cidrs(0), "202.11.64.0/20");
  EXPECT_EQ(a.record->netname(), "SAKURA-LAB");
  EXPECT_EQ(a.record->owner(), "Sakura Laboratory Co., Ltd.");
  EXPECT_EQ(a.record->country(), "JP");
  EXPECT_EQ(a.record->abuse_size(), 0);  // the resolver falls back to APNIC's contact
}

TEST(WhoisParserTest, JpnicJapaneseAnswerIsConvertedFromIso2022Jp) {
  std::string text = core::ToUtf8(WhoisFixture("jpnic_202_11_64_ja.txt"), "");
  EXPECT_NE(text.find("さくら研究所株式会社"), std::string::npos);
  WhoisAnswer a = ParseWhoisAnswer(WhoisFormat::kJpnic, text, Ip("202.11.70.1"));
  EXPECT_FALSE(a.record);  // no English keys: the client asks with /e
}

TEST(WhoisParserTest, ArinMostSpecificNetworkAndAllAbuseMailboxes) {
  WhoisAnswer a = Parse(WhoisFormat::kArin, "arin_8_18.txt", "8.18.1.1");
  ASSERT_TRUE(a.record);
  EXPECT_EQ(a.record->netname(), "PRAIRIE-CLOUD");
  EXPECT_EQ(a.record->owner(), "Prairie Cloud LLC");
  EXPECT_EQ(a.record->country(), "US");
  EXPECT_EQ(a.record->cidrs(0), "8.18.0.0/22");
  EXPECT_EQ(Abuse(a), std::vector<std::string>{"abuse@prairie-cloud.example.com"});
  WhoisAnswer b = Parse(WhoisFormat::kArin, "arin_8_18.txt", "8.1.1.1");
  ASSERT_TRUE(b.record);
  EXPECT_EQ(b.record->owner(), "Big Backbone Inc");
}

TEST(WhoisParserTest, ArinOtherRirSpaceIsAReferral) {
  WhoisAnswer a = Parse(WhoisFormat::kArin, "arin_ripe_space.txt", "194.160.1.1");
  EXPECT_TRUE(a.not_managed);
  ASSERT_TRUE(a.referral);
  EXPECT_EQ(a.referral->host, "whois.ripe.net");
  EXPECT_FALSE(a.record);
}

TEST(WhoisParserTest, ArinRwhoisReferralKeepsTheRecord) {
  WhoisAnswer a = Parse(WhoisFormat::kArin, "arin_rwhois.txt", "24.90.1.1");
  ASSERT_TRUE(a.referral);
  EXPECT_EQ(a.referral->scheme, "rwhois");
  EXPECT_EQ(a.referral->host, "rwhois.example-cable.example.com");
  EXPECT_EQ(a.referral->port, 4321);
  ASSERT_TRUE(a.record);
  EXPECT_EQ(Abuse(a), std::vector<std::string>{"abuse@example-cable.example.com"});
}

TEST(WhoisParserTest, LacnicShortCidrAndAbuseContact) {
  WhoisAnswer a = Parse(WhoisFormat::kLacnic, "lacnic_200_3_12.txt", "200.3.13.200");
  ASSERT_TRUE(a.record);
  EXPECT_EQ(a.record->cidrs(0), "200.3.12.0/22");
  EXPECT_EQ(a.record->owner(), "Andes Telecomunicaciones S.A.");
  EXPECT_EQ(a.record->country(), "CL");
  EXPECT_EQ(Abuse(a), (std::vector<std::string>{"abuse@andes-tel.example.cl",
                                                "abuse-backup@andes-tel.example.cl"}));
  EXPECT_FALSE(Parse(WhoisFormat::kLacnic, "lacnic_200_3_12.txt", "200.3.16.1").record);
}

TEST(WhoisParserTest, RegistroBrLatin1) {
  WhoisAnswer a = Parse(WhoisFormat::kLacnic, "registro_br_177_52.txt", "177.53.0.1", "ISO-8859-1");
  ASSERT_TRUE(a.record);
  EXPECT_EQ(a.record->owner(), "Conexão Paulista de Telecomunicações Ltda");
  EXPECT_EQ(a.record->cidrs(0), "177.52.0.0/14");
  EXPECT_EQ(Abuse(a), std::vector<std::string>{"seguranca@conexao-paulista.example.br"});
}

TEST(WhoisParserTest, KrnicEnglishSectionMoreSpecificBlock) {
  WhoisAnswer a = Parse(WhoisFormat::kKrnic, "krnic_211_234.txt", "211.234.100.7", "EUC-KR");
  ASSERT_TRUE(a.record);
  EXPECT_EQ(a.record->owner(), "Dalmaji School");
  EXPECT_EQ(a.record->cidrs(0), "211.234.100.0/24");
  EXPECT_EQ(a.record->country(), "KR");
  EXPECT_EQ(Abuse(a), std::vector<std::string>{"abuse@dalmaji.example.kr"});
  WhoisAnswer b = Parse(WhoisFormat::kKrnic, "krnic_211_234.txt", "211.234.5.7", "EUC-KR");
  ASSERT_TRUE(b.record);
  EXPECT_EQ(b.record->owner(), "Hanbit Telecom");
  EXPECT_EQ(Abuse(b), std::vector<std::string>{"ip@hanbit-tel.example.kr"});
}

TEST(WhoisParserTest, TwnicBig5) {
  WhoisAnswer a = Parse(WhoisFormat::kTwnic, "twnic_61_220.txt", "61.220.3.4", "BIG5");
  ASSERT_TRUE(a.record);
  EXPECT_EQ(a.record->netname(), "FORMOSA-NET");
  EXPECT_EQ(a.record->owner(), "福爾摩沙網路股份有限公司");
  EXPECT_EQ(a.record->country(), "TW");
  EXPECT_EQ(Abuse(a), std::vector<std::string>{"abuse@formosa-net.example.tw"});
}

TEST(WhoisParserTest, CnnicGb18030Rpsl) {
  WhoisAnswer a = Parse(WhoisFormat::kRpsl, "cnnic_159_226.txt", "159.226.1.1", "GB18030");
  ASSERT_TRUE(a.record);
  EXPECT_EQ(a.record->owner(), "北方科学网络中心");
  EXPECT_EQ(Abuse(a), std::vector<std::string>{"ipadmin@kexue-net.example.cn"});
}

TEST(WhoisParserTest, HostileMailboxFieldsTakeOnlyValidMailboxes) {
  std::string text =
      "inetnum: 192.0.2.0 - 192.0.2.255\nnetname: HOSTILE\nabuse-c: H1\n\n"
      "role: Hostile\nnic-hdl: H1\n"
      "abuse-mailbox: victim@example.net\rBcc: evil@example.org\n"
      "abuse-mailbox: <one@example.net>, two@example.net; \"x y\"@z, @@, a@b\n";
  WhoisAnswer a = ParseWhoisAnswer(WhoisFormat::kRpsl, text, Ip("192.0.2.1"));
  ASSERT_TRUE(a.record);
  EXPECT_EQ(Abuse(a), (std::vector<std::string>{"victim@example.net", "evil@example.org",
                                                "one@example.net", "two@example.net"}));
}

TEST(WhoisParserTest, GarbageAndHugeAnswersAreBoundedAndEmpty) {
  std::string garbage;
  for (uint32_t i = 0; i < (1u << 20); ++i) garbage += static_cast<char>((i * 7919u) % 256);
  for (WhoisFormat f :
       {WhoisFormat::kIana, WhoisFormat::kRpsl, WhoisFormat::kArin, WhoisFormat::kLacnic,
        WhoisFormat::kJpnic, WhoisFormat::kKrnic, WhoisFormat::kTwnic}) {
    WhoisAnswer a = ParseWhoisAnswer(f, core::ToUtf8(garbage, ""), Ip("192.0.2.1"));
    EXPECT_FALSE(a.record) << WhoisFormatName(f);
  }
  std::string huge(8 << 20, 'x');  // one endless line
  EXPECT_FALSE(ParseWhoisAnswer(WhoisFormat::kRpsl, huge, Ip("192.0.2.1")).record);
}

// Deterministic mutations of every fixture through every parser: no crash,
// and every mailbox taken is a valid one (the fuzz property, run as a unit test).
TEST(WhoisParserTest, MutatedAnswersNeverYieldInvalidMailboxes) {
  const char* files[] = {"ripe_194_160.txt",  "arin_8_18.txt",       "lacnic_200_3_12.txt",
                         "apnic_203_119.txt", "jpnic_202_11_64.txt", "krnic_211_234.txt",
                         "twnic_61_220.txt",  "iana_refer_ripe.txt"};
  const char* inserts[] = {
      "\r\n", "\n\n", ":", "@", ",", "<", "\x00", "\xff", "% Abuse contact for '", " - ", "/"};
  uint32_t seed = 12345;
  auto next = [&seed] { return seed = seed * 1103515245u + 12345u; };
  for (const char* file : files) {
    std::string original = WhoisFixture(file);
    for (int round = 0; round < 60; ++round) {
      std::string text = original;
      for (int edits = 0; edits < 1 + round % 8; ++edits) {
        size_t at = next() % (text.size() + 1);
        if (next() % 2) {
          text.insert(at, inserts[next() % std::size(inserts)]);
        } else if (at < text.size()) {
          text.erase(at, 1 + next() % 16);
        }
      }
      std::string utf8 = core::ToUtf8(text, "");
      ASSERT_TRUE(core::IsValidUtf8(utf8));
      for (int f = 0; f <= static_cast<int>(WhoisFormat::kTwnic); ++f) {
        for (const char* ip :
             {"194.160.1.1", "8.18.1.1", "200.3.13.1", "211.234.100.7", "61.220.3.4"}) {
          WhoisAnswer a = ParseWhoisAnswer(static_cast<WhoisFormat>(f), utf8, Ip(ip));
          if (!a.record) continue;
          for (const std::string& m : a.record->abuse()) ASSERT_TRUE(core::IsValidMailbox(m)) << m;
          ASSERT_LE(a.record->abuse_size(), 8);
        }
      }
    }
  }
}

TEST(WhoisCharsetTest, ConversionsGiveValidUtf8) {
  EXPECT_EQ(core::ToUtf8("caf\xe9", ""), "café");
  EXPECT_EQ(core::ToUtf8("already ok é", "EUC-KR"), "already ok é");
  EXPECT_TRUE(core::IsValidUtf8(core::ToUtf8("\xff\xfe\x00\x80 bad", "BIG5")));
  EXPECT_TRUE(core::IsValidUtf8(core::ToUtf8("\x1b$B\xff\xff", "")));
  EXPECT_TRUE(core::IsValidUtf8(core::ToUtf8("x\xa4", "NO-SUCH-CHARSET")));
}

}  // namespace
}  // namespace abuseflow::enrich
