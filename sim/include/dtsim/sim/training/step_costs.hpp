#pragma once
// The price list of one step for one rank: how long each layer's passes take, how many bytes
// each communication moves, how many parameters each stage holds. First version: every FLOP
// of a layer runs at the device's best-case GEMM rate (datasheet peak x measured MAMF
// fraction); backward is twice the forward.
#include <vector>

#include "dtsim/sim/config/scenario.hpp"

namespace dtsim::training {

struct LayerCost {
  double forward_s = 0;
  double backward_s = 0;
  double recompute_s = 0;  // forward work redone before the backward (selective or full)
};

struct StepCosts {
  std::vector<LayerCost> layers;      // per decoder layer, for one micro-batch on one rank
  double logits_forward_s = 0;        // output layer and loss, last stage
  double logits_backward_s = 0;
  double tp_bytes = 0;                // one TP collective's buffer (a micro-batch's activations)
  double pp_bytes = 0;                // what one rank sends to the next stage per micro-batch
  std::vector<double> stage_params;   // parameters one rank of each stage holds
  double grad_bytes_per_param = 0;    // as reduced across data parallel ranks
  double param_bytes_per_param = 0;   // as gathered (ZeRO >= 1)
  double optimizer_s_per_param = 0;   // Adam update, memory-bound, per locally owned parameter
  double peak_flops_per_s = 0;        // dense peak at the training precision (for MFU)
};

StepCosts step_costs(const config::Scenario& scenario);

double peak_flops(const topology::DeviceSpec& device, models::Precision precision);

}  // namespace dtsim::training
