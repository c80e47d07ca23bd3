#pragma once

#include <functional>
#include <string>
#include <vector>

#include "core/result.h"
#include "enrich/rdap_client.h"
#include "enrich/rdap_parser.h"

namespace abuseflow::enrich {

// IANA's RDAP bootstrap files, refreshed by `abuseflow rdap bootstrap update`.
inline constexpr const char* kIanaRdapBootstrapUrl = "https://data.iana.org/rdap/";

// One bootstrap file written by UpdateRdapBootstrap.
struct BootstrapFileUpdate {
  std::string name;                  // "ipv4.json"
  std::string path;                  // where it was written
  RdapBootstrapInfo info;            // what the new file says about itself
  std::string previous_publication;  // the replaced file's, "" when there was none or it did not parse
};

struct BootstrapUpdateOptions {
  std::string base_url = kIanaRdapBootstrapUrl;  // https://, the files are base_url + name
  std::string dir;                               // where the files go; required
  // The files fetched, with the address family each must list (and only it).
  std::vector<std::string> files = {"ipv4.json", "ipv6.json"};
};

// GETs `url`; RdapGet in production, a fake in tests.
using BootstrapFetch = std::function<core::Result<RdapResponse>(const std::string& url)>;

// Fetches every file of `options.files` from base_url, checks each
// (InspectRdapBootstrap; ipv4.json must list IPv4 prefixes only, ipv6.json
// IPv6 ones) and only when all are good writes them into options.dir, each
// atomically (a temporary file in the same folder, fsync, rename, fsync of
// the folder), so a reader sees the old file or the new one, never a part.
// Nothing is written when any fetch or check fails: Unavailable for a fetch
// that failed or answered other than 200 (the URL and status named),
// InvalidArgument for a file that is not a good bootstrap file (its URL and
// the reason named), IoError for a folder or file that cannot be written
// (the temporary files are removed). Blocks on the fetches.
core::Result<std::vector<BootstrapFileUpdate>> UpdateRdapBootstrap(
    const BootstrapUpdateOptions& options, const BootstrapFetch& fetch);

// Writes `content` to `path` atomically as described above. IoError naming
// the path on failure (the temporary file removed).
core::Status WriteFileAtomically(const std::string& path, const std::string& content);

}  // namespace abuseflow::enrich
