#include "core/config.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "core/curve.h"

namespace abuseflow::core {
namespace {

TEST(ConfigTest, ReadsEverySectionAndResolvesPaths) {
  auto c = ParseConfig(R"(
state_dir = "var/state"
[ingest]
batch_size = 64
[[ingest.input]]
format = "apache"
path = "logs/access.log"
sensor = "www1"
year = 2001
utc_offset = "-04:00"
tz_name = "EDT"
[enrich]
registry = ["reg/a.db", "/abs/b.db"]
[dedup]
sample_lines = 3
[notify]
outbox = "out"
window = "2h"
site = "Example Site"
max_addresses_per_mail = 100
[endpoints]
enrich = "tcp://127.0.0.1:9001"
)",
                       "/etc/af");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->state_dir, "/etc/af/var/state");
  ASSERT_EQ(c->ingest.inputs.size(), 1u);
  EXPECT_EQ(c->ingest.inputs[0].path, "/etc/af/logs/access.log");
  EXPECT_EQ(c->ingest.inputs[0].utc_offset_minutes, -240);
  EXPECT_EQ(c->ingest.inputs[0].year, 2001);
  EXPECT_EQ(c->ingest.batch_size, 64);
  EXPECT_EQ(c->enrich.registry, (std::vector<std::string>{"/etc/af/reg/a.db", "/abs/b.db"}));
  EXPECT_EQ(c->dedup.sample_lines, 3);
  EXPECT_EQ(c->notify.outbox, "/etc/af/out");
  EXPECT_EQ(c->notify.window_us, 2LL * 3600 * 1000000);
  EXPECT_EQ(c->notify.max_addresses_per_mail, 100);
  EXPECT_EQ(c->endpoints.enrich, "tcp://127.0.0.1:9001");
  EXPECT_EQ(c->endpoints.dedup, "tcp://127.0.0.1:7302");
}

TEST(ConfigTest, DefaultsApplyToAnEmptyFile) {
  auto c = ParseConfig("", "/srv");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->state_dir, "/srv/state");
  EXPECT_EQ(c->notify.window_us, 86400LL * 1000000);
  EXPECT_EQ(c->notify.max_addresses_per_mail, 500);
}

TEST(ConfigTest, UnknownKeyIsRejectedByName) {
  auto c = ParseConfig("[notify]\nwindwo = \"1h\"\n", "/srv", "my.toml");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("notify.windwo"), std::string::npos) << c.status().message();
  EXPECT_NE(c.status().message().find("my.toml"), std::string::npos);
  auto d = ParseConfig("[[ingest.input]]\nformat=\"apache\"\npath=\"x\"\ncolour=1\n", "/srv");
  ASSERT_FALSE(d.ok());
  EXPECT_NE(d.status().message().find("ingest.input[0].colour"), std::string::npos);
}

TEST(ConfigTest, WrongTypesAndValuesAreErrors) {
  EXPECT_FALSE(ParseConfig("state_dir = 3\n", "/").ok());
  EXPECT_FALSE(ParseConfig("[notify]\nwindow = \"soon\"\n", "/").ok());
  EXPECT_FALSE(ParseConfig("[[ingest.input]]\nformat=\"apache\"\npath=\"x\"\nutc_offset=\"-4\"\n", "/").ok());
  EXPECT_FALSE(ParseConfig("[[ingest.input]]\nformat=\"apache\"\n", "/").ok());  // no path
  auto syntax = ParseConfig("[notify\n", "/", "bad.toml");
  ASSERT_FALSE(syntax.ok());
  EXPECT_NE(syntax.status().message().find("bad.toml:1"), std::string::npos);
}

