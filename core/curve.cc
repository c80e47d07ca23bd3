#include "core/curve.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "core/ip_address.h"
#include "core/zap_authenticator.h"

namespace abuseflow::core {
namespace {

namespace fs = std::filesystem;

constexpr size_t kMaxKeyFileBytes = 4096;
constexpr std::string_view kZ85Alphabet =
    "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#";

Status CurveAvailable() {
  if (!zmq_has("curve")) {
    return Status::Unavailable(
        "this libzmq was built without CURVE support (zmq_has(\"curve\") is false); "
        "install a libzmq built with libsodium (Debian's libzmq5 is)");
  }
  return Status::Ok();
}

std::string Errno() { return std::strerror(errno); }

bool ValidName(const std::string& name) {
  if (name.empty() || name.size() > 64 || name[0] == '.') return false;
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '-') return false;
  }
  return true;
}

// Creates `path` exclusively with `mode` and writes `text` to it.
Status WriteNewFile(const std::string& path, const std::string& text, mode_t mode) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) {
    if (errno == EEXIST) return Status::InvalidArgument(path + " exists: refusing to overwrite a key file");
    return Status::IoError("cannot create " + path + ": " + Errno());
  }
  bool ok = ::fchmod(fd, mode) == 0 &&  // the umask may have narrowed or the file system widened it
            ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
  std::string why = ok ? "" : Errno();
  ::close(fd);
  if (!ok) {
    ::unlink(path.c_str());
    return Status::IoError("cannot write " + path + ": " + why);
  }
  return Status::Ok();
}

// The `name = "value"` lines of a key file; '#' starts a comment line.
struct KeyFileFields {
  std::string public_key, secret_key;
  bool has_public = false, has_secret = false;
};

Result<KeyFileFields> ParseKeyFile(const std::string& path, const std::string& text) {
  KeyFileFields f;
  size_t start = 0;
  int line_no = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string_view line(text.data() + start, end - start);
    start = end + 1;
    ++line_no;
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.remove_suffix(1);
    if (line.empty() || line[0] == '#') continue;
    const size_t eq = line.find(" = \"");
    if (eq == std::string_view::npos || line.back() != '"') {
      return Status::InvalidArgument(path + ":" + std::to_string(line_no) +
                                     ": expected public-key = \"...\" or secret-key = \"...\"");
    }
    std::string_view name = line.substr(0, eq);
    std::string value(line.substr(eq + 4, line.size() - eq - 5));
    if (name != "public-key" && name != "secret-key") {
      return Status::InvalidArgument(path + ":" + std::to_string(line_no) + ": unknown field '" +
                                     std::string(name) + "'");
    }
    if (!IsZ85Key(value)) {
      return Status::InvalidArgument(path + ":" + std::to_string(line_no) + ": " + std::string(name) +
                                     " must be 40 Z85 characters (got " + std::to_string(value.size()) + ")");
    }
    (name == "public-key" ? f.public_key : f.secret_key) = value;
    (name == "public-key" ? f.has_public : f.has_secret) = true;
  }
  if (!f.has_public) return Status::InvalidArgument(path + ": no public-key line");
  return f;
}

// Reads a key file of bounded size; a file holding a secret must be private.
Result<KeyFileFields> LoadKeyFile(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::IoError("cannot read key file " + path + ": " + Errno());
  struct stat st {};
  std::string text(kMaxKeyFileBytes + 1, '\0');
  ssize_t n = ::fstat(fd, &st) == 0 ? ::read(fd, text.data(), text.size()) : -1;
  std::string why = n < 0 ? Errno() : "";
  ::close(fd);
  if (n < 0) return Status::IoError("cannot read key file " + path + ": " + why);
  if (!S_ISREG(st.st_mode)) return Status::InvalidArgument(path + " is not a regular file");
  if (static_cast<size_t>(n) > kMaxKeyFileBytes) {
    return Status::InvalidArgument(path + " is too large for a key file (> 4 KiB)");
  }
  text.resize(n);
  auto fields = ParseKeyFile(path, text);
  if (fields.ok() && fields->has_secret && (st.st_mode & 077) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    return Status::InvalidArgument("permissions " + std::string(mode) + " on " + path +
                                   " are too open: a secret key must be accessible by its owner "
                                   "only (chmod 600 " + path + ")");
  }
  return fields;
}

}  // namespace

bool IsZ85Key(std::string_view text) {
  return text.size() == kZ85KeyLength && text.find_first_not_of(kZ85Alphabet) == std::string_view::npos;
}

