// Cluster graphs against hand counts from published reference designs (shared/data/hardware.md
// sections 4-5), and the routes traffic takes through them.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdint>
#include <map>
#include <set>

#include "dtsim/sim/config/loader.hpp"
#include "dtsim/topology/build.hpp"
#include "dtsim/topology/metrics.hpp"

using namespace dtsim;
using namespace dtsim::topology;

namespace {

const Catalog& catalog() {
  static const Catalog c = config::builtin_catalog();
  return c;
}

Cluster build(const std::string& system, int nodes, FabricSpec fabric) {
  return build_cluster(catalog(), *catalog().find_system(system), {nodes, {}, 1}, fabric);
}

Cluster build(const std::string& system, int nodes) {
  return build(system, nodes, catalog().find_system(system)->fabric);
}

// Physical cables between vertices of kinds a and b.
int cables(const Cluster& c, VertexKind a, VertexKind b) {
  int n = 0;
  for (LinkId id = 0; id < c.link_count(); id += 2) {
    const auto& l = c.link(id);
    const auto ka = c.vertex(l.src).kind, kb = c.vertex(l.dst).kind;
    if ((ka == a && kb == b) || (ka == b && kb == a)) n += l.cables;
  }
  return n;
}

int count(const Cluster& c, VertexKind k) { return c.count(k); }

// A TPU-like system with a 3D torus of 4x4x4 optically joined cubes (TPU v4, hardware.md 4).
SystemSpec torus_system() {
  SystemSpec s;
  s.id = "torus-test";
  s.device = "h100-sxm";  // any device: only the ICI structure matters here
  s.accelerators_per_node = 4;
  s.scale_up.kind = ScaleUpKind::torus;
  s.scale_up.link = "nvlink4";  // 25 GB/s per link per direction stands in for ICI
  s.scale_up.links_per_accelerator = 6;
  s.scale_up.torus_dims = 3;
  s.scale_up.cube = 4;
  s.scale_up.max_shape = {16, 16, 16};
  return s;
}

}  // namespace

TEST_CASE("a DGX H100 SuperPOD scalable unit matches NVIDIA's reference design", "[topology]") {
  // DGX SuperPOD H100 RA, compute fabric table: 1 SU = 32 slots (31 DGX + UFM), 8 leaf and 4
  // spine QM9700 (64 ports), one leaf per rail; each leaf 32 down and 32 up, 8 cables to each
  // spine. We fill all 32 slots with DGX nodes: 256 node-leaf and 256 leaf-spine cables.
  const auto c = build("dgx-h100", 32);
  CHECK(c.accelerators() == 256);
  CHECK(count(c, VertexKind::leaf) == 8);
  CHECK(count(c, VertexKind::spine) == 4);
  CHECK(count(c, VertexKind::core) == 0);
  CHECK(cables(c, VertexKind::nic, VertexKind::leaf) == 256);
  CHECK(cables(c, VertexKind::leaf, VertexKind::spine) == 256);
  // Each accelerator: 18 NVLink4 links into its node's NVSwitch complex of 4 chips.
  CHECK(cables(c, VertexKind::accelerator, VertexKind::nvswitch) == 256 * 18);
  CHECK(summarize(c).nvswitch_chips == 32 * 4);
}

TEST_CASE("four scalable units: 32 leaves, 16 spines, 1024 + 1024 cables", "[topology]") {
  // Same RA table, 4 SU: 32 leaf, 16 spine, leaf-spine cables 1024 (node-leaf 1020 there,
  // with 127 DGX and UFM ports; 128 DGX here).
  const auto c = build("dgx-h100", 128);
  CHECK(count(c, VertexKind::leaf) == 32);
  CHECK(count(c, VertexKind::spine) == 16);
  CHECK(cables(c, VertexKind::nic, VertexKind::leaf) == 1024);
  CHECK(cables(c, VertexKind::leaf, VertexKind::spine) == 1024);
}

TEST_CASE("beyond one pod the fabric grows a core tier like the B200 SuperPOD", "[topology]") {
  // DGX SuperPOD B200 RA, 16 SU = 512 nodes / 4096 GPUs: 128 leaf, 128 spine, 64 core, 1:1.
  const auto c = build("dgx-h100", 512);
  CHECK(count(c, VertexKind::leaf) == 128);
  CHECK(count(c, VertexKind::spine) == 128);
  CHECK(count(c, VertexKind::core) == 64);
  // Non-blocking: half the GPUs can send to the other half at full NIC rate, 2048 x 50 GB/s.
  CHECK(bisection_bandwidth(c) == Approx(2048 * 50e9).epsilon(1e-9));
}

