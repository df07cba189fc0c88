#include "dtsim/sim/engine/engine.hpp"

#include <algorithm>
#include <stdexcept>

namespace dtsim::engine {

void Engine::schedule_at(Time at, Action action, void* context, std::uint64_t arg) {
  if (at < now_) throw std::logic_error("Engine: event scheduled in the past");
  queue_.push_back(Event{at, next_seq_++, action, context, arg});
  std::push_heap(queue_.begin(), queue_.end(), Later{});
}

bool Engine::step() {
  if (queue_.empty()) return false;
  std::pop_heap(queue_.begin(), queue_.end(), Later{});
  const Event e = queue_.back();
  queue_.pop_back();
  now_ = e.at;
  ++processed_;
  e.action(e.context, e.arg);
  return true;
}

void Engine::run() {
  while (step()) {
  }
}

void Engine::run_until(Time until) {
  while (!queue_.empty() && queue_.front().at <= until) step();
  if (until > now_) now_ = until;
}

}  // namespace dtsim::engine
