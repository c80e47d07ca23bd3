#pragma once

#include <string_view>

namespace abuseflow::ingest {

// The signatures ClassifyWebRequest returns (ProbeEvent.signature).
inline constexpr std::string_view kCodeRedI = "code-red-i";
inline constexpr std::string_view kCodeRedII = "code-red-ii";
inline constexpr std::string_view kNimda = "nimda";

// Recognises the HTTP requests of the 2001 IIS worms from a request target
// (the second word of the request line, as a web server logs it; the target
// may be cut short). Returns kCodeRedI, kCodeRedII, kNimda or "".
//
// - Code Red I: "/default.ida?" and a run of at least 100 'N', then the
//   "%u9090%u6858%ucbd3..." shell code (or the end, if the line was cut).
// - Code Red II: the same with a run of 'X'.
// - Nimda: a path (before '?') that, once decoded, ends in
//   "/winnt/system32/cmd.exe" or "/root.exe". That covers every request of
//   the worm's scan ("/scripts/root.exe?/c+dir", "/MSADC/root.exe?/c+dir",
//   "/c/winnt/system32/cmd.exe?/c+dir", the "..%5c..", "..%c0%af..",
//   "..%c1%1c..", "..%c1%9c..", "..%c0%2f..", "..%%35%63..", "..%%35c..",
//   "..%25%35%63..", "..%252f.." traversals under /scripts, /_vti_bin,
//   /_mem_bin and /msadc) and direct requests for the same two programs.
//   Decoding: percent escapes repeatedly (so "%255c", "%%35c" and
//   "%25%35%63" all become '\'), IIS "%u00XX", Apache's "\xHH" log escapes,
//   the overlong UTF-8 forms IIS accepted (C0/C1 xx, E0 80 xx), '\' as '/',
//   repeated '/' as one, and ASCII case. A traversal to any other file is not
//   a worm. Only the last 2048 bytes of a longer path are looked at.
//
// Pure and thread-safe; allocates nothing.
std::string_view ClassifyWebRequest(std::string_view request_target);

}  // namespace abuseflow::ingest
