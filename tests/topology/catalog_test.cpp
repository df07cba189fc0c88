// The built-in hardware catalog checked against the figures of shared/data/hardware.md (and the
// datasheets cited in topology/catalog/*.yaml): dense peaks, memory, per-accelerator scale-up
// bandwidth, and the catalog's own consistency (every entry loads, ids and aliases are unique,
// every reference resolves).
#include <catch2/catch.hpp>

#include <set>
#include <string>

#include "dtsim/sim/config/error.hpp"
#include "dtsim/sim/config/loader.hpp"

using namespace dtsim;

namespace {

const topology::Catalog& catalog() {
  static const topology::Catalog c = config::builtin_catalog();
  return c;
}

const topology::DeviceSpec& device(const std::string& id) {
  const auto* d = catalog().find_device(id);
  INFO(id);
  REQUIRE(d != nullptr);
  return *d;
}

const topology::SystemSpec& system_spec(const std::string& id) {
  const auto* s = catalog().find_system(id);
  INFO(id);
  REQUIRE(s != nullptr);
  return *s;
}

// Raw scale-up bandwidth per accelerator, per direction: links x per-link rate.
double scale_up_per_direction(const std::string& system_id) {
  const auto& s = system_spec(system_id);
  const auto* link = catalog().find_link(s.scale_up.link);
  REQUIRE(link != nullptr);
  return s.scale_up.links_per_accelerator * link->bw_bytes_per_s;
}

constexpr double TF = 1e12;
constexpr double GB = 1e9;
constexpr double MiB = 1024.0 * 1024.0;
constexpr double GiB = 1024.0 * MiB;

}  // namespace

TEST_CASE("every preset named by the calibration cases is in the catalog", "[catalog]") {
  // shared/data/README.md, "System presets named by the cases".
  for (const char* id : {"dgx-a100", "a100-opa", "dgx-h100", "meta-h100-roce", "hgx-h800", "dgx-b200",
                         "gb200-nvl72", "tpu-v4", "tpu-v5e", "tpu-v5p", "tpu-v6e"}) {
    INFO(id);
    const auto* s = catalog().find_system(id);
    REQUIRE(s != nullptr);
    CHECK(s->id == id);  // the exact id, not an alias
  }
}

TEST_CASE("every device, link and system the brief asks for loads", "[catalog]") {
  for (const char* id :
       {"a100-sxm-80gb", "a100-sxm-40gb", "a800-sxm", "h100-sxm", "h100-pcie", "h800-sxm", "h20", "h200-sxm",
        "b200", "gb200", "rtx-4090", "rtx-5090", "rtx-3090", "rtx-4080", "rtx-4060", "rtx-3070", "rtx-5080",
        "rtx-a6000", "t4", "l40s", "mi300x", "mi325x", "gaudi3", "tpu-v4", "tpu-v5e", "tpu-v5p", "tpu-v6e",
        "tpu7x"}) {
    INFO(id);
    const auto* d = catalog().find_device(id);
    REQUIRE(d != nullptr);
    CHECK(d->id == id);
  }
  for (const char* id :
       {"nvlink3", "nvlink4", "nvlink5", "nvlink3-bridge", "nvlink4-bridge", "pcie-gen3-x16", "pcie-gen4-x8",
        "pcie-gen4-x16", "pcie-gen5-x16", "ib-edr", "ib-hdr", "ib-ndr", "ib-xdr", "roce-400g", "omnipath-100g",
        "xgmi-mi300", "gaudi3-roce-200g", "ici-v4", "ici-v5e", "ici-v5p", "ici-v6e", "ici-v7", "dcn-100g",
        "dcn-200g"}) {
    INFO(id);
    CHECK(catalog().find_link(id) != nullptr);
  }
  for (const char* id :
       {"dgx-a100-40gb", "dgx-h200", "hgx-a800", "hgx-h20", "mi300x-platform", "mi325x-platform", "gaudi3-hls3",
        "tpu7x", "workstation-4090x8", "workstation-3090x2-nvlink", "workstation-a6000x4", "workstation-4090x2",
        "workstation-4090x1", "server-l40sx8"}) {
    INFO(id);
    CHECK(catalog().find_system(id) != nullptr);
  }
}

