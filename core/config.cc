#include "core/config.h"

#include <charconv>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <toml++/toml.h>

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
  AF_TRY(r.Finish());
  if (in->format.empty()) return Status::InvalidArgument("key '" + r.Child("format") + "' is required");
  if (in->path.empty()) return Status::InvalidArgument("key '" + r.Child("path") + "' is required");
  return Status::Ok();
}

Status ReadIngest(const toml::table& t, const std::string& base, IngestConfig* c) {
  TableReader r(t, "ingest", base);
  Status status;
  AF_TRY(r.Int("batch_size", 1, 65536, &c->batch_size));
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

Status ReadSections(const toml::table& root, const std::string& base, Config* c) {
  TableReader r(root, "", base);
  Status status;
  AF_TRY(r.Path("state_dir", &c->state_dir));
  if (const toml::table* t = r.SubTable("ingest", &status)) AF_TRY(ReadIngest(*t, base, &c->ingest));
  if (const toml::table* t = r.SubTable("enrich", &status)) {
    TableReader e(*t, "enrich", base);
    AF_TRY(e.PathList("registry", &c->enrich.registry));
    AF_TRY(e.Finish());
  }
  if (const toml::table* t = r.SubTable("dedup", &status)) {
    TableReader d(*t, "dedup", base);
    AF_TRY(d.Int("sample_lines", 0, 1000, &c->dedup.sample_lines));
    AF_TRY(d.Int("max_line_length", 16, 65536, &c->dedup.max_line_length));
    AF_TRY(d.Finish());
  }
  if (const toml::table* t = r.SubTable("notify", &status)) {
    TableReader n(*t, "notify", base);
    AF_TRY(n.Path("outbox", &c->notify.outbox));
    AF_TRY(n.Duration("window", &c->notify.window_us));
    AF_TRY(n.String("from", &c->notify.from));
    AF_TRY(n.String("site", &c->notify.site));
    AF_TRY(n.String("signature", &c->notify.signature));
    AF_TRY(n.Path("template", &c->notify.template_path));
    AF_TRY(n.Finish());
  }
  if (const toml::table* t = r.SubTable("endpoints", &status)) {
    TableReader p(*t, "endpoints", base);
    AF_TRY(p.String("enrich", &c->endpoints.enrich));
    AF_TRY(p.String("dedup", &c->endpoints.dedup));
    AF_TRY(p.String("notify", &c->endpoints.notify));
    AF_TRY(p.Finish());
  }
  AF_TRY(status);
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
