#include "notify/reply_imap.h"

#include <curl/curl.h>

#include <algorithm>
#include <charconv>
#include <fstream>
#include <mutex>

#include "core/ascii.h"

namespace abuseflow::notify {
namespace {

void InitCurlOnce() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

std::optional<uint64_t> NumberAt(std::string_view text, size_t at) {
  uint64_t value = 0;
  const char* begin = text.data() + at;
  auto [end, ec] = std::from_chars(begin, text.data() + text.size(), value);
  if (ec != std::errc() || end == begin) return std::nullopt;
  return value;
}

// The items of one "* n FETCH (...)" line: the UID and RFC822.SIZE values.
std::optional<ImapMessage> FetchLine(std::string_view line) {
  const std::string lower = core::AsciiLower(line);
  if (!lower.starts_with("* ")) return std::nullopt;
  const size_t open = lower.find(" fetch (");
  if (open == std::string::npos) return std::nullopt;
  ImapMessage m;
  bool has_uid = false;
  std::string_view items = std::string_view(lower).substr(open + 8);
  for (size_t pos = 0; pos < items.size();) {
    size_t space = items.find(' ', pos);
    if (space == std::string_view::npos) break;
    const std::string_view name = items.substr(pos, space - pos);
    const auto value = NumberAt(items, space + 1);
    if (name == "uid" && value) {
      m.uid = *value;
      has_uid = true;
    } else if (name == "rfc822.size" && value) {
      m.size = *value;
    }
    const size_t next = items.find(' ', space + 1);
    pos = next == std::string_view::npos ? items.size() : next + 1;
  }
  if (!has_uid) return std::nullopt;
  return m;
}

// "%XX" undone; nullopt for a bad escape.
std::optional<std::string> PercentDecoded(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    unsigned value = 0;
    if (i + 2 >= text.size()) return std::nullopt;
    auto [end, ec] = std::from_chars(text.data() + i + 1, text.data() + i + 3, value, 16);
    if (ec != std::errc() || end != text.data() + i + 3) return std::nullopt;
    out += static_cast<char>(value);
    i += 2;
  }
  return out;
}

// An IMAP quoted string (RFC 3501 quoted: '\' and '"' escaped).
std::string Quoted(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '\\' || c == '"') out += '\\';
    out += c;
  }
  return out + "\"";
}

// What one request wrote, up to `max_bytes`.
struct Output {
  std::string text;
  size_t max_bytes = 0;
  bool too_large = false;
};

size_t Collect(char* data, size_t size, size_t count, void* user) {
  auto* out = static_cast<Output*>(user);
  const size_t n = size * count;
  if (out->text.size() + n > out->max_bytes) {
    out->too_large = true;
    return 0;  // libcurl stops the transfer (CURLE_WRITE_ERROR)
  }
  out->text.append(data, n);
  return n;
}

}  // namespace

std::optional<uint64_t> ParseUidValidity(std::string_view responses) {
  const std::string lower = core::AsciiLower(responses);
  const size_t at = lower.find("[uidvalidity ");
  if (at == std::string::npos) return std::nullopt;
  return NumberAt(responses, at + 13);
}

std::vector<ImapMessage> ParseFetchSizes(std::string_view responses, uint64_t after_uid) {
  std::vector<ImapMessage> out;
  while (!responses.empty()) {
    const size_t end = responses.find('\n');
    std::string_view line = responses.substr(0, end);
    if (auto m = FetchLine(line); m && m->uid > after_uid) out.push_back(*m);
    if (end == std::string_view::npos) break;
    responses.remove_prefix(end + 1);
  }
  std::sort(out.begin(), out.end(),
            [](const ImapMessage& a, const ImapMessage& b) { return a.uid < b.uid; });
  out.erase(std::unique(out.begin(), out.end(),
                        [](const ImapMessage& a, const ImapMessage& b) { return a.uid == b.uid; }),
            out.end());
  return out;
}

core::Result<ImapUrl> ParseImapUrl(std::string_view url) {
  const bool plain = url.starts_with("imap://"), tls = url.starts_with("imaps://");
  if (!plain && !tls)
    return core::Status::InvalidArgument("'" + std::string(url) +
                                         "' is not an imap:// or imaps:// URL");
  const size_t authority = plain ? 7 : 8;
  const size_t slash = url.find('/', authority);
  std::string_view host =
      url.substr(authority, slash == std::string_view::npos ? slash : slash - authority);
  if (size_t at = host.rfind('@'); at != std::string_view::npos) host.remove_prefix(at + 1);
  if (host.empty())
    return core::Status::InvalidArgument("'" + std::string(url) + "' names no host");
  ImapUrl out;
  out.server = std::string(url.substr(0, authority)) + std::string(host);
  std::string_view path = slash == std::string_view::npos ? "" : url.substr(slash + 1);
  path = path.substr(0, std::min(path.find(';'), path.find('?')));
  while (path.ends_with('/')) path.remove_suffix(1);
  out.path = path.empty() ? "INBOX" : std::string(path);
  auto mailbox = PercentDecoded(out.path);
  if (!mailbox || mailbox->find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos) {
    return core::Status::InvalidArgument("'" + std::string(url) + "': bad mailbox name");
  }
  out.mailbox = *mailbox;
  return out;
}

