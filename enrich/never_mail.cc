#include "enrich/never_mail.h"

#include <algorithm>
#include <cctype>

#include "core/ascii.h"

namespace abuseflow::enrich {

NeverMail::NeverMail(const std::vector<std::string>& entries) {
  for (const std::string& entry : entries) {
    size_t at = entry.find('@');
    if (at == std::string::npos || at + 1 == entry.size()) continue;
    if (at == 0) {
      domains_.insert(core::AsciiLower(entry.substr(1)));
    } else {
      mailboxes_.insert(core::AsciiLower(entry));
    }
  }
}

bool NeverMail::Blocks(const std::string& mailbox) const {
  std::string lower = core::AsciiLower(mailbox);
  if (mailboxes_.count(lower)) return true;
  size_t at = lower.rfind('@');
  return at != std::string::npos && domains_.count(lower.substr(at + 1)) > 0;
}

int NeverMail::Apply(v1::OwnerRecord* record) const {
  if (empty()) return 0;
  int removed = 0;
  for (auto* list : {record->mutable_abuse(), record->mutable_upstream_abuse()}) {
    auto keep = std::remove_if(list->begin(), list->end(),
                               [this](const std::string& m) { return Blocks(m); });
    removed += static_cast<int>(list->end() - keep);
    list->erase(keep, list->end());
  }
  return removed;
}

}  // namespace abuseflow::enrich
