#include "enrich/enricher.h"

#include <algorithm>
#include <optional>

namespace abuseflow::enrich {
namespace {

v1::OwnerRecord Unresolved(const core::IpAddress& address) {
  v1::OwnerRecord record;
  record.set_first(address.ToBytes());
  record.set_last(address.ToBytes());
  record.set_unresolved(true);
  return record;
}

// The longest prefix of `scope` that contains `address`; the address alone if none does.
core::IpPrefix Around(const core::IpAddress& address, const std::vector<core::IpPrefix>& scope) {
  std::optional<core::IpPrefix> best;
  for (const core::IpPrefix& p : scope) {
    if (p.Contains(address) && (!best || p.length() > best->length())) best = p;
  }
  return best ? *best : core::IpPrefix(address, address.bit_width());
}

// The prefixes covering the intersection of `scope` and `limit`.
std::vector<core::IpPrefix> ClipTo(const std::vector<core::IpPrefix>& scope,
                                   const core::IpPrefix& limit) {
  std::vector<core::IpPrefix> out;
  for (const core::IpPrefix& p : scope) {
    if (p.length() >= limit.length() && limit.Contains(p.first())) {
      out.push_back(p);
    } else if (p.length() < limit.length() && p.Contains(limit.first())) {
      return {limit};  // scope prefixes are disjoint: nothing else meets limit
    }
  }
  return out;
}

}  // namespace

SourceAnswer AskSources(const std::vector<OwnerSource*>& sources, const core::IpAddress& address,
                        const std::optional<core::IpPrefix>& free) {
  SourceAnswer out;
  // A later source's answer is cached only where the earlier sources said no:
  // they may know a more specific block elsewhere in its scope, and never
  // over an override prefix.
  std::optional<core::IpPrefix> limit;
  for (OwnerSource* source : sources) {
    ++out.queries;
    std::optional<v1::OwnerRecord> record = source->Lookup(address);
    if (!record) {
      out.failed = out.failed || source->last_failed();
      core::IpPrefix no = Around(address, source->AnswerScope(address, nullptr));
      if (!limit || no.length() > limit->length()) limit = no;
      continue;
    }
    std::vector<core::IpPrefix> scope = source->AnswerScope(address, &*record);
    if (limit) scope = ClipTo(scope, *limit);
    if (free) scope = ClipTo(scope, *free);
    bool covers = std::any_of(scope.begin(), scope.end(),
                              [&](const core::IpPrefix& p) { return p.Contains(address); });
    if (!covers) scope.emplace_back(address, address.bit_width());
    out.record = std::move(record);
    out.scope = std::move(scope);
    out.failed = false;
    return out;
  }
  core::IpPrefix negative = limit ? *limit : DefaultNegativeScope(address);
  if (free && free->length() > negative.length()) negative = *free;
  out.scope = {negative};
  return out;
}

v1::OwnerRecord Enricher::Resolve(const core::IpAddress& address) {
  v1::OwnerRecord own;
  const v1::OwnerRecord* record = ResolveShared(address, &own);
  return record == &own ? std::move(own) : *record;
}

const v1::OwnerRecord* Enricher::ResolveShared(const core::IpAddress& address, v1::OwnerRecord* own) {
  if (const v1::OwnerRecord* known = ResolveKnownShared(address, own)) return known;
  *own = Settle(address, AskSources(sources_, address, FreeScope(address)));
  return own;
}

bool ApplyDelegatedCountry(const DelegatedMatch& match, bool always, v1::OwnerRecord* record) {
  if (!always && !record->country().empty()) return false;
  if (match.country == record->country()) return false;
  record->set_country(std::string(match.country));
  return true;
}

std::optional<DelegatedMatch> Enricher::CountryChange(const core::IpAddress& address,
                                                      const v1::OwnerRecord& record) const {
  if (delegated_ == nullptr) return std::nullopt;
  if (!delegated_always_ && !record.country().empty()) return std::nullopt;  // no lookup needed
  auto match = delegated_->Lookup(address);
  if (!match || match->country == record.country()) return std::nullopt;
  return match;
}

void Enricher::SetCountry(const core::IpAddress& address, v1::OwnerRecord* record) {
  if (auto match = CountryChange(address, *record)) {
    if (ApplyDelegatedCountry(*match, delegated_always_, record)) ++stats_.country_from_delegated;
  }
}

bool Enricher::Knows(const core::IpAddress& address) const {
  if (overrides_ != nullptr && !overrides_->empty() && overrides_->Lookup(address) != nullptr) return true;
  return cache_->Lookup(address) != nullptr;
}

std::optional<core::IpPrefix> Enricher::FreeScope(const core::IpAddress& address) const {
  if (overrides_ == nullptr || overrides_->empty()) return std::nullopt;
  return overrides_->FreeScope(address);
}

std::optional<v1::OwnerRecord> Enricher::ResolveKnown(const core::IpAddress& address) {
  v1::OwnerRecord own;
  const v1::OwnerRecord* record = ResolveKnownShared(address, &own);
  if (record == nullptr) return std::nullopt;
  return record == &own ? std::move(own) : *record;
}

const v1::OwnerRecord* Enricher::ResolveKnownShared(const core::IpAddress& address, v1::OwnerRecord* own) {
  if (overrides_ != nullptr && !overrides_->empty()) {
    if (const v1::OwnerRecord* fixed = overrides_->Lookup(address)) {
      ++stats_.overridden;
      *own = *fixed;
      if (never_mail_ != nullptr) stats_.never_mail_removed += never_mail_->Apply(own);
      return own;
    }
  }
  const v1::OwnerRecord* cached = cache_->Lookup(address);
  if (cached == nullptr) return nullptr;
  ++stats_.cache_hits;
  if (cached->unresolved()) {
    ++stats_.unresolved;
    *own = Unresolved(address);
    SetCountry(address, own);
    return own;
  }
  // The delegated country applies to a copy; the cached record itself when
  // it would change nothing.
  if (auto match = CountryChange(address, *cached)) {
    *own = *cached;
    if (ApplyDelegatedCountry(*match, delegated_always_, own)) ++stats_.country_from_delegated;
    return own;
  }
  return cached;
}

v1::OwnerRecord Enricher::Settle(const core::IpAddress& address, SourceAnswer answer) {
  stats_.source_queries += answer.queries;
  v1::OwnerRecord record;
  if (answer.record) {
    record = *std::move(answer.record);
    if (never_mail_ != nullptr) stats_.never_mail_removed += never_mail_->Apply(&record);
    cache_->Insert(record, answer.scope);
  } else {
    ++stats_.unresolved;
    record = Unresolved(address);
    cache_->Insert(record, answer.scope);
  }
  SetCountry(address, &record);
  return record;
}

v1::OwnerRecord Enricher::GiveUp(const core::IpAddress& address) {
  ++stats_.unresolved;
  v1::OwnerRecord record = Unresolved(address);
  cache_->Insert(record, {core::IpPrefix(address, address.bit_width())});
  SetCountry(address, &record);
  return record;
}

}  // namespace abuseflow::enrich