struct ImapClient::Handle {
  CURL* curl = nullptr;
  core::ImapConfig config;
  ~Handle() {
    if (curl != nullptr) curl_easy_cleanup(curl);
  }
};

ImapClient::ImapClient(ImapUrl url, std::unique_ptr<Handle> handle)
    : url_(std::move(url)), handle_(std::move(handle)) {}

ImapClient::~ImapClient() = default;

core::Result<std::unique_ptr<ImapClient>> ImapClient::Open(const core::ImapConfig& config,
                                                           const ImapUrl& url) {
  InitCurlOnce();
  auto handle = std::make_unique<Handle>();
  handle->config = config;
  if (!config.password_file.empty()) {
    std::ifstream in(config.password_file);
    std::string line;
    if (!in.is_open() || !std::getline(in, line)) {
      return core::Status::IoError("cannot read the IMAP password file " + config.password_file);
    }
    if (line.ends_with('\r')) line.pop_back();
    handle->config.password = line;
  }
  handle->curl = curl_easy_init();
  if (handle->curl == nullptr) return core::Status::Internal("libcurl could not start a session");
  return std::unique_ptr<ImapClient>(new ImapClient(url, std::move(handle)));
}

core::Result<std::optional<std::string>> ImapClient::Perform(const std::string& url,
                                                             const std::string& custom,
                                                             size_t max_bytes) {
  CURL* curl = handle_->curl;
  const core::ImapConfig& c = handle_->config;
  curl_easy_reset(curl);  // options only: the connection stays open for the next command
  Output out;
  out.max_bytes = max_bytes;
  char error[CURL_ERROR_SIZE] = {};
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "imap,imaps");
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, Collect);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &out);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(c.connect_timeout_us / 1000));
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(c.timeout_us / 1000));
  if (!custom.empty()) curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, custom.c_str());
  if (c.starttls) curl_easy_setopt(curl, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
  if (!c.ca_file.empty()) curl_easy_setopt(curl, CURLOPT_CAINFO, c.ca_file.c_str());
  if (!c.user.empty()) {
    curl_easy_setopt(curl, CURLOPT_USERNAME, c.user.c_str());
    curl_easy_setopt(curl, CURLOPT_PASSWORD, c.password.c_str());
  }
  const CURLcode result = curl_easy_perform(curl);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, nullptr);
  if (out.too_large) return std::optional<std::string>();
  if (result != CURLE_OK) {
    return core::Status::Unavailable(
        "IMAP " + url_.server + " (" + (custom.empty() ? url : custom) +
        "): " + (error[0] != '\0' ? error : curl_easy_strerror(result)));
  }
  return std::optional<std::string>(std::move(out.text));
}

core::Result<uint64_t> ImapClient::UidValidity() {
  constexpr size_t kMaxResponse = 64 * 1024;
  auto text = Perform(url_.server + "/", "EXAMINE " + Quoted(url_.mailbox), kMaxResponse);
  if (!text.ok()) return text.status();
  if (!text->has_value())
    return core::Status::Unavailable("IMAP " + url_.server + ": EXAMINE answer too long");
  auto validity = ParseUidValidity(**text);
  if (!validity) {
    return core::Status::Unavailable("IMAP " + url_.server + ": no UIDVALIDITY for " +
                                     url_.mailbox);
  }
  return *validity;
}

core::Result<std::vector<ImapMessage>> ImapClient::MessagesAfter(uint64_t after_uid) {
  constexpr size_t kMaxResponse = 64 << 20;  // about a million messages
  auto text =
      Perform(url_.MailboxUrl(),
              "UID FETCH " + std::to_string(after_uid + 1) + ":* (UID RFC822.SIZE)", kMaxResponse);
  if (!text.ok()) return text.status();
  if (!text->has_value())
    return core::Status::Unavailable("IMAP " + url_.server + ": FETCH answer too long");
  return ParseFetchSizes(**text, after_uid);
}

core::Result<std::optional<std::string>> ImapClient::Fetch(uint64_t uid, size_t max_bytes) {
  return Perform(url_.MailboxUrl() + ";UID=" + std::to_string(uid), "", max_bytes);
}

}  // namespace abuseflow::notify
