// Speed of one simulated training step at scale: Llama 3.1 405B on 16,384 H100 (TP8 PP16
// DP128, global batch 2048 x 8192), scenarios/llama3.1-405b-16k.yaml; the target is at
// most 10 s and 4 GiB on the development machine. Also the 1,024-GPU quickstart.
#include <benchmark/benchmark.h>

#include "dtsim/sim/config/loader.hpp"
#include "dtsim/sim/training/step_result.hpp"

namespace {

void run(benchmark::State& state, const char* scenario) {
  const auto s = dtsim::config::load_scenario(std::string(DTSIM_SOURCE_DIR) + "/scenarios/" + scenario);
  for (auto _ : state) {
    const auto r = dtsim::training::simulate_step(s);
    state.counters["simulated_step_s"] = r.step_time_s;
    state.counters["events"] = static_cast<double>(r.events);
    state.counters["events_per_s"] = benchmark::Counter(static_cast<double>(r.events), benchmark::Counter::kIsRate);
  }
}

void BM_StepLlama405B16K(benchmark::State& state) { run(state, "llama3.1-405b-16k.yaml"); }
BENCHMARK(BM_StepLlama405B16K)->Unit(benchmark::kSecond)->UseRealTime()->Iterations(1);

void BM_StepQuickstart1K(benchmark::State& state) { run(state, "quickstart.yaml"); }
BENCHMARK(BM_StepQuickstart1K)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(3);

}  // namespace
