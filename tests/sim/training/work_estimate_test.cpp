// The work estimate against tasks counted by hand, and the budget's refusal.
#include "dtsim/sim/training/work_estimate.hpp"

#include <catch2/catch.hpp>

#include "dtsim/sim/config/error.hpp"
#include "dtsim/sim/config/loader.hpp"
#include "dtsim/sim/training/step_builder.hpp"
#include "temp_file.hpp"

using namespace dtsim;
using namespace dtsim::training;

namespace {

// 4 layers on 8 H100 (one DGX node): TP2 PP2 DP2, 4 micro-batches of 1 sequence, ZeRO 0.
config::Scenario scenario(const std::vector<std::string>& overrides = {}) {
  const char* yaml =
      "model: {name: tiny, layers: 4, hidden: 256, heads: 4, vocab: 1000, seq_len: 128}\n"
      "training: {global_batch: 8, seq_len: 128}\n"
      "parallelism: {tp: 2, pp: 2, dp: 2, micro_batch: 1}\n"
      "cluster: {system: dgx-h100, nodes: 1}\n";
  return config::load_scenario(test::write_temp("work_estimate_test.yaml", yaml), overrides);
}

// Every layer: forward compute, a blocking TP all-reduce, compute (3 tasks); backward compute,
// an async TP all-reduce, compute, the join (3 tasks: a join adds none). No parameters (no
// gradient buckets), no embedding or output-layer work.
StepInputs hand_made(const config::Scenario& s) {
  StepInputs in = step_inputs(s);
  const Step compute{Step::Kind::compute, Category::compute, 1e-3};
  Step all_reduce{Step::Kind::comm, Category::compute, 0, Exchange::tp_all_reduce, 1e6};
  Step async_all_reduce = all_reduce;
  async_all_reduce.async = true;
  async_all_reduce.handle = 0;
  const Step join{Step::Kind::join, Category::compute, 0, Exchange::tp_all_reduce, 0, false, 0};
  for (auto& layer : in.layers) {
    layer = BlockProgram{};
    layer.forward = {compute, all_reduce, compute};
    layer.backward = {compute, async_all_reduce, compute, join};
  }
  in.embedding = BlockProgram{};
  in.head = BlockProgram{};
  return in;
}

}  // namespace

TEST_CASE("the work estimate counts the step builder's tasks", "[work]") {
  // Per stage (2 layers) and micro-batch: 2 x (3 + 3) layer tasks + 1 pipeline transfer
  // (activations on from stage 0, gradients back from stage 1) = 13; 4 micro-batches: 52.
  // Per stage and step: the optimizer, the closing task and the tied-embedding all-reduce
  // between the first and last stage (GPT-style inline models tie them) = 3. Folded: one rank
  // per stage, 2 x (52 + 3) = 110 tasks; communication ops per micro-batch and stage: 2 layers
  // x 2 all-reduces + 1 transfer = 5, so 2 x 4 x 5 = 40.
  const auto s = scenario();
  const auto in = hand_made(s);
  const StepWork w = estimate_step_work(s, in);
  CHECK(w.micro_batches == 4);
  CHECK(w.simulated_ranks == 2);
  CHECK(w.tasks == 110);
  CHECK(w.comm_ops == 40);
  CHECK(build_step(s, in).tasks().size() == 110);

  // Unfolded: all tp x dp = 4 ranks of each stage run the same program: 4 x 110 = 440.
  const auto unfolded = scenario({"simulation.fold=false"});
  const auto in_unfolded = hand_made(unfolded);
  const StepWork u = estimate_step_work(unfolded, in_unfolded);
  CHECK(u.simulated_ranks == 8);
  CHECK(u.tasks == 440);
  CHECK(build_step(unfolded, in_unfolded).tasks().size() == 440);
}

TEST_CASE("a step past simulation.max_memory is refused with its estimate", "[work]") {
  // 110 tasks at about 410 bytes each and one H100 node's graph are well over 1 KiB.
  const auto s = scenario({"simulation.max_memory=1 KiB"});
  try {
    build_step(s, hand_made(s));
    FAIL("expected a refusal");
  } catch (const config::ConfigError& e) {
    CHECK(e.key_path() == "simulation.max_memory");
    CHECK_THAT(e.message(), Catch::Contains("within 1 KiB") &&
                                Catch::Contains("4 micro-batches x 2 simulated ranks: 110 tasks"));
  }
}

TEST_CASE("the default budget is half of the memory available", "[work]") {
  config::Execution x;
  // MemAvailable moves between the two reads as other processes allocate (CI saw 0.8 MB of
  // 24 GiB), so the check allows 5 %: enough for a busy machine, far short of a wrong factor.
  CHECK(memory_budget_bytes(x) == Approx(0.5 * available_memory_bytes()).epsilon(0.05));
  x.max_memory_bytes = 4.0 * (1 << 30);
  CHECK(memory_budget_bytes(x) == 4.0 * (1 << 30));
  CHECK(available_memory_bytes() > 0);
}

TEST_CASE("memory_text picks binary units", "[work]") {
  CHECK(memory_text(512) == "512 B");
  CHECK(memory_text(1.5 * (1 << 30)) == "1.5 GiB");  // 1.5 x 2^30 bytes
}
