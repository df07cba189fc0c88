#pragma once
// `dtsim explain`: one scenario's training step walked through in plain words, every figure
// with the formula it follows and the scenario's values put in:
//   FLOPs      models::step_flops (Megatron-LM's count, models/flops.hpp), per accelerator, and
//              the ideal compute time at the dense peak and at the GEMM rate dtsim runs at;
//   memory     models::MemoryBreakdown of the worst pipeline stage (and the first and last);
//   traffic    every collective of the step builder's programs (training/layer_program.hpp,
//              step_builder.hpp) by parallel dimension: bytes, group, link, the collective
//              planner's algorithm and bus bandwidth, and the exposed time the replay measured;
//   bubble     the closed form (p-1)/m, (p-1)/(v m) interleaved, beside the simulated bubble;
//   bound      the largest part of the step;
//   what helps the step replayed with 10 % more of one figure each (matrix FLOP/s, HBM
//              bandwidth, scale-up and scale-out link bandwidth) and the best other plan the
//              search confirms; the largest reduction among them is "most help".
#include <optional>
#include <string>
#include <vector>

#include "dtsim/sim/config/scenario.hpp"
#include "dtsim/sim/training/step_result.hpp"

namespace dtsim::study {

// One figure: what it is, its formula, the formula with the scenario's values, and the result
// (`value` in `unit`: "FLOP", "s", "B", "B/s", "FLOP/s", "" for counts and ratios).
struct ExplainItem {
  std::string key;       // snake_case id, stable for --json readers and tests: "dp.gradient_wire_bytes"
  std::string what;
  std::string formula;   // empty when the figure is read, not computed
  std::string values;
  std::string result;
  double value = 0;
  std::string unit;
};

struct ExplainSection {
  std::string key;       // "flops", "memory.stage0", "comm.tp", "comm.dp", "bubble"
  std::string title;
  std::string summary;   // one or two sentences in words
  std::vector<ExplainItem> items;
  const ExplainItem* find(const std::string& key) const;
};

// The step replayed with one thing changed, or another plan.
struct Change {
  std::string key;       // "matrix_flops", "hbm_bandwidth", "scale_up_bandwidth", "scale_out_bandwidth", "plan"
  std::string what;      // "+10 % matrix FLOP/s", "plan TP8 PP4 DP32 mb1 ZeRO-1 SP selective"
  std::string detail;    // the figure before and after: "989 -> 1,088 TFLOP/s (bf16)"
  bool applies = true;   // false: the cluster has no such part (no scale-out network)
  double step_time_s = 0;
  double change = 0;     // step_time_s / the scenario's - 1 (negative: faster)
};

// The largest part of the step's breakdown.
struct Bound {
  std::string part;      // "compute", "exposed DP communication", "pipeline bubble", ...
  double seconds = 0;
  double share = 0;      // of the step time
  std::string words;     // what that means
};

struct Explanation {
  training::StepResult step;
  std::vector<ExplainSection> sections;
  Bound bound;
  std::vector<Change> sensitivity;
  std::optional<Change> next_plan;  // absent when the search confirms no other plan that fits
  std::optional<Change> most_help;  // absent when nothing makes the step faster
  const ExplainSection* find(const std::string& key) const;
};

struct ExplainOptions {
  bool sensitivity = true;
  bool search = true;
  double factor = 1.1;        // how much more of each figure the sensitivity study gives
  int confirm = 0;            // plans the search replays; 0: the scenario's search.confirm when it
                              // has a `search:` block, else kDefaultConfirm
};

// Replaying the best three screened plans keeps `explain` within a few seconds of `run`.
inline constexpr int kDefaultConfirm = 3;

Explanation explain(const config::Scenario& scenario, const ExplainOptions& options = {});

// What the sensitivity study changes: one figure of the loaded scenario, times `factor`.
enum class Resource { matrix_flops, hbm_bandwidth, scale_up_bandwidth, scale_out_bandwidth };

// The scenario with `resource` times `factor`: the device's dense matrix peaks (every
// precision), its HBM bandwidth, or the bandwidth of the system's scale-up link (NVLink, ICI,
// xGMI; the PCIe link where that is all a box has) or of its scale-out network (NIC and
// switch-to-switch links). Links are changed as copies under a new catalog id, so a link kind
// the system also uses elsewhere (Gaudi 3's RoCE ports serve both) keeps its figure there.
// Returns nullopt when the system has no such part.
std::optional<config::Scenario> with_more(const config::Scenario& scenario, Resource resource, double factor);

// The most helpful of `changes`: the largest reduction of the step time among those that apply.
std::optional<Change> most_helpful(const std::vector<Change>& changes);

// The largest part of a step's breakdown (compute and recompute together).
Bound bound_of(const training::StepResult& step);

}  // namespace dtsim::study
