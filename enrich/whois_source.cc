#include "enrich/whois_source.h"

namespace abuseflow::enrich {
namespace {

bool Overlap(const core::IpPrefix& a, const core::IpPrefix& b) {
  return a.Contains(b.first()) || b.Contains(a.first());
}

std::vector<core::IpPrefix> Cidrs(const v1::OwnerRecord& record) {
  std::vector<core::IpPrefix> out;
  for (const std::string& cidr : record.cidrs()) {
    if (auto p = core::IpPrefix::Parse(cidr)) out.push_back(*p);
  }
  return out;
}

}  // namespace

std::vector<core::IpPrefix> SubtractPrefix(const std::vector<core::IpPrefix>& scope,
                                           const core::IpPrefix& hole) {
  std::vector<core::IpPrefix> out;
  for (const core::IpPrefix& p : scope) {
    if (p.first().family() != hole.first().family() || !Overlap(p, hole)) {
      out.push_back(p);
      continue;
    }
    if (hole.length() <= p.length()) continue;  // the hole covers p
    // Walk down from p towards the hole, keeping the sibling halves.
    core::IpPrefix walk = p;
    while (walk.length() < hole.length()) {
      core::IpPrefix low(walk.first(), walk.length() + 1);
      core::IpPrefix high(walk.first().Broadcast(walk.length() + 1).Next(), walk.length() + 1);
      bool in_low = low.Contains(hole.first());
      out.push_back(in_low ? high : low);
      walk = in_low ? low : high;
    }
  }
  return out;
}

std::optional<v1::OwnerRecord> WhoisSource::Lookup(const core::IpAddress& address) {
  last_ = resolver_->Resolve(address);
  if (!last_.record) return std::nullopt;
  if (seen_.size() < kMaxSeenBlocks) {
    for (const core::IpPrefix& p : Cidrs(*last_.record)) seen_.push_back(p);
  }
  if (sink_) sink_(*last_.record, last_.raw);
  return last_.record;
}

std::vector<core::IpPrefix> WhoisSource::AnswerScope(const core::IpAddress& address,
                                                     const v1::OwnerRecord* record) const {
  if (record == nullptr) {
    if (last_.failed) return {core::IpPrefix(address, address.bit_width())};
    return {DefaultNegativeScope(address)};
  }
  if (!last_.more_specifics_known) return {core::IpPrefix(address, address.bit_width())};
  std::vector<core::IpPrefix> scope = Cidrs(*record);
  for (const core::IpPrefix& child : last_.more_specifics) {
    if (!child.Contains(address)) scope = SubtractPrefix(scope, child);
  }
  for (const core::IpPrefix& seen : seen_) {
    bool inside = false;
    for (const core::IpPrefix& p : scope) {
      if (p.Contains(seen.first()) && seen.length() > p.length()) inside = true;
    }
    if (inside && !seen.Contains(address)) scope = SubtractPrefix(scope, seen);
  }
  return scope;
}

}  // namespace abuseflow::enrich
