#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/result.h"

namespace abuseflow::core {

// One sensor log to read ([[ingest.input]]).
struct InputConfig {
  std::string format;             // parser name, e.g. "apache", "netfilter"; required
  std::string path;               // file to replay, "-" for stdin; required unless `listen` is set
  std::string sensor;             // sensor name; default: the log's own host field, else the file name
  int year = 0;                   // year for stamps without one; default 0 = the current UTC year
  int utc_offset_minutes = 0;     // offset of stamps without one; "utc_offset" = "-04:00"; default UTC
  std::string tz_name = "UTC";    // label quoted in notices, e.g. "EDT"; default "UTC"
  bool follow = false;            // keep reading the file as it grows, across rotation; default false
  std::string listen;             // syslog receiver "udp://HOST:PORT" or "tcp://HOST:PORT"; default none
  int max_message_size = 65536;   // syslog receiver: larger messages are rejected, counted; default 64 KiB
  std::string time_zone;          // IANA zone of stamps without offset, DST per stamp ("America/New_York"); excludes utc_offset, tz_name; default none
  bool resolve_hosts = false;     // resolve host names logged instead of addresses (getaddrinfo); default false: kept in src_host
};

// A user-defined format ([[ingest.format]], docs/formats.md), like
// fail2ban's failregex; inputs name it by `format = NAME`.
struct FormatConfig {
  std::string name;               // required; must not be a built-in format's name
  std::string pattern;            // RE2 with named groups: host (required), time, src_port, dst, dst_port, proto, signature; required
  std::string kind;               // connection-attempt, port-scan, brute-force, exploit, ids-alert, worm; required
  std::string time_format;        // strptime-like ("%Y-%m-%d %H:%M:%S") or syslog, apache, iso8601, epoch; required with a time group
  bool syslog = false;            // strip a syslog header first (its stamp is the time without a time group); default false
  std::string signature;          // signature when the pattern has no signature group; default none
};

struct IngestConfig {
  std::vector<FormatConfig> formats;  // [[ingest.format]]; default none
  std::vector<InputConfig> inputs;
  int batch_size = 512;           // events per transport message; default 512
  // Unacknowledged journal bytes before ingest stops reading ("journal_quota_mb"); default 1 GiB
  uint64_t journal_quota_bytes = 1ULL << 30;
};

// [enrich.whois]: the WHOIS client (enrich/README.md, docs/whois.md).
struct WhoisConfig {
  // Registry server name -> "host:port" to connect to instead ("whois.ripe.net" =
  // "127.0.0.1:4301"); a referral to a name listed here is allowed on any port.
  std::map<std::string, std::string> servers;  // default none: each name on port 43
  bool only_listed = false;       // refuse every server not in `servers`; default false
  int64_t timeout_us = 15LL * 1000000;  // per query: connect, send, read all ("timeout"); default 15s
  int max_answer_bytes = 1 << 20;  // a longer answer is refused; default 1 MiB
  int max_referrals = 6;          // servers asked per address at most; default 6
  int queries_per_minute = 30;    // token-bucket rate per server; default 30
  int burst = 5;                  // token-bucket size per server; default 5
  int64_t backoff_us = 60LL * 1000000;  // wait after a limit message, doubling ("backoff"); default 60s
  int64_t max_backoff_us = 3600LL * 1000000;  // ("max_backoff"); default 1h
  int64_t max_wait_us = 30LL * 1000000;  // longest wait for a token or a backoff ("max_wait"); default 30s
  int concurrency = 2;            // queries in progress per server at most; default 2
  // After an RPSL answer (RIPE, APNIC, AFRINIC, CNNIC) also ask `-m RANGE` for the
  // block's first-level more specific blocks (ARIN: `n > PREFIX`, every
  // level) and cache the answer without
  // them: about one more query per distinct block; default true.
  bool more_specifics = true;
};

// [enrich.rdap]: the RDAP client (RFC 9082/9083 over HTTPS; enrich/README.md).
struct RdapConfig {
  // IANA bootstrap files (the format of data.iana.org/rdap/ipv4.json and
  // ipv6.json) used instead of the bundled copy; default none: the bundled copy.
  std::vector<std::string> bootstrap;
  // Base URL prefix -> replacement ("https://rdap.arin.net/registry/" =
  // "https://127.0.0.1:8443/arin/"), applied to bootstrap URLs and redirects.
  std::map<std::string, std::string> servers;  // default none
  bool only_listed = false;       // refuse every URL no `servers` prefix matches; default false
  std::string ca_file;            // PEM file of the CAs to trust instead of the system's; default none
  int64_t timeout_us = 15LL * 1000000;  // per request, connect to last byte ("timeout"); default 15s
  int max_answer_bytes = 1 << 20;  // a longer body is refused; default 1 MiB
  int max_redirects = 3;          // redirects followed per address (RIR to RIR); default 3
  int queries_per_minute = 60;    // token-bucket rate per host; default 60
  int burst = 10;                 // token-bucket size per host; default 10
  int64_t backoff_us = 60LL * 1000000;  // after a 429 without Retry-After ("backoff"); default 60s
  int64_t max_backoff_us = 3600LL * 1000000;  // longest Retry-After honoured ("max_backoff"); default 1h
  int64_t max_wait_us = 30LL * 1000000;  // longest wait for a token or a Retry-After ("max_wait"); default 30s
  int concurrency = 2;            // requests in progress per host at most; default 2
};

// [[enrich.override]]: a fixed owner for some networks, asked before every
// source (local networks go to the internal liaison).
struct OwnerOverrideConfig {
  std::vector<std::string> prefixes;  // CIDR prefixes it answers for; these or asns required
  // ASNs: every address whose most specific prefix in enrich.asn_table has one
  // of them as origin; a prefix override wins over these; default none.
  std::vector<uint32_t> asns;
  std::string contact;            // abuse mailbox; required, a valid mailbox
  std::string owner = "operator override";  // owner name in notices; default shown
  std::string country;            // ISO 3166 alpha-2; default none
};

struct EnrichConfig {
  std::vector<std::string> registry;  // offline RPSL files, asked in order; default none
  // Owner sources asked in order: "rpsl" (the registry files), "whois", "rdap".
  std::vector<std::string> sources;   // default ["rpsl"] (when registry files are given)
  int64_t positive_ttl_us = 7LL * 86400 * 1000000;  // cached answers ("positive_ttl"); default 7d
  int64_t negative_ttl_us = 3600LL * 1000000;  // cached "unknown" ("negative_ttl"); default 1h
  // Netblock cache entries kept in memory at most; the soonest expiring are
  // evicted first (enrich/README.md); 1 to 2^30; default 1,000,000.
  int cache_max_entries = 1000000;
  WhoisConfig whois;
  RdapConfig rdap;
  std::vector<OwnerOverrideConfig> overrides;  // [[enrich.override]]; default none
  // CAIDA RouteViews prefix2as file giving the origin ASNs of prefixes, for
  // ASN overrides ("asn_table"); default none, required by override asns.
  std::string asn_table;
  // RIR delegated(-extended) statistics files, for the country ("delegated");
  // default none.
  std::vector<std::string> delegated;
  // "fill": the delegated country only where the owner record has none;
  // "always": the delegated country replaces the record's ("delegated_country");
  // default "fill".
  std::string delegated_country = "fill";
  // Mailboxes ("abuse@catchall.example") and whole domains ("@deadbox.example")
  // never mailed: removed from every owner record; default none.
  std::vector<std::string> never_mail;
  // With a network source (whois, rdap): threads that ask the registries
  // while the stream goes on; an event whose block is not cached waits in
  // the persisted pending set (enrich/README.md, "Asynchronous lookups").
  // 0: lookups on the stage's thread, the stream waiting for each; default 8.
  int lookup_threads = 8;
  int max_pending = 100000;  // events waiting for a lookup at most (then ingest waits); default 100000
  // How long an event may wait for its lookup (failures retried with
  // backoff) before it is passed on unresolved ("pending_deadline"); default 10m.
  int64_t pending_deadline_us = 600LL * 1000000;
};

// [dedup.policy]: who gets told when (dedup/README.md explains each rule).
struct DedupPolicyConfig {
  // "clock": "event" (now = the newest event time), "wall", or "auto" (the
  // default): event time when every [[ingest.input]] is a replay, wall time
  // when one follows a file or listens for syslog. event_time is the result.
  std::string clock = "auto";
  bool event_time = true;
  int worm_events = 1;            // worm events that open an incident; default 1
  int exploit_events = 1;         // exploit events that open an incident; default 1
  int connection_attempts = 1;    // connection attempts in scan_window; default 1 (see README)
  int distinct_ports = 3;         // or this many distinct ports in scan_window; default 3
  int other_events = 1;           // port-scan, brute-force, IDS and other events; default 1
  int64_t scan_window_us = 86400LL * 1000000;       // "scan_window"; default 24h
  int64_t quiet_gap_us = 3600LL * 1000000;          // "quiet_gap" between occurrences; default 1h
  int64_t stale_after_us = 7LL * 86400 * 1000000;   // "stale_after"; default 7d
  int noise_events = 100;         // this many events in scan_window are never stale; default 100
  int64_t repeat_interval_us = 7LL * 86400 * 1000000;  // "repeat_interval" between notices; default 7d
  int64_t report_window_us = 86400LL * 1000000;     // "report_window": events this soon after a notice join it; default 24h
  int block_after_notices = 3;    // unanswered notices before a block; 0 = never; default 3
  int64_t block_for_us = 30LL * 86400 * 1000000;    // "block_for": block expiry; default 30d
  int64_t lift_after_silence_us = 14LL * 86400 * 1000000;  // "lift_after_silence"; default 14d
  std::vector<std::string> local_networks;  // CIDR prefixes of our own networks; default none
  std::string liaison;            // mailbox for local sources; required when local_networks is set
  int netblock_block_threshold = 0;  // blocked addresses of one netblock that block all of it; 0 = off; default 0
};

struct DedupConfig {
  int sample_lines = 5;           // raw lines kept per address; default 5
  int max_line_length = 1024;     // longer kept lines are cut, marked with "..."; default 1024
  std::string block_hook;         // "block_hook": shell command run when the block list changes; default none
  int64_t retention_us = 365LL * 86400 * 1000000;  // "retention": unblocked histories unseen this long are deleted; "never" = 0 keeps all; default 365d
  DedupPolicyConfig policy;
};

// [notify.smtp]: delivery over SMTP with libcurl (notify/README.md, "Delivery").
struct SmtpConfig {
  std::string url = "smtp://127.0.0.1:25";  // smtp:// or smtps:// server; default shown
  bool starttls = false;          // require STARTTLS on smtp:// (fail without it); default false
  std::string user;               // AUTH user; default none (no authentication)
  std::string password;           // AUTH password; default none
  std::string ca_file;            // PEM CAs to trust instead of the system's; default none
  int64_t connect_timeout_us = 30LL * 1000000;  // "connect_timeout"; default 30s
  int64_t timeout_us = 120LL * 1000000;  // whole session per mail ("timeout"); default 120s
  int max_attempts = 8;           // attempts before a temporary failure is given up; default 8
  int64_t retry_initial_us = 60LL * 1000000;  // first backoff, doubled per attempt ("retry_initial"); default 60s
  int64_t retry_max_us = 6LL * 3600 * 1000000;  // longest backoff ("retry_max"); default 6h
  int domain_per_minute = 30;     // mails per minute per recipient domain; default 30
  int contact_per_day = 10;       // mails per contact per 24 h; 0 = no cap; default 10
  int64_t drain_timeout_us = 600LL * 1000000;  // at end of stream, keep retrying this long ("drain_timeout"); default 10m
};

// [notify.imap]: the reporting mailboxes `replies import` reads over IMAP
// with libcurl (notify/README.md, "Replies and the monthly report").
struct ImapConfig {
  std::vector<std::string> mailboxes;  // imap:// or imaps:// URLs of a mailbox ("imap://host/INBOX"); default none
  std::string user;               // LOGIN user; default none
  std::string password;           // its password; default none
  std::string password_file;      // or a file whose first line is it (wins over password); default none
  bool starttls = false;          // require STARTTLS on imap:// (fail without it); default false
  std::string ca_file;            // PEM CAs to trust instead of the system's; default none
  int64_t connect_timeout_us = 30LL * 1000000;  // "connect_timeout"; default 30s
  int64_t timeout_us = 120LL * 1000000;  // per IMAP command (one message fetched) ("timeout"); default 120s
};

struct NotifyConfig {
  std::string delivery = "outbox";  // "outbox" (write .eml files only, dry run) or "smtp"; default "outbox"
  SmtpConfig smtp;                // [notify.smtp], used when delivery = "smtp"
  ImapConfig imap;                // [notify.imap], read by `replies import --config`
  std::string outbox = "outbox";  // folder for .eml files; default "outbox" beside the state
  int64_t window_us = 86400LL * 1000000;  // batching window ("window" = "24h"); default 24 hours
  // [notify.window_by_kind]: kind variant ("worm", "scan", "brute_force",
  // "exploit", "ids_alert") -> its own batching window, in a separate report
  // per contact (notify/README.md, "Batching"); default none (all use window).
  std::map<std::string, int64_t> window_by_kind;
  int samples_per_address = 5;    // sample log lines a notice shows per address, 1..100; default 5
  std::string from = "abuse-reports@localhost";  // sender mailbox; default shown
  std::string site = "our network";  // site name quoted in notices
  std::string signature;          // signature block appended to every notice
  std::string template_path;      // mustache template; default the built-in one
  // [notify.templates]: variant ("worm", "scan", "brute_force", "exploit",
  // "ids_alert", "repeat") -> mustache file used for reports of that kind
  // instead of `template` (notify/README.md, "Template"); default none.
  std::map<std::string, std::string> templates;
  int max_addresses_per_mail = 500;  // a larger report is split into parts; default 500
};

// Where each stage's receiving socket binds; upstream stages connect there.
// Used by the per-stage processes; `run` uses inproc:// endpoints instead.
struct EndpointsConfig {
  std::string ingest;  // a central ingest binds this for remote agents' events; default none
  std::string enrich = "tcp://127.0.0.1:7301";
  std::string dedup = "tcp://127.0.0.1:7302";  // shard 0's when `dedup` is a list
  std::string notify = "tcp://127.0.0.1:7303";
  // `dedup` given as a list: one endpoint per dedup shard (enrich/README.md);
  // empty when it is a single string (one dedup, no shards).
  std::vector<std::string> dedup_shards;
  // `enrich` given as a list: one endpoint per enrich worker (`enrich --worker K`
  // binds entry K; ingest sends to all); empty when it is a single string.
  std::vector<std::string> enrich_workers;
};

// [security]: ZeroMQ CURVE on the links between hosts (docs/security.md,
// core/curve.h). A key is written as its 40 Z85 characters or as the path of
// a .pub file (relative to the config file); paths are resolved at load.
struct SecurityConfig {
  bool curve = false;             // authenticate and encrypt every tcp link; default false
  std::string key_file;           // this process's NAME.key (public + secret, mode 0600); required with curve
  // Public keys (or .pub paths) of the peers allowed to connect to this
  // process's bound sockets; every other key is refused; default none.
  std::vector<std::string> allowed_keys;
  std::string server_key;         // public key (or .pub path) of the servers this process connects to; default none
  std::map<std::string, std::string> server_keys;  // [security.server_keys] endpoint -> key, overrides server_key; default none
  bool allow_plain_tcp = false;   // allow plain tcp to hosts other than loopback; default false
};

// [metrics]: the Prometheus metrics and health endpoint (core/metrics_server.h,
// docs/operations.md).
struct MetricsConfig {
  std::string listen;  // "HOST:PORT" or "[V6]:PORT" to serve GET /metrics and /health; default none: off
  std::string textfile;  // write the metrics text to this file every 5 s and at exit; default none
};

// The whole configuration file. Relative paths are resolved against the
// directory of the file they were read from.
struct Config {
  std::string state_dir = "state";  // durable state (history, caches); default "state"
  IngestConfig ingest;
  EnrichConfig enrich;
  DedupConfig dedup;
  NotifyConfig notify;
  EndpointsConfig endpoints;
  SecurityConfig security;
  MetricsConfig metrics;
};

// Reads and validates a TOML config file. Unknown keys, wrong types and bad
// values are errors that name the key and the file position.
Result<Config> LoadConfig(const std::string& path);
// Same, from text; relative paths are resolved against `base_dir`.
Result<Config> ParseConfig(const std::string& text, const std::string& base_dir,
                           const std::string& source_name = "config");

// "90s", "15m", "24h", "7d" to microseconds; nullopt-equivalent error otherwise.
Result<int64_t> ParseDuration(const std::string& text);
// "+05:30", "-04:00", "Z" to minutes east of UTC.
Result<int> ParseUtcOffset(const std::string& text);

}  // namespace abuseflow::core
