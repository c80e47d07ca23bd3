#include "notify/reply_classifier.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <ctime>

#include "core/ascii.h"
#include "notify/helpdesk_reply.h"
#include "notify/mail_header.h"
#include "notify/mail_writer.h"
#include "notify/mime_text.h"

namespace abuseflow::notify {
namespace {

constexpr size_t kMaxLookedAt = 1 << 20;

bool Contains(std::string_view haystack_lower, std::string_view needle) {
  return haystack_lower.find(needle) != std::string_view::npos;
}

template <size_t N>
bool ContainsAny(std::string_view lower, const std::array<std::string_view, N>& needles) {
  return std::any_of(needles.begin(), needles.end(),
                     [&](std::string_view n) { return Contains(lower, n); });
}

// The body's lines that are not quoted ("> ...") nor below an "On ... wrote:"
// or "-----Original Message-----" line: what the replier wrote.
std::string OwnText(std::string_view body) {
  std::string out;
  while (!body.empty()) {
    size_t end = body.find('\n');
    std::string_view line = body.substr(0, end);
    std::string lower = core::AsciiLower(line);
    if (Contains(lower, "-----original message-----") ||
        (lower.starts_with("on ") && Contains(lower, "wrote:"))) {
      break;
    }
    if (!line.starts_with(">")) out += lower + "\n";
    if (end == std::string_view::npos) break;
    body.remove_prefix(end + 1);
  }
  return out;
}

std::string FindTicket(std::string_view text) {
  for (size_t at = text.find("AF-"); at != std::string_view::npos; at = text.find("AF-", at + 1)) {
    std::string_view hex = text.substr(at + 3, 8);
    if (hex.size() == 8 && std::all_of(hex.begin(), hex.end(), [](char c) {
          return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
        })) {
      return std::string(text.substr(at, 11));
    }
  }
  return "";
}

std::string BounceRule(const MessageHeaders& h, std::string_view subject, const MailText& mail) {
  const std::string type = core::AsciiLower(h.Get("content-type"));
  if (Contains(type, "multipart/report") && Contains(type, "delivery-status")) return "rfc3464";
  if (mail.has_delivery_status) return "delivery-status part";
  const std::string from = core::AsciiLower(DecodeHeaderWords(h.Get("from")));
  if (Contains(from, "mailer-daemon") || Contains(from, "postmaster@") ||
      Contains(from, "mail delivery subsystem")) {
    return "bounce sender";
  }
  if (h.Has("return-path") && h.Get("return-path") == "<>") return "null sender";
  static constexpr std::array<std::string_view, 7> kSubjects = {
      "undelivered mail returned to sender", "delivery status notification (failure)",
      "mail delivery failed", "undeliverable:", "returned mail:", "failure notice",
      "delivery failure"};
  if (ContainsAny(core::AsciiLower(subject), kSubjects)) return "bounce subject";
  return "";
}

// An RFC 3834 or other auto-reply header, "" if none.
std::string AutoHeaderRule(const MessageHeaders& h) {
  const std::string auto_submitted = core::AsciiLower(h.Get("auto-submitted"));
  if (!auto_submitted.empty() && !auto_submitted.starts_with("no")) return "auto-submitted";
  if (h.Has("x-autoreply") || h.Has("x-autorespond")) return "x-autoreply";
  const std::string precedence = core::AsciiLower(h.Get("precedence"));
  if (precedence == "auto_reply" || precedence == "bulk" || precedence == "junk") {
    return "precedence";
  }
  return "";
}

// An auto-reply subject or acknowledgement text, "" if none.
std::string AutoTextRule(std::string_view subject, std::string_view own_text) {
  static constexpr std::array<std::string_view, 5> kSubjects = {
      "automatic reply", "out of office", "auto:", "autoreply", "auto-reply"};
  if (ContainsAny(core::AsciiLower(subject), kSubjects)) return "auto-reply subject";
  static constexpr std::array<std::string_view, 6> kTexts = {
      "this is an automated", "this is an automatic", "ticket has been created",
      "we have received your", "out of the office", "out of office"};
  if (ContainsAny(own_text, kTexts)) return "acknowledgement text";
  return "";
}

// A hash of the words of `text` (spaces collapsed), 0 when it has none.
uint64_t TextHash(std::string_view text) {
  std::string words;
  for (char c : text) {
    const bool space = c == ' ' || c == '\t' || c == '\r' || c == '\n';
    if (space && !words.empty() && words.back() != ' ') words += ' ';
    if (!space) words += c;
  }
  if (!words.empty() && words.back() == ' ') words.pop_back();
  return words.empty() ? 0 : StableHash64(words);
}

bool SaysFixed(std::string_view own_text) {
  static constexpr std::array<std::string_view, 9> kFixed = {
      "fixed", "cleaned", "disinfected", "patched", "disconnected", "taken offline",
      "reinstalled", "has been resolved", "removed the"};
  return ContainsAny(own_text, kFixed);
}

// Affirmative forms only: our notice says the system "may be compromised",
// and a reply repeating that does not admit anything.
bool AdmitsCompromise(std::string_view own_text) {
  static constexpr std::array<std::string_view, 16> kAdmits = {
      "was compromised", "were compromised", "been compromised", "was infected", "were infected",
      "been infected", "is infected", "was hacked", "been hacked", "found malware", "found a virus",
      "found a trojan", "found a rootkit", "found a backdoor", "confirmed the infection",
      "confirm the compromise"};
  return ContainsAny(own_text, kAdmits);
}

// The first ticket in the places a reply carries it, and the place: the
// Subject as sent, then decoded (RFC 2047: "=?UTF-8?B?...?=", ISO-2022-JP
// ...), the decoded text parts (base64, quoted-printable, charsets), the
// decoded Subject of a returned copy of our notice (ours are B-encoded when
// not ASCII), the returned copy, and last anywhere in the raw body (parts
// DecodeMail skips: an HTML alternative, an attachment).
void FindTicketIn(const MessageHeaders& headers, std::string_view subject, std::string_view body,
                  const MailText& mail, ReplyInfo* info) {
  auto found = [&](std::string_view text, const char* where) {
    info->ticket = FindTicket(text);
    if (!info->ticket.empty()) info->ticket_source = where;
    return !info->ticket.empty();
  };
  if (found(headers.Get("subject"), "subject") || found(subject, "decoded subject") ||
      found(mail.text, "decoded text")) {
    return;
  }
  if (!mail.returned.empty() &&
      (found(DecodeHeaderWords(SplitMessage(mail.returned).first.Get("subject")),
             "returned subject") ||
       found(mail.returned, "returned message"))) {
    return;
  }
  found(body, "body");
}

// The reply's own id, the ids that link it, its date and sender.
ReplyInfo ReplyLinks(const MessageHeaders& headers, std::string_view body) {
  ReplyInfo info;
  auto own_ids = MessageIdsIn(headers.Get("message-id"));
  if (!own_ids.empty()) info.message_id = own_ids.front();
  for (const char* name : {"in-reply-to", "references"}) {
    for (std::string& id : MessageIdsIn(headers.Get(name))) info.referenced.push_back(id);
  }
  if (auto date = ParseMailDate(headers.Get("date"))) info.date_us = *date;
  const std::string from = core::AsciiLower(headers.Get("from"));
  if (size_t at = from.rfind('@'); at != std::string::npos) {
    size_t end = from.find_first_of("> ", at);
    info.sender_domain = from.substr(at + 1, end == std::string::npos ? end : end - at - 1);
  }
  return info;
}

// A bounce's copy of our notice names its Message-ID: the ids on
// "Message-ID:" lines of `text` not referenced yet are added.
void AddReturnedIds(std::string_view text, ReplyInfo* info) {
  const std::string lower = core::AsciiLower(text);
  for (size_t at = lower.find("message-id:"); at != std::string::npos;) {
    const size_t end = text.find('\n', at);
    for (std::string& id : MessageIdsIn(text.substr(at, end - at))) {
      if (std::find(info->referenced.begin(), info->referenced.end(), id) ==
          info->referenced.end()) {
        info->referenced.push_back(std::move(id));
      }
    }
    at = end == std::string_view::npos ? end : lower.find("message-id:", end);
  }
}

}  // namespace

std::string MessageHeaders::Get(std::string_view name) const {
  for (const auto& [n, v] : fields) {
    if (n == name) return v;
  }
  return "";
}

bool MessageHeaders::Has(std::string_view name) const {
  return std::any_of(fields.begin(), fields.end(), [&](const auto& f) { return f.first == name; });
}

std::pair<MessageHeaders, std::string_view> SplitMessage(std::string_view raw) {
  MessageHeaders h;
  size_t bytes = 0;
  size_t pos = 0;
  while (pos < raw.size()) {
    size_t end = raw.find('\n', pos);
    std::string_view line = raw.substr(pos, end == std::string_view::npos ? end : end - pos);
    pos = end == std::string_view::npos ? raw.size() : end + 1;
    if (line.ends_with('\r')) line.remove_suffix(1);
    if (line.empty()) break;  // end of the header
    bytes += line.size();
    if (bytes > MessageHeaders::kMaxHeaderBytes) continue;
    if ((line[0] == ' ' || line[0] == '\t') && !h.fields.empty()) {
      // A folded line of only blanks adds nothing (RFC 5322 obsolete folding).
      if (size_t text = line.find_first_not_of(" \t"); text != std::string_view::npos) {
        h.fields.back().second += " " + std::string(line.substr(text));
      }
      continue;
    }
    size_t colon = line.find(':');
    if (colon == std::string_view::npos || h.fields.size() >= MessageHeaders::kMaxHeaderFields) {
      continue;
    }
    std::string_view value = line.substr(colon + 1);
    size_t begin = value.find_first_not_of(" \t");
    h.fields.emplace_back(core::AsciiLower(line.substr(0, colon)),
                          begin == std::string_view::npos ? "" : std::string(value.substr(begin)));
  }
  return {std::move(h), raw.substr(pos)};
}

std::vector<std::string> MessageIdsIn(std::string_view value) {
  std::vector<std::string> ids;
  for (size_t open = value.find('<'); open != std::string_view::npos;
       open = value.find('<', open + 1)) {
    size_t close = value.find('>', open);
    if (close == std::string_view::npos) break;
    std::string id(value.substr(open, close - open + 1));
    if (IsValidMessageId(id)) ids.push_back(std::move(id));
  }
  return ids;
}

std::optional<int64_t> ParseMailDate(std::string_view text) {
  std::string s(text);
  if (size_t comma = s.find(','); comma != std::string::npos) s = s.substr(comma + 1);
  std::tm tm{};
  char month[4] = {};
  int zone = 0, day = 0, year = 0, hour = 0, minute = 0, second = 0;
  int n = std::sscanf(s.c_str(), " %d %3s %d %d:%d:%d %d", &day, month, &year, &hour, &minute,
                      &second, &zone);
  if (n < 7) {
    second = 0;
    n = std::sscanf(s.c_str(), " %d %3s %d %d:%d %d", &day, month, &year, &hour, &minute, &zone);
    if (n < 6) return std::nullopt;
  }
  static constexpr std::array<std::string_view, 12> kMonths = {
      "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"};
  auto it = std::find(kMonths.begin(), kMonths.end(), core::AsciiLower(month));
  if (it == kMonths.end() || day < 1 || day > 31 || year < 1970 || year > 9999 || zone < -9999 || zone > 9999 || hour > 23 || minute > 59 ||
      second > 60) {
    return std::nullopt;
  }
  tm.tm_mday = day;
  tm.tm_mon = static_cast<int>(it - kMonths.begin());
  tm.tm_year = year - 1900;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  const int offset_minutes = (zone / 100) * 60 + (zone % 100);
  return (static_cast<int64_t>(timegm(&tm)) - offset_minutes * 60LL) * 1000000;
}

ReplyInfo ClassifyReply(std::string_view raw) {
  raw = raw.substr(0, kMaxLookedAt);
  auto [headers, body] = SplitMessage(raw);
  const MailText mail = DecodeMail(raw);
  const std::string subject = DecodeHeaderWords(headers.Get("subject"));
  ReplyInfo info = ReplyLinks(headers, body);
  FindTicketIn(headers, subject, body, mail, &info);
  const std::string own = OwnText(mail.text);
  info.text_hash = TextHash(own);
  if (std::string rule = BounceRule(headers, subject, mail); !rule.empty()) {
    info.kind = v1::ReplyRecord::KIND_BOUNCE;
    info.why = rule;
    AddReturnedIds(body, &info);
    AddReturnedIds(mail.returned, &info);
    info.delivery_status = mail.delivery_status;
    return info;
  }
  if (std::string rule = AutoHeaderRule(headers); !rule.empty()) {
    std::string human = HelpDeskHumanAnswer(headers, subject, own);
    if (human.empty()) {
      info.kind = v1::ReplyRecord::KIND_AUTOMATED;
      info.why = rule;
      return info;
    }
    info.kind = v1::ReplyRecord::KIND_HUMAN;
    info.why = "human despite " + rule + " (" + human + ")";
    info.says_fixed = SaysFixed(own);
    info.admits_compromise = AdmitsCompromise(own);
    return info;
  }
  if (std::string rule = AutoTextRule(subject, own); !rule.empty()) {
    info.kind = v1::ReplyRecord::KIND_AUTOMATED;
    info.why = rule;
    return info;
  }
  info.kind = v1::ReplyRecord::KIND_HUMAN;
  info.why = "human";
  info.says_fixed = SaysFixed(own);
  info.admits_compromise = AdmitsCompromise(own);
  return info;
}

}  // namespace abuseflow::notify
