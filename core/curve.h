#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>
#include <zmq.hpp>

#include "core/config.h"
#include "core/result.h"

namespace abuseflow::core {

// ZeroMQ CURVE (RFC 26) for the links between hosts: key pairs, key files,
// and the socket options of both ends of a link (docs/security.md). The
// authentication of clients is core/zap_authenticator.h.

// The ZAP domain every CURVE server socket of abuseflow announces.
inline constexpr const char kZapDomain[] = "abuseflow";
// A CURVE key in Z85 text: 40 characters for 32 bytes.
inline constexpr size_t kZ85KeyLength = 40;

// A CURVE key pair as Z85 text. The secret half must never leave its host.
struct CurveKeyPair {
  std::string public_z85;
  std::string secret_z85;
};

// True when `text` is exactly 40 characters of the Z85 alphabet.
bool IsZ85Key(std::string_view text);

// A fresh key pair (zmq_curve_keypair). Fails with a clear error when libzmq
// was built without CURVE (zmq_has("curve") false: no libsodium).
Result<CurveKeyPair> GenerateCurveKeyPair();

// Writes DIR/NAME.key (public and secret key, mode 0600) and DIR/NAME.pub
// (public key only, mode 0644), creating DIR (mode 0700) if needed. NAME is
// letters, digits, '.', '_' and '-', not starting with '.'. Refuses to
// overwrite either file: an existing key is never replaced.
Status WriteKeyPair(const std::string& dir, const std::string& name, const CurveKeyPair& keys);

// Reads a NAME.key file. Refuses a file that group or other may access (like
// ssh: chmod 600), a missing, malformed or wrong-length key (40 Z85
// characters), and a public key that is not the secret key's.
Result<CurveKeyPair> ReadKeyFile(const std::string& path);

// The public key of a NAME.pub file, or of a NAME.key file (whose secret
// half is then checked as ReadKeyFile does).
Result<std::string> ReadPublicKey(const std::string& path);

// True when a config value names a key file (ends in ".pub" or ".key")
// rather than being a key itself.
bool IsKeyFilePath(std::string_view text);

// A config value that is a Z85 key, or a path ending in .pub (or .key): the
// public key it gives. `config_key` names the setting in errors ("security.server_key").
Result<std::string> ResolvePublicKey(const std::string& key_or_path, const std::string& config_key);

// The security of one process's links, built from [security]. With CURVE off
// the Apply* calls change nothing and CheckEndpoint allows plain tcp only on
// loopback (unless allow_plain_tcp). With CURVE on every tcp and ipc link is
// authenticated and encrypted, loopback too (inproc has no handshake: libzmq
// ignores CURVE there).
//
// How a link uses it: the binding end calls CheckEndpoint(endpoint) and
// ApplyServer(socket) before bind, with a ZapAuthenticator running in the
// socket's context; the connecting end calls ApplyClient(socket, endpoint)
// before connect.
//
// A value type, immutable after FromConfig: share it between threads freely.
// Holds the secret key in memory.
class LinkSecurity {
 public:
  LinkSecurity() = default;  // CURVE off, plain tcp only on loopback

  // Reads the key files the config names and checks every key. Errors name
  // the config key ("security.allowed_keys[1]: ...").
  static Result<LinkSecurity> FromConfig(const SecurityConfig& config);

  bool enabled() const { return enabled_; }
  // The Z85 public keys allowed to connect (for ZapAuthenticator).
  const std::vector<std::string>& allowed_keys() const { return allowed_keys_; }
  // This process's public key; empty with CURVE off.
  const std::string& public_key() const { return keys_.public_z85; }

  // Ok for inproc:// and ipc://, and for tcp:// when CURVE is on, or the host
  // is loopback (127.0.0.0/8, ::1, localhost), or allow_plain_tcp is set.
  // Errors name the endpoint and the setting that would allow it.
  Status CheckEndpoint(const std::string& endpoint) const;
  // Whether the Apply* calls secure a link to `endpoint` (CURVE on, not inproc).
  bool Secures(const std::string& endpoint) const;

  // For a socket that binds: curve_server, this process's secret key, and the
  // ZAP domain kZapDomain. Fails when no ZapAuthenticator runs in this
  // process (libzmq would then let in any client knowing our public key) or
  // when a socket option cannot be set. No-op with CURVE off.
  Status ApplyServer(zmq::socket_t& socket) const;
  // For a socket that connects to `endpoint`: CheckEndpoint, then this
  // process's key pair and the server's public key (security.server_keys
  // entry for the endpoint, else security.server_key; an error names the
  // endpoint when neither is set). With CURVE off or for inproc, only the
  // CheckEndpoint part.
  Status ApplyClient(zmq::socket_t& socket, const std::string& endpoint) const;

 private:
  bool enabled_ = false;
  bool allow_plain_tcp_ = false;
  CurveKeyPair keys_;
  std::vector<std::string> allowed_keys_;
  std::string server_key_;
  std::map<std::string, std::string> server_keys_;
};

// True for "localhost", 127.0.0.0/8 and ::1 (with or without brackets).
bool IsLoopbackHost(std::string_view host);

}  // namespace abuseflow::core
