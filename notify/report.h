#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "abuseflow/v1/events.pb.h"
#include "core/ip_address.h"

namespace abuseflow::notify {

// Bounds on what a report keeps per source address. Both keep the lowest
// values (earliest lines, lowest ports), so the result does not depend on the
// order in which incidents arrive.
struct ReportLimits {
  int samples_per_address = 5;  // sample log lines kept per address, the earliest; default 5
  int ports_per_address = 32;   // destination ports kept per address, the lowest; default 32
  int earlier_per_address = 10;  // earlier occurrences kept per address, the latest; default 10
};

// One network owner that addresses of a report belong to.
struct OwnerSummary {
  std::string owner;               // organisation or description
  std::string netname;
  std::string country;             // ISO 3166 alpha-2
  std::vector<std::string> cidrs;  // the owner's block as CIDR prefixes

  friend bool operator==(const OwnerSummary&, const OwnerSummary&) = default;
};

// What a report says about one source address: every incident about it in
// the report's window, merged.
struct ReportEntry {
  core::IpAddress address;
  v1::OwnerRecord owner;              // from the incident with the latest last_seen_us
  int64_t first_seen_us = 0;          // earliest of the incidents
  int64_t last_seen_us = 0;           // latest of the incidents
  uint64_t count = 0;                 // events, summed
  std::vector<v1::KindCount> kinds;   // summed per (kind, signature), sorted by both
  std::vector<v1::SampleLine> samples;  // the earliest lines, by observed_us; bounded
  std::vector<uint32_t> dst_ports;    // ascending, no 0; bounded
  uint32_t notice_number = 0;         // the highest of the incidents (1 = first notice)
  // What earlier notices about the address reported (dedup's history), by
  // first_seen_us, without repeats; the latest ones, bounded.
  std::vector<v1::Occurrence> earlier;
  uint64_t incidents = 0;             // incidents merged into this entry
};

// One notice's worth of evidence: everything one abuse contact is told about
// one batching window. A value type.
struct Report {
  std::string contact;                  // the key: the first abuse mailbox, lowercased
  std::vector<std::string> recipients;  // every abuse mailbox seen, lowercased: contact first, rest sorted
  std::vector<OwnerSummary> owners;     // the owners involved, by their first prefix
  int64_t window_start_us = 0;          // the earliest first_seen_us of the incidents
  int64_t window_end_us = 0;            // window_start_us + the batching window
  std::vector<ReportEntry> entries;     // by address: IPv4 before IPv6, numeric order
  uint64_t incidents = 0;               // incidents merged into the report
  int part = 1;                         // which part of a split report (1-based)
  int parts = 1;                        // how many parts the report was split into
  // Abuse mailboxes of the owners that are marked failing (a notice to them
  // bounced, FailingContactStore) and were skipped: lowercased, sorted. Empty
  // when the report goes where it always would.
  std::vector<std::string> instead_of;
  // Some owner's own abuse mailboxes were all failing, so its incidents came
  // to the contact as its upstream's (OwnerRecord.upstream_abuse).
  bool upstream = false;
  // The kind variant ("worm", ...) of a report batched over its own window
  // (notify.window_by_kind): only incidents of that kind, a Message-ID,
  // ticket and file name of its own. "" for the reports of notify.window.
  std::string kind;
};

// Splits a report with more than `max_entries` addresses into parts of at
// most that many, in address order, each numbered (part/parts) and carrying
// the contact, recipients, owners and window of the whole; incidents are
// counted per part. A report within the limit comes back alone, unchanged.
// `max_entries` below 1 is taken as 1. Nothing is dropped.
std::vector<Report> SplitReport(Report report, size_t max_entries);

// The ticket token of a report, "AF-" and 8 hex digits: a stable function of
// (contact, window start, and the kind of a per-kind report), shared by the parts of a split report. Subjects
// carry it in brackets ("[AF-1a2b3c4d] Probes from ...") so that replies can
// be linked to the report even without In-Reply-To.
std::string ReportTicket(const Report& report);

// a + b for b >= 0, saturating at INT64_MAX (event times come from logs).
inline int64_t SaturatingAdd(int64_t a, int64_t b) {
  return a > INT64_MAX - b ? INT64_MAX : a + b;
}

// The contact key of an owner: its first non-empty abuse mailbox, trimmed and
// lowercased; empty when it has none.
std::string ContactOf(const v1::OwnerRecord& owner);
// The same, skipping the mailboxes in `failing` (lowercased): the next
// mailbox of the owner's ordered abuse list takes a failing one's place.
// When the owner has abuse mailboxes and every one is failing, the first
// upstream mailbox (upstream_abuse) not failing. Empty when the owner has
// none, or every one and every upstream one is failing.
std::string ContactOf(const v1::OwnerRecord& owner, const std::set<std::string>& failing);
// True when the owner has abuse mailboxes and every one is in `failing`.
bool AllOwnFailing(const v1::OwnerRecord& owner, const std::set<std::string>& failing);

// Merges one incident about `entry->address` into `entry`: see ReportEntry
// for how each field combines. Commutative and associative, so the entry does
// not depend on the order of the incidents.
void MergeIntoEntry(const v1::Incident& incident, const ReportLimits& limits, ReportEntry* entry);

// Accumulates the incidents of one contact and window into a Report. The
// window is [start_us, start_us + window_us); Add moves the start back when an
// earlier incident arrives (the caller decides whether it still belongs).
// Not thread-safe; a value type owned by its OwnerBatcher.
class ReportBuilder {
 public:
  ReportBuilder(std::string contact, int64_t start_us, int64_t window_us, ReportLimits limits);

  // Merges `incident`, whose source is `address`, and lowers the window start
  // to its first_seen_us if that is earlier. Mailboxes in `*failing` (when
  // given) are not made recipients; they are listed in Report::instead_of.
  // An incident whose own mailboxes are all failing has come to its upstream
  // (ContactOf): the report is marked upstream and the failing upstream
  // mailboxes are listed too; the other upstream ones are not recipients.
  void Add(const v1::Incident& incident, const core::IpAddress& address,
           const std::set<std::string>* failing = nullptr);
  // Marks the reports of this builder as those of a per-kind window
  // (Report::kind); "" by default.
  void SetKind(std::string kind) { kind_ = std::move(kind); }
  // The report as it stands; the builder stays usable.
  Report Build() const;
  // The report, moved out without copying its entries; the builder is left
  // empty (for closing a window).
  Report Take();

  const std::string& contact() const { return contact_; }
  int64_t start_us() const { return start_us_; }
  int64_t end_us() const { return SaturatingAdd(start_us_, window_us_); }
  // The latest first_seen_us merged so far (start_us() before any Add).
  int64_t max_first_seen_us() const { return max_first_seen_us_; }

 private:
  std::string contact_;
  int64_t start_us_;
  int64_t window_us_;
  int64_t max_first_seen_us_;
  ReportLimits limits_;
  std::map<core::IpAddress, ReportEntry> entries_;  // ordered as the report lists them
  std::set<std::string> recipients_;                // lowercased, besides the contact
  std::set<std::string> instead_of_;                // failing mailboxes skipped
  bool upstream_ = false;                           // some incident came as the upstream's
  std::string kind_;                                // Report::kind
  std::map<std::string, OwnerSummary> owners_;      // keyed by OwnerKey
  uint64_t incidents_ = 0;
};

}  // namespace abuseflow::notify
