#include "notify/mail_writer.h"

#include <cctype>
#include <cstdio>
#include <string_view>

#include "core/ascii.h"
#include "core/time_format.h"
#include "notify/mail_header.h"

namespace abuseflow::notify {
namespace {

constexpr size_t kMaxThreadIds = 20;  // In-Reply-To / References entries kept, the latest
constexpr size_t kMaxContactInName = 128;

std::string_view Trim(std::string_view text) {
  size_t begin = text.find_first_not_of(" \t");
  if (begin == std::string_view::npos) return {};
  return text.substr(begin, text.find_last_not_of(" \t") - begin + 1);
}

std::string Join(const std::vector<std::string>& parts, std::string_view separator) {
  std::string out;
  for (const std::string& part : parts) {
    if (!out.empty()) out += separator;
    out += part;
  }
  return out;
}

// The valid ids of `ids`, without repeats, the last kMaxThreadIds.
std::vector<std::string> ThreadIds(const std::vector<std::string>& ids, const std::string& own) {
  std::vector<std::string> out;
  for (const std::string& id : ids) {
    if (!IsValidMessageId(id) || id == own) continue;
    bool repeat = false;
    for (const std::string& o : out) repeat = repeat || o == id;
    if (!repeat) out.push_back(id);
  }
  if (out.size() > kMaxThreadIds) out.erase(out.begin(), out.end() - kMaxThreadIds);
  return out;
}

std::string Headers(const MailFields& fields, std::string_view from, const Mail& mail,
                    const std::string& boundary) {
  std::string h;
  h += "Date: " + FormatMailDate(fields.date_us) + "\r\n";
  h += "From: " + std::string(from) + "\r\n";
  h += FoldHeader("To", Join(mail.recipients, ", "));
  std::string subject = SanitizeHeaderValue(fields.subject);
  if (!fields.ticket.empty()) subject = "[" + SanitizeHeaderValue(fields.ticket) + "] " + subject;
  h += FoldHeader("Subject", EncodeHeaderText(subject));
  h += "Message-ID: " + mail.message_id + "\r\n";
  std::vector<std::string> parents = ThreadIds(fields.in_reply_to, mail.message_id);
  std::vector<std::string> thread = ThreadIds(fields.references, mail.message_id);
  if (!parents.empty()) h += FoldHeader("In-Reply-To", Join(parents, " "));
  if (!thread.empty()) h += FoldHeader("References", Join(thread, " "));
  h += "MIME-Version: 1.0\r\n";
  if (boundary.empty()) {
    h += "Content-Type: text/plain; charset=utf-8\r\n";
    h += "Content-Transfer-Encoding: 8bit\r\n";
  } else {
    h += "Content-Type: multipart/mixed; boundary=\"" + boundary + "\"\r\n";
  }
  if (fields.xarf) h += "X-ARF: YES\r\nX-XARF: PLAIN\r\nAuto-Submitted: auto-generated\r\n";
  h += "X-Abuseflow-Window: " + core::FormatUtc(fields.window_start_us) + "/" +
       core::FormatUtc(fields.window_end_us) + "\r\n";
  if (!fields.ticket.empty()) {
    h += "X-Abuseflow-Ticket: " + SanitizeHeaderValue(fields.ticket) + "\r\n";
  }
  std::vector<std::string> instead_of;
  for (const std::string& m : fields.instead_of) {
    if (IsValidMailbox(m)) instead_of.push_back(m);
  }
  if (!instead_of.empty()) h += FoldHeader("X-Abuseflow-Instead-Of", Join(instead_of, ", "));
  return h;
}

// The headers and body: one text/plain part, or multipart/mixed.
std::string MailText(const MailFields& fields, std::string_view from, const Mail& mail) {
  if (fields.attachments.empty()) {
    return Headers(fields, from, mail, "") + "\r\n" + NormalizeBodyText(fields.body);
  }
  std::vector<EncodedPart> parts;
  parts.push_back(EncodePart({"text/plain; charset=utf-8", "inline", TransferEncoding::k8Bit,
                              fields.body}));
  for (const MimePart& part : fields.attachments) parts.push_back(EncodePart(part));
  std::vector<std::string> bodies;
  for (const EncodedPart& part : parts) bodies.push_back(part.body);
  const std::string boundary = ChooseBoundary(mail.message_id, bodies);
  return Headers(fields, from, mail, boundary) + "\r\n" + MultipartBody(parts, boundary);
}

}  // namespace

bool IsValidMessageId(std::string_view id) {
  if (id.size() < 5 || id.size() > 250 || id.front() != '<' || id.back() != '>') return false;
  std::string_view inner = id.substr(1, id.size() - 2);
  size_t at = inner.find('@');
  if (at == 0 || at == std::string_view::npos || at + 1 == inner.size()) return false;
  for (char c : inner) {
    if (c <= ' ' || c >= 0x7F || c == '<' || c == '>') return false;
  }
  return true;
}

RecipientCheck CheckRecipients(const std::vector<std::string>& to) {
  RecipientCheck check;
  std::vector<std::string> seen;
  for (const std::string& raw : to) {
    std::string_view mailbox = Trim(raw);
    if (!IsValidMailbox(mailbox)) {
      check.rejected.push_back(EscapeForLog(raw));
      continue;
    }
    std::string key = core::AsciiLower(mailbox);
    bool repeat = false;
    for (const std::string& s : seen) repeat = repeat || s == key;
    if (repeat) continue;
    seen.push_back(std::move(key));
    check.valid.emplace_back(mailbox);
  }
  return check;
}

std::string ReportMessageId(const std::string& contact, int64_t window_start_us,
                            const std::string& from, int part, const std::string& kind) {
  std::string key = contact + '\n' + std::to_string(window_start_us);
  if (!kind.empty()) key += "\nkind " + kind;  // the default window's ids unchanged
  if (part > 1) key += "\npart " + std::to_string(part);
  char hex[24];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(StableHash64(key)));
  size_t at = from.rfind('@');
  std::string domain = at == std::string::npos ? "localhost" : from.substr(at + 1);
  return "<af-" + std::string(hex) + "@" + domain + ">";
}