TEST_CASE("catalog ids and aliases are unique and every reference resolves", "[catalog]") {
  std::set<std::string> device_names;
  for (const auto& [id, d] : catalog().devices()) {
    INFO(id);
    CHECK(device_names.insert(d.id).second);
    for (const auto& alias : d.aliases) {
      INFO(alias);
      CHECK(device_names.insert(alias).second);
    }
    if (!d.scale_up_link.empty()) {
      CHECK(catalog().find_link(d.scale_up_link) != nullptr);
      CHECK(d.scale_up_ports > 0);
    }
    if (!d.host_link.empty()) CHECK(catalog().find_link(d.host_link) != nullptr);
    CHECK(d.gemm_efficiency > 0);
    CHECK(d.gemm_efficiency <= 1);
    CHECK(d.hbm_efficiency > 0);
    CHECK(d.hbm_efficiency <= 1);
    CHECK(d.mem_capacity_bytes > 0);
    CHECK(d.mem_bw_bytes_per_s > 0);
  }
  std::set<std::string> system_names;
  for (const auto& [id, s] : catalog().systems()) {
    INFO(id);
    CHECK(system_names.insert(s.id).second);
    for (const auto& alias : s.aliases) {
      INFO(alias);
      CHECK(system_names.insert(alias).second);
    }
    CHECK(catalog().find_device(s.device) != nullptr);
    CHECK(catalog().find_link(s.scale_up.link) != nullptr);
    CHECK(s.accelerators_per_node > 0);
    CHECK(s.scale_up.links_per_accelerator > 0);
    if (!s.scale_out.link.empty()) {
      CHECK(catalog().find_link(s.scale_out.link) != nullptr);
      CHECK(s.scale_out.nics_per_node > 0);
      CHECK_FALSE(s.scale_out.source.empty());
      CHECK_FALSE(s.fabric.source.empty());
    }
    if (!s.fabric.link.empty()) CHECK(catalog().find_link(s.fabric.link) != nullptr);
  }
  for (const auto& [id, l] : catalog().links()) {
    INFO(id);
    CHECK(l.id == id);
    CHECK(l.bw_bytes_per_s > 0);
    CHECK(l.efficiency > 0);
    CHECK(l.efficiency <= 1);
    CHECK(l.latency_s > 0);
    CHECK_FALSE(l.source.empty());
  }
}

