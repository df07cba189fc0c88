// Collectives on the flow network against closed forms and against published nccl-tests bus
// bandwidths (shared/data/hardware.md 6.1).
#include <catch2/catch.hpp>

#include "dtsim/sim/collective/measure.hpp"
#include "dtsim/sim/collective/network_runner.hpp"
#include "dtsim/sim/config/loader.hpp"

using namespace dtsim;
using namespace dtsim::collective;

namespace {

const topology::Catalog& catalog() {
  static const topology::Catalog c = config::builtin_catalog();
  return c;
}

struct Setup {
  config::ClusterSpec spec;
  topology::Cluster cluster;
  Planner planner;
  explicit Setup(config::ClusterRequest r)
      : spec(config::load_cluster(r, catalog())),
        cluster(topology::build_cluster(catalog(), spec.system, spec.shape(), spec.fabric)),
        planner(cluster, collective_env(spec.system, spec.device)) {}
};

CommSpec all(Op op, int n, double bytes) {
  CommSpec s{op, bytes, {}, {}};
  for (int r = 0; r < n; ++r) s.ranks.push_back(r);
  return s;
}

constexpr double GiB = 1024.0 * 1024 * 1024;
constexpr double us = 1e-6;

}  // namespace

TEST_CASE("ring all-reduce takes 2(n-1)/n S/B + 2(n-1) a on an uncontended ring", "[collective]") {
  Setup s({"dgx-h100", 1, "", 0});
  const double S = GiB, n = 8;
  // B: 18 NVLink4 links x 25 GB/s x 0.822 (catalog); a: NCCL's NVLink ring step with the Simple
  // protocol, 3.4 us, plus its base latency of 8.4 us once (hardware.md 6.5).
  const double B = 18 * 25e9 * 0.822, a = 3.4 * us, base = 8.4 * us;
  const auto m = measure(all(Op::all_reduce, 8, S), s.planner, network::Mode::flow, Algorithm::ring);
  CHECK(m.protocol == Protocol::simple);
  CHECK(m.time_s == Approx(base + 2 * (n - 1) / n * S / B + 2 * (n - 1) * a).epsilon(0.01));
  // All-gather: (n-1)/n S/B + (n-1) a.
  const auto g = measure(all(Op::all_gather, 8, S), s.planner, network::Mode::flow, Algorithm::ring);
  CHECK(g.time_s == Approx(base + (n - 1) / n * S / B + (n - 1) * a).epsilon(0.01));
  // Nothing is shared, so the analytical network gives the same time.
  const auto analytical = measure(all(Op::all_reduce, 8, S), s.planner, network::Mode::analytical, Algorithm::ring);
  CHECK(analytical.time_s == Approx(m.time_s).epsilon(1e-9));
}

TEST_CASE("two all-reduces forced through one NIC each get half of it", "[collective]") {
  // a100-opa: 8 GPUs share 4 Omni-Path NICs, so GPUs 0 and 1 of a node use the same NIC.
  Setup s({"a100-opa", 2, "", 0});
  REQUIRE(s.cluster.layout().accelerators[0].nic == s.cluster.layout().accelerators[1].nic);
  const CommSpec first{Op::all_reduce, GiB, {0, 8}, {}}, second{Op::all_reduce, GiB, {1, 9}, {}};
  const double alone = measure(first, s.planner, network::Mode::flow, Algorithm::ring).time_s;
  engine::Engine engine;
  auto net = network::make_network(network::Mode::flow, engine, link_capacities(s.cluster));
  NetworkRunner runner(engine, *net, s.planner, Algorithm::ring);
  std::vector<double> done;
  auto record = [](void* d, std::uint64_t) { static_cast<std::vector<double>*>(d)->push_back(0); };
  runner.start(first, record, &done, 0);
  runner.start(second, record, &done, 1);
  engine.run();
  const double latency = runner.last_plan().stages[0].sets[0].transfer.latency * 1e-12;
  // Bandwidth time doubles: each gets half the NIC.
  CHECK(done.size() == 2);
  CHECK(engine::to_seconds(engine.now()) - latency == Approx(2 * (alone - latency)).epsilon(0.01));
}

