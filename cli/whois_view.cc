#include "cli/whois_view.h"

#include <utility>

#include "enrich/asn_table.h"
#include "enrich/enricher.h"

namespace abuseflow::cli {

using nlohmann::ordered_json;

core::Result<std::unique_ptr<StageRules>> StageRules::Load(const core::EnrichConfig& config) {
  std::unique_ptr<StageRules> rules(new StageRules());
  for (const std::string& path : config.delegated) {
    if (core::Status s = rules->delegated_.Load(path); !s.ok()) return s;
  }
  enrich::AsnTable table;
  if (!config.asn_table.empty()) {
    if (core::Status s = table.Load(config.asn_table); !s.ok()) return s;
  }
  rules->overrides_ = enrich::OverrideSource(config.overrides, std::move(table));
  rules->never_mail_ = enrich::NeverMail(config.never_mail);
  rules->delegated_always_ = config.delegated_country == "always";
  return rules;
}

std::optional<v1::OwnerRecord> StageRules::Override(const core::IpAddress& address) const {
  if (overrides_.empty()) return std::nullopt;
  const v1::OwnerRecord* fixed = overrides_.Lookup(address);
  if (fixed == nullptr) return std::nullopt;
  v1::OwnerRecord record = *fixed;
  never_mail_.Apply(&record);
  return record;
}

ordered_json StageRules::ApplyDelegated(const core::IpAddress& address,
                                        v1::OwnerRecord* record) const {
  if (delegated_.empty()) return nullptr;
  ordered_json j{{"mode", delegated_always_ ? "always" : "fill"}};
  j["answer_country"] = record->country();
  auto match = delegated_.Lookup(address);
  if (!match) {
    j["applied"] = false;
    return j;
  }
  j["country"] = std::string(match->country);
  j["registry"] = std::string(match->registry);
  j["prefix"] = match->prefix.ToString();
  j["applied"] = enrich::ApplyDelegatedCountry(*match, delegated_always_, record);
  return j;
}

ordered_json OverrideNote(const v1::OwnerRecord& record) {
  return {{"cidrs", record.cidrs()},
          {"netname", record.netname()},
          {"note", "an [[enrich.override]] answers before every source: no query sent"}};
}

}  // namespace abuseflow::cli
