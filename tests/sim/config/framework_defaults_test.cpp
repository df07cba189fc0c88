// What a framework did at a date where a published run does not say (config/framework_defaults.hpp).
#include <catch2/catch.hpp>

#include <map>

#include "config/framework_defaults.hpp"

using namespace dtsim::config;

namespace {
std::map<std::string, bool> defaults(Framework f, int date, int tp, bool tpu = false) {
  std::map<std::string, bool> out;
  for (const auto& d : framework_defaults({f, date}, tp, tpu)) out[d.key] = d.value;
  return out;
}
}  // namespace

TEST_CASE("Megatron-LM of 2021 reduces gradients and gathers parameters after the pass", "[config][validation]") {
  // --overlap-grad-reduce came on 2023-08-16 and --overlap-param-gather on 2023-11-17.
  auto d = defaults(Framework::megatron_lm, 202104, 8);
  CHECK(d.at("parallelism.overlap_grad_reduce") == false);
  CHECK(d.at("parallelism.overlap_param_gather") == false);
  CHECK(d.at("parallelism.tp_comm_overlap") == false);
  CHECK(d.at("training.flash_attention") == false);
  CHECK(d.at("parallelism.sequence_parallel") == false);
  auto sept = defaults(Framework::megatron_lm, 202309, 8);
  CHECK(sept.at("parallelism.overlap_grad_reduce") == true);
  CHECK(sept.at("parallelism.overlap_param_gather") == false);
  CHECK(sept.count("training.flash_attention") == 0);
}

TEST_CASE("NeMo recipes and MaxText overlap tensor-parallel communication", "[config][validation]") {
  CHECK(defaults(Framework::nemo, 202407, 4).at("parallelism.tp_comm_overlap") == true);
  CHECK(defaults(Framework::maxtext, 0, 16, true).at("parallelism.tp_comm_overlap") == true);
  CHECK(defaults(Framework::unknown, 0, 4).at("parallelism.tp_comm_overlap") == false);
  // Without tensor parallelism there is nothing to overlap, and no default is printed.
  CHECK(defaults(Framework::nemo, 202407, 1).count("parallelism.tp_comm_overlap") == 0);
  // An undated run of any framework gets today's behaviour.
  CHECK(defaults(Framework::megatron_lm, 0, 1).at("parallelism.overlap_grad_reduce") == true);
}
