// Raw event throughput of the discrete-event engine. Issue 4's target: at least 10 million
// events/s on one core for a simple chain (items_per_second below).
#include <benchmark/benchmark.h>

#include <cstdint>

#include "dtsim/sim/engine/engine.hpp"

namespace {

using dtsim::engine::Engine;

// Each event schedules the next one 1 ps later: the queue never holds more than one event.
struct Chain {
  Engine* engine;
  std::int64_t left;
  void step(std::uint64_t) {
    if (--left > 0) engine->call_in<&Chain::step>(1, this);
  }
};

void BM_EngineChain(benchmark::State& state) {
  const std::int64_t events = state.range(0);
  for (auto _ : state) {
    Engine e;
    Chain c{&e, events};
    e.call_at<&Chain::step>(0, &c);
    e.run();
    benchmark::DoNotOptimize(e.now());
  }
  state.SetItemsProcessed(state.iterations() * events);
}
BENCHMARK(BM_EngineChain)->Arg(1 << 20);

// The hold model: `pending` events in the queue; each, when run, schedules one more at a
// pseudo-random delay, so the heap stays at `pending` and every event pays its log2 depth.
struct Hold {
  Engine* engine;
  std::int64_t left;
  std::uint64_t state = 88172645463325252ull;  // xorshift64
  void step(std::uint64_t) {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    if (--left > 0)
      engine->call_in<&Hold::step>(static_cast<std::int64_t>(state % 1'000'000), this);
  }
};

void BM_EngineHeap(benchmark::State& state) {
  const std::int64_t pending = state.range(0);
  const std::int64_t events = 1 << 21;
  for (auto _ : state) {
    state.PauseTiming();
    Engine e;
    Hold h{&e, events};
    for (std::int64_t i = 0; i < pending; ++i) e.call_at<&Hold::step>(i % 1'000'000, &h);
    state.ResumeTiming();
    e.run();
    benchmark::DoNotOptimize(e.now());
  }
  state.SetItemsProcessed(state.iterations() * (events + pending - 1));
}
BENCHMARK(BM_EngineHeap)->Arg(1'000)->Arg(100'000)->Arg(1'000'000);

}  // namespace
