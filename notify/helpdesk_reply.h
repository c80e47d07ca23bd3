#pragma once

#include <string>
#include <string_view>

#include "notify/reply_classifier.h"

namespace abuseflow::notify {

// Help desks (RT, OTRS/Znuny, Zendesk, Freshdesk, Jira Service Management)
// send their agents' answers with Auto-Submitted or Precedence headers. For a
// message that carries such a header, tells whether it still shows a human
// answer; returns the reason ("rt correspondence from agent@isp.example",
// "otrs agent article", "zendesk agent comment", "refers to our notice:
// ticket, we have, disconnected") or "" when it is (or may be) an automated
// reply. Conservative: text of an autoresponder ("automatically generated",
// "ticket has been created", "has been received", "out of office", ...)
// always leaves it automated, so does an RT "AutoReply" or an OTRS/Znuny
// loop header; otherwise a help desk's agent marker (RT: an RT-Originator
// that is not a recipient of the message; OTRS/Znuny: X-OTRS-SenderType or
// X-Znuny-SenderType "agent"; Zendesk: the "reply above this line" marker
// with an "Agent Name (Organisation)" line followed by a date line), or own
// text that refers to our notice specifically (our ticket token, or an IPv4
// address that the subject names) and says, in the first person, what was
// done ("we have" ... "disconnected", "removed", "cleaned", ...).
//
// `subject` is decoded (RFC 2047); `own_text` is the replier's own lines,
// lowercased (what the classifier reads). Pure, linear in its input.
std::string HelpDeskHumanAnswer(const MessageHeaders& headers, std::string_view subject,
                                std::string_view own_text);

}  // namespace abuseflow::notify
