#pragma once
// Replays a StepGraph on the discrete-event engine and records where each stream's time went.
//
// Idle time on a stream is charged to the reason it waited: the dependency that was satisfied
// last (a pipeline transfer, a TP or DP collective, work on another stage), split for pipeline
// transfers into the time before the transfer started (the producer was still computing: the
// pipeline bubble) and the transfer itself (a p2p wait); waiting for peers of a collective is
// charged to that collective. Busy time is charged to the running task's category. So per
// stream, busy plus idle adds up to the step time exactly.
#include <array>
#include <vector>

#include "dtsim/sim/collective/runner.hpp"
#include "dtsim/sim/engine/engine.hpp"
#include "dtsim/sim/training/step_graph.hpp"

namespace dtsim::training {

// Why a stream sat idle.
enum class Wait : std::uint8_t { bubble, pp_transfer, tp, cp, ep, dp };
inline constexpr int kWaits = 6;
std::string to_string(Wait w);

struct StreamTimes {
  std::array<double, kCategories> busy_s{};
  std::array<double, kWaits> wait_s{};
  double end_s = 0;  // when its last task finished
};

struct TaskTimes {
  double start_s = 0;
  double end_s = 0;
};

// One stretch of a stream's idle time and what it was charged to, for timelines.
struct WaitSpan {
  StreamId stream = 0;
  Wait reason = Wait::bubble;
  double from_s = 0;
  double to_s = 0;
};

struct ReplayResult {
  double step_time_s = 0;
  std::vector<StreamTimes> streams;  // indexed like StepGraph::streams(); trailing idle counted
  std::vector<TaskTimes> tasks;
  std::vector<WaitSpan> waits;       // in the order they were charged; only if asked for
  std::uint64_t events = 0;
};

// Runs the whole step; throws std::logic_error if the graph deadlocks (a builder bug).
// `record_waits` keeps every idle stretch in ReplayResult::waits (timelines need them; the
// totals per stream are kept either way).
ReplayResult replay(const StepGraph& graph, collective::Runner& runner, engine::Engine& engine,
                    bool record_waits = false);

}  // namespace dtsim::training