Result<CurveKeyPair> GenerateCurveKeyPair() {
  if (Status s = CurveAvailable(); !s.ok()) return s;
  char public_key[kZ85KeyLength + 1] = {};
  char secret_key[kZ85KeyLength + 1] = {};
  if (zmq_curve_keypair(public_key, secret_key) != 0) {
    return Status::Internal(std::string("zmq_curve_keypair failed: ") + zmq_strerror(zmq_errno()));
  }
  return CurveKeyPair{public_key, secret_key};
}

Status WriteKeyPair(const std::string& dir, const std::string& name, const CurveKeyPair& keys) {
  if (!ValidName(name)) {
    return Status::InvalidArgument("key name '" + name +
                                   "' must be letters, digits, '.', '_' or '-' and not start with '.'");
  }
  if (!IsZ85Key(keys.public_z85) || !IsZ85Key(keys.secret_z85)) {
    return Status::InvalidArgument("a key pair must be two 40-character Z85 keys");
  }
  std::error_code ec;
  if (!fs::exists(dir, ec)) {
    fs::create_directories(dir, ec);
    if (ec) return Status::IoError("cannot create " + dir + ": " + ec.message());
    fs::permissions(dir, fs::perms::owner_all, ec);
  }
  const std::string secret_path = (fs::path(dir) / (name + ".key")).string();
  const std::string public_path = (fs::path(dir) / (name + ".pub")).string();
  for (const std::string& p : {secret_path, public_path}) {
    if (fs::exists(fs::symlink_status(p, ec))) {
      return Status::InvalidArgument(p + " exists: refusing to overwrite a key file");
    }
  }
  const std::string header = "# abuseflow CURVE key \"" + name + "\" (docs/security.md)\n";
  const std::string public_line = "public-key = \"" + keys.public_z85 + "\"\n";
  if (Status s = WriteNewFile(secret_path,
                              header + "# SECRET: keep this file on its host, mode 0600\n" + public_line +
                                  "secret-key = \"" + keys.secret_z85 + "\"\n",
                              0600);
      !s.ok()) {
    return s;
  }
  Status s = WriteNewFile(public_path, header + "# public: give it to the peers of this host\n" + public_line, 0644);
  if (!s.ok()) ::unlink(secret_path.c_str());
  return s;
}

Result<CurveKeyPair> ReadKeyFile(const std::string& path) {
  auto fields = LoadKeyFile(path);
  if (!fields.ok()) return fields.status();
  if (!fields->has_secret) {
    return Status::InvalidArgument(path + " has no secret-key line (a .pub file? give the .key file)");
  }
  if (Status s = CurveAvailable(); !s.ok()) return s;
  char derived[kZ85KeyLength + 1] = {};
  if (zmq_curve_public(derived, fields->secret_key.c_str()) != 0 || fields->public_key != derived) {
    return Status::InvalidArgument(path + ": public-key is not the public half of secret-key");
  }
  return CurveKeyPair{fields->public_key, fields->secret_key};
}

Result<std::string> ReadPublicKey(const std::string& path) {
  auto fields = LoadKeyFile(path);
  if (!fields.ok()) return fields.status();
  if (fields->has_secret) {
    auto pair = ReadKeyFile(path);
    if (!pair.ok()) return pair.status();
  }
  return fields->public_key;
}

Result<std::string> ResolvePublicKey(const std::string& key_or_path, const std::string& config_key) {
  if (!IsKeyFilePath(key_or_path)) {
    if (IsZ85Key(key_or_path)) return key_or_path;
    return Status::InvalidArgument(config_key + ": '" + key_or_path + "' is neither a 40-character Z85 key (it has " +
                                   std::to_string(key_or_path.size()) + " characters) nor a path ending in .pub");
  }
  auto key = ReadPublicKey(key_or_path);
  if (!key.ok()) return Status::InvalidArgument(config_key + ": " + key.status().message());
  return key;
}

bool IsKeyFilePath(std::string_view text) { return text.ends_with(".pub") || text.ends_with(".key"); }