TEST(ConfigTest, DurationsAndOffsets) {
  EXPECT_EQ(*ParseDuration("90s"), 90LL * 1000000);
  EXPECT_EQ(*ParseDuration("7d"), 7LL * 86400 * 1000000);
  EXPECT_FALSE(ParseDuration("0h").ok());
  EXPECT_FALSE(ParseDuration("h").ok());
  EXPECT_EQ(*ParseUtcOffset("+05:30"), 330);
  EXPECT_EQ(*ParseUtcOffset("-05:00"), -300);
  EXPECT_FALSE(ParseUtcOffset("+25:00").ok());
}

TEST(ConfigTest, DedupPolicyDefaultsAndOverrides) {
  auto d = ParseConfig("", "/base");
  ASSERT_TRUE(d.ok());
  EXPECT_TRUE(d->dedup.policy.event_time);
  EXPECT_EQ(d->dedup.policy.worm_events, 1);
  EXPECT_EQ(d->dedup.policy.block_after_notices, 3);
  EXPECT_EQ(d->dedup.policy.stale_after_us, 7LL * 86400 * 1000000);
  auto c = ParseConfig(R"(
[dedup]
block_hook = "nft -f blocks/nftables.nft"
[dedup.policy]
clock = "wall"
connection_attempts = 5
distinct_ports = 4
scan_window = "1h"
stale_after = "2d"
repeat_interval = "3d"
block_after_notices = 2
local_networks = ["192.0.2.0/24", "2001:db8:1::/48"]
liaison = "noc@example.net"
netblock_block_threshold = 4
)", "/base");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_FALSE(c->dedup.policy.event_time);
  EXPECT_EQ(c->dedup.policy.connection_attempts, 5);
  auto live = ParseConfig("[[ingest.input]]\nformat = \"netfilter\"\npath = \"fw.log\"\nfollow = true\n",
                          "/base");
  ASSERT_TRUE(live.ok()) << live.status().ToString();
  EXPECT_FALSE(live->dedup.policy.event_time) << "a live input makes the clock wall time";
  auto forced = ParseConfig(
      "[[ingest.input]]\nformat = \"netfilter\"\npath = \"fw.log\"\nfollow = true\n"
      "[dedup.policy]\nclock = \"event\"\n", "/base");
  ASSERT_TRUE(forced.ok()) << forced.status().ToString();
  EXPECT_TRUE(forced->dedup.policy.event_time);
  EXPECT_EQ(c->dedup.policy.scan_window_us, 3600LL * 1000000);
  EXPECT_EQ(c->dedup.policy.local_networks.size(), 2u);
  EXPECT_EQ(c->dedup.policy.liaison, "noc@example.net");
  EXPECT_EQ(c->dedup.policy.netblock_block_threshold, 4);
  EXPECT_EQ(d->dedup.policy.netblock_block_threshold, 0);
  EXPECT_EQ(c->dedup.block_hook, "nft -f blocks/nftables.nft");
  EXPECT_EQ(d->dedup.retention_us, 365LL * 86400 * 1000000);
  auto never = ParseConfig("[dedup]\nretention = \"never\"\n", "/b");
  ASSERT_TRUE(never.ok());
  EXPECT_EQ(never->dedup.retention_us, 0);
  auto days = ParseConfig("[dedup]\nretention = \"90d\"\n", "/b");
  ASSERT_TRUE(days.ok());
  EXPECT_EQ(days->dedup.retention_us, 90LL * 86400 * 1000000);
  EXPECT_FALSE(ParseConfig("[dedup]\nretention = \"forever\"\n", "/b").ok());
}

TEST(ConfigTest, DedupPolicyRejectsBadValuesByName) {
  auto unknown = ParseConfig("[dedup.policy]\nthreshold = 3\n", "/b");
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().message().find("dedup.policy.threshold"), std::string::npos);
  auto prefix = ParseConfig("[dedup.policy]\nlocal_networks = [\"10.0.0.0/33\"]\nliaison = \"a@b\"\n", "/b");
  ASSERT_FALSE(prefix.ok());
  EXPECT_NE(prefix.status().message().find("local_networks"), std::string::npos);
  auto no_liaison = ParseConfig("[dedup.policy]\nlocal_networks = [\"10.0.0.0/8\"]\n", "/b");
  ASSERT_FALSE(no_liaison.ok());
  EXPECT_NE(no_liaison.status().message().find("liaison"), std::string::npos);
  EXPECT_FALSE(ParseConfig("[dedup.policy]\nclock = \"sundial\"\n", "/b").ok());
}