TEST_CASE("a 4x4x4 torus: 64 chips, 6 links each, bisection of 2 x 16 links", "[topology][torus]") {
  const auto c = build_cluster(catalog(), torus_system(), {0, {4, 4, 4}, 1}, {});
  CHECK(c.accelerators() == 64);
  const auto s = summarize(c);
  // Every chip: 6 ICI ports of 25 GB/s; ring wraparounds go through the OCS (48: 3 dims x 16
  // face positions, as the TPU v4 pod has).
  CHECK(s.scale_up_injection_bytes_per_s == Approx(6 * 25e9));
  CHECK(s.optical_switches == 48);
  // Cutting the cube in half along z crosses 16 links in the middle and 16 wraparounds.
  CHECK(s.bisection_bytes_per_s == Approx(2 * 16 * 25e9));
  // Dimension-order routing: at most 2 hops per dimension of 4 with wraparound.
  CHECK(s.diameter_hops == 6);
}

TEST_CASE("torus routes go dimension by dimension, the short way round", "[topology][torus]") {
  const auto c = build_cluster(catalog(), torus_system(), {0, {8, 8, 8}, 1}, {});
  auto at = [](int x, int y, int z) { return x + 8 * (y + 8 * z); };
  // From (0,0,0) to (7,0,0): one hop backwards over the wraparound.
  CHECK(c.route(at(0, 0, 0), at(7, 0, 0)).size() == 1);
  // To (3,5,4): 3 in x, 3 in y (5 is 3 back), 4 in z: 10 links, x first.
  const auto path = c.route_vertices(at(0, 0, 0), at(3, 5, 4));
  CHECK(path.size() == 11);
  CHECK(path[3] == c.layout().accelerators[at(3, 0, 0)].vertex);
  // A 8x8x8 slice: bisection 2 x 64 links.
  CHECK(bisection_bandwidth(c) == Approx(2 * 64 * 25e9));
}

TEST_CASE("an H800 node gives each GPU 200 GB/s of NVLink per direction, an H100 450", "[topology]") {
  // hardware.md 3-4: H100 18 x 25 GB/s; H800 8 x 25 GB/s (DeepSeek: 400 GB/s bidirectional).
  CHECK(summarize(build("hgx-h800", 1)).scale_up_injection_bytes_per_s == Approx(200e9));
  CHECK(summarize(build("dgx-h100", 1)).scale_up_injection_bytes_per_s == Approx(450e9));
}

TEST_CASE("routes inside and between DGX nodes", "[topology][routing]") {
  const auto c = build("dgx-h100", 64);
  // Same node: GPU -> NVSwitch -> GPU.
  CHECK(c.route(0, 5).size() == 2);
  // Same rail (GPU 3 of nodes 0 and 1, same scalable unit): GPU -> NIC -> leaf -> NIC -> GPU.
  CHECK(c.route(3, 8 + 3).size() == 4);
  // Another rail: over NVLink to local GPU 4 first (PXN), then rail 4 without a spine.
  const auto pxn = c.route_vertices(3, 8 + 4);
  CHECK(pxn.size() == 7);
  CHECK(pxn[2] == c.layout().accelerators[4].vertex);
  // Another scalable unit, same rail: also through a spine (2 tiers up to 8 units).
  CHECK(c.route(3, 32 * 8 + 3).size() == 6);
  // Every route is a connected chain of links from a to b.
  const auto r = c.route(3, 40 * 8 + 6);
  CHECK(c.link(r.front()).src == c.layout().accelerators[3].vertex);
  CHECK(c.link(r.back()).dst == c.layout().accelerators[40 * 8 + 6].vertex);
  for (std::size_t i = 0; i + 1 < r.size(); ++i) CHECK(c.link(r[i]).dst == c.link(r[i + 1]).src);
}

