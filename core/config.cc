#include "core/config.h"

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <toml++/toml.h>

#include "core/curve.h"
#include "core/format_check.h"
#include "core/ip_prefix.h"
#include "core/mailbox.h"

namespace abuseflow::core {
namespace {

namespace fs = std::filesystem;

std::string Where(const toml::node& node) {
  const auto& src = node.source();
  std::ostringstream out;
  out << src.begin.line << ":" << src.begin.column;
  return out.str();
}

// Reads typed keys from one table and remembers which ones it saw, so that
// Finish() can reject the rest by name.
class TableReader {
 public:
  TableReader(const toml::table& table, std::string path, const std::string& base_dir)
      : table_(table), path_(std::move(path)), base_dir_(base_dir) {}

  Status String(const char* key, std::string* out) {
    const toml::node* node = Take(key);
    if (!node) return Status::Ok();
    if (!node->is_string()) return TypeError(key, *node, "a string");
    *out = node->as_string()->get();
    return Status::Ok();
  }
  Status Path(const char* key, std::string* out) {
    Status s = String(key, out);
    if (s.ok() && table_.contains(key)) *out = Resolve(*out);
    return s;
  }
  Status PathList(const char* key, std::vector<std::string>* out) {
    const toml::node* node = Take(key);
    if (!node) return Status::Ok();
    const toml::array* array = node->as_array();
    if (!array) return TypeError(key, *node, "an array of strings");
    out->clear();
    for (const toml::node& item : *array) {
      if (!item.is_string()) return TypeError(key, item, "an array of strings");
      out->push_back(Resolve(item.as_string()->get()));
    }
    return Status::Ok();
  }
  Status StringList(const char* key, std::vector<std::string>* out) {
    const toml::node* node = Take(key);
    if (!node) return Status::Ok();
    const toml::array* array = node->as_array();
    if (!array) return TypeError(key, *node, "an array of strings");
    out->clear();
    for (const toml::node& item : *array) {
      if (!item.is_string()) return TypeError(key, item, "an array of strings");
      out->push_back(item.as_string()->get());
    }
    return Status::Ok();
  }
  Status Int(const char* key, int64_t min, int64_t max, int* out) {
    const toml::node* node = Take(key);
    if (!node) return Status::Ok();
    if (!node->is_integer()) return TypeError(key, *node, "an integer");
    int64_t v = node->as_integer()->get();
    if (v < min || v > max) {
      return Invalid(key, *node, "must be between " + std::to_string(min) + " and " + std::to_string(max));
    }
    *out = static_cast<int>(v);
    return Status::Ok();
  }
  Status Bool(const char* key, bool* out) {
    const toml::node* node = Take(key);
    if (!node) return Status::Ok();
    if (!node->is_boolean()) return TypeError(key, *node, "true or false");
    *out = node->as_boolean()->get();
    return Status::Ok();
  }
  Status Duration(const char* key, int64_t* out) {
    std::string text;
    const toml::node* node = table_.get(key);
    if (Status s = String(key, &text); !s.ok() || text.empty()) return s;
    auto d = ParseDuration(text);
    if (!d.ok()) return Invalid(key, *node, d.status().message());
    *out = *d;
    return Status::Ok();
  }
  Status Offset(const char* key, int* out) {
    std::string text;
    const toml::node* node = table_.get(key);
    if (Status s = String(key, &text); !s.ok() || text.empty()) return s;
    auto o = ParseUtcOffset(text);
    if (!o.ok()) return Invalid(key, *node, o.status().message());
    *out = *o;
    return Status::Ok();
  }
  const toml::table* SubTable(const char* key, Status* status) {
    const toml::node* node = Take(key);
    if (!node) return nullptr;
    if (!node->is_table()) *status = TypeError(key, *node, "a table");
    return node->as_table();
  }
  const toml::array* ArrayOfTables(const char* key, Status* status) {
    const toml::node* node = Take(key);
    if (!node) return nullptr;
    if (!node->is_array_of_tables()) *status = TypeError(key, *node, "an array of tables");
    return node->as_array();
  }
  Status Uint32List(const char* key, std::vector<uint32_t>* out) {
    const toml::node* node = Take(key);
    if (!node) return Status::Ok();
    const toml::array* array = node->as_array();
    if (!array) return TypeError(key, *node, "an array of integers");
    out->clear();
    for (const toml::node& item : *array) {
      if (!item.is_integer()) return TypeError(key, item, "an array of integers");
      int64_t v = item.as_integer()->get();
      if (v < 0 || v > UINT32_MAX) return Invalid(key, item, "must be between 0 and 4294967295");
      out->push_back(static_cast<uint32_t>(v));
    }
    return Status::Ok();
  }
  std::string Child(const char* key) const { return path_.empty() ? key : path_ + "." + key; }
  const std::string& base_dir() const { return base_dir_; }

