#include "enrich/rdap_bootstrap_update.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace abuseflow::enrich {
namespace {

core::Status Errno(const std::string& what, const std::string& path) {
  return core::Status::IoError(what + " " + path + ": " + std::strerror(errno));
}

// Writes all of `content` to `fd`.
bool WriteAll(int fd, const std::string& content) {
  size_t done = 0;
  while (done < content.size()) {
    ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

core::Status SyncDir(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Errno("cannot open folder", dir);
  int rc = ::fsync(fd);
  ::close(fd);
  return rc == 0 ? core::Status::Ok() : Errno("cannot sync folder", dir);
}

// The family check: ipv4.json lists IPv4 prefixes only, ipv6.json IPv6 ones.
core::Status CheckFamily(const std::string& name, const RdapBootstrapInfo& info) {
  if (name == "ipv4.json" && (info.v4_prefixes == 0 || info.v6_prefixes != 0)) {
    return core::Status::InvalidArgument("ipv4.json must list IPv4 prefixes only");
  }
  if (name == "ipv6.json" && (info.v6_prefixes == 0 || info.v4_prefixes != 0)) {
    return core::Status::InvalidArgument("ipv6.json must list IPv6 prefixes only");
  }
  return core::Status::Ok();
}

// The publication date of the file now at `path`, "" if none or unreadable.
std::string PublicationOf(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return "";
  std::ostringstream text;
  text << in.rdbuf();
  auto info = InspectRdapBootstrap(text.str());
  return info.ok() ? info->publication : "";
}

// Fetches and checks one file.
core::Result<std::string> FetchOne(const std::string& url, const std::string& name,
                                   const BootstrapFetch& fetch, RdapBootstrapInfo* info) {
  auto response = fetch(url);
  if (!response.ok()) return response.status();
  if (response->status != 200) {
    return core::Status::Unavailable(url + ": HTTP status " + std::to_string(response->status));
  }
  auto inspected = InspectRdapBootstrap(response->body);
  core::Status s = inspected.ok() ? CheckFamily(name, *inspected) : inspected.status();
  if (!s.ok()) return core::Status::InvalidArgument(url + ": " + s.message());
  *info = *inspected;
  return std::move(response->body);
}

}  // namespace

core::Status WriteFileAtomically(const std::string& path, const std::string& content) {
  std::filesystem::path target(path);
  std::string dir = target.parent_path().empty() ? "." : target.parent_path().string();
  std::string temp = (std::filesystem::path(dir) / ("." + target.filename().string() + ".tmp-" +
                                                    std::to_string(::getpid())))
                         .string();
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Errno("cannot create", temp);
  bool ok = WriteAll(fd, content) && ::fsync(fd) == 0;
  core::Status s = ok ? core::Status::Ok() : Errno("cannot write", temp);
  if (::close(fd) != 0 && s.ok()) s = Errno("cannot close", temp);
  if (s.ok() && ::rename(temp.c_str(), path.c_str()) != 0) s = Errno("cannot rename onto", path);
  if (!s.ok()) {
    ::unlink(temp.c_str());
    return s;
  }
  return SyncDir(dir);
}

core::Result<std::vector<BootstrapFileUpdate>> UpdateRdapBootstrap(
    const BootstrapUpdateOptions& options, const BootstrapFetch& fetch) {
  if (options.dir.empty()) return core::Status::InvalidArgument("no folder for the bootstrap files");
  std::error_code ec;
  if (!std::filesystem::is_directory(options.dir, ec)) {
    return core::Status::IoError("bootstrap folder " + options.dir + " does not exist");
  }
  std::string base = options.base_url;
  if (!base.empty() && base.back() != '/') base += '/';
  std::vector<BootstrapFileUpdate> updates;
  std::vector<std::string> bodies;
  for (const std::string& name : options.files) {  // everything first, nothing written yet
    BootstrapFileUpdate u;
    u.name = name;
    u.path = (std::filesystem::path(options.dir) / name).string();
    auto body = FetchOne(base + name, name, fetch, &u.info);
    if (!body.ok()) return body.status();
    u.previous_publication = PublicationOf(u.path);
    bodies.push_back(std::move(*body));
    updates.push_back(std::move(u));
  }
  for (size_t i = 0; i < updates.size(); ++i) {
    if (core::Status s = WriteFileAtomically(updates[i].path, bodies[i]); !s.ok()) return s;
  }
  return updates;
}

}  // namespace abuseflow::enrich
