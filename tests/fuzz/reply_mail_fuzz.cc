// libFuzzer target for the reply parsing of notify: the input is classified
// as one message (notify::ClassifyReply), then written to a scratch file and
// read back as an mbox (notify::ForEachMessage), every message of it
// classified too. Checks the contracts: no crash; the mbox reader never fails
// on a readable file, numbers its messages path#1, path#2, ... and gives back
// no more bytes than it read; every reply has a kind and a rule, a ticket of
// the form AF-<8 hex digits> taken from the message (as sent or decoded:
// RFC 2047 Subject, text parts, a returned notice) with the place it was
// found, Message-IDs that notify::IsValidMessageId accepts, no more referenced ids than the message
// and its decoded returned headers have '<' characters, a date (if any) from 1970 to 9999, a sender domain
// taken from the message, says_fixed only on a human reply, and the same
// answer when classified twice. Built with tests/fuzz/fuzz_driver.cc (label
// fuzz) over tests/fuzz/seeds/reply_mail. The same input is also read as an
// IMAP server's answer (notify::ParseFetchSizes, ParseUidValidity) and URL.
#include <unistd.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <source_location>
#include <string>
#include <string_view>
#include <vector>

#include "notify/mail_writer.h"
#include "notify/mailbox_reader.h"
#include "notify/mime_text.h"
#include "notify/reply_classifier.h"
#include "notify/reply_imap.h"

namespace {

using namespace abuseflow;

constexpr size_t kMaxMessageBytes = 64 * 1024;
constexpr int64_t kDayUs = 86400LL * 1000000;
constexpr int64_t kYear10000Us = 253402300800LL * 1000000;  // 10000-01-01T00:00:00Z

// Aborts, naming the broken check's line, when `ok` is false.
void Check(bool ok, std::source_location where = std::source_location::current()) {
  if (ok) return;
  std::fprintf(stderr, "reply_mail_fuzz: check failed at %s:%u\n", where.file_name(),
               static_cast<unsigned>(where.line()));
  std::abort();
}

bool IsTicket(std::string_view t) {
  return t.size() == 11 && t.starts_with("AF-") && std::all_of(t.begin() + 3, t.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// The ticket is in the message as sent, or in its decoded Subject, text
// parts or returned notice (RFC 2047, base64, quoted-printable, charsets).
bool TicketInMessage(std::string_view raw, const std::string& ticket) {
  if (raw.find(ticket) != std::string_view::npos) return true;
  const notify::MailText mail = notify::DecodeMail(raw);
  const std::string returned_subject =
      notify::SplitMessage(mail.returned).first.Get("subject");
  for (const std::string& text :
       {notify::DecodeHeaderWords(notify::SplitMessage(raw).first.Get("subject")), mail.text,
        mail.returned, notify::DecodeHeaderWords(returned_subject)}) {
    if (text.find(ticket) != std::string::npos) return true;
  }
  return false;
}

void CheckReply(std::string_view raw) {
  const notify::ReplyInfo info = notify::ClassifyReply(raw);
  Check(info.kind == v1::ReplyRecord::KIND_BOUNCE || info.kind == v1::ReplyRecord::KIND_AUTOMATED ||
        info.kind == v1::ReplyRecord::KIND_HUMAN);
  Check(!info.why.empty());
  Check(!info.says_fixed || info.kind == v1::ReplyRecord::KIND_HUMAN);
  Check(info.ticket.empty() || (IsTicket(info.ticket) && TicketInMessage(raw, info.ticket)));
  Check(info.ticket.empty() == info.ticket_source.empty());
  Check(info.message_id.empty() || notify::IsValidMessageId(info.message_id));
  for (const std::string& id : info.referenced) Check(notify::IsValidMessageId(id));
  // Ids come from the raw message and from a bounce's decoded (maybe base64)
  // returned headers.
  const std::string returned = notify::DecodeMail(raw).returned;
  Check(info.referenced.size() <= static_cast<size_t>(std::count(raw.begin(), raw.end(), '<') +
                                                      std::count(returned.begin(), returned.end(), '<')));
  // A date is from 1970 to 9999 with a zone of at most +-99:99 (or 0: none).
  Check(info.date_us == 0 || (info.date_us >= -kDayUs && info.date_us <= kYear10000Us + kDayUs));
  Check(info.sender_domain.size() <= raw.size());
  Check(info.sender_domain.empty() || Lower(raw).find(info.sender_domain) != std::string::npos);
  const notify::ReplyInfo again = notify::ClassifyReply(raw);
  Check(again.kind == info.kind && again.ticket == info.ticket && again.referenced == info.referenced &&
        again.text_hash == info.text_hash && again.date_us == info.date_us);
}

// A scratch mbox file of this process, removed at exit.
struct ScratchFile {
  std::filesystem::path path = std::filesystem::temp_directory_path() /
                               ("abuseflow-reply-mail-fuzz-" + std::to_string(getpid()) + ".mbox");
  ~ScratchFile() {
    std::error_code ec;
    std::filesystem::remove(path, ec);
  }
};

void CheckMbox(std::string_view text) {
  static const ScratchFile scratch;
  {
    std::ofstream out(scratch.path, std::ios::binary | std::ios::trunc);
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    Check(out.good());
  }
  const std::string path = scratch.path.string();
  uint64_t skipped = 0;
  int n = 0;
  size_t bytes = 0;
  core::Status s = notify::ForEachMessage(path, kMaxMessageBytes, &skipped,
                                          [&](const std::string& name, std::string_view raw) {
                                            Check(name == path + "#" + std::to_string(++n));
                                            Check(raw.size() <= kMaxMessageBytes);
                                            bytes += raw.size();
                                            CheckReply(raw);
                                            return true;
                                          });
  Check(s.ok());
  Check(bytes <= text.size() + 1);  // only a final newline may be added
  Check(static_cast<size_t>(n) + skipped <= text.size() / 5 + 1);  // each begins with "From "
}

}  // namespace

// The input as an IMAP server's untagged answers: FETCH lines give UIDs
// above the last one, strictly increasing, no more than there are lines;
// a URL parses or is refused, never with CR/LF in the mailbox.
void CheckImap(std::string_view text) {
  (void)notify::ParseUidValidity(text);
  const std::vector<notify::ImapMessage> messages = notify::ParseFetchSizes(text, 5);
  for (size_t i = 0; i < messages.size(); ++i) {
    Check(messages[i].uid > 5);
    Check(i == 0 || messages[i - 1].uid < messages[i].uid);
  }
  Check(messages.size() <= static_cast<size_t>(std::count(text.begin(), text.end(), '\n')) + 1);
  auto url = notify::ParseImapUrl("imap://" + std::string(text.substr(0, 256)));
  Check(!url.ok() || url->mailbox.find_first_of("\r\n") == std::string::npos);
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  CheckReply(text);
  CheckMbox(text);
  CheckImap(text);
  return 0;
}
