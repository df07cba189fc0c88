#include "dtsim/sim/training/step_costs.hpp"

#include "dtsim/models/flops.hpp"

namespace dtsim::training {

double peak_flops(const topology::DeviceSpec& d, models::Precision p) {
  const auto& pk = d.peak_flops_per_s;
  switch (p) {
    case models::Precision::fp8: return pk.fp8.value_or(0);
    case models::Precision::bf16: return pk.bf16.value_or(0);
    case models::Precision::fp16: return pk.fp16.value_or(0);
    case models::Precision::fp32: return pk.tf32.value_or(pk.fp32.value_or(0));
  }
  return 0;
}

StepCosts step_costs(const config::Scenario& s) {
  const auto& m = s.model;
  const auto& p = s.plan;
  const auto& dev = s.cluster.device;
  StepCosts c;
  c.peak_flops_per_s = peak_flops(dev, s.training.precision);
  const double rate = c.peak_flops_per_s * dev.gemm_efficiency;
  // Tokens one rank processes per micro-batch: TP splits every matmul, CP splits the sequence.
  const double tokens = static_cast<double>(p.micro_batch) * s.training.seq_len / (p.tp * p.cp);

  for (int l = 0; l < m.layers; ++l) {
    const double fwd = models::layer_forward_flops_per_token(m, s.training.seq_len, m.is_moe_layer(l));
    LayerCost lc;
    lc.forward_s = fwd * tokens / rate;
    lc.backward_s = 2 * lc.forward_s;
    if (p.recompute == models::Recompute::full) lc.recompute_s = lc.forward_s;
    if (p.recompute == models::Recompute::selective)
      lc.recompute_s =
          models::attention_core_forward_flops_per_token(m, s.training.seq_len) * tokens / rate;
    c.layers.push_back(lc);
  }
  c.logits_forward_s = models::logits_forward_flops_per_token(m) * tokens / rate;
  c.logits_backward_s = 2 * c.logits_forward_s;

  const double act_bytes = s.training.precision == models::Precision::fp32 ? 4 : 2;
  const double seq = static_cast<double>(s.training.seq_len) / p.cp;
  c.tp_bytes = p.micro_batch * seq * static_cast<double>(m.hidden) * act_bytes;
  c.pp_bytes = c.tp_bytes / p.tp;  // sequence-parallel (or scatter-gather) split across TP ranks

  const auto params = models::count_params(m);
  const double per_layer = params.attention + params.mlp_dense + params.norms;
  for (int stage = 0; stage < p.pp; ++stage) {
    double held = p.stage_layers(stage) * per_layer;
    if (stage == 0) held += params.embedding;
    if (stage == p.pp - 1) held += static_cast<double>(m.vocab) * m.hidden + params.final_norm;
    c.stage_params.push_back(held / p.tp);
  }
  // Megatron-LM reduces bf16 gradients in fp32 (it turns on accumulate_allreduce_grads_in_fp32
  // for bf16); fp16 gradients are reduced as they are. Parameters are gathered in 16 bits.
  c.grad_bytes_per_param = s.training.precision == models::Precision::fp16 ? 2 : 4;
  c.param_bytes_per_param = 2;
  // Adam with fp32 master weights: read param, grad, m, v (16 B), write param, m, v (12 B)
  // and the 16-bit copy (2 B).
  constexpr double kAdamBytesPerParam = 30;
  c.optimizer_s_per_param = kAdamBytesPerParam / (dev.mem_bw_bytes_per_s * dev.hbm_efficiency);
  return c;
}

}  // namespace dtsim::training
