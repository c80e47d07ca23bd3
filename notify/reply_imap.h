#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/config.h"
#include "core/result.h"

namespace abuseflow::notify {

// Reading a reporting mailbox over IMAP4rev1 (RFC 3501) with libcurl, for
// `replies import`: the mailbox's UIDVALIDITY, the UIDs and sizes of the
// messages above a UID (`UID FETCH n:* (RFC822.SIZE)`), and one message
// (`UID FETCH uid BODY[]`, libcurl's ";UID=" URL: the server marks it \Seen).

// A message of the mailbox: its UID and the size the server announces.
struct ImapMessage {
  uint64_t uid = 0;
  uint64_t size = 0;
};

// Pure parsers of the untagged responses libcurl hands over (tested
// without a server). The UIDVALIDITY of "* OK [UIDVALIDITY 3857529045] ..."
// lines (SELECT/EXAMINE), nullopt if none.
std::optional<uint64_t> ParseUidValidity(std::string_view responses);
// The messages of "* 3 FETCH (UID 17 RFC822.SIZE 2048)" lines (either item
// order) with a UID above `after_uid`, in UID order; lines without a UID
// are skipped. ("n:*" names the highest message even when its UID is
// below n, hence the filter.)
std::vector<ImapMessage> ParseFetchSizes(std::string_view responses, uint64_t after_uid);

// The parts of a mailbox URL "imap[s]://[user@]host[:port]/Mailbox[;...]".
// The user part and any ";UIDVALIDITY=..." or "?query" are dropped:
// credentials come from the config. InvalidArgument for another scheme, no
// host, or a mailbox name with CR, LF or NUL.
struct ImapUrl {
  std::string server;   // "imap://host:port" without user or path
  std::string path;     // the mailbox as in the URL (%-escaped), "INBOX" when empty
  std::string mailbox;  // decoded (%XX undone)
  std::string MailboxUrl() const { return server + "/" + path; }
};
core::Result<ImapUrl> ParseImapUrl(std::string_view url);

// One IMAP connection (a libcurl easy handle kept open between commands).
// Not thread-safe; one per import. Every call blocks up to the configured
// timeouts and fails with Unavailable (connection, TLS, login, a NO/BAD
// answer) naming the server and libcurl's reason.
class ImapClient {
 public:
  // `config` gives the credentials (password_file read here: IoError if it
  // cannot be read), STARTTLS, the CA file and the timeouts.
  static core::Result<std::unique_ptr<ImapClient>> Open(const core::ImapConfig& config,
                                                        const ImapUrl& url);
  ~ImapClient();
  ImapClient(const ImapClient&) = delete;
  ImapClient& operator=(const ImapClient&) = delete;

  // The mailbox's UIDVALIDITY (EXAMINE: read-only).
  core::Result<uint64_t> UidValidity();
  // The messages with a UID above `after_uid`, with their sizes.
  core::Result<std::vector<ImapMessage>> MessagesAfter(uint64_t after_uid);
  // The message with `uid`; nullopt when it is larger than `max_bytes` (the
  // transfer is cut there, whatever size the server announced).
  core::Result<std::optional<std::string>> Fetch(uint64_t uid, size_t max_bytes);

 private:
  struct Handle;
  ImapClient(ImapUrl url, std::unique_ptr<Handle> handle);
  // Runs one request (`custom` "" for a plain URL fetch); its output, or
  // nullopt when it passed `max_bytes`.
  core::Result<std::optional<std::string>> Perform(const std::string& url,
                                                   const std::string& custom, size_t max_bytes);

  ImapUrl url_;
  std::unique_ptr<Handle> handle_;
};

}  // namespace abuseflow::notify