TEST_CASE("dense peaks, never the with-sparsity headlines", "[catalog]") {
  // hardware.md 1 and "Sparsity traps": H100 SXM BF16 1979* -> 989.4, FP8 3958* -> 1978.9.
  CHECK(*device("h100-sxm").peak_flops_per_s.bf16 == Approx(989.4 * TF));
  CHECK(*device("h100-sxm").peak_flops_per_s.fp8 == Approx(1978.9 * TF));
  // H100 PCIe datasheet 1513* -> 756.
  CHECK(*device("h100-pcie").peak_flops_per_s.bf16 == Approx(756 * TF));
  // A100 BF16 624 (sparse column) -> 312; TF32 312 -> 156.
  CHECK(*device("a100-sxm-40gb").peak_flops_per_s.bf16 == Approx(312 * TF));
  CHECK(*device("a100-sxm-80gb").peak_flops_per_s.tf32 == Approx(156 * TF));
  // H200 and H800: same GH100 compute as H100 SXM (hardware.md 1).
  CHECK(*device("h200").peak_flops_per_s.bf16 == Approx(989.4 * TF));
  CHECK(*device("h800").peak_flops_per_s.bf16 == Approx(989.4 * TF));
  // H20: 148 dense BF16 (leaked spec, dense by construction; hardware.md 1).
  CHECK(*device("h20").peak_flops_per_s.bf16 == Approx(148 * TF));
  // HGX B200 BF16 4.5 PF* -> 2250, FP4 18 PF* -> 9000; GB200 NVL72 per GPU 5 PF* -> 2500.
  CHECK(*device("b200").peak_flops_per_s.bf16 == Approx(2250 * TF));
  CHECK(*device("b200").peak_flops_per_s.fp4 == Approx(9000 * TF));
  CHECK(*device("gb200").peak_flops_per_s.bf16 == Approx(2500 * TF));
  // MI300X BF16 2614.9 (sparse column) -> 1307.4; FP8 5229.8 -> 2614.9.
  CHECK(*device("mi300x").peak_flops_per_s.bf16 == Approx(1307.4 * TF));
  CHECK(*device("mi300x").peak_flops_per_s.fp8 == Approx(2614.9 * TF));
  CHECK(*device("mi325x").peak_flops_per_s.bf16 == Approx(1307.4 * TF));
  // L40S datasheet 733* -> 362.05 (the printed dense figure).
  CHECK(*device("l40s").peak_flops_per_s.bf16 == Approx(362.05 * TF));
  // GeForce: FP32-accumulate rates (hardware.md 0): RTX 4090 165.2 not 330.3, RTX 5090 209.5
  // not 419, RTX 3090 71 not 142 (GA102 whitepaper).
  CHECK(*device("4090").peak_flops_per_s.bf16 == Approx(165.2 * TF));
  CHECK(*device("5090").peak_flops_per_s.bf16 == Approx(209.5 * TF));
  CHECK(*device("3090").peak_flops_per_s.bf16 == Approx(71 * TF));
  // Gaudi 3: 1835 BF16 spec (Intel Hot Chips 2024), no sparsity.
  CHECK(*device("gaudi3").peak_flops_per_s.bf16 == Approx(1835 * TF));
  // TPUs (Cloud TPU docs): v4 275, v5e 197, v5p 459, v6e 918, TPU7x 2307 BF16; no TF32 or FP32.
  CHECK(*device("tpu-v4").peak_flops_per_s.bf16 == Approx(275 * TF));
  CHECK(*device("tpu-v5e").peak_flops_per_s.bf16 == Approx(197 * TF));
  CHECK(*device("tpu-v5p").peak_flops_per_s.bf16 == Approx(459 * TF));
  CHECK(*device("tpu-v6e").peak_flops_per_s.bf16 == Approx(918 * TF));
  CHECK(*device("tpu7x").peak_flops_per_s.bf16 == Approx(2307 * TF));
  for (const char* id : {"tpu-v4", "tpu-v5e", "tpu-v5p", "tpu-v6e", "tpu7x"}) {
    INFO(id);
    CHECK_FALSE(device(id).peak_flops_per_s.tf32.has_value());
    CHECK_FALSE(device(id).peak_flops_per_s.fp32.has_value());
  }
}

TEST_CASE("T4 (Turing) has no BF16 peak", "[catalog]") {
  // NVIDIA T4 datasheet: FP16 65 TFLOPS mixed precision; Turing has no BF16 tensor path.
  const auto& t4 = device("t4");
  CHECK_FALSE(t4.peak_flops_per_s.bf16.has_value());
  CHECK_FALSE(t4.peak_flops_per_s.tf32.has_value());
  REQUIRE(t4.peak_flops_per_s.fp16.has_value());
  CHECK(*t4.peak_flops_per_s.fp16 == Approx(65 * TF));
}

TEST_CASE("memory capacity and bandwidth", "[catalog]") {
  // nvidia-smi MiB figures (hardware.md 0): H100 81559 MiB, A100 80GB 81920 MiB.
  CHECK(device("h100").mem_capacity_bytes == Approx(81559 * MiB));
  CHECK(device("a100").mem_capacity_bytes == Approx(81920 * MiB));
  // TPU v5p: 95 GiB usable of 96 physical (Cloud TPU v5p doc).
  CHECK(device("tpu-v5p").mem_capacity_bytes == Approx(95 * GiB));
  // Bandwidths (hardware.md 2): H100 3.35 TB/s, H200 4.8, MI300X 5.3, A100 40GB 1.555, v5p 2.765.
  CHECK(device("h100").mem_bw_bytes_per_s == Approx(3.35e12));
  CHECK(device("h200").mem_bw_bytes_per_s == Approx(4.8e12));
  CHECK(device("mi300x").mem_bw_bytes_per_s == Approx(5.3e12));
  CHECK(device("a100-sxm-40gb").mem_bw_bytes_per_s == Approx(1.555e12));
  CHECK(device("tpu-v5p").mem_bw_bytes_per_s == Approx(2.765e12));
  // MI300X 192 GB, RTX 4090 24 GB (labels, GiB-sized).
  CHECK(device("mi300x").mem_capacity_bytes == Approx(192 * GiB));
  CHECK(device("4090").mem_capacity_bytes == Approx(24 * GiB));
}

