#include "framework_defaults.hpp"

#include <fmt/format.h>

namespace dtsim::config {

std::vector<FrameworkDefault> framework_defaults(const RunSoftware& software, int tp, bool tpu) {
  const int date = software.date;
  const bool dated = date > 0;
  const bool megatron = software.framework == Framework::megatron_lm;
  std::vector<FrameworkDefault> out;
  if (!tpu && dated && date < 202301)
    out.push_back({"training.flash_attention", false, "attention unfused (FlashAttention: 2023)"});
  if (dated && date < 202205)
    out.push_back({"parallelism.sequence_parallel", false, "no sequence parallelism (2022-05)"});
  const bool sync_grads = megatron && dated && date < 202308;
  out.push_back({"parallelism.overlap_grad_reduce", !sync_grads,
                 sync_grads ? "gradients reduced after the backward (--overlap-grad-reduce: 2023-08)"
                            : "gradient reduction overlapped"});
  const bool sync_params = megatron && dated && date < 202311;
  out.push_back({"parallelism.overlap_param_gather", !sync_params,
                 sync_params ? "parameters gathered after the optimizer (--overlap-param-gather: 2023-11)"
                             : "parameter gathers overlapped"});
  if (tp > 1) {
    switch (software.framework) {
      case Framework::nemo:
        out.push_back({"parallelism.tp_comm_overlap", true, "TP communication overlapped (NeMo's recipes)"});
        break;
      case Framework::maxtext:
        out.push_back({"parallelism.tp_comm_overlap", true, "TP communication overlapped (XLA async collectives)"});
        break;
      default:
        out.push_back({"parallelism.tp_comm_overlap", false, "TP communication not overlapped (an opt-in flag)"});
    }
  }
  return out;
}

std::string software_note(const RunSoftware& software) {
  const std::string when =
      software.date > 0 ? fmt::format("{}-{:02}", software.date / 100, software.date % 100) : "undated";
  return fmt::format("{} run ({})", to_string(software.framework), when);
}

}  // namespace dtsim::config