  // Rejects every key that was not read.
  Status Finish() const {
    for (const auto& [key, node] : table_) {
      if (!seen_.count(std::string(key.str()))) {
        return Status::InvalidArgument("unknown key '" + Child(std::string(key.str()).c_str()) +
                                       "' at " + Where(node));
      }
    }
    return Status::Ok();
  }

 private:
  const toml::node* Take(const char* key) {
    seen_.insert(key);
    return table_.get(key);
  }
  std::string Resolve(const std::string& p) const {
    if (p.empty() || p == "-" || fs::path(p).is_absolute()) return p;
    return (fs::path(base_dir_) / p).lexically_normal().string();
  }
  Status TypeError(const char* key, const toml::node& node, const char* want) const {
    return Status::InvalidArgument("key '" + Child(key) + "' at " + Where(node) + " must be " + want);
  }
  Status Invalid(const char* key, const toml::node& node, const std::string& why) const {
    return Status::InvalidArgument("key '" + Child(key) + "' at " + Where(node) + ": " + why);
  }

  const toml::table& table_;
  std::string path_;
  const std::string& base_dir_;
  std::set<std::string> seen_;
};

#define AF_TRY(expr)                \
  do {                              \
    ::abuseflow::core::Status _s = (expr); \
    if (!_s.ok()) return _s;        \
  } while (0)

Status ReadInput(const toml::table& t, const std::string& path, const std::string& base,
                 InputConfig* in) {
  TableReader r(t, path, base);
  AF_TRY(r.String("format", &in->format));
  AF_TRY(r.Path("path", &in->path));
  AF_TRY(r.String("sensor", &in->sensor));
  AF_TRY(r.Int("year", 1970, 9999, &in->year));
  AF_TRY(r.Offset("utc_offset", &in->utc_offset_minutes));
  AF_TRY(r.String("tz_name", &in->tz_name));
  AF_TRY(r.Bool("follow", &in->follow));
  AF_TRY(r.String("listen", &in->listen));
  AF_TRY(r.Int("max_message_size", 480, 1 << 20, &in->max_message_size));
  AF_TRY(r.String("time_zone", &in->time_zone));
  AF_TRY(r.Bool("resolve_hosts", &in->resolve_hosts));
  AF_TRY(r.Finish());
  if (in->format.empty()) return Status::InvalidArgument("key '" + r.Child("format") + "' is required");
  if (!in->time_zone.empty()) {
    AF_TRY(CheckTimeZone(in->time_zone, r.Child("time_zone")));
    if (in->utc_offset_minutes != 0 || in->tz_name != "UTC") {
      return Status::InvalidArgument("key '" + r.Child("time_zone") + "' excludes 'utc_offset' and 'tz_name'");
    }
  }
  if (!in->listen.empty()) {
    if (!in->path.empty() || in->follow) {
      return Status::InvalidArgument("key '" + r.Child("listen") + "' excludes 'path' and 'follow'");
    }
    if (in->listen.rfind("udp://", 0) != 0 && in->listen.rfind("tcp://", 0) != 0) {
      return Status::InvalidArgument("key '" + r.Child("listen") + "' must be udp://HOST:PORT or tcp://HOST:PORT");
    }
    return Status::Ok();
  }
  if (in->path.empty()) return Status::InvalidArgument("key '" + r.Child("path") + "' is required");
  if (in->follow && in->path == "-") {
    return Status::InvalidArgument("key '" + r.Child("follow") + "' cannot follow standard input");
  }
  return Status::Ok();
}

Status ReadFormat(const toml::table& t, const std::string& path, const std::string& base, FormatConfig* f) {
  TableReader r(t, path, base);
  AF_TRY(r.String("name", &f->name));
  AF_TRY(r.String("pattern", &f->pattern));
  AF_TRY(r.String("kind", &f->kind));
  AF_TRY(r.String("time_format", &f->time_format));
  AF_TRY(r.Bool("syslog", &f->syslog));
  AF_TRY(r.String("signature", &f->signature));
  AF_TRY(r.Finish());
  return CheckFormat(*f, path);
}

Status ReadIngest(const toml::table& t, const std::string& base, IngestConfig* c) {
  TableReader r(t, "ingest", base);
  Status status;
  AF_TRY(r.Int("batch_size", 1, 65536, &c->batch_size));
  int quota_mb = static_cast<int>(c->journal_quota_bytes >> 20);
  AF_TRY(r.Int("journal_quota_mb", 1, 1 << 24, &quota_mb));
  c->journal_quota_bytes = static_cast<uint64_t>(quota_mb) << 20;
  if (const toml::array* formats = r.ArrayOfTables("format", &status)) {
    for (const toml::node& node : *formats) {
      FormatConfig f;
      AF_TRY(ReadFormat(*node.as_table(), "ingest.format[" + std::to_string(c->formats.size()) + "]", base, &f));
      for (const FormatConfig& other : c->formats) {
        if (other.name == f.name) return Status::InvalidArgument("ingest.format: name '" + f.name + "' defined twice");
      }
      c->formats.push_back(std::move(f));
    }
  }
  AF_TRY(status);
  if (const toml::array* inputs = r.ArrayOfTables("input", &status)) {
    int i = 0;
    for (const toml::node& node : *inputs) {
      InputConfig in;
      AF_TRY(ReadInput(*node.as_table(), "ingest.input[" + std::to_string(i++) + "]", base, &in));
      c->inputs.push_back(std::move(in));
    }
  }
  AF_TRY(status);
  return r.Finish();
}

Status ReadDedupPolicy(const toml::table& t, const std::string& base, DedupPolicyConfig* p) {
  TableReader r(t, "dedup.policy", base);
  AF_TRY(r.String("clock", &p->clock));
  if (p->clock != "event" && p->clock != "wall" && p->clock != "auto") {
    return Status::InvalidArgument(
        "key 'dedup.policy.clock' must be \"event\", \"wall\" or \"auto\"");
  }
  AF_TRY(r.Int("worm_events", 1, 1000000, &p->worm_events));
  AF_TRY(r.Int("exploit_events", 1, 1000000, &p->exploit_events));
  AF_TRY(r.Int("connection_attempts", 1, 1000000, &p->connection_attempts));
  AF_TRY(r.Int("distinct_ports", 1, 32, &p->distinct_ports));  // occurrences keep 32 ports
  AF_TRY(r.Int("other_events", 1, 1000000, &p->other_events));
  AF_TRY(r.Duration("scan_window", &p->scan_window_us));
  AF_TRY(r.Duration("quiet_gap", &p->quiet_gap_us));
  AF_TRY(r.Duration("stale_after", &p->stale_after_us));
  AF_TRY(r.Int("noise_events", 1, 100000000, &p->noise_events));
  AF_TRY(r.Duration("repeat_interval", &p->repeat_interval_us));
  AF_TRY(r.Duration("report_window", &p->report_window_us));
  AF_TRY(r.Int("block_after_notices", 0, 100, &p->block_after_notices));
  AF_TRY(r.Duration("block_for", &p->block_for_us));
  AF_TRY(r.Duration("lift_after_silence", &p->lift_after_silence_us));
  AF_TRY(r.StringList("local_networks", &p->local_networks));
  AF_TRY(r.String("liaison", &p->liaison));
  AF_TRY(r.Int("netblock_block_threshold", 0, 1000000, &p->netblock_block_threshold));
  AF_TRY(r.Finish());
  for (const std::string& net : p->local_networks) {
    if (!IpPrefix::Parse(net)) {
      return Status::InvalidArgument("key 'dedup.policy.local_networks': '" + net + "' is not a prefix");
    }
  }
  if (!p->local_networks.empty() && p->liaison.empty()) {
    return Status::InvalidArgument("key 'dedup.policy.liaison' is required with local_networks");
  }
  return Status::Ok();
}

Status ReadDedup(const toml::table& t, const std::string& base, DedupConfig* c) {
  TableReader d(t, "dedup", base);
  Status status;
  AF_TRY(d.Int("sample_lines", 0, 1000, &c->sample_lines));
  AF_TRY(d.Int("max_line_length", 16, 65536, &c->max_line_length));
  AF_TRY(d.String("block_hook", &c->block_hook));
  if (const toml::node* r = t.get("retention"); r && r->value<std::string>() == "never") {
    std::string ignored;
    AF_TRY(d.String("retention", &ignored));
    c->retention_us = 0;
  } else {
    AF_TRY(d.Duration("retention", &c->retention_us));
  }
  if (const toml::table* p = d.SubTable("policy", &status)) AF_TRY(ReadDedupPolicy(*p, base, &c->policy));
  AF_TRY(status);
  return d.Finish();
}

// The per-server rate limits [enrich.whois] and [enrich.rdap] share.
template <typename Limits>
Status ReadRateLimits(TableReader& r, Limits* c) {
  AF_TRY(r.Int("queries_per_minute", 1, 1000000, &c->queries_per_minute));
  AF_TRY(r.Int("burst", 1, 1000000, &c->burst));
  AF_TRY(r.Duration("backoff", &c->backoff_us));
  AF_TRY(r.Duration("max_backoff", &c->max_backoff_us));
  AF_TRY(r.Duration("max_wait", &c->max_wait_us));
  AF_TRY(r.Int("concurrency", 1, 1000, &c->concurrency));
  return Status::Ok();
}

Status ReadWhois(const toml::table& t, const std::string& base, WhoisConfig* w) {
  TableReader r(t, "enrich.whois", base);
  Status status;
  if (const toml::table* servers = r.SubTable("servers", &status)) {
    for (const auto& [name, node] : *servers) {
      if (!node.is_string()) {
        return Status::InvalidArgument("key 'enrich.whois.servers." + std::string(name.str()) +
                                       "' at " + Where(node) + " must be a string \"host:port\"");
      }
      w->servers[std::string(name.str())] = node.as_string()->get();
    }
  }
  AF_TRY(status);
  AF_TRY(r.Bool("only_listed", &w->only_listed));
  AF_TRY(r.Duration("timeout", &w->timeout_us));
  AF_TRY(r.Int("max_answer_bytes", 1024, 64 << 20, &w->max_answer_bytes));
  AF_TRY(r.Int("max_referrals", 1, 20, &w->max_referrals));
  AF_TRY(ReadRateLimits(r, w));
  AF_TRY(r.Bool("more_specifics", &w->more_specifics));
  return r.Finish();
}

Status ReadRdap(const toml::table& t, const std::string& base, RdapConfig* c) {
  TableReader r(t, "enrich.rdap", base);
  Status status;
  AF_TRY(r.PathList("bootstrap", &c->bootstrap));
  if (const toml::table* servers = r.SubTable("servers", &status)) {
    for (const auto& [prefix, node] : *servers) {
      if (!node.is_string() || node.as_string()->get().rfind("https://", 0) != 0) {
        return Status::InvalidArgument("key 'enrich.rdap.servers.\"" + std::string(prefix.str()) +
                                       "\"' at " + Where(node) + " must be an https:// URL");
      }
      c->servers[std::string(prefix.str())] = node.as_string()->get();
    }
  }
  AF_TRY(status);
  AF_TRY(r.Bool("only_listed", &c->only_listed));
  AF_TRY(r.Path("ca_file", &c->ca_file));
  AF_TRY(r.Duration("timeout", &c->timeout_us));
  AF_TRY(r.Int("max_answer_bytes", 1024, 64 << 20, &c->max_answer_bytes));
  AF_TRY(r.Int("max_redirects", 0, 10, &c->max_redirects));
  AF_TRY(ReadRateLimits(r, c));
  return r.Finish();
}

Status ReadOverride(const toml::table& t, const std::string& path, const std::string& base,
                    OwnerOverrideConfig* o) {
  TableReader r(t, path, base);
  AF_TRY(r.StringList("prefixes", &o->prefixes));
  AF_TRY(r.Uint32List("asns", &o->asns));
  AF_TRY(r.String("contact", &o->contact));
  AF_TRY(r.String("owner", &o->owner));
  AF_TRY(r.String("country", &o->country));
  AF_TRY(r.Finish());
  if (o->prefixes.empty() && o->asns.empty()) {
    return Status::InvalidArgument("key '" + r.Child("prefixes") + "' or '" + r.Child("asns") +
                                   "' is required");
  }
  for (const std::string& p : o->prefixes) {
    if (!IpPrefix::Parse(p)) {
      return Status::InvalidArgument("key '" + r.Child("prefixes") + "': '" + p + "' is not a prefix");
    }
  }
  if (!IsValidMailbox(o->contact)) {
    return Status::InvalidArgument("key '" + r.Child("contact") + "' must be one valid mailbox");
  }
  return Status::Ok();
}

Status ReadEnrich(const toml::table& t, const std::string& base, EnrichConfig* c) {
  TableReader e(t, "enrich", base);
  Status status;
  AF_TRY(e.PathList("registry", &c->registry));
  AF_TRY(e.StringList("sources", &c->sources));
  for (const std::string& source : c->sources) {
    if (source != "rpsl" && source != "whois" && source != "rdap") {
      return Status::InvalidArgument("key 'enrich.sources': unknown source '" + source +
                                     "' (known: rpsl, whois, rdap)");
    }
  }
  AF_TRY(e.Duration("positive_ttl", &c->positive_ttl_us));
  AF_TRY(e.Duration("negative_ttl", &c->negative_ttl_us));
  AF_TRY(e.Int("cache_max_entries", 1, 1 << 30, &c->cache_max_entries));
  if (const toml::table* w = e.SubTable("whois", &status)) AF_TRY(ReadWhois(*w, base, &c->whois));
  AF_TRY(status);
  if (const toml::table* r = e.SubTable("rdap", &status)) AF_TRY(ReadRdap(*r, base, &c->rdap));
  AF_TRY(status);
  if (const toml::array* list = e.ArrayOfTables("override", &status)) {
    int i = 0;
    for (const toml::node& node : *list) {
      OwnerOverrideConfig o;
      AF_TRY(ReadOverride(*node.as_table(), "enrich.override[" + std::to_string(i++) + "]", base, &o));
      c->overrides.push_back(std::move(o));
    }
  }
  AF_TRY(status);
  AF_TRY(e.Path("asn_table", &c->asn_table));
  for (const OwnerOverrideConfig& o : c->overrides) {
    if (!o.asns.empty() && c->asn_table.empty()) {
      return Status::InvalidArgument("key 'enrich.asn_table' is required by override asns");
    }
  }
  AF_TRY(e.PathList("delegated", &c->delegated));
  AF_TRY(e.String("delegated_country", &c->delegated_country));
  if (c->delegated_country != "fill" && c->delegated_country != "always") {
    return Status::InvalidArgument("key 'enrich.delegated_country' must be \"fill\" or \"always\"");
  }
  AF_TRY(e.StringList("never_mail", &c->never_mail));
  for (const std::string& m : c->never_mail) {
    if (!IsValidMailbox(m[0] == '@' ? "x" + m : m)) {
      return Status::InvalidArgument("key 'enrich.never_mail': '" + m +
                                     "' is neither a mailbox nor \"@domain\"");
    }
  }
  AF_TRY(e.Int("lookup_threads", 0, 256, &c->lookup_threads));
  AF_TRY(e.Int("max_pending", 1, 10000000, &c->max_pending));
  AF_TRY(e.Duration("pending_deadline", &c->pending_deadline_us));
  return e.Finish();
}

Status ReadImap(const toml::table& t, const std::string& base, ImapConfig* c) {
  TableReader r(t, "notify.imap", base);
  AF_TRY(r.StringList("mailboxes", &c->mailboxes));
  for (const std::string& url : c->mailboxes) {
    if (!url.starts_with("imap://") && !url.starts_with("imaps://")) {
      return Status::InvalidArgument("key 'notify.imap.mailboxes': '" + url +
                                     "' must start with imap:// or imaps://");
    }
  }
  AF_TRY(r.String("user", &c->user));
  AF_TRY(r.String("password", &c->password));
  AF_TRY(r.Path("password_file", &c->password_file));
  AF_TRY(r.Bool("starttls", &c->starttls));
  AF_TRY(r.Path("ca_file", &c->ca_file));
  AF_TRY(r.Duration("connect_timeout", &c->connect_timeout_us));
  AF_TRY(r.Duration("timeout", &c->timeout_us));
  return r.Finish();
}

Status ReadSmtp(const toml::table& t, const std::string& base, SmtpConfig* c) {
  TableReader r(t, "notify.smtp", base);
  AF_TRY(r.String("url", &c->url));
  if (!c->url.starts_with("smtp://") && !c->url.starts_with("smtps://")) {
    return Status::InvalidArgument("key 'notify.smtp.url' must start with smtp:// or smtps://");
  }
  AF_TRY(r.Bool("starttls", &c->starttls));
  AF_TRY(r.String("user", &c->user));
  AF_TRY(r.String("password", &c->password));
  AF_TRY(r.Path("ca_file", &c->ca_file));
  AF_TRY(r.Duration("connect_timeout", &c->connect_timeout_us));
  AF_TRY(r.Duration("timeout", &c->timeout_us));
  AF_TRY(r.Int("max_attempts", 1, 100, &c->max_attempts));
  AF_TRY(r.Duration("retry_initial", &c->retry_initial_us));
  AF_TRY(r.Duration("retry_max", &c->retry_max_us));
  AF_TRY(r.Int("domain_per_minute", 1, 100000, &c->domain_per_minute));
  AF_TRY(r.Int("contact_per_day", 0, 100000, &c->contact_per_day));
  AF_TRY(r.Duration("drain_timeout", &c->drain_timeout_us));
  return r.Finish();
}

// [metrics] listen = "HOST:PORT" or "[V6]:PORT" (port 0: any free one).
Status ReadMetrics(const toml::table& t, const std::string& base, MetricsConfig* c) {
  TableReader r(t, "metrics", base);
  AF_TRY(r.String("listen", &c->listen));
  AF_TRY(r.Path("textfile", &c->textfile));
  AF_TRY(r.Finish());
  if (c->listen.empty()) return Status::Ok();
  const size_t colon = c->listen.rfind(':');
  const std::string port = colon == std::string::npos ? "" : c->listen.substr(colon + 1);
  int value = -1;
  auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (colon == 0 || colon == std::string::npos || port.empty() || ec != std::errc() ||
      ptr != port.data() + port.size() || value < 0 || value > 65535) {
    return Status::InvalidArgument("key 'metrics.listen' must be HOST:PORT, e.g. \"127.0.0.1:9464\"");
  }
  return Status::Ok();
}

// [security] (core/curve.h). With curve on, the key files are read and every
// key checked now, so that `config check` reports a bad key by its setting.
Status ReadSecurity(const toml::table& t, const std::string& base, SecurityConfig* s) {
  TableReader r(t, "security", base);
  Status status;
  auto resolve = [&](std::string* value) {
    if (IsKeyFilePath(*value) && !fs::path(*value).is_absolute()) {
      *value = (fs::path(base) / *value).lexically_normal().string();
    }
  };
  AF_TRY(r.Bool("curve", &s->curve));
  AF_TRY(r.Path("key_file", &s->key_file));
  AF_TRY(r.StringList("allowed_keys", &s->allowed_keys));
  for (std::string& key : s->allowed_keys) resolve(&key);
  AF_TRY(r.String("server_key", &s->server_key));
  resolve(&s->server_key);
  if (const toml::table* keys = r.SubTable("server_keys", &status)) {
    for (const auto& [endpoint, node] : *keys) {
      const std::string name(endpoint.str());
      if (!node.is_string() || (!name.starts_with("tcp://") && !name.starts_with("ipc://"))) {
        return Status::InvalidArgument("key 'security.server_keys.\"" + name + "\"' at " + Where(node) +
                                       " must map a tcp:// or ipc:// endpoint to a key string");
      }
      resolve(&(s->server_keys[name] = node.as_string()->get()));
    }
  }
  AF_TRY(status);
  AF_TRY(r.Bool("allow_plain_tcp", &s->allow_plain_tcp));
  AF_TRY(r.Finish());
  if (!s->curve) return Status::Ok();
  return LinkSecurity::FromConfig(*s).status();
}

Status ReadSections(const toml::table& root, const std::string& base, Config* c) {
  TableReader r(root, "", base);
  Status status;
  AF_TRY(r.Path("state_dir", &c->state_dir));
  if (const toml::table* t = r.SubTable("ingest", &status)) AF_TRY(ReadIngest(*t, base, &c->ingest));
  if (const toml::table* t = r.SubTable("enrich", &status)) AF_TRY(ReadEnrich(*t, base, &c->enrich));
  if (const toml::table* t = r.SubTable("dedup", &status)) AF_TRY(ReadDedup(*t, base, &c->dedup));
  if (const toml::table* t = r.SubTable("notify", &status)) {
    TableReader n(*t, "notify", base);
    AF_TRY(n.String("delivery", &c->notify.delivery));
    if (c->notify.delivery != "outbox" && c->notify.delivery != "smtp") {
      return Status::InvalidArgument("key 'notify.delivery' must be \"outbox\" or \"smtp\"");
    }
    if (const toml::table* s = n.SubTable("smtp", &status)) AF_TRY(ReadSmtp(*s, base, &c->notify.smtp));
    AF_TRY(status);
    if (const toml::table* s = n.SubTable("imap", &status)) AF_TRY(ReadImap(*s, base, &c->notify.imap));
    AF_TRY(status);
    AF_TRY(n.Path("outbox", &c->notify.outbox));
    AF_TRY(n.Duration("window", &c->notify.window_us));
    AF_TRY(n.String("from", &c->notify.from));
    AF_TRY(n.String("site", &c->notify.site));
    AF_TRY(n.String("signature", &c->notify.signature));
    AF_TRY(n.Path("template", &c->notify.template_path));
    if (const toml::table* t = n.SubTable("templates", &status)) {
      TableReader v(*t, "notify.templates", base);
      for (const char* key : {"worm", "scan", "brute_force", "exploit", "ids_alert", "repeat"}) {
        std::string path;
        AF_TRY(v.Path(key, &path));
        if (!path.empty()) c->notify.templates[key] = path;
      }
      AF_TRY(v.Finish());
    }
    AF_TRY(status);
    AF_TRY(n.Int("max_addresses_per_mail", 1, 1000000, &c->notify.max_addresses_per_mail));
    AF_TRY(n.Int("samples_per_address", 1, 100, &c->notify.samples_per_address));
    if (const toml::table* t = n.SubTable("window_by_kind", &status)) {
      TableReader w(*t, "notify.window_by_kind", base);
      for (const char* key : {"worm", "scan", "brute_force", "exploit", "ids_alert"}) {
        int64_t us = 0;
        AF_TRY(w.Duration(key, &us));
        if (us > 0) c->notify.window_by_kind[key] = us;
      }
      AF_TRY(w.Finish());
    }
    AF_TRY(status);
    AF_TRY(n.Finish());
  }
  if (const toml::table* t = r.SubTable("endpoints", &status)) {
    TableReader p(*t, "endpoints", base);
    AF_TRY(p.String("ingest", &c->endpoints.ingest));
    if (const toml::node* e = t->get("enrich"); e && e->is_array()) {
      AF_TRY(p.StringList("enrich", &c->endpoints.enrich_workers));
      if (c->endpoints.enrich_workers.empty() || c->endpoints.enrich_workers.size() > 256) {
        return Status::InvalidArgument("key 'endpoints.enrich' must list 1 to 256 endpoints");
      }
      c->endpoints.enrich = c->endpoints.enrich_workers[0];
    } else {
      AF_TRY(p.String("enrich", &c->endpoints.enrich));
    }
    if (const toml::node* d = t->get("dedup"); d && d->is_array()) {
      AF_TRY(p.StringList("dedup", &c->endpoints.dedup_shards));
      if (c->endpoints.dedup_shards.empty() || c->endpoints.dedup_shards.size() > 256) {
        return Status::InvalidArgument("key 'endpoints.dedup' must list 1 to 256 endpoints");
      }
      c->endpoints.dedup = c->endpoints.dedup_shards[0];
    } else {
      AF_TRY(p.String("dedup", &c->endpoints.dedup));
    }
    AF_TRY(p.String("notify", &c->endpoints.notify));
    AF_TRY(p.Finish());
  }
  AF_TRY(status);
  if (const toml::table* t = r.SubTable("metrics", &status)) AF_TRY(ReadMetrics(*t, base, &c->metrics));
  AF_TRY(status);
  if (const toml::table* t = r.SubTable("security", &status)) AF_TRY(ReadSecurity(*t, base, &c->security));
  AF_TRY(status);
  // The policy's "now": event time in a replay, wall time when live.
  const bool live = std::any_of(c->ingest.inputs.begin(), c->ingest.inputs.end(),
                                [](const InputConfig& in) { return in.follow || !in.listen.empty(); });
  const std::string& clock = c->dedup.policy.clock;
  c->dedup.policy.event_time = clock == "event" || (clock == "auto" && !live);
  return r.Finish();
}

}  // namespace

Result<Config> ParseConfig(const std::string& text, const std::string& base_dir,
                           const std::string& source_name) {
  Config config;
  config.state_dir = (fs::path(base_dir) / config.state_dir).lexically_normal().string();
  config.notify.outbox = (fs::path(base_dir) / config.notify.outbox).lexically_normal().string();
  try {
    toml::table root = toml::parse(text, source_name);
    Status s = ReadSections(root, base_dir, &config);
    if (!s.ok()) return Status::InvalidArgument(source_name + ": " + s.message());
  } catch (const toml::parse_error& e) {
    const auto& where = e.source().begin;
    return Status::InvalidArgument(source_name + ":" + std::to_string(where.line) + ":" +
                                   std::to_string(where.column) + ": " + std::string(e.description()));
  }
  return config;
}

Result<Config> LoadConfig(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IoError("cannot read config file " + path);
  std::ostringstream text;
  text << in.rdbuf();
  std::string base = fs::absolute(fs::path(path)).parent_path().string();
  return ParseConfig(text.str(), base, path);
}

Result<int64_t> ParseDuration(const std::string& text) {
  int64_t value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  std::string_view unit(ptr, text.data() + text.size() - ptr);
  int64_t scale = 0;
  if (unit == "s") scale = 1;
  if (unit == "m") scale = 60;
  if (unit == "h") scale = 3600;
  if (unit == "d") scale = 86400;
  if (ec != std::errc() || ptr == text.data() || scale == 0 || value <= 0 || value > 366LL * 86400) {
    return Status::InvalidArgument("'" + text + "' is not a duration like 90s, 15m, 24h or 7d");
  }
  return value * scale * 1000000;
}

Result<int> ParseUtcOffset(const std::string& text) {
  if (text == "Z" || text == "UTC") return 0;
  auto digits = [&](size_t i) { return text[i] >= '0' && text[i] <= '9'; };
  if (text.size() != 6 || (text[0] != '+' && text[0] != '-') || text[3] != ':' || !digits(1) ||
      !digits(2) || !digits(4) || !digits(5)) {
    return Status::InvalidArgument("'" + text + "' is not a UTC offset like -04:00 or +09:00");
  }
  int hours = (text[1] - '0') * 10 + (text[2] - '0');
  int minutes = (text[4] - '0') * 10 + (text[5] - '0');
  if (hours > 14 || minutes > 59) return Status::InvalidArgument("'" + text + "' is out of range");
  int total = hours * 60 + minutes;
  return text[0] == '-' ? -total : total;
}

}  // namespace abuseflow::core