TEST(ConfigTest, EnrichSourcesTtlsAndWhoisServers) {
  auto c = ParseConfig(
      "[enrich]\nsources = [\"rpsl\", \"whois\"]\npositive_ttl = \"2d\"\nnegative_ttl = \"10m\"\n"
      "[enrich.whois]\nservers = { \"whois.ripe.net\" = \"127.0.0.1:4301\" }\nonly_listed = true\n"
      "timeout = \"5s\"\nqueries_per_minute = 600\nburst = 2\nbackoff = \"1s\"\n",
      "/b");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->enrich.sources, (std::vector<std::string>{"rpsl", "whois"}));
  EXPECT_EQ(c->enrich.positive_ttl_us, 2 * 86400LL * 1000000);
  EXPECT_EQ(c->enrich.negative_ttl_us, 600LL * 1000000);
  EXPECT_EQ(c->enrich.whois.servers.at("whois.ripe.net"), "127.0.0.1:4301");
  EXPECT_TRUE(c->enrich.whois.only_listed);
  EXPECT_EQ(c->enrich.whois.timeout_us, 5LL * 1000000);
  EXPECT_EQ(c->enrich.whois.queries_per_minute, 600);
  EXPECT_TRUE(c->enrich.whois.more_specifics);  // the default
  auto off = ParseConfig("[enrich.whois]\nmore_specifics = false\n", "/b");
  ASSERT_TRUE(off.ok()) << off.status().ToString();
  EXPECT_FALSE(off->enrich.whois.more_specifics);
  auto bad = ParseConfig("[enrich]\nsources = [\"gopher\"]\n", "/b");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("gopher"), std::string::npos);
  auto unknown = ParseConfig("[enrich.whois]\nport = 43\n", "/b");
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().message().find("enrich.whois.port"), std::string::npos);
  EXPECT_FALSE(ParseConfig("[enrich.whois]\nservers = { a = 43 }\n", "/b").ok());
}

TEST(ConfigTest, LiveInputsFollowAndListen) {
  auto c = ParseConfig(
      "[[ingest.input]]\nformat=\"netfilter\"\npath=\"fw.log\"\nfollow=true\n"
      "[[ingest.input]]\nformat=\"netfilter\"\nlisten=\"tcp://127.0.0.1:5514\"\nmax_message_size=8192\n",
      "/srv");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_TRUE(c->ingest.inputs[0].follow);
  EXPECT_EQ(c->ingest.inputs[0].path, "/srv/fw.log");
  EXPECT_EQ(c->ingest.inputs[1].listen, "tcp://127.0.0.1:5514");
  EXPECT_EQ(c->ingest.inputs[1].max_message_size, 8192);
  EXPECT_TRUE(c->ingest.inputs[1].path.empty());
  const char* bad[] = {
      "[[ingest.input]]\nformat=\"netfilter\"\nlisten=\"http://x:1\"\n",
      "[[ingest.input]]\nformat=\"netfilter\"\nlisten=\"udp://x:1\"\npath=\"a\"\n",
      "[[ingest.input]]\nformat=\"netfilter\"\npath=\"-\"\nfollow=true\n",
      "[[ingest.input]]\nformat=\"netfilter\"\npath=\"a\"\nfollow=\"yes\"\n",
      "[[ingest.input]]\nformat=\"netfilter\"\nlisten=\"udp://x:1\"\nmax_message_size=10\n",
  };
  for (const char* text : bad) EXPECT_FALSE(ParseConfig(text, "/").ok()) << text;
}

