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

// Adds the CIDRs of `range` to *out when it lies strictly inside [first, last].
// False if the range is of the other family (not a child either way).
bool AddChild(const AddressRange& range, const core::IpAddress& first,
              const core::IpAddress& last, std::vector<core::IpPrefix>* out) {
  if (range.first.family() != first.family()) return false;
  bool inside = first <= range.first && range.last <= last;
  bool same = range.first == first && range.last == last;
  if (!inside || same) return true;
  const v1::OwnerRecord child = whois_internal::RecordFor(range);
  for (const std::string& cidr : child.cidrs()) {
    auto prefix = core::IpPrefix::Parse(cidr);
    if (prefix && out->size() < kMaxChildren) out->push_back(*prefix);
  }
  return true;
}

// The range of an ARIN summary line "... (NET-8-18-2-0-1) 8.18.2.0 - 8.18.2.255",
// or of a "NetRange:" line; nullopt for other lines.
std::optional<AddressRange> ArinLineRange(std::string_view line) {
  if (line.substr(0, 9) == "NetRange:") return whois_internal::ParseAnyRange(line.substr(9));
  size_t open = line.find("(NET");
  if (open == std::string_view::npos) return std::nullopt;
  std::string_view handle = line.substr(open + 1);
  if (handle.substr(0, 4) != "NET-" && handle.substr(0, 5) != "NET6-") return std::nullopt;
  size_t close = line.find(')', open);
  if (close == std::string_view::npos) return std::nullopt;
  return whois_internal::ParseAnyRange(line.substr(close + 1));
}

}  // namespace

std::string ArinMoreSpecificQuery(const v1::OwnerRecord& block) {
  if (block.cidrs_size() != 1 || !core::IpPrefix::Parse(block.cidrs(0))) return "";
  return "n > " + block.cidrs(0);
}

std::optional<std::vector<core::IpPrefix>> ParseArinMoreSpecificAnswer(
    std::string_view text, const v1::OwnerRecord& block) {
  auto first = core::IpAddress::FromBytes(block.first());
  auto last = core::IpAddress::FromBytes(block.last());
  if (!first || !last) return std::nullopt;
  std::vector<core::IpPrefix> out;
  bool any_network = false, no_match = false;
  for (std::string_view line : whois_internal::Lines(text)) {
    if (line.substr(0, 15) == "No match found ") no_match = true;
    auto range = ArinLineRange(line);
    if (range && AddChild(*range, *first, *last, &out)) any_network = true;
  }
  if (!any_network && !no_match) return std::nullopt;
  return out;
}

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
    if (range && AddChild(*range, *first, *last, &out)) any_block = true;
  }
  if (!any_block && !NoEntries(lines)) return std::nullopt;
  return out;
}

}  // namespace abuseflow::enrich
