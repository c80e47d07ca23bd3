#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <algorithm>
#include <utility>
#include <vector>

#include "abuseflow/v1/events.pb.h"
#include "core/config.h"
#include "notify/report.h"

namespace abuseflow::notify {

// The key of a contact's open report of `kind`: the contact itself for the
// default window, else contact, '\x1f', kind. Kept in notify's state (o/ keys).
std::string ReportKey(const std::string& contact, const std::string& kind);
// The (contact, kind) of a report key; a key without '\x1f' has kind "".
std::pair<std::string, std::string> SplitReportKey(const std::string& key);

struct BatcherStats {
  uint64_t incidents = 0;       // incidents given to Add
  uint64_t unroutable = 0;      // without any abuse mailbox: not batched, handed back
  uint64_t all_failing = 0;     // of those, owners whose every abuse mailbox is failing
  uint64_t invalid_source = 0;  // source not 4 or 16 bytes: not batched, handed back
  uint64_t late = 0;            // arrived after their window had closed: reported on their own
  uint64_t reports = 0;         // reports closed (returned by Add or Flush)
};

// Groups incidents per abuse contact over a batching window measured in event
// time, so that one owner gets one report per window listing every address.
//
// The contact is the owner's first abuse mailbox, lowercased (ContactOf). A
// contact's report opens at the first_seen_us of its first incident and covers
// [start, start + window). Incidents whose first_seen_us falls before the end
// are merged into it; one at or past the end closes it and opens the next. An
// incident that arrives late (earlier than the start) is merged too, moving
// the start back, as long as the whole report still fits in one window;
// otherwise its own window has passed and it goes out at once in a report of
// its own (counted as late).
//
// The watermark is the highest last_seen_us seen; a report closes when its
// end is at or before the watermark. So the reports do not depend on arrival
// order as long as incidents are at most one window out of order relative to
// the watermark; beyond that, the same addresses may be split over more
// reports, but none is lost or listed twice in a window.
//
// Per-kind windows (notify.window_by_kind): an incident whose variant
// (IncidentVariant: "worm", "scan", ...) has a window of its own goes into a
// separate report of the contact for that kind (Report::kind), keyed by
// (contact, kind) and covering that window; all others share the contact's
// report of `window_us`. Everything above holds per report key.
//
// Not thread-safe: one notify thread owns it.
class OwnerBatcher {
 public:
  // `window_us` is the window length; values below 1 are taken as 1.
  // `window_by_kind` maps kind variants to their own window length (the
  // same clamp); variants not in it use `window_us`.
  explicit OwnerBatcher(int64_t window_us, ReportLimits limits = {},
                        const std::map<std::string, int64_t>& window_by_kind = {});

  // The batcher notify.window, notify.window_by_kind and
  // notify.samples_per_address configure.
  static OwnerBatcher FromConfig(const core::NotifyConfig& config);

  // Merges `incident` into its report's open report and returns the reports
  // that closed, sorted by contact, window start, then kind. An incident
  // without an abuse mailbox or without a valid source address is not
  // batched: it is counted (stats().unroutable / invalid_source) and
  // appended to *unroutable when that is given, for the caller to log.
  // `restored_kind` (restoring a stored report, WindowStore) names the kind
  // the incident was batched under: it is kept when it is "" or has a
  // window now; otherwise the incident is classified again.
  std::vector<Report> Add(const v1::Incident& incident,
                          std::vector<v1::Incident>* unroutable = nullptr,
                          const std::string* restored_kind = nullptr);

  // The kind (a key of window_by_kind, or "") `incident` is batched under.
  std::string KindFor(const v1::Incident& incident) const;
  // The window length of reports of `kind`.
  int64_t WindowOf(const std::string& kind) const;

  // Marks `mailboxes` (lowercased) as failing: from now on an owner's contact
  // is its first abuse mailbox not among them (the next one of its registry
  // chain), failing ones are left out of the recipients and listed in
  // Report::instead_of, and an owner with only failing mailboxes is
  // unroutable (counted in stats().all_failing too). Set before any Add
  // (notify sets it at start, before restoring the open reports).
  void SetFailing(std::set<std::string> mailboxes) { failing_ = std::move(mailboxes); }
  // The contact `owner`'s incidents go to: ContactOf without the failing.
  std::string ContactFor(const v1::OwnerRecord& owner) const { return ContactOf(owner, failing_); }

  // Closes every open report (at the end of the stream) and returns them,
  // sorted by contact.
  std::vector<Report> Flush();

  // The highest last_seen_us seen so far (INT64_MIN before any incident).
  int64_t watermark_us() const { return watermark_us_; }
  // After restoring the open reports (by adding their incidents again), the
  // watermark they were open under; it only moves up.
  void RestoreWatermark(int64_t watermark_us) { watermark_us_ = std::max(watermark_us_, watermark_us); }

  // Every open report has a generation number, unique in this batcher. The
  // generation the last Add merged its incident into (0: it went out at once
  // in a report of its own, or was not batched), and the generations closed
  // since the last TakeClosed(): notify keeps the incidents of open reports
  // durable per generation (notify/window_store.h).
  uint64_t last_merged() const { return last_merged_; }
  // The report key (ReportKey) of that report; "" with last_merged() 0.
  const std::string& last_key() const { return last_key_; }
  std::vector<uint64_t> TakeClosed() { return std::exchange(closed_generations_, {}); }
  size_t open_reports() const { return open_.size(); }
  const BatcherStats& stats() const { return stats_; }

 private:
  // The kind Add batches `incident` under (see Add's restored_kind).
  std::string ChooseKind(const v1::Incident& incident, const std::string* restored_kind) const;
  // Opens the report `key` (ReportKey) at `start_us` and indexes it by its end.
  ReportBuilder& Open(const std::string& key, const std::string& contact, const std::string& kind,
                      int64_t start_us);
  // Removes the open report `key` and appends it to `out`.
  void Close(const std::string& key, std::vector<Report>* out);
  // Closes every open report whose end is at or before the watermark.
  void CloseExpired(std::vector<Report>* out);

  int64_t window_us_;
  std::map<std::string, int64_t> window_by_kind_;
  ReportLimits limits_;
  int64_t watermark_us_;
  std::map<std::string, ReportBuilder> open_;          // by report key
  std::set<std::pair<int64_t, std::string>> by_end_;  // (end, key) of each open report
  std::map<std::string, uint64_t> generation_;        // of each open report, by key
  uint64_t next_generation_ = 1;
  uint64_t last_merged_ = 0;
  std::string last_key_;
  std::vector<uint64_t> closed_generations_;
  std::set<std::string> failing_;  // failing abuse mailboxes, lowercased
  BatcherStats stats_;
};

}  // namespace abuseflow::notify