TEST(ConfigTest, DedupEndpointsMayBeAListOfShards) {
  auto one = ParseConfig("[endpoints]\ndedup=\"tcp://127.0.0.1:9\"\n", "/");
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(one->endpoints.dedup, "tcp://127.0.0.1:9");
  EXPECT_TRUE(one->endpoints.dedup_shards.empty());
  auto two = ParseConfig("[endpoints]\ndedup=[\"tcp://127.0.0.1:8\", \"tcp://127.0.0.1:9\"]\n", "/");
  ASSERT_TRUE(two.ok()) << two.status().ToString();
  EXPECT_EQ(two->endpoints.dedup, "tcp://127.0.0.1:8");
  ASSERT_EQ(two->endpoints.dedup_shards.size(), 2u);
  EXPECT_EQ(two->endpoints.dedup_shards[1], "tcp://127.0.0.1:9");
  EXPECT_FALSE(ParseConfig("[endpoints]\ndedup=[]\n", "/").ok());
  EXPECT_FALSE(ParseConfig("[endpoints]\ndedup=[1]\n", "/").ok());
}

TEST(ConfigTest, EnrichOverridesAndNeverMail) {
  auto c = ParseConfig(R"(
[enrich]
never_mail = ["abuse@catchall.example", "@deadbox.example"]
[[enrich.override]]
prefixes = ["192.0.2.0/24", "2001:db8::/32"]
contact = "liaison@example.net"
owner = "Our campus"
country = "US"
)", "/");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  ASSERT_EQ(c->enrich.overrides.size(), 1u);
  EXPECT_EQ(c->enrich.overrides[0].prefixes.size(), 2u);
  EXPECT_EQ(c->enrich.overrides[0].contact, "liaison@example.net");
  EXPECT_EQ(c->enrich.overrides[0].owner, "Our campus");
  EXPECT_EQ(c->enrich.never_mail.size(), 2u);
  const char* bad[] = {
      "[[enrich.override]]\ncontact=\"a@b.example\"\n",
      "[[enrich.override]]\nprefixes=[\"300.0.0.0/8\"]\ncontact=\"a@b.example\"\n",
      "[[enrich.override]]\nprefixes=[\"10.0.0.0/8\"]\ncontact=\"a@b.example, c@d.example\"\n",
      "[[enrich.override]]\nprefixes=[\"10.0.0.0/8\"]\ncontact=\"a@b.example\"\nasn=1\n",
      "[enrich]\nnever_mail=[\"not a mailbox\"]\n",
      "[enrich]\nnever_mail=[\"@\"]\n",
  };
  for (const char* text : bad) EXPECT_FALSE(ParseConfig(text, "/").ok()) << text;
}

TEST(ConfigTest, EnrichAsnOverridesAndDelegatedFiles) {
  auto c = ParseConfig(R"(
[enrich]
asn_table = "data/pfx2as"
delegated = ["data/delegated-ripencc-extended-latest"]
delegated_country = "always"
[[enrich.override]]
asns = [64500, 4294967295]
contact = "isp@example.net"
)", "/etc/af");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->enrich.asn_table, "/etc/af/data/pfx2as");
  ASSERT_EQ(c->enrich.delegated.size(), 1u);
  EXPECT_EQ(c->enrich.delegated[0], "/etc/af/data/delegated-ripencc-extended-latest");
  EXPECT_EQ(c->enrich.delegated_country, "always");
  ASSERT_EQ(c->enrich.overrides.size(), 1u);
  EXPECT_EQ(c->enrich.overrides[0].asns, (std::vector<uint32_t>{64500, 4294967295u}));
  EXPECT_TRUE(c->enrich.overrides[0].prefixes.empty());
  auto defaults = ParseConfig("", "/");
  ASSERT_TRUE(defaults.ok());
  EXPECT_EQ(defaults->enrich.delegated_country, "fill");
  const char* bad[] = {
      "[[enrich.override]]\nasns=[64500]\ncontact=\"a@b.example\"\n",  // no asn_table
      "[enrich]\nasn_table=\"t\"\n[[enrich.override]]\nasns=[-1]\ncontact=\"a@b.example\"\n",
      "[enrich]\nasn_table=\"t\"\n[[enrich.override]]\nasns=[4294967296]\ncontact=\"a@b.example\"\n",
      "[enrich]\nasn_table=\"t\"\n[[enrich.override]]\nasns=[\"AS1\"]\ncontact=\"a@b.example\"\n",
      "[enrich]\nasn_table=\"t\"\n[[enrich.override]]\nasns=[]\ncontact=\"a@b.example\"\n",
      "[enrich]\ndelegated_country=\"sometimes\"\n",
      "[enrich]\ndelegated=\"one-file\"\n",
  };
  for (const char* text : bad) EXPECT_FALSE(ParseConfig(text, "/").ok()) << text;
}

