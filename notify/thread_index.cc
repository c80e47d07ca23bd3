#include "notify/thread_index.h"

#include <algorithm>
#include <exception>
#include <set>

namespace abuseflow::notify {
namespace {

std::string Key(const ReportEntry& entry) { return "t" + entry.address.ToBytes(); }

std::vector<std::string> SplitIds(std::string_view value) {
  std::vector<std::string> ids;
  while (!value.empty()) {
    size_t end = value.find('\n');
    std::string_view id = value.substr(0, end);
    if (!id.empty()) ids.emplace_back(id);
    if (end == std::string_view::npos) break;
    value.remove_prefix(end + 1);
  }
  return ids;
}

constexpr char kOwnerSeparator = '\x1e';

// An owner name fit for one field: controls (tab, the separator) as spaces.
std::string OwnerField(const std::string& name) {
  std::string out = name;
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
  }
  return out;
}

void AddOnce(std::vector<std::string>* ids, const std::string& id) {
  if (std::find(ids->begin(), ids->end(), id) == ids->end()) ids->push_back(id);
}

}  // namespace

MailSummary SummaryOf(const Report& report) {
  MailSummary m;
  m.window_start_us = report.window_start_us;
  m.contact = report.contact;
  m.ticket = ReportTicket(report);
  m.addresses = report.entries.size();
  std::set<std::string> countries, owners;
  for (const ReportEntry& e : report.entries) {
    m.repeat_addresses += e.notice_number > 1 ? 1 : 0;
    if (!e.owner.country().empty()) countries.insert(e.owner.country());
    if (!e.owner.owner().empty()) owners.insert(OwnerField(e.owner.owner()));
  }
  m.countries.assign(countries.begin(), countries.end());
  m.owners.assign(owners.begin(), owners.end());
  return m;
}

std::string EncodeMailSummary(const MailSummary& m) {
  std::string countries;
  for (const std::string& c : m.countries) countries += (countries.empty() ? "" : ",") + c;
  std::string owners;
  for (const std::string& o : m.owners) {
    owners += (owners.empty() ? "" : std::string(1, kOwnerSeparator)) + OwnerField(o);
  }
  return std::to_string(m.window_start_us) + "\t" + m.contact + "\t" + m.ticket + "\t" +
         std::to_string(m.addresses) + "\t" + std::to_string(m.repeat_addresses) + "\t" +
         countries + "\t" + owners;
}

std::optional<MailSummary> DecodeMailSummary(std::string_view text) {
  std::vector<std::string> f;
  size_t begin = 0;
  while (f.size() < 7) {
    size_t tab = text.find('\t', begin);
    f.emplace_back(text.substr(begin, tab == std::string_view::npos ? tab : tab - begin));
    if (tab == std::string_view::npos) break;
    begin = tab + 1;
  }
  if (f.size() != 6 && f.size() != 7) return std::nullopt;  // 6: before owners were kept
  MailSummary m;
  try {
    m.window_start_us = std::stoll(f[0]);
    m.addresses = std::stoull(f[3]);
    m.repeat_addresses = std::stoull(f[4]);
  } catch (const std::exception&) {
    return std::nullopt;
  }
  m.contact = f[1];
  m.ticket = f[2];
  std::string_view rest = f[5];
  while (!rest.empty()) {
    size_t comma = rest.find(',');
    m.countries.emplace_back(rest.substr(0, comma));
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  rest = f.size() == 7 ? std::string_view(f[6]) : std::string_view();
  while (!rest.empty()) {
    size_t sep = rest.find(kOwnerSeparator);
    if (sep != 0) m.owners.emplace_back(rest.substr(0, sep));
    if (sep == std::string_view::npos) break;
    rest.remove_prefix(sep + 1);
  }
  return m;
}

core::Result<std::vector<std::string>> ThreadIndex::IdsOf(const ReportEntry& entry) const {
  auto value = store_->Get(Key(entry));
  if (!value.ok()) return value.status();
  if (!value->has_value()) return std::vector<std::string>();
  return SplitIds(**value);
}

core::Result<Threading> ThreadIndex::Lookup(const Report& report, const std::string& own_id) const {
  Threading threading;
  for (const ReportEntry& entry : report.entries) {
    auto ids = IdsOf(entry);
    if (!ids.ok()) return ids.status();
    std::erase(*ids, own_id);
    if (ids->empty()) continue;
    AddOnce(&threading.in_reply_to, ids->back());
    for (const std::string& id : *ids) AddOnce(&threading.references, id);
  }
  return threading;
}

core::Status ThreadIndex::Record(const Report& report, const std::string& message_id) {
  core::KvStore::Batch batch;
  if (core::Status s = AddToBatch(report, message_id, &batch); !s.ok()) return s;
  if (batch.empty()) return core::Status::Ok();
  return store_->Write(batch);
}

core::Status ThreadIndex::AddToBatch(const Report& report, const std::string& message_id,
                                     core::KvStore::Batch* batch) const {
  for (const ReportEntry& entry : report.entries) {
    auto ids = IdsOf(entry);
    if (!ids.ok()) return ids.status();
    if (!ids->empty() && ids->back() == message_id) continue;  // the same mail written again
    std::erase(*ids, message_id);
    ids->push_back(message_id);
    if (ids->size() > kMaxIdsPerAddress) {
      ids->erase(ids->begin(), ids->end() - static_cast<ptrdiff_t>(kMaxIdsPerAddress));
    }
    std::string value;
    for (const std::string& id : *ids) value += (value.empty() ? "" : "\n") + id;
    batch->Put(Key(entry), std::move(value));
  }
  std::string addresses;  // each: one length byte, then the address bytes
  for (const ReportEntry& entry : report.entries) {
    std::string bytes = entry.address.ToBytes();
    addresses += static_cast<char>(bytes.size());
    addresses += bytes;
  }
  batch->Put("m" + message_id, std::move(addresses));
  batch->Put("w" + message_id, EncodeMailSummary(SummaryOf(report)));
  auto ids = IdsOfTicket(ReportTicket(report));
  if (!ids.ok()) return ids.status();
  AddOnce(&*ids, message_id);
  std::string value;
  for (const std::string& id : *ids) value += (value.empty() ? "" : "\n") + id;
  batch->Put("k" + ReportTicket(report), std::move(value));
  return core::Status::Ok();
}

core::Result<std::vector<core::IpAddress>> ThreadIndex::AddressesOf(
    const std::string& message_id) const {
  auto value = store_->Get("m" + message_id);
  if (!value.ok()) return value.status();
  std::vector<core::IpAddress> out;
  if (!value->has_value()) return out;
  std::string_view rest = **value;
  while (!rest.empty()) {
    const size_t n = static_cast<unsigned char>(rest[0]);
    if (rest.size() < 1 + n) break;
    if (auto address = core::IpAddress::FromBytes(std::string(rest.substr(1, n)))) {
      out.push_back(*address);
    }
    rest.remove_prefix(1 + n);
  }
  return out;
}

core::Result<std::vector<std::string>> ThreadIndex::IdsOfTicket(const std::string& ticket) const {
  auto value = store_->Get("k" + ticket);
  if (!value.ok()) return value.status();
  if (!value->has_value()) return std::vector<std::string>();
  return SplitIds(**value);
}

}  // namespace abuseflow::notify
