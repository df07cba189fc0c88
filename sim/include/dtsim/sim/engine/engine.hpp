#pragma once
// The discrete-event core: a clock and a queue of events ordered by (time, insertion sequence).
// It knows nothing of accelerators, layers or collectives. No global state: every simulation
// owns its Engine, so many can run at once in one process.
#include <cstdint>
#include <vector>

#include "dtsim/sim/engine/time.hpp"

namespace dtsim::engine {

class Engine {
 public:
  // An event's action: a plain function with an opaque context and a 64-bit argument, so that
  // scheduling allocates nothing (a lambda without captures converts to it).
  using Action = void (*)(void* context, std::uint64_t arg);

  Time now() const { return now_; }
  std::uint64_t events_processed() const { return processed_; }
  bool empty() const { return queue_.empty(); }
  std::size_t pending() const { return queue_.size(); }

  // Schedules `action(context, arg)` at absolute time `at` (never before now()).
  void schedule_at(Time at, Action action, void* context, std::uint64_t arg = 0);
  void schedule_in(Time delay, Action action, void* context, std::uint64_t arg = 0) {
    schedule_at(now_ + delay, action, context, arg);
  }

  // Binds a member function: engine.call_at<&Flow::finish>(t, flow, arg).
  template <auto Method, class T>
  void call_at(Time at, T* object, std::uint64_t arg = 0) {
    schedule_at(at, [](void* o, std::uint64_t a) { (static_cast<T*>(o)->*Method)(a); }, object,
                arg);
  }
  template <auto Method, class T>
  void call_in(Time delay, T* object, std::uint64_t arg = 0) {
    call_at<Method>(now_ + delay, object, arg);
  }

  // Runs the earliest event; false when none is left.
  bool step();
  // Runs until no event is left.
  void run();
  // Runs every event at or before `until`, then sets the clock to `until`.
  void run_until(Time until);

 private:
  struct Event {
    Time at;
    std::uint64_t seq;
    Action action;
    void* context;
    std::uint64_t arg;
  };
  // Min-heap order: earlier time first, then earlier insertion.
  struct Later {
    bool operator()(const Event& a, const Event& b) const {
      return a.at != b.at ? a.at > b.at : a.seq > b.seq;
    }
  };

  std::vector<Event> queue_;
  Time now_ = 0;
  std::uint64_t next_seq_ = 0;
  std::uint64_t processed_ = 0;
};

}  // namespace dtsim::engine