TEST(ConfigTest, EnrichCacheMaxEntriesIsBoundedAndDefaultsToAMillion) {
  auto defaults = ParseConfig("", "/");
  ASSERT_TRUE(defaults.ok());
  EXPECT_EQ(defaults->enrich.cache_max_entries, 1000000);
  auto c = ParseConfig("[enrich]\ncache_max_entries = 5000\n", "/");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->enrich.cache_max_entries, 5000);
  for (const char* text : {"[enrich]\ncache_max_entries = 0\n", "[enrich]\ncache_max_entries = -5\n",
                           "[enrich]\ncache_max_entries = 2147483647\n",
                           "[enrich]\ncache_max_entries = \"1M\"\n"}) {
    auto bad = ParseConfig(text, "/");
    ASSERT_FALSE(bad.ok()) << text;
    EXPECT_NE(bad.status().message().find("cache_max_entries"), std::string::npos) << text;
  }
}

TEST(ConfigTest, UserFormatsTimeZonesAndHostResolution) {
  auto c = ParseConfig(R"(
[[ingest.format]]
name = "edgefw"
kind = "connection-attempt"
pattern = '^(?P<time>\S+ \S+) DROP src=(?P<host>\S+)'
time_format = "%Y-%m-%d %H:%M:%S"
[[ingest.format]]
name = "f2b-sshd"
kind = "brute-force"
syslog = true
pattern = 'from (?P<host>\S+)'
[[ingest.input]]
format = "edgefw"
path = "fw.log"
time_zone = "America/New_York"
resolve_hosts = true
)", "/srv");
  ASSERT_TRUE(c.ok()) << c.status().message();
  ASSERT_EQ(c->ingest.formats.size(), 2u);
  EXPECT_EQ(c->ingest.formats[0].time_format, "%Y-%m-%d %H:%M:%S");
  EXPECT_TRUE(c->ingest.formats[1].syslog);
  EXPECT_EQ(c->ingest.inputs[0].time_zone, "America/New_York");
  EXPECT_TRUE(c->ingest.inputs[0].resolve_hosts);
  const std::string input = "[[ingest.input]]\nformat=\"sshd\"\npath=\"x\"\n";
  struct Bad { std::string text, key; } bad[] = {
      {input + "time_zone=\"America/Atlantis\"\n", "ingest.input[0].time_zone"},
      {input + "time_zone=\"UTC\"\nutc_offset=\"-04:00\"\n", "ingest.input[0].time_zone"},
      {"[[ingest.format]]\nname=\"x\"\nkind=\"worm\"\npattern='(?P<host>\\S+'\nsyslog=true\n", "ingest.format[0].pattern"},
      {"[[ingest.format]]\nname=\"x\"\nkind=\"worm\"\npattern='(?P<src>\\S+)'\nsyslog=true\n", "ingest.format[0].pattern"},
      {"[[ingest.format]]\nname=\"x\"\nkind=\"worm\"\npattern='(?P<host>\\S+) (?P<time>.*)'\n", "ingest.format[0].time_format"},
      {"[[ingest.format]]\nname=\"x\"\nkind=\"worm\"\npattern='(?P<host>\\S+) (?P<time>.*)'\ntime_format=\"%Q\"\n", "ingest.format[0].time_format"},
      {"[[ingest.format]]\nname=\"x\"\nkind=\"probe\"\npattern='(?P<host>\\S+)'\nsyslog=true\n", "ingest.format[0].kind"},
      {"[[ingest.format]]\nkind=\"worm\"\npattern='(?P<host>\\S+)'\nsyslog=true\n", "ingest.format[0].name"},
  };
  for (const Bad& b : bad) {
    auto r = ParseConfig(b.text, "/");
    ASSERT_FALSE(r.ok()) << b.text;
    EXPECT_NE(r.status().message().find(b.key), std::string::npos) << r.status().message();
  }
}

