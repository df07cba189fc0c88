#pragma once
// How long an operator takes on one accelerator: a roofline per kernel,
//   t = max(executed FLOPs / (peak(precision) x efficiency), bytes / (HBM bandwidth x eff_mem))
//       + launch overhead,
// where the efficiency depends on the kernel:
//  - GEMM: best-case fraction (the device's measured MAMF / peak, ../shared/data/hardware.md
//    6.3) x the share of it sustained in a training step x wave quantization x tile quantization (NVIDIA, "Matrix Multiplication Background
//    User's Guide", DU-09799-001, Sec. 3). The output is cut into tiles (one per thread block,
//    one thread block per SM or MXU at a time); tiles run in waves of `compute_units`;
//      waves = ceil(tiles / units), wave efficiency = tiles / (waves x units),
//      tile efficiency = m n / (tiles x tile_m x tile_n).
//    Of the two orientations of the device's tile, the better one is taken (cuBLAS ships both);
//    a tile edge longer than the matrix shrinks to the matrix rounded up to 64 (cuBLAS's
//    smallest tiles), at the same per-tile rate: optimistic for very skinny GEMMs, which the
//    memory roofline then bounds. The MAMF was measured on shapes that fill whole waves, so it
//    is the ceiling.
//  - FlashAttention: a fixed fraction of the device's best GEMM rate, reached at long
//    sequences, times a per-thread-block start-up term and wave quantization over
//    (batch x heads x query blocks) thread blocks:
//      eff = gemm_efficiency x sustained share x r(pass) x kb / (kb + c(pass)) x wave efficiency,
//    kb the key blocks a thread block visits. r and c come from FlashAttention-3 on H100 SXM5,
//    BF16, head dim 128 (Shah et al. 2024, Fig. 5/6: forward 467, 565, 625, 638, 646, 648 and
//    backward 316, 424, 501, 542, 559, 561 TFLOP/s at sequence 512 ... 16k, batch x sequence
//    = 16k, 16 heads: 2048 thread blocks, 97 % wave efficiency on 132 SMs). Divided by H100's
//    794.5 TFLOP/s MAMF and that wave efficiency, the forward reaches r = 0.85 and the backward
//    r = 0.74 of the best GEMM rate; the shortfall at short sequences matches c = 1 (forward)
//    and c = 2 (backward) key blocks of fixed cost per thread block (loading Q, writing O and
//    the log-sum-exp; the dQ accumulation): within 3 % of every point from 1k to 16k, 12 % and
//    20 % optimistic at 512. Relative to the MAMF, r carries to other devices:
//    FlashAttention-2 on A100 reaches a similar share of its GEMM rate (Dao 2023: up to 73 %
//    of peak forward, MAMF 87 %).
//  - Elementwise: memory-bound at the achievable HBM bandwidth (hardware.md 6.4), or bound by
//    the vector (non-tensor) FP32 rate where the device publishes one.
// Every kernel pays a launch overhead: the gap between dependent kernels issued from one stream.
#include <optional>
#include <string>

#include "dtsim/models/operators.hpp"

namespace dtsim::models {

// The output tile a thread block (NVIDIA, AMD) or an MXU pass (TPU) computes.
struct GemmTile {
  double m = 256;
  double n = 128;
  friend bool operator==(const GemmTile&, const GemmTile&) = default;
};

// [E] ~2 us: NVIDIA's "Getting Started with CUDA Graphs" (2019) measured a few microseconds
// per short kernel launched back to back from a stream; CUDA graphs and fusion lower it,
// eager PyTorch's per-op CPU cost (5-10 us) is hidden when kernels are long.
inline constexpr double kDefaultLaunchOverheadS = 2e-6;

// An accelerator as the compute model sees it. Filled from the hardware catalog by
// sim/training/device_compute.hpp; models/ knows no catalog.
struct DeviceCompute {
  std::string name;
  // Dense peak FLOP/s of the matrix units per precision (empty: unsupported), and the vector
  // (non-tensor) FP32 rate that elementwise kernels run at.
  std::optional<double> fp32_matrix_flops_per_s;  // TF32 where the device has it
  std::optional<double> bf16_flops_per_s;
  std::optional<double> fp16_flops_per_s;
  std::optional<double> fp8_flops_per_s;
  std::optional<double> vector_flops_per_s;
  double gemm_efficiency = 0;  // best-case dense GEMM / peak (MAMF / peak), BF16/FP16
  std::optional<double> fp8_gemm_efficiency;  // the same in FP8 where measured, else as BF16
  double hbm_bytes_per_s = 0;
  double hbm_efficiency = 0;  // achievable streaming fraction
  int compute_units = 0;      // SMs, CUs, MXUs: where GEMM tiles run in waves
  GemmTile tile;              // largest GEMM tile (256 x 128 on GPUs: device_compute.hpp)
  double launch_overhead_s = kDefaultLaunchOverheadS;
  // Share of that best case the matrix kernels (GEMMs, attention) sustain inside a training
  // step: 1 is the rate measured alone; sim/training/device_compute.hpp says what it is and why.
  double sustained_share = 1;
};

// Dense matrix peak for a precision; throws std::invalid_argument when the device has none.
double matrix_peak_flops(const DeviceCompute& device, Precision precision);

struct GemmEfficiency {
  GemmTile tile;  // the orientation used
  double tiles = 0;
  double waves = 0;
  double wave_efficiency = 0;
  double tile_efficiency = 0;
  double efficiency = 0;  // of the dense peak: gemm_efficiency x wave x tile
};

GemmEfficiency gemm_efficiency(const GemmShape& shape, const DeviceCompute& device,
                               Precision precision = Precision::bf16);

// Fraction of the dense peak a FlashAttention pass (forward or backward_input) reaches.
double attention_efficiency(const AttentionShape& shape, Pass pass, const DeviceCompute& device);

// Time of one pass of one operator; 0 when the pass does nothing.
double op_time_s(const Operator& op, Pass pass, const DeviceCompute& device);

}  // namespace dtsim::models
