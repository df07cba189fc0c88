#pragma once
// One training step as a Chrome trace (JSON Trace Event Format; Perfetto and chrome://tracing
// open it): a process per simulated rank and a track per stream, every task a slice labelled
// with what it does, pipeline transfers as flow arrows from the sending stream to the work that
// waited for them, and the utilization of the links that carried traffic, by link class, as
// counters sampled over the step.
#include <ostream>

#include "dtsim/sim/config/scenario.hpp"

namespace dtsim::training {

// Records the scenario's step (step_recording.hpp) and writes its trace to `out`.
void write_trace(const config::Scenario& scenario, std::ostream& out);

}  // namespace dtsim::training
