#include "core/metrics_textfile.h"

#include <cstdio>
#include <fstream>

#include "core/log.h"

namespace abuseflow::core {

Result<std::unique_ptr<MetricsTextfile>> MetricsTextfile::Start(std::string path,
                                                                std::chrono::milliseconds interval,
                                                                const MetricsRegistry* registry) {
  std::unique_ptr<MetricsTextfile> file(new MetricsTextfile(std::move(path), interval, registry));
  if (Status s = file->Write(); !s.ok()) return s;
  file->thread_ = std::thread([raw = file.get()] { raw->Loop(); });
  return file;
}

MetricsTextfile::~MetricsTextfile() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  if (Status s = Write(); !s.ok()) Logger("core")->warn("metrics textfile not written error=\"{}\"", s.message());
}

Status MetricsTextfile::Write() const {
  const std::string text = registry_->Render();
  const std::string tmp = path_ + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << text;
    out.flush();
    if (!out) return Status::IoError("cannot write metrics textfile " + tmp);
  }
  if (std::rename(tmp.c_str(), path_.c_str()) != 0) {
    return Status::IoError("cannot rename " + tmp + " to " + path_);
  }
  return Status::Ok();
}

void MetricsTextfile::Loop() {
  bool failing = false;
  std::unique_lock lock(mu_);
  while (!wake_.wait_for(lock, interval_, [this] { return stop_; })) {
    lock.unlock();
    Status s = Write();
    if (!s.ok() && !failing) Logger("core")->warn("metrics textfile not written error=\"{}\"", s.message());
    failing = !s.ok();
    lock.lock();
  }
}

}  // namespace abuseflow::core