TEST(ConfigTest, EnrichRdapSourceAndSettings) {
  auto c = ParseConfig(R"(
[enrich]
sources = ["rdap", "whois"]
[enrich.rdap]
bootstrap = ["rdap/ipv4.json"]
ca_file = "ca.pem"
only_listed = true
timeout = "2s"
max_answer_bytes = 4096
max_redirects = 2
max_wait = "3s"
[enrich.rdap.servers]
"https://rdap.arin.net/registry/" = "https://127.0.0.1:8443/arin/"
)", "/srv");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->enrich.sources[0], "rdap");
  EXPECT_EQ(c->enrich.rdap.bootstrap[0], "/srv/rdap/ipv4.json");
  EXPECT_EQ(c->enrich.rdap.ca_file, "/srv/ca.pem");
  EXPECT_TRUE(c->enrich.rdap.only_listed);
  EXPECT_EQ(c->enrich.rdap.timeout_us, 2000000);
  EXPECT_EQ(c->enrich.rdap.max_redirects, 2);
  EXPECT_EQ(c->enrich.rdap.servers.at("https://rdap.arin.net/registry/"), "https://127.0.0.1:8443/arin/");
  const char* bad[] = {
      "[enrich.rdap.servers]\n\"https://rdap.arin.net/\" = \"http://127.0.0.1:1/\"\n",
      "[enrich.rdap]\nmax_redirects = 99\n",
      "[enrich.rdap]\nretries = 1\n",
      "[enrich]\nsources = [\"rdapp\"]\n",
  };
  for (const char* text : bad) EXPECT_FALSE(ParseConfig(text, "/").ok()) << text;
}

TEST(ConfigTest, NotifySmtpDelivery) {
  auto c = ParseConfig(
      "[notify]\ndelivery = \"smtp\"\n[notify.smtp]\nurl = \"smtp://127.0.0.1:2525\"\n"
      "starttls = true\nuser = \"u\"\npassword = \"p\"\nretry_initial = \"5s\"\n"
      "max_attempts = 3\ncontact_per_day = 0\ndrain_timeout = \"1m\"\n",
      "/srv");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->notify.delivery, "smtp");
  EXPECT_EQ(c->notify.smtp.url, "smtp://127.0.0.1:2525");
  EXPECT_TRUE(c->notify.smtp.starttls);
  EXPECT_EQ(c->notify.smtp.retry_initial_us, 5LL * 1000000);
  EXPECT_EQ(c->notify.smtp.max_attempts, 3);
  EXPECT_EQ(c->notify.smtp.contact_per_day, 0);
  EXPECT_EQ(c->notify.smtp.drain_timeout_us, 60LL * 1000000);
  EXPECT_EQ(ParseConfig("", "/")->notify.delivery, "outbox");
  for (const char* text : {"[notify]\ndelivery = \"pigeon\"\n",
                           "[notify.smtp]\nurl = \"http://x\"\n",
                           "[notify.smtp]\nport = 25\n"}) {
    EXPECT_FALSE(ParseConfig(text, "/").ok()) << text;
  }
}

