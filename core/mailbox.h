#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace abuseflow::core {

// True if `text` is one plain mailbox "local@domain" safe to put in a header:
// a dot-atom local part of at most 64 characters (letters, digits and
// !#$%&'*+/=?^_`{}~- with inner single dots), one "@", and a domain of at
// least two dot-separated labels of letters, digits and inner hyphens (each at
// most 63, the whole at most 253). Spaces, commas, angle brackets, quotes,
// control characters (CR, LF, NUL) and non-ASCII make it false. Pure.
//
// A copy of the rule notify/mail_header.h applies, so that enrich takes no
// mailbox notify would refuse, without enrich depending on notify.
bool IsValidMailbox(std::string_view text);

// The valid mailboxes named in a free-text contact field, such as a WHOIS
// "e-mail:" or "abuse-mailbox:" value: the field is split on white space,
// commas and semicolons, each word loses a "mailto:" prefix, angle brackets,
// parentheses and a trailing dot, and the domain is lower-cased. Words that
// are not valid mailboxes are left out, so nothing that could smuggle a
// header or a second recipient through is returned. At most `max` results.
std::vector<std::string> ExtractMailboxes(std::string_view field, size_t max = 8);

}  // namespace abuseflow::core