TEST_CASE("scale-up bandwidth per accelerator per direction = links x per-link rate", "[catalog]") {
  // hardware.md 3: A100 12 x 25 = 300 GB/s; H100 18 x 25 = 450; H800 8 x 25 = 200 (cut);
  // B200 18 x 50 = 900; MI300X 7 x 64 = 448; TPU v5p 6 x 100 = 600; Gaudi 3 21 x 25 = 525.
  CHECK(scale_up_per_direction("dgx-a100") == Approx(300 * GB));
  CHECK(scale_up_per_direction("dgx-h100") == Approx(450 * GB));
  CHECK(scale_up_per_direction("hgx-h800") == Approx(200 * GB));
  CHECK(scale_up_per_direction("dgx-b200") == Approx(900 * GB));
  CHECK(scale_up_per_direction("gb200-nvl72") == Approx(900 * GB));
  CHECK(scale_up_per_direction("mi300x-platform") == Approx(448 * GB));
  CHECK(scale_up_per_direction("tpu-v5p") == Approx(600 * GB));
  CHECK(scale_up_per_direction("gaudi3-hls3") == Approx(525 * GB));
  // TPU v5e 4 x 50 = 200, v6e 4 x 100 = 400 (Cloud TPU docs, bidir / 2).
  CHECK(scale_up_per_direction("tpu-v5e") == Approx(200 * GB));
  CHECK(scale_up_per_direction("tpu-v6e") == Approx(400 * GB));
  // RTX 3090 NVLink bridge: 112.5 GB/s bidirectional = 56.25 per direction (GA102 whitepaper).
  CHECK(scale_up_per_direction("workstation-3090x2-nvlink") == Approx(56.25 * GB));
  // H100 PCIe bridge: 600 GB/s bidirectional = 300 per direction (H100 PCIe product brief).
  CHECK(scale_up_per_direction("server-h100-pcie-x8") == Approx(300 * GB));
}

TEST_CASE("scale-out per node and TPU DCN per chip", "[catalog]") {
  auto per_node = [](const std::string& id) {
    const auto& s = system_spec(id);
    const auto* link = catalog().find_link(s.scale_out.link);
    REQUIRE(link != nullptr);
    return s.scale_out.nics_per_node * link->bw_bytes_per_s;
  };
  // DGX H100 8 x 400 Gb/s = 400 GB/s per direction per node (hardware.md 4).
  CHECK(per_node("dgx-h100") == Approx(400 * GB));
  // DGX A100 8 x 200 Gb/s = 200 GB/s (hardware.md 4); BLOOM 4 x 100 Gb/s Omni-Path = 50 GB/s.
  CHECK(per_node("dgx-a100") == Approx(200 * GB));
  CHECK(per_node("a100-opa") == Approx(50 * GB));
  // Gaudi 3 HLS-3: 6 x 800 GbE = 600 GB/s per direction per node (Intel network config doc).
  CHECK(per_node("gaudi3-hls3") == Approx(600 * GB));
  // GB200 NVL72: one 400 Gb/s NIC per GPU.
  CHECK(per_node("gb200-nvl72") == Approx(72 * 50 * GB));
  // TPU DCN per chip (Cloud TPU docs): v5e 25 Gb/s, v5p 50 Gb/s, v6e 100 Gb/s, TPU7x 100 Gb/s.
  auto per_chip_gbit = [&](const std::string& id) {
    return per_node(id) / system_spec(id).accelerators_per_node * 8 / 1e9;
  };
  CHECK(per_chip_gbit("tpu-v5e") == Approx(25));
  CHECK(per_chip_gbit("tpu-v5p") == Approx(50));
  CHECK(per_chip_gbit("tpu-v6e") == Approx(100));
  CHECK(per_chip_gbit("tpu7x") == Approx(100));
}

