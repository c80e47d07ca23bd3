#include "notify/reply_link.h"

#include <algorithm>

namespace abuseflow::notify {

core::Result<std::vector<std::string>> LinkedNotices(const ThreadIndex& index,
                                                     const ReplyInfo& info) {
  std::vector<std::string> ids;
  for (const std::string& id : info.referenced) {
    auto addresses = index.AddressesOf(id);
    if (!addresses.ok()) return addresses.status();
    if (!addresses->empty() && std::find(ids.begin(), ids.end(), id) == ids.end())
      ids.push_back(id);
  }
  if (ids.empty() && !info.ticket.empty()) return index.IdsOfTicket(info.ticket);
  return ids;
}

}  // namespace abuseflow::notify
