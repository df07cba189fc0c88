#include "dtsim/sim/engine/fifo_server.hpp"

#include <stdexcept>

namespace dtsim::engine {

void FifoServer::submit(Time duration, Engine::Action done, void* context, std::uint64_t arg) {
  if (duration < 0) throw std::invalid_argument("FifoServer: negative duration");
  queue_.push_back(Job{duration, done, context, arg});
  if (!busy_) serve_next();
}

void FifoServer::serve_next() {
  current_ = queue_.front();
  queue_.pop_front();
  busy_ = true;
  started_ = engine_.now();
  engine_.call_in<&FifoServer::finish>(current_.duration, this);
}

void FifoServer::finish(std::uint64_t) {
  served_ += engine_.now() - started_;
  busy_ = false;
  const Job job = current_;
  // The next job starts before the callback runs, so a job the callback submits queues behind
  // those already waiting.
  if (!queue_.empty()) serve_next();
  job.done(job.context, job.arg);
}

}  // namespace dtsim::engine
