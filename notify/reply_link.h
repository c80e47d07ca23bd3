#pragma once

#include <string>
#include <vector>

#include "core/result.h"
#include "notify/reply_classifier.h"
#include "notify/thread_index.h"

namespace abuseflow::notify {

// The notices of ours a classified reply answers, looked up in notify's
// thread index: first by Message-ID (the reply's In-Reply-To and
// References, and for a bounce the ids quoted in it: `info.referenced`),
// each id that names a notice ("m" keys) once, in order; only when none
// does, by the ticket (`info.ticket`, which ClassifyReply takes from the
// decoded Subject or text, "k" keys: every part of the report). Empty when
// neither links it. Reads only; fails with IoError when the database cannot
// be read. Not thread-safe beyond what ThreadIndex is.
core::Result<std::vector<std::string>> LinkedNotices(const ThreadIndex& index,
                                                     const ReplyInfo& info);

}  // namespace abuseflow::notify
