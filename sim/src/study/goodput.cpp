// Goodput: checkpoints, interruptions and restarts (Daly 2006; equations in economics.hpp).
#include <fmt/format.h>

#include <cmath>

#include "dtsim/models/finetune.hpp"
#include "dtsim/models/memory.hpp"
#include "dtsim/models/transformer.hpp"
#include "economics_parts.hpp"

namespace dtsim::study {

double job_mtbf_s(double failures_per_accelerator_day, int accelerators) {
  return 86400 / (failures_per_accelerator_day * accelerators);
}

double young_daly_interval_s(double write_s, double mtbf_s) {
  if (write_s >= mtbf_s / 2) return mtbf_s;
  return std::sqrt(2 * write_s * mtbf_s) - write_s;
}

double expected_wall_time_s(double ideal_s, double interval_s, double write_s, double restart_s,
                            double mtbf_s) {
  const double segment_s =
      mtbf_s * std::exp(restart_s / mtbf_s) * std::expm1((interval_s + write_s) / mtbf_s);
  return segment_s * ideal_s / interval_s;
}

namespace {

// One copy of the weights and the Adam state: the mixed-precision layout of models/memory.hpp
// (16-bit weights; fp32 master weights and moments) without its gradients.
double checkpoint_bytes_per_param(models::Precision precision) {
  const auto state = models::state_bytes_per_param(precision, models::StateLayout::zero_paper);
  return state.weights + state.optimizer;
}

void note_checkpoint(const config::Scenario& s, const Goodput& g, double params, Assumptions& out) {
  const bool adapters = models::frozen_base(s.training.finetune);
  out.push_back(
      fmt::format("checkpoint: {:.3g} TB = {:.4g} B {}parameters x {:.0f} B (16-bit weights, fp32 "
                  "master weights and two Adam moments; models/memory.hpp){}",
                  g.checkpoint_bytes / 1e12, params / 1e9, adapters ? "trained " : "",
                  checkpoint_bytes_per_param(s.training.precision),
                  adapters ? "; the frozen base is not rewritten" : ""));
}

void note_defaults(const config::GoodputSpec& spec, const Goodput& g, Assumptions& out) {
  if (!spec.failures_per_accelerator_day)
    out.push_back(fmt::format(
        "goodput.failures_per_accelerator_day: {:.3g} [P] Llama 3 (Dubey et al. 2024, Sec. 3.3.4): "
        "419 unexpected interruptions in 54 days on 16,384 H100; job MTBF here {:.2f} h",
        g.failures_per_accelerator_day, g.mtbf_s / 3600));
  if (!spec.checkpoint_bytes_per_s)
    out.push_back(
        fmt::format("goodput.checkpoint_bandwidth: {:.0f} GB/s = {:.0f} MB/s per accelerator [D] "
                    "from Llama 3's 2 TB/s sustained Tectonic writes for 16,384 GPUs (Sec. 3.3.1), "
                    "scaled with the accelerators [E]",
                    g.checkpoint_bytes_per_s / 1e9, kCheckpointBytesPerSPerAccelerator / 1e6));
  if (!spec.checkpoint_interval_s)
    out.push_back(
        fmt::format("goodput.checkpoint_interval: {:.0f} s, the optimum sqrt(2 delta M) - delta "
                    "(Young 1974, Daly 2006) for a {:.1f} s write and a {:.2f} h MTBF",
                    g.checkpoint_interval_s, g.checkpoint_write_s, g.mtbf_s / 3600));
  if (!spec.restart_s)
    out.push_back(
        fmt::format("goodput.restart: {:.0f} min [E] detect (up to PyTorch's 10 min NCCL timeout "
                    "for a hang), reschedule, start, reload; purpose-built recovery reaches 150 s "
                    "at 4,800 accelerators (arXiv 2509.03047)",
                    kRestartS / 60));
}

}  // namespace

Goodput goodput_of(const config::Scenario& s, double ideal_s, Assumptions& assumptions) {
  const auto& spec = s.goodput;
  Goodput g;
  if (!spec.enabled) return g;
  g.enabled = true;
  const int n = s.cluster.accelerators;
  g.failures_per_accelerator_day =
      spec.failures_per_accelerator_day.value_or(kLlama3FailuresPerAcceleratorDay);
  g.mtbf_s = job_mtbf_s(g.failures_per_accelerator_day, n);
  const auto& finetune = s.training.finetune;
  const double params = models::frozen_base(finetune) ? models::trained_params(s.model, finetune)
                                                      : models::count_params(s.model).total;
  g.checkpoint_bytes = params * checkpoint_bytes_per_param(s.training.precision);
  g.checkpoint_bytes_per_s =
      spec.checkpoint_bytes_per_s.value_or(kCheckpointBytesPerSPerAccelerator * n);
  g.checkpoint_write_s = g.checkpoint_bytes / g.checkpoint_bytes_per_s;
  g.checkpoint_interval_s =
      spec.checkpoint_interval_s.value_or(young_daly_interval_s(g.checkpoint_write_s, g.mtbf_s));
  g.restart_s = spec.restart_s.value_or(kRestartS);

  const double wall_s = expected_wall_time_s(ideal_s, g.checkpoint_interval_s, g.checkpoint_write_s,
                                             g.restart_s, g.mtbf_s);
  g.interruptions = wall_s / g.mtbf_s;
  g.checkpointing_s = ideal_s * g.checkpoint_write_s / g.checkpoint_interval_s;
  g.lost_s = wall_s - ideal_s - g.checkpointing_s;
  g.fraction = ideal_s / wall_s;
  note_checkpoint(s, g, params, assumptions);
  note_defaults(spec, g, assumptions);
  return g;
}

}  // namespace dtsim::study
