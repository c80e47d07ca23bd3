#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/config.h"
#include "notify/delivery_policy.h"

namespace abuseflow::notify {

// What one SMTP attempt came to.
struct SmtpResult {
  SmtpOutcome outcome = SmtpOutcome::kTemporary;
  long code = 0;       // the last SMTP reply code; 0 if the server never answered
  std::string reason;  // for logs and the delivery record: libcurl's message and the code
};

// Sends mails over SMTP with libcurl: one session per mail (connection kept
// for the next when the server allows), MAIL FROM / RCPT TO / DATA, STARTTLS
// when configured (required: the attempt fails without it), AUTH when a user
// is set, connect and whole-session timeouts. libcurl does the dot-stuffing.
// Owns one curl handle: not thread-safe; one delivery worker uses it.
class SmtpSender {
 public:
  explicit SmtpSender(core::SmtpConfig config);
  ~SmtpSender();
  SmtpSender(const SmtpSender&) = delete;
  SmtpSender& operator=(const SmtpSender&) = delete;

  // Sends `text` (a whole RFC 5322 message, CRLF line endings) from `from`
  // to `recipients`. Blocks for at most the configured timeout. Never
  // throws; every failure is a result (a refused recipient fails the mail).
  SmtpResult Send(const std::string& from, const std::vector<std::string>& recipients,
                  const std::string& text);

 private:
  struct Handle;
  core::SmtpConfig config_;
  std::unique_ptr<Handle> handle_;
};

}  // namespace abuseflow::notify
