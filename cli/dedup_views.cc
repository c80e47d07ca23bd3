#include "cli/dedup_views.h"

#include <sstream>

#include "cli/json_views.h"
#include "core/event_names.h"
#include "core/time_format.h"

namespace abuseflow::cli {
namespace {

using nlohmann::ordered_json;

ordered_json KindsJson(const google::protobuf::RepeatedPtrField<v1::KindCount>& kinds) {
  ordered_json out = ordered_json::array();
  for (const v1::KindCount& k : kinds) {
    out.push_back(
        {{"kind", core::KindName(k.kind())}, {"signature", k.signature()}, {"count", k.count()}});
  }
  return out;
}

ordered_json PolicyJson(const v1::AddressHistory& h) {
  ordered_json j;
  ordered_json occurrences = ordered_json::array();
  for (const v1::Occurrence& o : h.occurrences()) {
    occurrences.push_back({{"first_seen", core::FormatUtc(o.first_seen_us())},
                           {"last_seen", core::FormatUtc(o.last_seen_us())},
                           {"count", o.count()},
                           {"kinds", KindsJson(o.kinds())},
                           {"ports", o.ports()}});
  }
  j["occurrences"] = occurrences;
  ordered_json targets = ordered_json::array();
  for (const std::string& t : h.targets()) targets.push_back(AddressText(t));
  j["targets"] = targets;
  j["ports"] = h.ports();
  ordered_json notices = ordered_json::array();
  for (const v1::NoticeRecord& n : h.notice_log()) {
    notices.push_back({{"notice_number", n.notice_number()},
                       {"sent", core::FormatUtc(n.sent_us())},
                       {"contact", n.contact()},
                       {"message_id", n.message_id()},
                       {"rule", n.rule()}});
  }
  j["notice_log"] = notices;
  ordered_json replies = ordered_json::array();
  for (const v1::ReplyRecord& r : h.replies()) {
    replies.push_back({{"received", core::FormatUtc(r.received_us())},
                       {"kind", ReplyKindName(r.kind())},
                       {"says_fixed", r.says_fixed()},
                       {"admits_compromise", r.admits_compromise()},
                       {"message_id", r.message_id()}});
  }
  j["replies"] = replies;
  const v1::BlockState& b = h.block();
  j["block"] = {{"active", b.active()},
                {"since", b.since_us() ? core::FormatUtc(b.since_us()) : ""},
                {"expires", b.expires_us() ? core::FormatUtc(b.expires_us()) : ""},
                {"reason", b.reason()},
                {"lifted", b.lifted_us() ? core::FormatUtc(b.lifted_us()) : ""},
                {"lifted_by", b.lifted_by()}};
  return j;
}

}  // namespace

std::string ReplyKindName(v1::ReplyRecord::Kind kind) {
  switch (kind) {
    case v1::ReplyRecord::KIND_HUMAN:
      return "human";
    case v1::ReplyRecord::KIND_AUTOMATED:
      return "automated";
    case v1::ReplyRecord::KIND_BOUNCE:
      return "bounce";
    default:
      return "unknown";
  }
}

std::string KindsText(const google::protobuf::RepeatedPtrField<v1::KindCount>& kinds) {
  std::string out;
  for (const v1::KindCount& k : kinds) {
    if (!out.empty()) out += ", ";
    out += std::string(core::KindName(k.kind()));
    if (!k.signature().empty()) out += "/" + k.signature();
    out += " " + std::to_string(k.count());
  }
  return out;
}

ordered_json HistoryJson(const v1::AddressHistory& h) {
  ordered_json j;
  j["address"] = AddressText(h.src());
  j["first_seen"] = core::FormatUtc(h.first_seen_us());
  j["last_seen"] = core::FormatUtc(h.last_seen_us());
  j["count"] = h.count();
  j["kinds"] = KindsJson(h.kinds());
  j["sensors"] = h.sensors();
  ordered_json samples = ordered_json::array();
  for (const v1::SampleLine& s : h.samples()) {
    samples.push_back({{"time", core::FormatUtc(s.observed_us())},
                       {"sensor", s.sensor()},
                       {"tz", s.tz_name()},
                       {"line", s.line()}});
  }
  j["samples"] = samples;
  j["owner"] = OwnerJson(h.owner());
  j["notices"] = h.notices();
  ordered_json policy = PolicyJson(h);  // a named value: items() refers into it
  for (auto& [key, value] : policy.items()) j[key] = value;
  return j;
}

std::string HistoryText(const v1::AddressHistory& h) {
  std::ostringstream out;
  const v1::OwnerRecord& o = h.owner();
  out << AddressText(h.src()) << "  " << (o.owner().empty() ? "(owner unknown)" : o.owner());
  if (!o.country().empty()) out << ", " << o.country();
  if (o.abuse_size()) out << ", " << o.abuse(0);
  out << "\n  seen " << core::FormatUtc(h.first_seen_us()) << " to "
      << core::FormatUtc(h.last_seen_us()) << ", " << h.count()
      << " events: " << KindsText(h.kinds()) << "\n";
  out << "  sensors:";
  for (const std::string& s : h.sensors()) out << " " << s;
  out << "\n  targets:";
  for (const std::string& t : h.targets()) out << " " << AddressText(t);
  out << "\n  ports:";
  for (uint32_t p : h.ports()) out << " " << p;
  out << "\n  occurrences (" << h.occurrences_size() << "):\n";
  for (const v1::Occurrence& oc : h.occurrences()) {
    out << "    " << core::FormatUtc(oc.first_seen_us()) << " to "
        << core::FormatUtc(oc.last_seen_us()) << ": " << oc.count() << " events, "
        << KindsText(oc.kinds()) << "\n";
  }
  out << "  notices (" << h.notice_log_size() << "):\n";
  for (const v1::NoticeRecord& n : h.notice_log()) {
    out << "    #" << n.notice_number() << " " << core::FormatUtc(n.sent_us()) << " to "
        << (n.contact().empty() ? "(no contact)" : n.contact()) << " (rule " << n.rule() << ")\n";
  }
  out << "  replies (" << h.replies_size() << "):\n";
  for (const v1::ReplyRecord& r : h.replies()) {
    out << "    " << core::FormatUtc(r.received_us()) << " " << ReplyKindName(r.kind())
        << (r.admits_compromise() ? ", admits a compromise" : "") << (r.says_fixed() ? ", says fixed" : "")
        << "\n";
  }
  const v1::BlockState& b = h.block();
  if (b.active()) {
    out << "  block: active since " << core::FormatUtc(b.since_us()) << " until "
        << core::FormatUtc(b.expires_us()) << " (" << b.reason() << ")\n";
  } else if (b.lifted_us()) {
    out << "  block: lifted " << core::FormatUtc(b.lifted_us()) << " by " << b.lifted_by() << "\n";
  } else {
    out << "  block: none\n";
  }
  out << "  sample lines:\n";
  for (const v1::SampleLine& s : h.samples())
    out << "    [" << s.sensor() << ", " << s.tz_name() << "] " << s.line() << "\n";
  return out.str();
}

}  // namespace abuseflow::cli
