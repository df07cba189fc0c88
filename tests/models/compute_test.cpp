// The compute model against published achievable figures (../shared/data/hardware.md 6.3-6.4,
// FlashAttention-3). Device figures are written out here from the datasheet, not the catalog.
#include "dtsim/models/compute.hpp"

#include <catch2/catch.hpp>

using namespace dtsim::models;

namespace {

// H100 SXM5: 989.4 TFLOP/s dense BF16, 1978.9 FP8, 66.9 FP32; 3.35 TB/s HBM3 at 90 %
// achievable; 132 SMs; best-case GEMM 794.5 TFLOP/s (MAMF, 80.3 %).
DeviceCompute h100() {
  DeviceCompute d;
  d.name = "H100 SXM";
  d.bf16_flops_per_s = 989.4e12;
  d.fp8_flops_per_s = 1978.9e12;
  d.vector_flops_per_s = 66.9e12;
  d.gemm_efficiency = 794.5 / 989.4;
  d.hbm_bytes_per_s = 3.35e12;
  d.hbm_efficiency = 0.90;
  d.compute_units = 132;
  return d;
}

Operator gemm_op(double m, double n, double k) {
  Operator op;
  op.kind = OpKind::gemm;
  op.forward.flops = op.forward.executed_flops = 2 * m * n * k;
  op.forward.bytes = 2 * (m * k + k * n + m * n);
  op.forward.gemm = GemmShape{m, n, k, 1};
  return op;
}

}  // namespace

TEST_CASE("a bf16 8192^3 GEMM on H100 SXM runs at ~80 % of dense peak", "[models][compute]") {
  const auto e = gemm_efficiency({8192, 8192, 8192, 1}, h100());
  // 8192/256 x 8192/128 = 2048 tiles on 132 SMs: 16 waves, the last 52 % full.
  CHECK(e.tiles == 2048);
  CHECK(e.waves == 16);
  CHECK(e.wave_efficiency == Approx(2048.0 / (16 * 132)));
  CHECK(e.tile_efficiency == 1);
  // 0.803 x 0.970 = 77.9 % of 989.4 TFLOP/s: 770 TFLOP/s.
  CHECK(e.efficiency == Approx(794.5 / 989.4 * 2048 / 2112));
  CHECK(e.efficiency > 0.75);
  CHECK(e.efficiency < 0.81);
}

TEST_CASE("a 1024^3 GEMM is markedly slower: one wave of 32 tiles over 132 SMs",
          "[models][compute]") {
  const auto e = gemm_efficiency({1024, 1024, 1024, 1}, h100());
  // 1024/256 x 1024/128 = 32 tiles: a single wave in which 100 of the 132 SMs idle.
  CHECK(e.tiles == 32);
  CHECK(e.waves == 1);
  CHECK(e.wave_efficiency == Approx(32.0 / 132));
  CHECK(e.efficiency == Approx(794.5 / 989.4 * 32 / 132));
  CHECK(e.efficiency < 0.25);
}

TEST_CASE("tile quantization: a dimension just over a tile wastes the padded tile",
          "[models][compute]") {
  // n = 8192 + 1 needs 65 tiles of 128 along n, the last holding one column.
  const auto e = gemm_efficiency({8192, 8193, 8192, 1}, h100());
  CHECK(e.tile_efficiency < 1);
  CHECK(e.tile_efficiency == Approx(8192.0 * 8193 / (e.tiles * 256 * 128)));
}

TEST_CASE("GEMM time is the roofline plus launch overhead", "[models][compute]") {
  const auto d = h100();
  const auto op = gemm_op(8192, 8192, 8192);
  const double expected =
      2.0 * 8192 * 8192 * 8192 / (989.4e12 * gemm_efficiency(*op.forward.gemm, d).efficiency) +
      kDefaultLaunchOverheadS;
  CHECK(op_time_s(op, Pass::forward, d) == Approx(expected));
  // FP8 doubles the peak: the same GEMM at 1978.9 TFLOP/s takes about half as long.
  auto fp8 = op;
  fp8.precision = Precision::fp8;
  CHECK(op_time_s(fp8, Pass::forward, d) - kDefaultLaunchOverheadS ==
        Approx((expected - kDefaultLaunchOverheadS) * 989.4 / 1978.9));
  // A pass that does nothing takes no time (no wgrad here).
  CHECK(op_time_s(op, Pass::backward_weight, d) == 0);
}

TEST_CASE("a skinny GEMM is bound by HBM bandwidth", "[models][compute]") {
  // [8 x 8192] x [8192 x 8192]: 1.07 GFLOP but 134 MB of weights: 0.04 ms at 3.0 TB/s versus
  // 1 us of arithmetic.
  const auto op = gemm_op(8, 8192, 8192);
  CHECK(op_time_s(op, Pass::forward, h100()) ==
        Approx(op.forward.bytes / (3.35e12 * 0.9) + kDefaultLaunchOverheadS));
}

TEST_CASE("elementwise operators run at the achievable HBM bandwidth", "[models][compute]") {
  Operator op;
  op.forward.bytes = 3e9;
  op.forward.executed_flops = 1e9;
  // 3 GB at 90 % of 3.35 TB/s: 0.995 ms; 1 GFLOP at 66.9 TFLOP/s is far less.
  CHECK(op_time_s(op, Pass::forward, h100()) ==
        Approx(3e9 / (3.35e12 * 0.9) + kDefaultLaunchOverheadS));
}

TEST_CASE("FlashAttention efficiency reproduces FlashAttention-3 on H100", "[models][compute]") {
  // Shah et al. 2024, Fig. 5/6, BF16, head dim 128, batch x sequence 16k, 16 heads: 2048
  // thread blocks of 128 queries; at 16k each visits 128 key blocks, at 2k 16.
  const auto d = h100();
  const double tflops16k = 989.4 * attention_efficiency({2048, 128}, Pass::forward, d);
  CHECK(tflops16k == Approx(648).epsilon(0.01));
  CHECK(989.4 * attention_efficiency({2048, 128}, Pass::backward_input, d) ==
        Approx(561).epsilon(0.01));
  CHECK(989.4 * attention_efficiency({2048, 16}, Pass::forward, d) == Approx(625).epsilon(0.03));
  CHECK(989.4 * attention_efficiency({2048, 16}, Pass::backward_input, d) ==
        Approx(501).epsilon(0.03));
}

TEST_CASE("the Adam update is memory-bound: 30 bytes per parameter with fp32 gradients",
          "[models][compute]") {
  // Reads the fp32 gradient, master weight, momentum and variance (16 B), writes the last three
  // (12 B) and the bf16 weight (2 B); 12 FLOPs per parameter at 66.9 TFLOP/s would take 4 %
  // of the memory time.
  const double params = 1e9;
  const auto op = optimizer_operator(params, 4);
  CHECK(op.forward.bytes == 30 * params);
  CHECK(op_time_s(op, Pass::forward, h100()) ==
        Approx(30e9 / (3.35e12 * 0.9) + kDefaultLaunchOverheadS));
}
