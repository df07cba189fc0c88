// Runs a sweep's points on a TBB pipeline: indices go in one at a time, points are simulated
// in parallel, and outcomes come out in index order, each as soon as it and every earlier one
// are done, so the output is the same on any thread count.
#include <tbb/info.h>
#include <tbb/parallel_pipeline.h>
#include <tbb/task_arena.h>

#include <exception>
#include <mutex>

#include "dtsim/sim/config/loader.hpp"
#include "dtsim/sim/study/sweep.hpp"

namespace dtsim::study {
namespace {

PointOutcome evaluate(const Sweep& sweep, SweepPoint point) {
  PointOutcome outcome{std::move(point), std::nullopt, {}};
  try {
    outcome.summary =
        summarize(config::load_scenario(sweep.scenario_path, outcome.point.overrides));
  } catch (
      const std::exception& e) {  // a bad value or an impossible plan: this point's row says so
    outcome.error = e.what();
  }
  return outcome;
}

}  // namespace

void run_sweep(const Sweep& sweep, const std::vector<std::size_t>& indices, const SweepRun& run) {
  const int threads = run.threads > 0 ? run.threads : tbb::info::default_concurrency();
  // Points in flight: enough that a slow point holding back the output leaves the other
  // threads work, few enough to bound the outcomes waiting for it.
  const auto in_flight = static_cast<std::size_t>(threads) * 8;
  std::size_t next = 0;
  std::size_t done = 0;
  std::mutex progress_mutex;
  const auto feed = [&](tbb::flow_control& control) -> std::size_t {
    if (next == indices.size()) {
      control.stop();
      return 0;
    }
    return indices[next++];
  };
  const auto simulate = [&](std::size_t index) {
    PointOutcome outcome = evaluate(sweep, sweep.point(index));
    if (run.on_progress) {
      std::lock_guard lock(progress_mutex);
      run.on_progress(++done, indices.size());
    }
    return outcome;
  };
  const auto hand_over = [&](const PointOutcome& outcome) { run.on_outcome(outcome); };
  tbb::task_arena arena(threads);
  arena.execute([&] {
    tbb::parallel_pipeline(
        in_flight,
        tbb::make_filter<void, std::size_t>(tbb::filter_mode::serial_in_order, feed) &
            tbb::make_filter<std::size_t, PointOutcome>(tbb::filter_mode::parallel, simulate) &
            tbb::make_filter<PointOutcome, void>(tbb::filter_mode::serial_in_order, hand_over));
  });
}

}  // namespace dtsim::study
