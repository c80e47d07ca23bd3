#pragma once

#include <memory>
#include <optional>

#include <nlohmann/json.hpp>

#include "abuseflow/v1/events.pb.h"
#include "core/config.h"
#include "core/ip_address.h"
#include "core/result.h"
#include "enrich/delegated_stats.h"
#include "enrich/never_mail.h"
#include "enrich/override_source.h"

namespace abuseflow::cli {

// What the enrich stage does around a source's answer, for `abuseflow whois`
// (docs/cli.md): the overrides asked before any source (prefix overrides and
// ASN overrides with enrich.asn_table), the never-mail list, and the
// delegated country set afterwards (enrich.delegated, delegated_country
// "fill" or "always"), loaded from the config as EnrichStage loads them and
// applied by the same rules as enrich::Enricher. Immutable once loaded.
class StageRules {
 public:
  // Reads enrich.delegated and enrich.asn_table; IoError naming a file that
  // cannot be read (malformed lines are skipped, as in the stage).
  static core::Result<std::unique_ptr<StageRules>> Load(const core::EnrichConfig& config);

  // The override record answering for `address` (never-mail applied), or
  // nullopt: then the sources are asked.
  std::optional<v1::OwnerRecord> Override(const core::IpAddress& address) const;

  // Removes the never-mail mailboxes from *record; returns how many.
  int ApplyNeverMail(v1::OwnerRecord* record) const { return never_mail_.Apply(record); }

  // Sets the delegated country on *record (an answer or an unresolved
  // record, never an override's) as Enricher::SetCountry does, and returns
  // what was decided: {"mode", "country", "registry", "prefix", "applied",
  // "answer_country"}, or null JSON without delegated files.
  nlohmann::ordered_json ApplyDelegated(const core::IpAddress& address,
                                        v1::OwnerRecord* record) const;

 private:
  StageRules() = default;
  enrich::OverrideSource overrides_;
  enrich::NeverMail never_mail_;
  enrich::DelegatedStats delegated_;
  bool delegated_always_ = false;
};

// The override's keys for the JSON view: {"override": {"netblock", "netname",
// "cidrs"}} plus a note that no query was sent.
nlohmann::ordered_json OverrideNote(const v1::OwnerRecord& record);

}  // namespace abuseflow::cli