TEST_CASE("ECMP is deterministic and spreads flows over the spines", "[topology][routing]") {
  // Two scalable units (2 x 8 leaves x 32 uplinks / 64 ports = 8 spines); GPU 0 of node 0 to
  // GPU 0 of node 40 (the other unit, same rail) goes leaf -> spine -> leaf.
  const auto c = build("dgx-h100", 64);
  const int far = 8 * 40;
  CHECK(c.route(0, far, 7) == c.route(0, far, 7));
  std::map<VertexId, int> per_spine;
  for (std::uint64_t salt = 0; salt < 8000; ++salt) ++per_spine[c.route_vertices(0, far, salt)[3]];
  REQUIRE(per_spine.size() == 8);  // every spine used
  for (const auto& [spine, n] : per_spine) CHECK(n == Approx(1000).margin(150));
}

TEST_CASE("GeForce cards without peer-to-peer go through the host", "[topology][routing]") {
  // 8 GPUs under 2 PCIe switches, stock driver: no P2P, so even neighbours bounce via the host.
  SystemSpec box;
  box.id = "pcie-box";
  box.device = "h100-sxm";
  box.accelerators_per_node = 8;
  box.scale_up.kind = ScaleUpKind::pcie;
  box.scale_up.link = "pcie-gen4-x16";
  box.scale_up.pcie_link = "pcie-gen4-x16";
  box.scale_up.links_per_accelerator = 1;
  box.scale_up.switches = 2;
  box.scale_up.peer_to_peer = false;
  const auto c = build_cluster(catalog(), box, {1, {}, 1}, {});
  CHECK(c.route_vertices(0, 1).size() == 5);  // GPU, switch, host, switch, GPU
  box.scale_up.peer_to_peer = true;
  const auto p2p = build_cluster(catalog(), box, {1, {}, 1}, {});
  CHECK(p2p.route_vertices(0, 1).size() == 3);  // GPU, switch, GPU
  CHECK(p2p.route_vertices(0, 7).size() == 5);  // across switches: via the host
}

TEST_CASE("pods joined by a 1:7 oversubscribed tier (the Llama 3 cluster)", "[topology]") {
  // Llama 3 paper 3.3.1: 16 GPUs (2 servers) per ToR, pods of 3,072 GPUs at full bisection,
  // pods joined through aggregation oversubscribed 1:7. Two pods: the traffic between them
  // is limited by the pods' uplinks, 1/7 of what the GPUs can inject.
  FabricSpec f;
  f.kind = FabricKind::fat_tree;
  f.nodes_per_leaf = 2;
  f.pod_accelerators = 3072;
  f.pod_oversubscription = 7;
  const auto c = build("dgx-h100", 768, f);
  CHECK(c.accelerators() == 6144);
  CHECK(count(c, VertexKind::leaf) == 384);   // 192 ToRs per pod
  CHECK(count(c, VertexKind::spine) == 32);   // 16 per pod: one per ToR uplink
  // Each spine has ceil(192 / 7) = 28 uplinks: 16 x 28 x 50 GB/s leave a pod.
  CHECK(bisection_bandwidth(c) == Approx(16 * 28 * 50e9));
  CHECK(3072 * 50e9 / (16 * 28 * 50e9) == Approx(6.86).epsilon(0.01));
}

TEST_CASE("multi-plane fabrics keep rails apart; cross-rail traffic hops over NVLink", "[topology]") {
  // DeepSeek's multi-plane fat tree (hardware.md 5): NIC i of every node on plane i only.
  FabricSpec f = catalog().find_system("hgx-h800")->fabric;
  f.kind = FabricKind::multi_plane;
  const auto c = build("hgx-h800", 64, f);
  // Same rail: one plane, no NVLink hop.
  CHECK(c.route(2, 8 * 40 + 2).size() == 6);
  // GPU 2 to GPU 5 of another node: NVLink to local GPU 5 first, then rail 5's plane.
  const auto path = c.route_vertices(2, 8 * 40 + 5);
  CHECK(path[1] == c.layout().nodes[0].scale_up_switch);
  CHECK(path[2] == c.layout().accelerators[5].vertex);
  // Planes share no switch.
  std::set<VertexId> spines_of_rail0, spines_of_rail5;
  for (std::uint64_t salt = 0; salt < 64; ++salt) {
    spines_of_rail0.insert(c.route_vertices(0, 8 * 40, salt)[3]);
    spines_of_rail5.insert(c.route_vertices(5, 8 * 40 + 5, salt)[3]);
  }
  for (VertexId s : spines_of_rail0) CHECK(spines_of_rail5.count(s) == 0);
}