core::Result<Mail> ComposeMail(const MailFields& fields) {
  std::string_view from = Trim(fields.from);
  if (!IsValidMailbox(from)) {
    return core::Status::InvalidArgument("sender is not a valid mailbox: \"" +
                                         EscapeForLog(fields.from) + "\"");
  }
  RecipientCheck check = CheckRecipients(fields.to);
  if (check.valid.empty()) {
    return core::Status::InvalidArgument("no valid recipient for contact \"" +
                                         EscapeForLog(fields.contact) + "\", rejected: \"" +
                                         Join(check.rejected, "\", \"") + "\"");
  }
  Mail mail;
  mail.contact = fields.contact;
  mail.window_start_us = fields.window_start_us;
  mail.recipients = std::move(check.valid);
  mail.rejected = std::move(check.rejected);
  mail.part = fields.part;
  mail.kind = fields.kind;
  mail.message_id = ReportMessageId(fields.contact, fields.window_start_us, std::string(from),
                                    fields.part, fields.kind);
  mail.text = MailText(fields, from, mail);
  return mail;
}

std::string OutboxFileName(const Mail& mail) {
  std::string contact;
  for (char c : mail.contact.substr(0, kMaxContactInName)) {
    bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                std::string_view("@._+-").find(c) != std::string_view::npos;
    contact += keep ? c : '_';
  }
  if (contact.empty()) contact = "unknown";
  std::string kind;  // a variant name ("brute_force"); anything else made safe anyway
  for (char c : mail.kind.substr(0, 32)) {
    kind += std::isalnum(static_cast<unsigned char>(c)) || c == '_' ? c : '_';
  }
  if (!kind.empty()) kind = "-" + kind;
  const std::string part = mail.part > 1 ? "-part" + std::to_string(mail.part) : "";
  return core::FormatUtcCompact(mail.window_start_us) + "-" + contact + kind + part + ".eml";
}

}  // namespace abuseflow::notify