TEST(ConfigTest, NotifyImapMailboxes) {
  auto c = ParseConfig(
      "[notify.imap]\nmailboxes = [\"imaps://mail.example.net/INBOX\", \"imap://127.0.0.1:1143/Abuse\"]\n"
      "user = \"reports\"\npassword_file = \"imap.password\"\nstarttls = true\n"
      "ca_file = \"ca.pem\"\ntimeout = \"10s\"\n",
      "/srv");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->notify.imap.mailboxes.size(), 2u);
  EXPECT_EQ(c->notify.imap.user, "reports");
  EXPECT_EQ(c->notify.imap.password_file, "/srv/imap.password");
  EXPECT_EQ(c->notify.imap.ca_file, "/srv/ca.pem");
  EXPECT_TRUE(c->notify.imap.starttls);
  EXPECT_EQ(c->notify.imap.timeout_us, 10LL * 1000000);
  EXPECT_TRUE(ParseConfig("", "/")->notify.imap.mailboxes.empty());
  for (const char* text : {"[notify.imap]\nmailboxes = [\"pop3://x/INBOX\"]\n",
                           "[notify.imap]\nfolder = \"INBOX\"\n"}) {
    EXPECT_FALSE(ParseConfig(text, "/").ok()) << text;
  }
}

TEST(ConfigTest, NotifyWindowByKindAndSamplesPerAddress) {
  auto c = ParseConfig(
      "[notify]\nsamples_per_address = 12\n[notify.window_by_kind]\nworm = \"1h\"\n"
      "brute_force = \"30m\"\n",
      "/");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->notify.samples_per_address, 12);
  EXPECT_EQ(c->notify.window_by_kind,
            (std::map<std::string, int64_t>{{"brute_force", 1800LL * 1000000},
                                            {"worm", 3600LL * 1000000}}));
  auto d = ParseConfig("", "/");
  EXPECT_EQ(d->notify.samples_per_address, 5);
  EXPECT_TRUE(d->notify.window_by_kind.empty());
  for (const char* bad : {"[notify]\nsamples_per_address = 0\n",
                          "[notify]\nsamples_per_address = 101\n"}) {
    auto e = ParseConfig(bad, "/");
    ASSERT_FALSE(e.ok()) << bad;
    EXPECT_NE(e.status().message().find("notify.samples_per_address"), std::string::npos);
    EXPECT_NE(e.status().message().find("between 1 and 100"), std::string::npos)
        << e.status().message();
  }
  auto unknown = ParseConfig("[notify.window_by_kind]\nport-scan = \"1h\"\n", "/");
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().message().find("notify.window_by_kind.port-scan"), std::string::npos)
      << unknown.status().message();
  auto zero = ParseConfig("[notify.window_by_kind]\nworm = \"0s\"\n", "/");
  ASSERT_FALSE(zero.ok());
  EXPECT_NE(zero.status().message().find("notify.window_by_kind.worm"), std::string::npos);
}

TEST(ConfigTest, MissingFileNamesThePath) {
  auto c = LoadConfig("/nonexistent/abuseflow.toml");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("/nonexistent/abuseflow.toml"), std::string::npos);
}

TEST(ConfigTest, MetricsListenIsOffByDefaultAndChecked) {
  EXPECT_EQ(ParseConfig("", "/")->metrics.listen, "");
  auto c = ParseConfig("[metrics]\nlisten = \"127.0.0.1:9464\"\n", "/");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->metrics.listen, "127.0.0.1:9464");
  EXPECT_TRUE(ParseConfig("[metrics]\nlisten = \"[::1]:0\"\n", "/").ok());
  for (const char* text : {"[metrics]\nlisten = \"127.0.0.1\"\n", "[metrics]\nlisten = \":9464\"\n",
                           "[metrics]\nlisten = \"h:65536\"\n", "[metrics]\nlisten = \"h:9x\"\n",
                           "[metrics]\nlisten = 9464\n", "[metrics]\nport = 9464\n"}) {
    auto bad = ParseConfig(text, "/");
    ASSERT_FALSE(bad.ok()) << text;
    EXPECT_NE(bad.status().message().find("metrics."), std::string::npos) << bad.status().message();
  }
}