TEST_CASE("published all-reduce bus bandwidths at 8 GiB, within 10 %", "[collective][calibration]") {
  // hardware.md 6.1 (nccl-tests busbw, large messages). Each row: system, nodes, algorithm
  // forced or chosen, measured GB/s, source.
  struct Row {
    const char* system;
    int nodes;
    std::optional<Algorithm> algo;
    double busbw_gb_s;
    const char* source;
  };
  const Row rows[] = {
      {"dgx-a100", 1, Algorithm::ring, 234.9, "8x A100 ring, ml-engineering"},
      {"dgx-h100", 1, Algorithm::ring, 370, "8x H100 ring, nccl-tests #212"},
      {"dgx-h100", 1, std::nullopt, 480, "8x H100 NVLS (chosen), nccl-tests #212/#290"},
      {"hgx-h800", 1, std::nullopt, 215, "8x H800 NVLS (chosen), nccl #1374"},
      {"dgx-a100", 4, std::nullopt, 192, "DGX A100 multi-node, nccl #812"},
      {"dgx-h100", 4, std::nullopt, 365.8, "4 nodes H100 8x400G, nccl-tests #309"},
      {"mi300x-platform", 1, std::nullopt, 312.9, "8x MI300X, ml-engineering"},
      {"dgx-b200", 1, Algorithm::ring, 682, "8x B200 ring, ml-engineering"},
  };
  for (const auto& r : rows) {
    INFO(r.system << " x" << r.nodes << ": " << r.source);
    Setup s({r.system, r.nodes, "", 0});
    const auto m = measure(all(Op::all_reduce, s.cluster.accelerators(), 8 * GiB), s.planner,
                           network::Mode::flow, r.algo);
    CHECK(m.busbw_bytes_per_s / 1e9 == Approx(r.busbw_gb_s).epsilon(0.10));
  }
}

TEST_CASE("NCCL-like choices: NVLS in one H100 node, rings across nodes for large messages", "[collective]") {
  Setup one({"dgx-h100", 1, "", 0});
  CHECK(measure(all(Op::all_reduce, 8, 8 * GiB), one.planner, network::Mode::flow).algorithm == Algorithm::nvls);
  // NVLS only reduces: all-gather stays on rings.
  CHECK(measure(all(Op::all_gather, 8, 8 * GiB), one.planner, network::Mode::flow).algorithm == Algorithm::ring);
  Setup four({"dgx-h100", 4, "", 0});
  CHECK(measure(all(Op::all_reduce, 32, 8 * GiB), four.planner, network::Mode::flow).algorithm == Algorithm::ring);
  // Small messages are latency-bound: the tree's 2 log2(nodes) network steps beat the ring's
  // 2 x 3 = 6 of 62 (NCCL picks the tree there too).
  const auto small = measure(all(Op::all_reduce, 32, 64 * 1024), four.planner, network::Mode::flow);
  CHECK(small.algorithm == Algorithm::tree);
  CHECK(small.protocol == Protocol::ll);
}

TEST_CASE("torus all-reduce: bidirectional rings along x, y, z", "[collective][torus]") {
  // TPU v5p 4x4x4: ICI 100 GB/s per link per direction x 0.9 (catalog). Reduce-scatter along x
  // moves 3/4 of S over two directions, y 3/4 of S/4, z 3/4 of S/16; the all-gathers mirror it:
  // T = 2 x 3/4 x (S + S/4 + S/16) / 2 / B, plus 6 stages x 3 steps of the link latency.
  Setup s({"tpu-v5p", 0, "4x4x4", 0});
  const double S = GiB, B = 100e9 * 0.9;
  const double latency = s.cluster.link(s.cluster.route(0, 1)[0]).latency_s;
  const auto m = measure(all(Op::all_reduce, 64, S), s.planner, network::Mode::flow);
  CHECK(m.algorithm == Algorithm::torus);
  const double expected = 2 * 0.75 * (S + S / 4 + S / 16) / 2 / B + 6 * 3 * latency;
  CHECK(m.time_s == Approx(expected).epsilon(0.01));
}

TEST_CASE("all-to-all and send/recv", "[collective]") {
  Setup s({"dgx-h100", 1, "", 0});
  // Pairwise all-to-all: each GPU sends 7/8 of S through its NVLinks (one flow per peer).
  const double S = GiB, B = 18 * 25e9 * 0.822;
  const auto a2a = measure(all(Op::all_to_all, 8, S), s.planner, network::Mode::flow);
  CHECK(a2a.time_s == Approx(7.0 / 8 * S / B).epsilon(0.01));
  // Send/recv between two nodes: one NDR NIC, 50 GB/s x 0.94.
  Setup two({"dgx-h100", 2, "", 0});
  const auto p2p = measure(CommSpec{Op::send_recv, S, {0, 8}, {}}, two.planner, network::Mode::flow);
  CHECK(p2p.time_s == Approx(S / (50e9 * 0.94)).epsilon(0.01));
}

TEST_CASE("hierarchical all-reduce runs its three phases one after another", "[collective]") {
  Setup s({"dgx-a100", 4, "", 0});
  const double S = GiB;
  const auto h = measure(all(Op::all_reduce, 32, S), s.planner, network::Mode::flow, Algorithm::hierarchical);
  // In the node: 2 x 7/8 S over NVLink3 (12 x 25 GB/s x 0.783); across: 2 x 3/4 x S/8 over one
  // HDR NIC per GPU (25 GB/s x 0.96); latencies are a few hundred microseconds at most.
  const double nvlink = 12 * 25e9 * 0.783, nic = 25e9 * 0.96;
  const double bandwidth_time = 2 * 7.0 / 8 * S / nvlink + 2 * 0.75 * S / 8 / nic;
  CHECK(h.time_s == Approx(bandwidth_time).epsilon(0.02));
}
