// The explanation's FLOPs: what the step computes (models/flops.hpp, Megatron-LM's count) and how
// long the accelerators would take at their peak and at the GEMM rate the compute model runs at.
#include <fmt/format.h>

#include <cmath>

#include "dtsim/models/flops.hpp"
#include "dtsim/sim/training/device_compute.hpp"
#include "explain_parts.hpp"

namespace dtsim::study::detail {
namespace {

// One decoder layer's forward FLOPs per token, split into the weight matmuls (2 per weight) and
// the attention matmuls over the sequence (QK^T and AV: 2 s q_width + 2 s heads v_head_dim).
ExplainItem layer_item(const models::ModelSpec& m, int seq_len, bool moe) {
  const double layer = models::layer_forward_flops_per_token(m, seq_len, moe);
  const double attention = models::attention_core_forward_flops_per_token(m, seq_len);
  const double weights = (layer - attention) / 2;
  const double s = seq_len, q = static_cast<double>(m.q_width());
  const double v = static_cast<double>(m.heads) * static_cast<double>(m.v_head_dim());
  std::string formula = "2 x W + 2 x s x (heads x d_qk + heads x d_v)";
  std::string values = fmt::format("2 x {} + 2 x {} x ({} + {})", si(weights), seq_len, q, v);
  if (!m.mla && std::fabs(2 * s * (q + v) - attention) <= 1e-9 * attention) {
    formula = "2 x W + 4 x s x heads x head_dim";
    values = fmt::format("2 x {} + 4 x {} x {} x {}", si(weights), seq_len, m.heads, m.head_dim);
  }
  return item(moe ? "flops.moe_layer_forward_per_token" : "flops.layer_forward_per_token",
              std::string(moe ? "MoE" : "decoder") + " layer, forward, per token (W: its weights" +
                  (moe ? " a token uses)" : ")"),
              formula, values, layer, "FLOP");
}

// Model FLOPs: per token through a layer and the logits, then the step (models/flops.hpp).
void model_items(const config::Scenario& s, const training::StepResult& r, std::vector<ExplainItem>& items) {
  const auto& m = s.model;
  const auto& t = s.training;
  const int moe_layers = m.moe_layers(), dense_layers = m.layers - moe_layers;
  const double dense = models::layer_forward_flops_per_token(m, t.seq_len, false);
  const double moe = moe_layers ? models::layer_forward_flops_per_token(m, t.seq_len, true) : 0;
  const double logits = models::logits_forward_flops_per_token(m);
  if (dense_layers) items.push_back(layer_item(m, t.seq_len, false));
  if (moe_layers) items.push_back(layer_item(m, t.seq_len, true));
  items.push_back(item("flops.logits_forward_per_token", "output layer (logits), forward, per token", "2 x h x V",
                       fmt::format("2 x {} x {}", m.hidden, m.vocab), logits, "FLOP"));
  const std::string layers_term = moe_layers == 0 ? fmt::format("{} x {}", m.layers, si(dense))
                                  : dense_layers == 0 ? fmt::format("{} x {}", m.layers, si(moe))
                                  : fmt::format("{} x {} + {} x {}", dense_layers, si(dense), moe_layers, si(moe));
  if (t.finetune.method == models::FinetuneMethod::full)
    items.push_back(item("flops.model_per_step", "model FLOPs per step (backward = 2 x forward)",
                         "3 x (l x F_layer + F_logits) x B x s",
                         fmt::format("3 x ({} + {}) x {} x {}", layers_term, si(logits), t.global_batch, t.seq_len),
                         r.model_flops, "FLOP"));
  else
    items.push_back(item("flops.model_per_step", "model FLOPs per step (fine-tuning: no frozen weight gradients)",
                         "(forward + input gradients + adapter weight gradients) x B x s",
                         fmt::format("a full step would be 3 x ({} + {}) x {}", layers_term, si(logits),
                                     si(t.tokens_per_step())),
                         r.model_flops, "FLOP"));
  const double active = models::count_params(m).active_per_token;
  items.push_back(item("flops.six_nd", "for reference: 6 N D with N the parameters a token uses", "6 x N x B x s",
                       fmt::format("6 x {} x {}", si(active), si(t.tokens_per_step())),
                       6 * active * t.tokens_per_step(), "FLOP"));
}

// Hardware FLOPs: the model's plus what recompute runs again, and their share per accelerator.
void hardware_items(const config::Scenario& s, const training::StepResult& r, std::vector<ExplainItem>& items) {
  const auto rc = s.plan.recompute;
  const double attention = models::attention_core_forward_flops_per_token(s.model, s.training.seq_len);
  const std::string redo = rc == models::Recompute::selective ? "+ l x F_attention x B x s (selective: attention again)"
                           : rc == models::Recompute::full    ? "+ (l x F_layer) x B x s (full: every layer's forward again)"
                                                              : "(no recompute)";
  const std::string redo_values =
      rc == models::Recompute::selective ? fmt::format("+ {} x {} x {}", s.model.layers, si(attention),
                                                       si(s.training.tokens_per_step()))
      : rc == models::Recompute::full    ? "+ " + si(r.hardware_flops - r.model_flops)
                                         : "";
  items.push_back(item("flops.hardware_per_step", "hardware FLOPs per step (with recompute)", "model " + redo,
                       fmt::format("{} {}", si(r.model_flops), redo_values), r.hardware_flops, "FLOP"));
  items.push_back(item("flops.hardware_per_accelerator", "hardware FLOPs per accelerator (mean)", "hardware / N",
                       fmt::format("{} / {}", si(r.hardware_flops), s.cluster.accelerators),
                       r.hardware_flops / s.cluster.accelerators, "FLOP"));
}

// The ideal compute time at the dense peak and at the GEMM rate the compute model starts from
// (models/compute.hpp: MAMF fraction x sustained share, before tile and wave quantization).
void time_items(const config::Scenario& s, const training::StepResult& r, std::vector<ExplainItem>& items) {
  const double per_accelerator = r.hardware_flops / s.cluster.accelerators;
  items.push_back(item("flops.peak",
                       "dense peak of one " + s.cluster.device.name + ", " + models::to_string(s.training.precision),
                       "", "", r.peak_flops_per_s, "FLOP/s"));
  items.push_back(item("flops.ideal_at_peak", "ideal compute time at peak", "hardware per accelerator / peak",
                       fmt::format("{} / {}", si(per_accelerator), si(r.peak_flops_per_s)),
                       per_accelerator / r.peak_flops_per_s, "s"));
  const auto device = training::device_compute(s.cluster.device);
  const double mamf = s.training.precision == models::Precision::fp8 && device.fp8_gemm_efficiency
                          ? *device.fp8_gemm_efficiency : device.gemm_efficiency;
  const double rate = r.peak_flops_per_s * mamf * device.sustained_share;
  items.push_back(item("flops.gemm_rate", "GEMM rate the compute model runs at (before tile and wave quantization)",
                       "peak x best-case GEMM fraction (MAMF) x share sustained in training",
                       fmt::format("{} x {:.3f} x {:.2f}", si(r.peak_flops_per_s), mamf, device.sustained_share), rate,
                       "FLOP/s"));
  const double ideal = per_accelerator / rate;
  items.push_back(item("flops.ideal_at_gemm_rate", "ideal compute time at that rate", "hardware per accelerator / rate",
                       fmt::format("{} / {}", si(per_accelerator), si(rate)), ideal, "s"));
  const double simulated = r.breakdown.compute_s + r.breakdown.recompute_s;
  items.push_back(item("flops.simulated_compute", "simulated compute + recompute (mean over ranks)",
                       "sum of every kernel's roofline time",
                       fmt::format("{:+.1f} % against the ideal", 100 * (simulated / ideal - 1)), simulated, "s"));
}

}  // namespace

ExplainSection flops_section(const config::Scenario& s, const training::StepResult& r) {
  ExplainSection sec{"flops", "FLOPs per step", "", {}};
  model_items(s, r, sec.items);
  hardware_items(s, r, sec.items);
  time_items(s, r, sec.items);
  // Below the ideal when causal attention dominates: the FLOP count (Megatron's, for MFU) has the
  // whole score matrix, FlashAttention's kernels skip its masked half.
  const bool below = r.breakdown.compute_s + r.breakdown.recompute_s < sec.find("flops.ideal_at_gemm_rate")->value;
  sec.summary = fmt::format(
      "The step does {} of model work ({} with recompute), {} per accelerator: {} at the dense peak, {} at the "
      "GEMM rate; the simulated compute takes {}, {}.",
      quantity(r.model_flops, "FLOP"), quantity(r.hardware_flops, "FLOP"),
      quantity(r.hardware_flops / s.cluster.accelerators, "FLOP"), sec.find("flops.ideal_at_peak")->result,
      sec.find("flops.ideal_at_gemm_rate")->result, sec.find("flops.simulated_compute")->result,
      below ? "less, because causal attention kernels skip the masked half of the scores that the FLOP count includes"
            : "the rest being tile and wave quantization, attention kernels, memory-bound element-wise kernels and "
              "launch gaps");
  return sec;
}

}  // namespace dtsim::study::detail
