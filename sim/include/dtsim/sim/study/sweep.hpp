#pragma once
// `dtsim sweep`: a scenario run at every point of the cartesian product of some of its keys.
//
// Axes come from the scenario's `sweep:` block, then from `--set KEY=V1,V2,...` arguments; a
// --set axis whose key the file also sweeps takes the file axis's place. The first axis varies
// slowest, the last fastest, and points are numbered from 0 in that order. A --set with a single
// value is a plain override on every point. Shard K of N is the points whose index % N == K-1,
// so that N jobs of an array cover every point exactly once.
//
// Points are independent simulations: run_sweep runs them on many threads and hands their
// outcomes over in index order, so the output does not depend on the thread count.
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "dtsim/sim/config/scenario.hpp"
#include "dtsim/sim/study/summary.hpp"

namespace dtsim::study {

// Splits a --set argument, KEY=VALUE or KEY=V1,V2,..., at the commas outside brackets, braces
// and quotes: `parallelism.layers=[7,8,8,7]` has one value, `...=[7,8,8,7],[8,8,8,6]` two.
// Values are YAML text, trimmed. Throws ConfigError (labelled like the loader's overrides) for
// no key, an empty value in a list, or an unbalanced bracket or quote.
config::SweepAxis parse_set_argument(const std::string& argument);

struct SweepPoint {
  std::size_t index = 0;
  std::vector<std::string> values;     // one per axis, YAML text
  std::vector<std::string> overrides;  // "key=value": the sweep's plain ones, then one per axis
};

struct Sweep {
  std::string scenario_path;
  std::vector<std::string> overrides;  // plain overrides, applied to every point before its axes
  std::vector<config::SweepAxis> axes;

  std::size_t size() const;  // the number of points: the product of the axes' lengths
  SweepPoint point(std::size_t index) const;  // index < size()
};

// The axes of the file (`sweep:`) followed by those of --set arguments (from
// parse_set_argument, in command-line order); a later axis with an earlier one's key replaces
// it in place, and a single-valued --set removes the key's axis and becomes a plain override.
Sweep combine_axes(std::string scenario_path, const std::vector<config::SweepAxis>& file_axes,
                   const std::vector<config::SweepAxis>& set_axes);

// Reads the scenario's `sweep:` block (the file must load with the single-valued --set applied,
// as `dtsim run` would take it) and combines it with the --set arguments. Throws ConfigError for
// a missing or bad file, a malformed --set, or a sweep with no axes.
Sweep load_sweep(const std::string& scenario_path, const std::vector<std::string>& set_arguments);

// Shard `number` of `count` (both from 1).
struct Shard {
  std::size_t number = 1;
  std::size_t count = 1;
};
// "K/N" with 1 <= K <= N; throws ConfigError otherwise.
Shard parse_shard(const std::string& text);
// The indices of the shard's points, ascending.
std::vector<std::size_t> shard_indices(std::size_t points, Shard shard);

struct PointOutcome {
  SweepPoint point;
  std::optional<Summary> summary;  // absent when the point failed
  std::string error;               // why it failed: the ConfigError or the simulator's message
};

struct SweepRun {
  int threads = 0;  // 0: every core
  // Called once per point, in index order, never two at once.
  std::function<void(const PointOutcome&)> on_outcome;
  // Called as points finish (in any order), never two at once; may be empty.
  std::function<void(std::size_t done, std::size_t total)> on_progress;
};

// Simulates the listed points of the sweep, each as summarize(load_scenario(path, overrides)).
// A point that throws becomes an outcome with its error; nothing a point does stops the others.
void run_sweep(const Sweep& sweep, const std::vector<std::size_t>& indices, const SweepRun& run);

}  // namespace dtsim::study