TEST_CASE("system shapes", "[catalog]") {
  // TPU slices (Cloud TPU docs): v4 16x16x16 (cubes of 4), v5p 16x16x24, v5e and v6e 16x16.
  CHECK(system_spec("tpu-v4").scale_up.max_shape == std::vector<int>{16, 16, 16});
  CHECK(system_spec("tpu-v4").scale_up.cube == 4);
  CHECK(system_spec("tpu-v5p").scale_up.max_shape == std::vector<int>{16, 16, 24});
  CHECK(system_spec("tpu-v5e").scale_up.max_shape == std::vector<int>{16, 16});
  CHECK(system_spec("tpu-v6e").scale_up.torus_dims == 2);
  CHECK(system_spec("tpu-v5p").accelerators_per_node == 4);
  CHECK(system_spec("tpu-v5e").accelerators_per_node == 8);
  // GB200 NVL72: 72 GPUs, 18 NVLink switch chips, NVLink SHARP (NVIDIA GB200 NVL72 spec).
  CHECK(system_spec("gb200-nvl72").accelerators_per_node == 72);
  CHECK(system_spec("gb200-nvl72").scale_up.switches == 18);
  CHECK(system_spec("gb200-nvl72").scale_up.in_switch_reduction);
  // Meta Llama 3 cluster: 16 GPUs per ToR, 3,072-GPU pods, 1:7 above (Llama 3 paper 3.3.1).
  const auto& meta = system_spec("meta-h100-roce").fabric;
  CHECK(meta.kind == topology::FabricKind::fat_tree);
  CHECK(meta.nodes_per_leaf == 2);
  CHECK(meta.pod_accelerators == 3072);
  CHECK(meta.pod_oversubscription == Approx(7));
  // DGX H100 SuperPOD: rail-optimized, 1:1, 32-node units, 64-port leaves (hardware.md 5).
  const auto& superpod = system_spec("dgx-h100").fabric;
  CHECK(superpod.kind == topology::FabricKind::rail_fat_tree);
  CHECK(superpod.switch_radix == 64);
  CHECK(superpod.nodes_per_unit == 32);
  CHECK(superpod.oversubscription == Approx(1));
  // 8x RTX 4090 box: PCIe only, no peer-to-peer in the stock GeForce driver.
  CHECK(system_spec("workstation-4090x8").scale_up.kind == topology::ScaleUpKind::pcie);
  CHECK_FALSE(system_spec("workstation-4090x8").scale_up.peer_to_peer);
  CHECK(system_spec("workstation-4090x1").accelerators_per_node == 1);
  // MI300X: 7 xGMI links, one per peer (AMD platform data sheet).
  CHECK(system_spec("mi300x-platform").scale_up.kind == topology::ScaleUpKind::full_mesh);
  CHECK(system_spec("mi300x-platform").scale_up.links_per_accelerator == 7);
}

TEST_CASE("every system's price is a whole node, with its own source and tag", "[catalog]") {
  // topology/catalog/systems.yaml: one basis (accelerators, host, in-node network, NICs). A
  // price without its own tagged source would hide whether it is a list price or an estimate.
  for (const auto& [id, s] : catalog().systems()) {
    INFO(id);
    if (!s.node_price_usd) continue;
    CHECK(s.node_price_source.rfind("[", 0) == 0);
    CHECK(s.node_price_source != s.node_source);
  }
  // Built from published figures (each [E]): Gaudi 3's 125k USD kit excludes the host, so the
  // node is 125k + the 25k host; DGX H200 is DGX H100's 400k + 8 x (35k - 30k) card premium.
  CHECK(*system_spec("gaudi3-hls3").node_price_usd == 125000 + 25000);
  CHECK(*system_spec("dgx-h200").node_price_usd == 400000 + 8 * (35000 - 30000));
  CHECK(*system_spec("mi300x-platform").node_price_usd == 8 * 12500 + 25000);
  // No published price to build from: unknown, not a card price dressed as a node.
  CHECK_FALSE(system_spec("hgx-h800").node_price_usd.has_value());
  CHECK_FALSE(system_spec("tpu-v5p").node_price_usd.has_value());
}

