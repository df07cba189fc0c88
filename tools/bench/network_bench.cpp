// Speed of the flow-level network: one huge transfer (a collective step over a big cluster)
// and many concurrent transfers starting and ending (re-solves per second).
#include <benchmark/benchmark.h>

#include <cstdint>
#include <memory>
#include <vector>

#include "dtsim/sim/network/network.hpp"

namespace {

using dtsim::engine::Engine;
using dtsim::network::LinkLoad;
using dtsim::network::make_network;
using dtsim::network::Mode;
using dtsim::network::Network;
using dtsim::network::Transfer;

std::uint64_t xorshift(std::uint64_t& s) {
  s ^= s << 13;
  s ^= s >> 7;
  s ^= s << 17;
  return s;
}

void count(void* completed, std::uint64_t) {
  ++*static_cast<std::int64_t*>(completed);
}

// One ring step over 131,072 GPUs as a single transfer of 131,072 member flows: each flow
// leaves its GPU's NIC (50 GB/s up link) and enters the next GPU's (down link); 120,000 of them
// also cross the fabric, three to each of 40,000 core links (400 GB/s). 302,144 links in all:
// the start costs one max-min solve over all of them, the end zeroes their loads.
void BM_NetworkOneRingStep(benchmark::State& state) {
  const int gpus = 131'072, core = 40'000;
  std::vector<double> capacity(2 * gpus, 50e9);
  capacity.resize(2 * gpus + core, 400e9);
  Transfer ring;
  ring.bytes_per_flow = 1 << 20;
  ring.latency = 2'000'000;
  for (int g = 0; g < gpus; ++g) {
    ring.links.push_back({g, 1});                      // up link of GPU g
    ring.links.push_back({gpus + (g + 1) % gpus, 1});  // down link of GPU g+1
  }
  for (int c = 0; c < core; ++c) ring.links.push_back({2 * gpus + c, 3});
  Engine e;
  auto net = make_network(static_cast<Mode>(state.range(0)), e, capacity);
  std::int64_t completed = 0;
  for (auto _ : state) {
    net->start(ring, count, &completed, 0);
    e.run();
  }
  state.counters["links"] = static_cast<double>(capacity.size());
  state.counters["member_flows"] = gpus;
  state.SetItemsProcessed(completed);
}
BENCHMARK(BM_NetworkOneRingStep)
    ->ArgName("analytical")
    ->Arg(static_cast<int>(Mode::flow))
    ->Arg(static_cast<int>(Mode::analytical))
    ->Unit(benchmark::kMillisecond);

// `concurrent` transfers in flight at all times over 4,096 links of 50 GB/s, in `pods` groups
// of links: each transfer crosses 4 links of one pod, with 1 or 2 flows on each, and when one
// completes another starts (closed loop). One pod makes one big component: every start and end
// re-solves all transfers; 64 pods keep components small, which incremental re-solving exploits.
struct ClosedLoop {
  Network* net;
  int pods;
  int links_per_pod;
  std::uint64_t rng = 88172645463325252ull;
  std::int64_t left = 0;

  void start_one() {
    Transfer t;
    const int pod = static_cast<int>(xorshift(rng) % pods);
    for (int k = 0; k < 4; ++k) {
      const auto link = pod * links_per_pod + static_cast<int>(xorshift(rng) % links_per_pod);
      t.links.push_back({link, 1 + static_cast<int>(xorshift(rng) % 2)});
    }
    t.bytes_per_flow = static_cast<double>(1 + xorshift(rng) % 1'000'000);
    t.latency = static_cast<std::int64_t>(xorshift(rng) % 1'000'000);
    net->start(t, next, this, 0);
  }
  static void next(void* self, std::uint64_t) {
    auto* c = static_cast<ClosedLoop*>(self);
    if (--c->left >= 0) c->start_one();
  }
};

void BM_NetworkConcurrent(benchmark::State& state) {
  const int concurrent = static_cast<int>(state.range(0));
  const int pods = static_cast<int>(state.range(1));
  const int links = 4096;
  const std::int64_t transfers = 5'000;
  std::uint64_t events = 0, solves = 0, solved = 0, done = 0;
  for (auto _ : state) {
    Engine e;
    auto net = make_network(Mode::flow, e, std::vector<double>(links, 50e9));
    ClosedLoop loop{net.get(), pods, links / pods};
    loop.left = transfers - concurrent;
    for (int i = 0; i < concurrent; ++i) loop.start_one();
    e.run();
    events += e.events_processed();
    solves += net->stats().solves;
    solved += net->stats().transfers_solved;
    done += net->stats().transfers_completed;
  }
  state.counters["events/s"] =
      benchmark::Counter(static_cast<double>(events), benchmark::Counter::kIsRate);
  state.counters["solves/s"] =
      benchmark::Counter(static_cast<double>(solves), benchmark::Counter::kIsRate);
  state.counters["transfers/solve"] = static_cast<double>(solved) / static_cast<double>(solves);
  state.SetItemsProcessed(static_cast<std::int64_t>(done));
}
BENCHMARK(BM_NetworkConcurrent)
    ->ArgNames({"concurrent", "pods"})
    ->Args({1000, 1})
    ->Args({1000, 64})
    ->Unit(benchmark::kMillisecond);

}  // namespace
