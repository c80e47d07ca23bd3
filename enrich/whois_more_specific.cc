#include "enrich/whois_more_specific.h"

#include "enrich/whois_parse_util.h"

namespace abuseflow::enrich {
namespace {

using whois_internal::Object;

constexpr size_t kMaxChildren = 4096;

bool IsBlock(const Object& o) {
  return !o.empty() && (o[0].key == "inetnum" || o[0].key == "inet6num");
}

bool NoEntries(const std::vector<std::string_view>& lines) {
  for (std::string_view line : lines) {
    if (line.substr(0, 10) == "%ERROR:101") return true;
  }
  return false;
}

}  // namespace

std::string MoreSpecificQuery(const v1::OwnerRecord& block) {
  auto first = core::IpAddress::FromBytes(block.first());
  auto last = core::IpAddress::FromBytes(block.last());
  if (first && last && first->is_v4()) return "-m " + first->ToString() + " - " + last->ToString();
  if (block.cidrs_size() > 0) return "-m " + block.cidrs(0);
  return "";
}

std::optional<std::vector<core::IpPrefix>> ParseMoreSpecificAnswer(std::string_view text,
                                                                   const v1::OwnerRecord& block) {
  auto first = core::IpAddress::FromBytes(block.first());
  auto last = core::IpAddress::FromBytes(block.last());
  if (!first || !last) return std::nullopt;
  std::vector<std::string_view> lines = whois_internal::Lines(text);
  std::vector<Object> objects = whois_internal::SplitObjects(lines);
  std::vector<core::IpPrefix> out;
  bool any_block = false;
  for (const Object& o : objects) {
    if (!IsBlock(o)) continue;
    auto range = whois_internal::ParseAnyRange(o[0].value);
    if (!range || range->first.family() != first->family()) continue;
    any_block = true;
    bool inside = *first <= range->first && range->last <= *last;
    bool same = range->first == *first && range->last == *last;
    if (!inside || same) continue;
    const v1::OwnerRecord child = whois_internal::RecordFor(*range);
    for (const std::string& cidr : child.cidrs()) {
      auto prefix = core::IpPrefix::Parse(cidr);
      if (prefix && out.size() < kMaxChildren) out.push_back(*prefix);
    }
  }
  if (!any_block && !NoEntries(lines)) return std::nullopt;
  return out;
}

}  // namespace abuseflow::enrich
