#include "notify/mail_writer.h"

#include <cstdio>
#include <string_view>

#include "core/time_format.h"
#include "notify/mail_header.h"

namespace abuseflow::notify {
namespace {

constexpr std::string_view kCrlf = "\r\n";
// RFC 5322 2.1.1: at most 998 characters per line, without the CRLF.
constexpr size_t kMaxLineBytes = 998;
constexpr size_t kMaxContactInName = 128;

std::string_view Trim(std::string_view text) {
  size_t begin = text.find_first_not_of(" \t");
  if (begin == std::string_view::npos) return {};
  return text.substr(begin, text.find_last_not_of(" \t") - begin + 1);
}

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string Join(const std::vector<std::string>& parts, std::string_view separator) {
  std::string out;
  for (const std::string& part : parts) {
    if (!out.empty()) out += separator;
    out += part;
  }
  return out;
}

// FNV-1a, 64 bits: stable across builds and platforms, unlike std::hash.
uint64_t Fnv1a(std::string_view data) {
  uint64_t hash = 0xcbf29ce484222325ULL;
  for (char c : data) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

// The body with CRLF line endings, control characters other than tab and
// invalid UTF-8 shown as "?", lines cut to kMaxLineBytes, and a final CRLF.
std::string NormalizeBody(std::string_view body) {
  std::string out;
  out.reserve(body.size() + body.size() / 32);
  size_t line = 0;
  for (size_t i = 0; i < body.size();) {
    char c = body[i];
    if (c == '\r' || c == '\n') {
      i += (c == '\r' && i + 1 < body.size() && body[i + 1] == '\n') ? 2 : 1;
      out += kCrlf;
      line = 0;
      continue;
    }
    size_t n = Utf8SequenceLength(body, i);
    auto u = static_cast<unsigned char>(c);
    bool control = n == 1 && (u < 0x20 || u == 0x7F) && c != '\t';
    std::string_view piece = (n == 0 || control) ? std::string_view("?") : body.substr(i, n);
    i += n == 0 ? 1 : n;
    if (line + piece.size() > kMaxLineBytes) {
      out += kCrlf;
      line = 0;
    }
    out += piece;
    line += piece.size();
  }
  if (out.size() < 2 || out.compare(out.size() - 2, 2, kCrlf) != 0) out += kCrlf;
  return out;
}

std::string Headers(const MailFields& fields, std::string_view from, const Mail& mail) {
  std::string h;
  h += "Date: " + FormatMailDate(fields.date_us) + "\r\n";
  h += "From: " + std::string(from) + "\r\n";
  h += FoldHeader("To", Join(mail.recipients, ", "));
  h += FoldHeader("Subject", EncodeHeaderText(fields.subject));
  h += "Message-ID: " + mail.message_id + "\r\n";
  h += "MIME-Version: 1.0\r\n";
  h += "Content-Type: text/plain; charset=utf-8\r\n";
  h += "Content-Transfer-Encoding: 8bit\r\n";
  h += "X-Abuseflow-Window: " + core::FormatUtc(fields.window_start_us) + "/" +
       core::FormatUtc(fields.window_end_us) + "\r\n";
  return h;
}

}  // namespace

RecipientCheck CheckRecipients(const std::vector<std::string>& to) {
  RecipientCheck check;
  std::vector<std::string> seen;
  for (const std::string& raw : to) {
    std::string_view mailbox = Trim(raw);
    if (!IsValidMailbox(mailbox)) {
      check.rejected.push_back(EscapeForLog(raw));
      continue;
    }
    std::string key = Lower(mailbox);
    bool repeat = false;
    for (const std::string& s : seen) repeat = repeat || s == key;
    if (repeat) continue;
    seen.push_back(std::move(key));
    check.valid.emplace_back(mailbox);
  }
  return check;
}

std::string ReportMessageId(const std::string& contact, int64_t window_start_us,
                            const std::string& from) {
  std::string key = contact + '\n' + std::to_string(window_start_us);
  char hex[24];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(Fnv1a(key)));
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
  mail.message_id = ReportMessageId(fields.contact, fields.window_start_us, std::string(from));
  mail.text = Headers(fields, from, mail) + "\r\n" + NormalizeBody(fields.body);
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
  return core::FormatUtcCompact(mail.window_start_us) + "-" + contact + ".eml";
}

}  // namespace abuseflow::notify
