// Speed of the plan search's screen: every candidate plan of scenarios/quickstart.yaml (GPT-3
// 175B on 1,024 H100) checked for divisibility and memory and, if it fits, estimated in closed
// form, with no replay (search.confirm = 0). The target is at least 1,000 candidate
// plans screened per second on the development machine; the counter reports the rate.
#include <benchmark/benchmark.h>

#include "dtsim/sim/config/loader.hpp"
#include "dtsim/sim/study/search.hpp"

namespace {

void BM_ScreenQuickstartPlans(benchmark::State& state) {
  auto s = dtsim::config::load_scenario(std::string(DTSIM_SOURCE_DIR) + "/scenarios/quickstart.yaml");
  s.search.confirm = 0;
  for (auto _ : state) {
    const auto r = dtsim::study::search(s);
    state.counters["candidates"] = static_cast<double>(r.candidates);
    state.counters["candidates_per_s"] =
        benchmark::Counter(static_cast<double>(r.candidates), benchmark::Counter::kIsRate);
  }
}
BENCHMARK(BM_ScreenQuickstartPlans)->Unit(benchmark::kSecond)->UseRealTime()->Iterations(1);

}  // namespace
