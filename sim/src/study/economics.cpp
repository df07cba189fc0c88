// Placeholder until the economics model lands (issue 7): the ideal time-to-train only.
#include "dtsim/sim/study/economics.hpp"

namespace dtsim::study {

Economics economics(const config::Scenario& s, const training::StepResult& r) {
  Economics e;
  if (s.training.tokens <= 0 || r.tokens_per_s <= 0) return e;
  e.time_to_train_s = e.effective_time_to_train_s = s.training.tokens / r.tokens_per_s;
  e.accelerator_hours = e.effective_time_to_train_s / 3600 * s.cluster.accelerators;
  return e;
}

}  // namespace dtsim::study
