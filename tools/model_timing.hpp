#pragma once
// `dtsim model NAME --device D`: how long each operator of one layer takes on one accelerator
// under a TP/CP split and micro-batch, and which roofline bounds it: where a layer's time goes.
#include <nlohmann/json.hpp>
#include <string>

#include "dtsim/models/operators.hpp"

namespace dtsim::tools {

struct TimingRequest {
  std::string device;  // catalog id
  models::Shard shard;
};

void print_layer_timing(const models::ModelSpec& model, const TimingRequest& request);
nlohmann::ordered_json layer_timing_json(const models::ModelSpec& model,
                                         const TimingRequest& request);

}  // namespace dtsim::tools
