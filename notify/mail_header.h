#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace abuseflow::notify {

// Helpers for writing RFC 5322 header fields from untrusted values (owner
// names and mailboxes come from registries, evidence from logs). Pure
// functions; safe from any thread.

// True if `text` is one plain mailbox "local@domain": a dot-atom local part
// of at most 64 characters (letters, digits and !#$%&*+/=?^_{}~- ; no
// quotes or pipes), one "@", and a domain of dot-separated labels of letters, digits
// and inner hyphens, at most 253 characters. Anything that could smuggle a
// second address or a header (spaces, commas, angle brackets, quotes,
// control characters, non-ASCII) makes it false.
bool IsValidMailbox(std::string_view text);

// `text` made safe for one header line: every control character (CR, LF,
// NUL, ...) becomes a space, runs of spaces collapse to one, and the ends
// are trimmed. Invalid UTF-8 bytes become "?".
std::string SanitizeHeaderValue(std::string_view text);

// `text` with control characters written as \r, \n, \t or \xNN, for logs.
std::string EscapeForLog(std::string_view text);

// An unstructured header value (e.g. Subject) ready to follow "Name: ":
// sanitized, and RFC 2047 encoded ("=?UTF-8?B?...?=", words of at most 75
// characters separated by spaces) when it has non-ASCII characters or
// something that looks like an encoded word.
std::string EncodeHeaderText(std::string_view text);

// "Name: value" folded at spaces so that lines stay within 78 characters
// where the value allows, joined with CRLF SP, with a final CRLF. `value`
// must already be sanitized.
std::string FoldHeader(std::string_view name, std::string_view value);

// The length of the valid UTF-8 sequence that starts at text[pos] (1 for
// ASCII), or 0 if the bytes there are not one.
size_t Utf8SequenceLength(std::string_view text, size_t pos);

// Standard base64 (RFC 4648) of `bytes`, on one line, with padding.
std::string Base64(std::string_view bytes);

// FNV-1a, 64 bits, of `data`: stable across builds and platforms (unlike
// std::hash), for Message-IDs, tickets and MIME boundaries.
uint64_t StableHash64(std::string_view data);

// The RFC 5322 date of `unix_us`, in UTC: "Tue, 18 Sep 2001 13:12:44 +0000".
std::string FormatMailDate(int64_t unix_us);

}  // namespace abuseflow::notify