TEST_CASE("every link has a reverse with swapped ends; lookups find them", "[topology]") {
  const auto c = build("dgx-h100", 8);
  for (LinkId id = 0; id < c.link_count(); ++id) {
    const auto& l = c.link(id);
    CHECK(c.link(c.reverse(id)).src == l.dst);
    CHECK(c.find_link(l.src, l.dst) == id);
  }
  CHECK(c.find_link(c.layout().accelerators[0].vertex, c.layout().accelerators[1].vertex) == -1);
}

TEST_CASE("8,193 DGX H100 nodes: 65 pods whose spines reach windows of 33 cores",
          "[topology][scale]") {
  // Rail-optimized, 32-node units on 64-port switches (systems.yaml): ceil(8193 / 32) = 257
  // units x 8 rails = 2,056 leaves; pods of 64 / 2 = 32 leaves: ceil(2056 / 32) = 65 pods of
  // 32 spines (one per leaf uplink) = 2,080 spines; each plane's cores take 65 x 32 spine
  // uplinks: ceil(2080 / 64) = 33 cores, x 32 planes = 1,056.
  const Cluster c = build("dgx-h100", 8193);
  CHECK(count(c, VertexKind::leaf) == 2056);
  CHECK(count(c, VertexKind::spine) == 2080);
  CHECK(count(c, VertexKind::core) == 1056);
  CHECK(cables(c, VertexKind::spine, VertexKind::core) == 2080 * 32);  // every spine uplink cabled
  // From the first GPU to a GPU of every pod: pod p starts at leaf 32p, i.e. unit 4p, node
  // 128p. Across pods on one rail: GPU, NIC, leaf, spine, core, spine, leaf, NIC, GPU = 8 links.
  for (int pod = 1; pod < 65; ++pod)
    for (std::uint64_t salt = 0; salt < 4; ++salt) {
      const int node = std::min(128 * pod, 8192);
      CHECK(c.route(0, node * 8, salt).size() == 8);
    }
}

TEST_CASE("a 3-tier fabric refuses more pods than two spines can share a core for",
          "[topology][scale]") {
  // Spines with w = 32 uplinks reach windows of w of a plane's C = ceil(pods x 32 / 64) cores;
  // any two windows meet while 2w > C, i.e. pods <= (2w - 1) x 64 / w = 126 pods of 32 leaves:
  // 4,032 leaves / 8 rails = 504 units of 32 nodes = 16,128 nodes (129,024 GPUs).
  const auto& dgx = *catalog().find_system("dgx-h100");
  CHECK(check_cluster_shape(dgx, {16128, {}, 1}, dgx.fabric).empty());
  CHECK_THAT(check_cluster_shape(dgx, {16129, {}, 1}, dgx.fabric),
             Catch::Contains("joins at most 126 pods") && Catch::Contains("needs 127 pods"));
  CHECK_THAT(check_cluster_shape(dgx, {1000000, {}, 1}, dgx.fabric),
             Catch::Contains("needs 7813 pods"));
}

TEST_CASE("the cluster size estimate counts the links the builder makes", "[topology][scale]") {
  // 8,192 DGX H100 nodes (65,536 GPUs): one NVSwitch link and one PCIe link to its NIC per
  // GPU, one NIC-leaf link per NIC (65,536 each), 2,048 leaves x 32 spines of their pod, and
  // 2,048 spines x 32 cores of their plane (65,536 each): 5 x 65,536 = 327,680.
  const auto& dgx = *catalog().find_system("dgx-h100");
  const ClusterSize size = estimate_cluster_size(dgx, {8192, {}, 1}, dgx.fabric);
  CHECK(size.accelerators == 65536);
  CHECK(size.links == 5 * 65536);
  CHECK(build("dgx-h100", 8192).link_count() == 2 * 5 * 65536);  // two directions each
}

TEST_CASE("100,000 H100 (12,500 DGX nodes, docs/topology.md) build and route",
          "[topology][scale]") {
  // 391 units x 8 = 3,128 leaves in ceil(3128 / 32) = 98 pods; C = ceil(98 x 32 / 64) = 49
  // cores a plane, under 2 x 32: any two pods share a core.
  const Cluster c = build("dgx-h100", 12500);
  CHECK(c.accelerators() == 100000);
  CHECK(count(c, VertexKind::core) == 32 * 49);
  // GPU 0 hops over NVSwitch to GPU 7 on the last GPU's rail (PXN, 2 links), then 8 as above.
  CHECK(c.route(0, 99999).size() == 10);
}
