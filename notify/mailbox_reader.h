#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "core/status.h"

namespace abuseflow::notify {

// Calls `fn(name, raw)` for every message of a mailbox, in order:
// - a folder is a Maildir: the files of new/ and cur/ (of the folder itself
//   when it has neither), by name; `name` is the file's path;
// - a file is an mbox: messages start at a "From " line at the start of the
//   file or after a blank line; ">From " lines (mboxrd) lose one ">";
//   `name` is "path#n".
// Messages larger than `max_message_bytes` are skipped and counted in
// `*skipped`. Stops when fn returns false. Fails with IoError naming the path.
core::Status ForEachMessage(const std::string& path, size_t max_message_bytes, uint64_t* skipped,
                            const std::function<bool(const std::string&, std::string_view)>& fn);

}  // namespace abuseflow::notify