bool IsLoopbackHost(std::string_view host) {
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  if (host == "localhost") return true;
  auto address = IpAddress::Parse(host);
  if (!address) return false;
  if (address->is_v4()) return (address->v4() >> 24) == 127;
  const auto& b = address->bytes();
  static constexpr std::array<uint8_t, 16> kLoopback6{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  static constexpr std::array<uint8_t, 12> kMapped{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  return b == kLoopback6 || (std::equal(kMapped.begin(), kMapped.end(), b.begin()) && b[12] == 127);
}

Result<LinkSecurity> LinkSecurity::FromConfig(const SecurityConfig& config) {
  LinkSecurity security;
  security.allow_plain_tcp_ = config.allow_plain_tcp;
  if (!config.curve) return security;
  if (config.key_file.empty()) return Status::InvalidArgument("security.key_file is required with curve = true");
  auto keys = ReadKeyFile(config.key_file);
  if (!keys.ok()) return Status::InvalidArgument("security.key_file: " + keys.status().message());
  security.enabled_ = true;
  security.keys_ = std::move(keys).value();
  for (size_t i = 0; i < config.allowed_keys.size(); ++i) {
    auto key = ResolvePublicKey(config.allowed_keys[i], "security.allowed_keys[" + std::to_string(i) + "]");
    if (!key.ok()) return key.status();
    security.allowed_keys_.push_back(std::move(key).value());
  }
  if (!config.server_key.empty()) {
    auto key = ResolvePublicKey(config.server_key, "security.server_key");
    if (!key.ok()) return key.status();
    security.server_key_ = std::move(key).value();
  }
  for (const auto& [endpoint, value] : config.server_keys) {
    auto key = ResolvePublicKey(value, "security.server_keys.\"" + endpoint + "\"");
    if (!key.ok()) return key.status();
    security.server_keys_[endpoint] = std::move(key).value();
  }
  return security;
}

bool LinkSecurity::Secures(const std::string& endpoint) const {
  return enabled_ && !endpoint.starts_with("inproc://");
}

Status LinkSecurity::CheckEndpoint(const std::string& endpoint) const {
  if (endpoint.starts_with("inproc://") || endpoint.starts_with("ipc://")) return Status::Ok();
  if (!endpoint.starts_with("tcp://")) {
    return Status::InvalidArgument("endpoint '" + endpoint + "' must be inproc://NAME, ipc://PATH or tcp://HOST:PORT");
  }
  if (enabled_ || allow_plain_tcp_) return Status::Ok();
  std::string_view address = std::string_view(endpoint).substr(6);
  if (size_t semi = address.rfind(';'); semi != std::string_view::npos) address.remove_prefix(semi + 1);
  std::string_view host = address;
  if (!host.empty() && host.front() == '[') {
    host = host.substr(0, host.find(']') == std::string_view::npos ? host.size() : host.find(']') + 1);
  } else if (size_t colon = host.rfind(':'); colon != std::string_view::npos) {
    host = host.substr(0, colon);
  }
  if (IsLoopbackHost(host)) return Status::Ok();
  return Status::InvalidArgument("endpoint '" + endpoint +
                                 "' is not on loopback and the link would be plain tcp: set [security] "
                                 "curve = true (docs/security.md), or allow_plain_tcp = true to accept it");
}

Status LinkSecurity::ApplyServer(zmq::socket_t& socket) const {
  if (!enabled_) return Status::Ok();
  if (RunningZapAuthenticators() == 0) {
    return Status::Internal("CURVE server socket without a running ZapAuthenticator: libzmq would "
                            "accept every client that knows our public key");
  }
  try {
    socket.set(zmq::sockopt::curve_server, true);
    socket.set(zmq::sockopt::curve_secretkey, keys_.secret_z85);
    socket.set(zmq::sockopt::zap_domain, kZapDomain);
  } catch (const zmq::error_t& e) {
    return Status::Internal(std::string("cannot set CURVE server options: ") + e.what());
  }
  return Status::Ok();
}

Status LinkSecurity::ApplyClient(zmq::socket_t& socket, const std::string& endpoint) const {
  if (Status s = CheckEndpoint(endpoint); !s.ok()) return s;
  if (!Secures(endpoint)) return Status::Ok();
  auto it = server_keys_.find(endpoint);
  const std::string& server_key = it != server_keys_.end() ? it->second : server_key_;
  if (server_key.empty()) {
    return Status::InvalidArgument("no server key for " + endpoint +
                                   ": set security.server_key or security.server_keys.\"" + endpoint + "\"");
  }
  try {
    socket.set(zmq::sockopt::curve_serverkey, server_key);
    socket.set(zmq::sockopt::curve_publickey, keys_.public_z85);
    socket.set(zmq::sockopt::curve_secretkey, keys_.secret_z85);
  } catch (const zmq::error_t& e) {
    return Status::Internal(std::string("cannot set CURVE client options: ") + e.what());
  }
  return Status::Ok();
}

}  // namespace abuseflow::core
