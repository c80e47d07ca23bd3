#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "abuseflow/v1/events.pb.h"
#include "core/config.h"

namespace abuseflow::dedup {

// What the policy decided for one address and one batch of its new events.
struct Decision {
  enum class Action { kNone, kReport, kSuppress, kBlock };
  Action action = Action::kNone;
  std::string rule;            // which rule decided: "worm", "stale", "repeat-interval", ...
  std::string detail;          // why, in words, for `policy explain`
  uint32_t notice_number = 0;  // for kReport: 1 for the first notice, 2, 3 for repeats
  bool continuation = false;   // kReport joining the notice already sent (same number)
};

// Decides, from an address's history and its new events, whether to report,
// suppress or block (docs in dedup/README.md, "Policy"). Pure and const:
// thread-safe; `config` must outlive the engine.
class PolicyEngine {
 public:
  explicit PolicyEngine(const core::DedupPolicyConfig& config) : config_(config) {}

  // `history` already includes `fresh` (the batch's new, non-duplicate
  // events of the address, at least one); `now_us` is policy time; `local`
  // whether the address is in a local network.
  Decision Decide(const v1::AddressHistory& history,
                  const std::vector<const v1::ProbeEvent*>& fresh, int64_t now_us,
                  bool local) const;

  // If an active block is due to be lifted at `now_us` ("expiry" or
  // "silence"), the reason; else "".
  std::string LiftDue(const v1::AddressHistory& history, int64_t now_us) const;

  // Notices sent since the last actual (human or says-fixed) reply.
  static int UnansweredNotices(const v1::AddressHistory& history);

  // The occurrences that end before `before_us`, the newest `max` of them.
  static std::vector<v1::Occurrence> EarlierOccurrences(const v1::AddressHistory& history,
                                                        int64_t before_us, int max = 16);

  const core::DedupPolicyConfig& config() const { return config_; }

 private:
  // The threshold rule the recent events meet ("worm", "exploit",
  // "scan-ports", "scan-attempts", "other"), or "" with `detail` saying why not.
  std::string Trigger(const v1::AddressHistory& h, int64_t newest_us, std::string* detail,
                      bool* worm_or_exploit, uint64_t* recent_events) const;

  const core::DedupPolicyConfig& config_;
};

// Records `decision` (made at `now_us`) in the history: a notice record for
// kReport (not for continuations), the block for kBlock, and the decision log
// (the newest 32). `contact` is whom the notice goes to.
void RecordDecision(const Decision& decision, int64_t now_us, const std::string& contact,
                    const core::DedupPolicyConfig& config, v1::AddressHistory* history);

// Lifts an active block (`by`: "reply", "silence", "expiry", "manual") and logs it.
void LiftBlock(const std::string& by, int64_t now_us, v1::AddressHistory* history);

// Sets a block by hand until `expires_us`.
void SetManualBlock(int64_t now_us, int64_t expires_us, v1::AddressHistory* history);

// Records a reply; one that says the problem is fixed lifts an active block.
void ApplyReply(const v1::ReplyRecord& reply, v1::AddressHistory* history);

// "report", "suppress", "block" or "none".
const char* ActionName(Decision::Action action);

}  // namespace abuseflow::dedup
