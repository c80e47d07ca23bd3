#include "enrich/lookup_pool.h"

namespace abuseflow::enrich {

LookupPool::LookupPool(int threads, const ChainFactory& factory) {
  for (int i = 0; i < threads; ++i) chains_.push_back(factory());
  for (auto& chain : chains_) threads_.emplace_back([this, c = chain.get()] { Work(c); });
}

void LookupPool::Submit(Job job) {
  {
    std::lock_guard lock(mu_);
    queue_.push_back(std::move(job));
    ++in_flight_;
  }
  wake_.notify_one();
}

std::vector<LookupPool::Done> LookupPool::TakeDone() {
  std::lock_guard lock(mu_);
  std::vector<Done> out = std::move(done_);
  done_.clear();
  in_flight_ -= out.size();
  return out;
}

size_t LookupPool::in_flight() const {
  std::lock_guard lock(mu_);
  return in_flight_;
}

void LookupPool::Stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
    in_flight_ -= queue_.size();
    queue_.clear();
  }
  wake_.notify_all();
  for (std::thread& t : threads_) t.join();
  threads_.clear();
}

void LookupPool::Work(SourceChain* chain) {
  for (;;) {
    Job job;
    {
      std::unique_lock lock(mu_);
      wake_.wait(lock, [this] { return stop_ || !queue_.empty(); });
      if (stop_) return;
      job = std::move(queue_.front());
      queue_.pop_front();
    }
    SourceAnswer answer = AskSources(chain->order, job.address, job.free);
    std::lock_guard lock(mu_);
    done_.push_back({std::move(job), std::move(answer)});
  }
}

std::optional<v1::OwnerRecord> LockedSource::Lookup(const core::IpAddress& address) {
  std::lock_guard lock(*mu_);
  return inner_->Lookup(address);
}

std::vector<core::IpPrefix> LockedSource::AnswerScope(const core::IpAddress& address,
                                                      const v1::OwnerRecord* record) const {
  std::lock_guard lock(*mu_);
  return inner_->AnswerScope(address, record);
}

}  // namespace abuseflow::enrich
