// WorkerPool: the threads that run request handlers (queries, ingest), so
// that the transport's I/O threads never block on a query or a writer lock.
//
// Thread-safety: Submit() from any thread. Stop() once, from one thread;
// it runs what is queued, then joins.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace trendgraph::engine::http {

class WorkerPool {
 public:
  // `threads` >= 1. `max_queue` bounds waiting jobs (Submit refuses more).
  WorkerPool(size_t threads, size_t max_queue);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // False when the queue is full or the pool is stopping; the job was not
  // taken and the caller must answer the request itself.
  [[nodiscard]] bool Submit(std::function<void()> job);
  void Stop();
  size_t size() const { return threads_.size(); }

 private:
  void Run();

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> queue_;
  std::vector<std::thread> threads_;
  size_t max_queue_;
  bool stopping_ = false;
};

}  // namespace trendgraph::engine::http
