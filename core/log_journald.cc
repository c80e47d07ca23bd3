#include "core/log_journald.h"

#include <sys/stat.h>
#include <sys/uio.h>
#include <systemd/sd-journal.h>
#include <unistd.h>

#include <cctype>
#include <cstdio>
#include <cstdlib>

namespace abuseflow::core {
namespace {

int SyslogPriority(spdlog::level::level_enum level) {
  switch (level) {
    case spdlog::level::trace:
    case spdlog::level::debug: return 7;
    case spdlog::level::info: return 6;
    case spdlog::level::warn: return 4;
    case spdlog::level::err: return 3;
    case spdlog::level::critical: return 2;
    default: return 6;
  }
}

bool IsKeyStart(char c) { return (c >= 'a' && c <= 'z') || c == '_'; }
bool IsKeyChar(char c) { return IsKeyStart(c) || (c >= '0' && c <= '9'); }

}  // namespace

std::vector<std::pair<std::string, std::string>> LogFields(std::string_view m) {
  std::vector<std::pair<std::string, std::string>> out;
  size_t i = 0;
  while (i < m.size()) {
    if ((i > 0 && m[i - 1] != ' ') || !IsKeyStart(m[i])) {
      ++i;
      continue;
    }
    size_t k = i;
    while (k < m.size() && IsKeyChar(m[k])) ++k;
    if (k >= m.size() || m[k] != '=') {
      i = k;
      continue;
    }
    std::string key(m.substr(i, k - i)), value;
    size_t v = k + 1;
    if (v < m.size() && m[v] == '"') {
      for (++v; v < m.size() && m[v] != '"'; ++v) {
        if (m[v] == '\\' && v + 1 < m.size()) ++v;
        value += m[v];
      }
      ++v;
    } else {
      while (v < m.size() && m[v] != ' ') value += m[v++];
    }
    out.emplace_back(std::move(key), std::move(value));
    i = v;
  }
  return out;
}

void JournaldSink::sink_it_(const spdlog::details::log_msg& msg) {
  const std::string_view text(msg.payload.data(), msg.payload.size());
  std::vector<std::string> fields;
  fields.push_back("MESSAGE=" + std::string(text));
  fields.push_back("PRIORITY=" + std::to_string(SyslogPriority(msg.level)));
  fields.push_back("SYSLOG_IDENTIFIER=abuseflow");
  fields.push_back("ABUSEFLOW_MODULE=" + std::string(msg.logger_name.data(), msg.logger_name.size()));
  for (auto& [key, value] : LogFields(text)) {
    std::string name = "ABUSEFLOW_";
    for (char c : key) name += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (name.size() > 64) continue;  // the journal's limit on field names
    fields.push_back(name + "=" + value);
  }
  std::vector<iovec> iov;
  for (std::string& f : fields) iov.push_back({f.data(), f.size()});
  sd_journal_sendv(iov.data(), static_cast<int>(iov.size()));
}

bool StderrIsJournal() {
  const char* stream = std::getenv("JOURNAL_STREAM");
  if (!stream) return false;
  unsigned long long dev = 0, ino = 0;
  if (std::sscanf(stream, "%llu:%llu", &dev, &ino) != 2) return false;
  struct stat st{};
  if (fstat(STDERR_FILENO, &st) != 0) return false;
  return static_cast<unsigned long long>(st.st_dev) == dev && static_cast<unsigned long long>(st.st_ino) == ino;
}

}  // namespace abuseflow::core
