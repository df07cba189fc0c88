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

struct StreamTimes {
  std::array<double, kCategories> busy_s{};
  std::array<double, kWaits> wait_s{};
  double end_s = 0;  // when its last task finished
};

struct TaskTimes {
  double start_s = 0;
  double end_s = 0;
};

struct ReplayResult {
  double step_time_s = 0;
  std::vector<StreamTimes> streams;  // indexed like StepGraph::streams(); trailing idle counted
  std::vector<TaskTimes> tasks;
  std::uint64_t events = 0;
};

// Runs the whole step; throws std::logic_error if the graph deadlocks (a builder bug).
ReplayResult replay(const StepGraph& graph, collective::Runner& runner, engine::Engine& engine);

}  // namespace dtsim::training