// Key files in a fresh directory, for the [security] tests.
std::string SecurityDir(const char* name) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("config_test-security-" + std::to_string(::getpid()) + "-" + name);
  std::filesystem::remove_all(dir);
  EXPECT_TRUE(WriteKeyPair((dir / "keys").string(), "central", *GenerateCurveKeyPair()).ok());
  EXPECT_TRUE(WriteKeyPair((dir / "keys").string(), "sensor1", *GenerateCurveKeyPair()).ok());
  return dir.string();
}

TEST(ConfigTest, SecurityIsOffByDefaultAndReadsKeysAndPaths) {
  auto off = ParseConfig("", "/");
  ASSERT_TRUE(off.ok());
  EXPECT_FALSE(off->security.curve);
  EXPECT_FALSE(off->security.allow_plain_tcp);
  const std::string dir = SecurityDir("ok");
  const std::string inline_key = GenerateCurveKeyPair()->public_z85;
  auto c = ParseConfig("[security]\ncurve = true\nkey_file = \"keys/central.key\"\n"
                       "allowed_keys = [\"keys/sensor1.pub\", \"" + inline_key + "\"]\n"
                       "server_key = \"keys/central.pub\"\n"
                       "[security.server_keys]\n\"tcp://10.0.0.9:7301\" = \"" + inline_key + "\"\n",
                       dir);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_TRUE(c->security.curve);
  EXPECT_EQ(c->security.key_file, dir + "/keys/central.key");
  EXPECT_EQ(c->security.allowed_keys, (std::vector<std::string>{dir + "/keys/sensor1.pub", inline_key}));
  EXPECT_EQ(c->security.server_key, dir + "/keys/central.pub");
  EXPECT_EQ(c->security.server_keys.at("tcp://10.0.0.9:7301"), inline_key);
  auto security = LinkSecurity::FromConfig(c->security);
  ASSERT_TRUE(security.ok()) << security.status().ToString();
  EXPECT_EQ(security->allowed_keys()[0], *ReadPublicKey(dir + "/keys/sensor1.pub"));
  std::filesystem::remove_all(dir);
}

TEST(ConfigTest, SecurityErrorsNameTheSetting) {
  const std::string dir = SecurityDir("bad");
  const std::string head = "[security]\ncurve = true\nkey_file = \"keys/central.key\"\n";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"[security]\ncurve = true\n", "security.key_file"},
      {head + "allowed_keys = [\"tooshort\"]\n", "security.allowed_keys[0]"},
      {head + "allowed_keys = [\"keys/missing.pub\"]\n", "security.allowed_keys[0]"},
      {head + "server_key = \"keys/central.key.bak\"\n", "security.server_key"},
      {head + "[security.server_keys]\n\"10.0.0.1:7301\" = \"keys/central.pub\"\n", "security.server_keys"},
      {head + "curve_keys = 1\n", "security.curve_keys"},
      {"[security]\ncurve = \"yes\"\n", "security.curve"},
      {"[security]\ncurve = true\nkey_file = \"keys/sensor1.pub\"\n", "security.key_file"},
  };
  for (const auto& [text, want] : cases) {
    auto c = ParseConfig(text, dir);
    ASSERT_FALSE(c.ok()) << text;
    EXPECT_NE(c.status().message().find(want), std::string::npos) << c.status().message();
  }
  std::filesystem::permissions(dir + "/keys/central.key", std::filesystem::perms::others_read,
                               std::filesystem::perm_options::add);
  auto open = ParseConfig(head, dir);
  ASSERT_FALSE(open.ok());
  EXPECT_NE(open.status().message().find("chmod 600"), std::string::npos) << open.status().message();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace abuseflow::core
