// The framework and date of a run, read from its citation (config/run_software.hpp).
#include <catch2/catch.hpp>

#include "config/run_software.hpp"

using namespace dtsim::config;

TEST_CASE("a run's software is read from its citation", "[config][validation]") {
  // Citations as ../shared/data/calibration.yaml writes them; the dates are the arXiv
  // identifier's year and month, the container's yy.mm, the ISO date, the conference year.
  const auto nar = software_of("Efficient Large-Scale Language Model Training on GPU Clusters Using Megatron-LM "
                               "(Narayanan et al., SC'21, arXiv:2104.04473); Table 1");
  CHECK(nar.framework == Framework::megatron_lm);
  CHECK(nar.date == 202104);
  const auto nemo = software_of("NVIDIA NeMo Framework performance summary, NeMo 24.07 container, DGX-H100");
  CHECK(nemo.framework == Framework::nemo);
  CHECK(nemo.date == 202407);
  const auto dgxc = software_of("NVIDIA DGX Cloud Benchmarking Recipes (performance recipes), release v24.11.1; llama3.1");
  CHECK(dgxc.framework == Framework::nemo);
  CHECK(dgxc.date == 202411);
  const auto mlperf = software_of("MLPerf Training v6.0 closed division, NVIDIA submission tyche-hsg_ngpu512_ngc26.04_nemo");
  CHECK(mlperf.framework == Framework::nemo);
  CHECK(mlperf.date == 202604);
  const auto moe = software_of("NVIDIA/Megatron-LM megatron/core/transformer/moe/README.md at commit c230e0d (2024-11-21)");
  CHECK(moe.framework == Framework::megatron_lm);
  CHECK(moe.date == 202411);
  CHECK(software_of("Reducing Activation Recomputation (Korthikanti et al., MLSys'23)").date == 202301);
  const auto maxtext = software_of("AI-Hypercomputer/maxtext README 'Runtime Performance Results'; TPU v5e table");
  CHECK(maxtext.framework == Framework::maxtext);
  CHECK(maxtext.date == 0);
  const auto bloom = software_of("BLOOM-176B training (BigScience tr11-176B-ml)");
  CHECK(bloom.framework == Framework::unknown);
  CHECK(bloom.date == 0);
}
