#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/ip_prefix.h"
#include "enrich/owner_source.h"
#include "enrich/whois_resolver.h"

namespace abuseflow::enrich {

// Owner records from the registries' WHOIS servers (WhoisResolver), as an
// OwnerSource: provenance source "whois", the server that answered, the time.
//
// Answer scope: a WHOIS server gives the most specific block containing the
// asked address but not the blocks inside it, so the answer is cached for its
// block minus its first-level more specific blocks (the resolver's `-m`
// query, RPSL servers, enrich.whois.more_specifics) and minus every more
// specific block this source has seen so far (at most kMaxSeenBlocks are
// remembered). Where no such query exists (ARIN, LACNIC, national
// registries) or it is off, a block nobody has asked about yet can still be
// hidden by a cached covering block until the positive TTL expires. When the
// `-m` query fails, the answer is scoped to the asked address alone. A failed
// lookup (server down, rate limited) is scoped to the address alone, so one
// failure does not mark a whole /24 unknown.
//
// Blocks in Lookup (network). Not thread-safe.
class WhoisSource : public OwnerSource {
 public:
  static constexpr size_t kMaxSeenBlocks = 100000;
  // Called with every record found and the raw answer text it came from.
  using AnswerSink = std::function<void(const v1::OwnerRecord& record, const std::string& raw)>;

  explicit WhoisSource(std::unique_ptr<WhoisResolver> resolver) : resolver_(std::move(resolver)) {}

  std::string_view name() const override { return "whois"; }
  std::optional<v1::OwnerRecord> Lookup(const core::IpAddress& address) override;
  std::vector<core::IpPrefix> AnswerScope(const core::IpAddress& address,
                                          const v1::OwnerRecord* record) const override;

  void set_answer_sink(AnswerSink sink) { sink_ = std::move(sink); }
  const AnswerSink& answer_sink() const { return sink_; }
  // The steps, record and raw text of the latest Lookup.
  const WhoisResolution& last() const { return last_; }
  const WhoisResolverStats& stats() const { return resolver_->stats(); }
  bool last_failed() const override { return last_.failed && last_.transient; }
  WhoisResolver& resolver() { return *resolver_; }

 private:
  std::unique_ptr<WhoisResolver> resolver_;
  WhoisResolution last_;
  std::vector<core::IpPrefix> seen_;
  AnswerSink sink_;
};

// `scope` without the addresses of `hole`: prefixes of `scope` that contain
// it are split around it. Pure.
std::vector<core::IpPrefix> SubtractPrefix(const std::vector<core::IpPrefix>& scope,
                                           const core::IpPrefix& hole);

}  // namespace abuseflow::enrich
