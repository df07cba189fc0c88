#pragma once
// One training step replayed with everything a timeline needs: the graph, when each task ran,
// each stretch of idle time and what it was charged to, and how busy each class of link was
// over the step. The Chrome trace (trace.hpp) and the HTML report draw from it.
//
// The step is replayed twice on the network model: once to find its length and which links
// carry traffic, once sampling those links' load at `samples` even instants. The graph replays
// identically, so both passes give the same task times.
#include <array>
#include <string>
#include <vector>

#include "dtsim/sim/config/scenario.hpp"
#include "dtsim/sim/training/executor.hpp"
#include "dtsim/sim/training/step_graph.hpp"

namespace dtsim::training {

inline constexpr int kLinkClasses = 4;  // topology::LinkClass
std::string link_class_name(int link_class);

// The links of one class that carried traffic in the step.
struct LinkClassUse {
  int links = 0;
  double capacity_bytes_per_s = 0;  // all of them together
  double bytes_carried = 0;
  // Mean utilization over the step: bytes carried / (capacity x step time).
  double mean_utilization(double step_time_s) const {
    return capacity_bytes_per_s > 0 ? bytes_carried / (capacity_bytes_per_s * step_time_s) : 0;
  }
};

struct LinkSample {
  double time_s = 0;
  std::array<double, kLinkClasses> utilization{};  // load / capacity of the used links of a class
};

struct StepRecording {
  StepGraph graph;
  ReplayResult replay;                        // with waits recorded
  std::array<LinkClassUse, kLinkClasses> links{};
  std::vector<LinkSample> link_samples;       // empty under `network: ideal` (no links)
  int fold = 1;                               // ranks each simulated rank stands for
};

StepRecording record_step(const config::Scenario& scenario, int samples = 400);

}  // namespace dtsim::training
