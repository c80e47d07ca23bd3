#pragma once

#include <string>
#include <unordered_set>
#include <vector>

#include "abuseflow/v1/events.pb.h"

namespace abuseflow::enrich {

// The operator's never-mail list (`enrich.never_mail`): mailboxes
// ("abuse@catchall.example") and whole domains ("@deadbox.example") that no
// notice may go to, such as catch-all registry mailboxes and known dead
// boxes. Matching ignores case; a domain entry matches that domain exactly,
// not its subdomains. Pure; immutable after construction, so safe to share.
class NeverMail {
 public:
  NeverMail() = default;
  // Entries as the config validated them; others are ignored.
  explicit NeverMail(const std::vector<std::string>& entries);

  bool empty() const { return mailboxes_.empty() && domains_.empty(); }
  // True if `mailbox` is listed, or its domain is.
  bool Blocks(const std::string& mailbox) const;
  // Removes the listed mailboxes from record->abuse and upstream_abuse,
  // keeping the order of the rest; returns how many were removed. A record left without any is
  // unroutable downstream (notify counts it), not unresolved.
  int Apply(v1::OwnerRecord* record) const;

 private:
  std::unordered_set<std::string> mailboxes_;  // lower case
  std::unordered_set<std::string> domains_;    // lower case, without "@"
};

}  // namespace abuseflow::enrich
