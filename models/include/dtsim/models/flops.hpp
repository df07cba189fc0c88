#pragma once
// Floating-point operations of a training step, counted the way Megatron-LM counts them
// (num_floating_point_operations; Narayanan et al. 2021, appendix): 2 FLOPs per multiply-add,
// matrix multiplies only, attention scores over the whole sequence (no causal halving), the
// backward pass twice the forward. These are sums over the operators of operators.hpp at
// tp = cp = 1, so they agree with each other by construction. Two deliberate differences from
// Megatron-LM's closed form: an MoE router's GEMM (2 h * experts per token) is counted (Megatron
// leaves it out: under 0.5 % of a DeepSeek-V3 layer), and MLA follows the projections as built
// (Megatron adds the latent norms' widths as if they were matmuls). Megatron-LM since 2025
// halves the causal attention scores; dtsim keeps Eq. 3's full count, which the published MFU
// figures in ../shared/data/calibration.yaml were derived with.
#include "dtsim/models/parallel_plan.hpp"
#include "dtsim/models/transformer.hpp"

namespace dtsim::models {

// One token through one decoder layer, forward: QKV and output projections, the two attention
// matmuls (QK^T and AV) over seq_len keys, and the MLP (top-k routed plus shared experts).
double layer_forward_flops_per_token(const ModelSpec& model, int seq_len, bool moe_layer);

// The attention matmuls alone (what selective recompute runs again in the backward pass).
double attention_core_forward_flops_per_token(const ModelSpec& model, int seq_len);

// The output layer (logits), forward, per token.
double logits_forward_flops_per_token(const ModelSpec& model);

// Under LoRA/QLoRA (finetune.hpp) the step does the forward, the frozen layers' dgrad and the
// adapters' forward, dgrad and wgrad, but no wgrad of frozen weights: `model` counts what the
// step must do, so a LoRA step's MFU is not inflated by work it skips (about a third of a
// full step's).
struct StepFlops {
  double model = 0;     // forward + backward (3x forward in full training): what MFU divides by
  double hardware = 0;  // plus the recomputed forward work: what HFU divides by
};

StepFlops step_flops(const ModelSpec& model, const TrainingSetup& training, Recompute recompute);

}  // namespace dtsim::models
