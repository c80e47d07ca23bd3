// `abuseflow status`: what a state folder holds that is still on its way
// (docs/guarantees.md): the ingest journal's unacknowledged batches, dedup's
// incident batches notify has not acknowledged, notify's open reports and
// queued mails. Reads only; safe while the pipeline runs.
#include <filesystem>
#include <iostream>

#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "core/journal.h"
#include "core/kv_store.h"
#include "ingest/journaled_stream.h"

namespace abuseflow::cli {
namespace {

namespace fs = std::filesystem;

// The journal through its own reader, without opening it for writing.
nlohmann::json JournalStatus(const fs::path& dir) {
  core::JournalInfo info = core::Journal::Describe(dir.string());
  nlohmann::json j = {{"present", info.present}};
  if (!info.present) return j;
  j["stream"] = info.stream;
  j["acknowledged_through"] = info.acked_through;
  j["segments"] = info.segments;
  j["segment_bytes"] = info.segment_bytes;
  j["stream_ended"] = ingest::StreamEndJournaled(dir.string());
  return j;
}

// Counts the keys under each prefix of a RocksDB folder opened read-only.
nlohmann::json CountKeys(const fs::path& dir, const std::vector<std::pair<std::string, std::string>>& prefixes,
                         std::string* error) {
  nlohmann::json j = {{"present", fs::is_directory(dir)}};
  if (!fs::is_directory(dir)) return j;
  core::KvStore::Options options;
  options.read_only = true;
  options.create_if_missing = false;
  auto store = core::KvStore::Open(dir.string(), options);
  if (!store.ok()) {
    *error = store.status().message();
    return j;
  }
  for (const auto& [name, prefix] : prefixes) {
    uint64_t n = 0;
    core::Status s = (*store)->Scan(prefix, [&n](std::string_view, std::string_view) {
      ++n;
      return true;
    });
    if (!s.ok()) *error = s.message();
    j[name] = n;
  }
  return j;
}

nlohmann::json Status(const fs::path& state, std::string* error) {
  nlohmann::json j;
  j["ingest_journal"] = JournalStatus(state / "ingest" / "journal");
  const std::vector<std::pair<std::string, std::string>> dedup_keys = {
      {"histories", "h/"}, {"incident_batches_unacknowledged", "l/o/"}, {"streams_ending", "l/e/"}};
  nlohmann::json shards = nlohmann::json::array();
  if (fs::is_directory(state / "history")) {
    nlohmann::json one = CountKeys(state / "history", dedup_keys, error);
    one["shard"] = 0;
    shards.push_back(one);
  }
  for (int k = 0; k < 256 && fs::is_directory(state / ("shard-" + std::to_string(k))); ++k) {
    nlohmann::json one = CountKeys(state / ("shard-" + std::to_string(k)) / "history", dedup_keys, error);
    one["shard"] = k;
    shards.push_back(one);
  }
  j["dedup"] = shards;
  j["notify"] = CountKeys(state / "notify",
                          {{"open_report_incidents", "o/"}, {"streams_ending", "p/e/"}, {"mails_queued", "q"}},
                          error);
  return j;
}

void PrintText(const nlohmann::json& j) {
  const nlohmann::json& journal = j["ingest_journal"];
  if (journal["present"]) {
    std::cout << "ingest journal: stream " << journal["stream"].get<std::string>() << ", acknowledged through "
              << journal["acknowledged_through"] << ", " << journal["segments"] << " segment(s), "
              << journal["segment_bytes"] << " bytes" << (journal["stream_ended"] ? ", stream ended" : "") << "\n";
  } else {
    std::cout << "ingest journal: none\n";
  }
  for (const nlohmann::json& shard : j["dedup"]) {
    std::cout << "dedup shard " << shard["shard"] << ": " << shard.value("histories", 0) << " histories, "
              << shard.value("incident_batches_unacknowledged", 0) << " incident batches not yet acknowledged by notify, "
              << shard.value("streams_ending", 0) << " stream(s) ending\n";
  }
  const nlohmann::json& notify = j["notify"];
  if (notify["present"]) {
    std::cout << "notify: " << notify.value("open_report_incidents", 0) << " incidents in open reports, "
              << notify.value("mails_queued", 0) << " mails queued for SMTP, " << notify.value("streams_ending", 0)
              << " stream(s) ending\n";
  } else {
    std::cout << "notify: no state\n";
  }
}

}  // namespace

void AddStatusCommands(CLI::App& app, int* exit_code) {
  auto state = std::make_shared<std::string>("state");
  auto json = std::make_shared<bool>(false);
  CLI::App* cmd = app.add_subcommand(
      "status", "What a state folder still holds on its way: journal, unacknowledged batches, open reports");
  cmd->add_option("--state", *state, "state folder (state_dir)")->capture_default_str();
  cmd->add_flag("--json", *json, "print JSON");
  cmd->callback([state, json, exit_code] {
    if (!fs::is_directory(*state)) {
      std::cerr << "abuseflow status: no state folder " << *state << "\n";
      *exit_code = 1;
      return;
    }
    std::string error;
    nlohmann::json j = Status(*state, &error);
    if (*json) {
      std::cout << j.dump(2) << "\n";
    } else {
      PrintText(j);
    }
    if (!error.empty()) {
      std::cerr << "abuseflow status: " << error << "\n";
      *exit_code = 1;
    }
  });
}

}  // namespace abuseflow::cli