TEST_CASE("a catalog device overridden by a single figure", "[catalog]") {
  const std::string path = std::string(DTSIM_SOURCE_DIR) + "/scenarios/quickstart.yaml";
  const auto& h100 = device("h100-sxm");
  const auto s = config::load_scenario(path, {"cluster.device={memory: {capacity: 96 GiB}}"});
  const auto& d = s.cluster.device;
  CHECK(d.mem_capacity_bytes == 96 * GiB);
  // Every other figure is the catalog's.
  CHECK(d.mem_bw_bytes_per_s == h100.mem_bw_bytes_per_s);
  CHECK(d.peak_flops_per_s == h100.peak_flops_per_s);
  CHECK(d.tdp_w == h100.tdp_w);
  CHECK(d.price_usd == h100.price_usd);
  CHECK(d.gemm_efficiency == h100.gemm_efficiency);
  CHECK(d.id == h100.id);
  CHECK(d.name == h100.name + " (memory.capacity changed)");
  CHECK(d.memory_source.rfind(h100.memory_source + " (changed in --set", 0) == 0);
  // A key path works as well, and a source replaces the catalog's.
  const auto bw = config::load_scenario(
      path, {"cluster.device.memory.bandwidth=4.8 TB/s", "cluster.device.memory.source=mine"});
  CHECK(bw.cluster.device.mem_bw_bytes_per_s == 4.8e12);
  CHECK(bw.cluster.device.memory_source == "mine");
  CHECK(bw.cluster.device.mem_capacity_bytes == h100.mem_capacity_bytes);
  // Bad input names the key: an unknown figure, a wrong unit, nothing to change.
  CHECK_THROWS_AS(config::load_scenario(path, {"cluster.device={memory: {capacty: 96 GiB}}"}),
                  config::ConfigError);
  CHECK_THROWS_AS(config::load_scenario(path, {"cluster.device={power: {tdp: 96 GiB}}"}),
                  config::ConfigError);
  CHECK_THROWS_AS(config::load_scenario(path, {"cluster.device={}"}), config::ConfigError);
}

TEST_CASE("Blackwell's clock under sustained power-capped load is in the catalog", "[catalog]") {
  // flashinfer-ai/flashinfer PR #2899: FlashAttention-4 on B200 falls from 1450 to 1237 TFLOP/s
  // once back-to-back kernels hold the board at ~1000 W; GB200 is [E] the same die.
  CHECK(*device("b200").power_limited_clock == Approx(1237.0 / 1450).epsilon(1e-3));
  CHECK(device("gb200").power_limited_clock == device("b200").power_limited_clock);
  // A100 and Hopper keep their MAMF rate (the common share absorbs what they lose).
  CHECK_FALSE(device("h100-sxm").power_limited_clock.has_value());
  CHECK_FALSE(device("a100").power_limited_clock.has_value());
  for (const auto& [id, d] : catalog().devices()) {
    if (!d.power_limited_clock) continue;
    INFO(id);
    CHECK(*d.power_limited_clock > 0);
    CHECK(*d.power_limited_clock <= 1);
  }
  // An override sets it; above 1 or not a number is an error at the key.
  const std::string path = std::string(DTSIM_SOURCE_DIR) + "/scenarios/quickstart.yaml";
  const auto s = config::load_scenario(path, {"cluster.device.efficiency.power_limited_clock=0.9"});
  CHECK(*s.cluster.device.power_limited_clock == 0.9);
  CHECK(s.cluster.device.gemm_efficiency == device("h100-sxm").gemm_efficiency);
  try {
    config::load_scenario(path, {"cluster.device.efficiency.power_limited_clock=1.2"});
    FAIL("a share above 1 was accepted");
  } catch (const config::ConfigError& e) {
    CHECK_THAT(e.what(), Catch::Contains("power_limited_clock"));
  }
}
