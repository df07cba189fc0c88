#pragma once
// A resource that serves jobs one at a time in arrival order (a single-server FIFO queue): a
// GPU's compute stream, a copy engine, a NIC's send queue. A job holds the server for its
// duration, then its callback runs; the next job starts at that same instant.
#include <cstdint>
#include <deque>

#include "dtsim/sim/engine/engine.hpp"

namespace dtsim::engine {

class FifoServer {
 public:
  explicit FifoServer(Engine& engine) : engine_(engine) {}

  // Queues a job of `duration` (>= 0) behind those already submitted.
  void submit(Time duration, Engine::Action done, void* context, std::uint64_t arg = 0);

  bool busy() const { return busy_; }
  // Jobs waiting, not counting the one being served.
  std::size_t waiting() const { return queue_.size(); }
  // Time spent serving jobs up to the engine's current time.
  Time busy_time() const { return served_ + (busy_ ? engine_.now() - started_ : 0); }

 private:
  struct Job {
    Time duration;
    Engine::Action done;
    void* context;
    std::uint64_t arg;
  };
  void serve_next();
  void finish(std::uint64_t);

  Engine& engine_;
  std::deque<Job> queue_;
  Job current_{};
  bool busy_ = false;
  Time started_ = 0;
  Time served_ = 0;  // by finished jobs
};

}  // namespace dtsim::engine
