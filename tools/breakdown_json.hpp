#pragma once
// The step-time breakdown as JSON, the same in every command that reports a step.
#include <nlohmann/json.hpp>

#include "dtsim/sim/training/step_result.hpp"

namespace dtsim::tools {

// Seconds per part, keyed as docs/scenario.md documents: compute, recompute, optimizer,
// exposed_tp, exposed_cp, exposed_ep, exposed_dp, pp_wait, bubble.
nlohmann::ordered_json breakdown_json(const training::Breakdown& b);

}  // namespace dtsim::tools
