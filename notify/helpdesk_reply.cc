#include "notify/helpdesk_reply.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <vector>

#include "core/ascii.h"

namespace abuseflow::notify {
namespace {

bool Contains(std::string_view haystack, std::string_view needle) {
  return haystack.find(needle) != std::string_view::npos;
}

// The first of `needles` found in `text`, "" if none.
template <size_t N>
std::string_view FirstFound(std::string_view text, const std::array<std::string_view, N>& needles) {
  for (std::string_view n : needles) {
    if (Contains(text, n)) return n;
  }
  return {};
}

// Texts of autoresponders: any of them leaves a message automated.
bool LooksAutomated(std::string_view own_text) {
  static constexpr std::array<std::string_view, 14> kTexts = {
      "this is an automated",    "this is an automatic",
      "automatically generated", "auto-generated",
      "ticket has been created", "has been received",
      "we have received your",   "out of the office",
      "out of office",           "do not reply",
      "no need to reply",        "will be reviewed",
      "will get back to you",    "autoreply"};
  return !FirstFound(own_text, kTexts).empty();
}

bool HasHeaderWithPrefix(const MessageHeaders& h, std::string_view prefix) {
  return std::any_of(h.fields.begin(), h.fields.end(),
                     [&](const auto& f) { return f.first.starts_with(prefix); });
}

// A ticket system's own mark of an auto response: RT's "AutoReply" subject,
// an OTRS/Znuny loop header.
bool MarkedAutoResponse(const MessageHeaders& h, std::string_view subject_lower) {
  if (Contains(subject_lower, "autoreply")) return true;
  for (std::string_view name : {"x-otrs-loop", "x-znuny-loop"}) {
    const std::string loop = core::AsciiLower(h.Get(name));
    if (!loop.empty() && loop != "no" && loop != "false") return true;
  }
  return false;
}

// RT correspondence: RT's headers and an RT-Originator (who made the
// transaction) that is not one of the recipients (RT's autoreply to a new
// ticket names the requester, that is us).
std::string RtAgent(const MessageHeaders& h, std::string_view subject_lower) {
  if (!h.Has("x-rt-loop-prevention") && !h.Has("rt-ticket") && !h.Has("x-rt-ticket")) return "";
  std::string originator = core::AsciiLower(h.Get("rt-originator"));
  if (originator.empty()) originator = core::AsciiLower(h.Get("x-rt-originator"));
  if (originator.find('@') == std::string::npos) return "";
  const std::string recipients = core::AsciiLower(h.Get("to") + " " + h.Get("cc"));
  if (Contains(recipients, originator)) return "";
  return "rt correspondence from " + originator;
}

// OTRS/Znuny: an article whose sender type is "agent".
std::string OtrsAgent(const MessageHeaders& h) {
  for (std::string_view vendor : {"otrs", "znuny"}) {
    const std::string prefix = "x-" + std::string(vendor) + "-";
    if (!HasHeaderWithPrefix(h, prefix)) continue;
    if (core::AsciiLower(h.Get(prefix + "sendertype")) == "agent")
      return std::string(vendor) + " agent article";
  }
  return "";
}

bool HasYearAndTime(std::string_view line) {
  bool year = false;
  for (size_t i = 0; i + 4 <= line.size(); ++i) {
    if (std::all_of(line.begin() + i, line.begin() + i + 4,
                    [](char c) { return c >= '0' && c <= '9'; })) {
      year = true;
      break;
    }
  }
  return year && Contains(line, ":");
}

// Zendesk: the reply marker, then an "agent name (organisation)" line whose
// next non-blank line is a date ("sep 21, 2001, 10:00 utc").
std::string ZendeskAgent(std::string_view own_text) {
  size_t marker = own_text.find("##- please type your reply above this line -##");
  if (marker == std::string_view::npos) return "";
  std::string_view rest = own_text.substr(marker);
  bool name_line = false;
  while (!rest.empty()) {
    size_t end = rest.find('\n');
    std::string_view line = rest.substr(0, end);
    rest.remove_prefix(end == std::string_view::npos ? rest.size() : end + 1);
    while (!line.empty() && (line.back() == ' ' || line.back() == '\r')) line.remove_suffix(1);
    if (line.empty()) continue;
    if (name_line && HasYearAndTime(line)) return "zendesk agent comment";
    const size_t open = line.find(" (");
    name_line = line.size() < 120 && line.ends_with(')') && open != std::string_view::npos &&
                open > 1 && !Contains(line.substr(0, open), "(");
  }
  return "";
}

// The IPv4-looking words of `text` ("192.0.2.7"): digits and three dots.
std::vector<std::string_view> Ipv4Words(std::string_view text) {
  std::vector<std::string_view> out;
  for (size_t i = 0; i < text.size() && out.size() < 64;) {
    size_t j = i;
    while (j < text.size() && (std::isdigit(static_cast<unsigned char>(text[j])) || text[j] == '.'))
      ++j;
    std::string_view word = text.substr(i, j - i);
    while (word.ends_with('.')) word.remove_suffix(1);
    if (std::count(word.begin(), word.end(), '.') == 3 && word.size() >= 7) out.push_back(word);
    i = j == i ? i + 1 : j;
  }
  return out;
}

// Own text that names our notice (ticket token or an address of the
// subject) and says in the first person what was done about it.
std::string RefersToOurNotice(std::string_view subject_lower, std::string_view own_text) {
  std::string what;
  for (size_t at = own_text.find("af-"); at != std::string_view::npos && what.empty();
       at = own_text.find("af-", at + 1)) {
    std::string_view hex = own_text.substr(at + 3, 8);
    if (hex.size() == 8 && std::all_of(hex.begin(), hex.end(), [](char c) {
          return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
        })) {
      what = "ticket";
    }
  }
  for (std::string_view address : Ipv4Words(subject_lower)) {
    if (what.empty() && Contains(own_text, address)) what = std::string(address);
  }
  if (what.empty()) return "";
  static constexpr std::array<std::string_view, 6> kFirstPerson = {
      "we have", "we've", "i have", "i've", "our customer", "our client"};
  static constexpr std::array<std::string_view, 14> kActions = {"disconnected",
                                                                "removed",
                                                                "cleaned",
                                                                "suspended",
                                                                "terminated",
                                                                "blocked",
                                                                "null-routed",
                                                                "null routed",
                                                                "shut down",
                                                                "disabled",
                                                                "reinstalled",
                                                                "contacted",
                                                                "informed the customer",
                                                                "warned the customer"};
  std::string_view person = FirstFound(own_text, kFirstPerson);
  std::string_view action = FirstFound(own_text, kActions);
  if (person.empty() || action.empty()) return "";
  return "refers to our notice: " + what + ", " + std::string(person) + ", " + std::string(action);
}

}  // namespace

std::string HelpDeskHumanAnswer(const MessageHeaders& headers, std::string_view subject,
                                std::string_view own_text) {
  const std::string subject_lower = core::AsciiLower(subject);
  if (LooksAutomated(own_text) || MarkedAutoResponse(headers, subject_lower)) return "";
  if (std::string why = RtAgent(headers, subject_lower); !why.empty()) return why;
  if (std::string why = OtrsAgent(headers); !why.empty()) return why;
  if (std::string why = ZendeskAgent(own_text); !why.empty()) return why;
  return RefersToOurNotice(subject_lower, own_text);
}

}  // namespace abuseflow::notify
