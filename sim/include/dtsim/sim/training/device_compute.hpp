#pragma once
// The compute model's view of a catalog accelerator (models/compute.hpp knows no catalog).
// Peaks, MAMF fraction, HBM bandwidth and efficiency, and compute units come from the catalog
// with their sources; three figures come from here:
//  - GEMM tile: 256 x 128 (either orientation) on GPUs, the largest tile cuBLAS runs and the
//    most efficient one for large GEMMs (NVIDIA, "Matrix Multiplication Background User's
//    Guide", DU-09799-001, Sec. 2.3); 128 x 128 on TPUs, the size of one MXU (Google Cloud TPU
//    system architecture documentation: each MXU is a 128 x 128 systolic array).
//  - FP8 efficiency: the catalog's measured FP8 MAMF fraction where there is one (H100 SXM
//    70.9 % against 80.3 % in BF16, ../shared/data/hardware.md 6.3), else the BF16 one.
//  - Sustained share: the MAMF is the best of a brute-force shape sweep on one idle GPU,
//    timed over short runs. Inside a training step the same kernels run slower, for two kinds
//    of reason, kept apart here:
//      sustained share = common share (GPUs) x power-limited clock (per device, catalog)
//    * Common share, kGpuCommonShare = 0.79 [C]: NCCL kernels occupy SMs and HBM bandwidth
//      while communication overlaps compute, cuBLAS's heuristics pick the kernel rather than a
//      sweep, the framework leaves gaps between kernels, and whatever clock the 400 W A100
//      loses between the sweep and minutes of all-GPU load. No vendor publishes these one by
//      one; their product is fitted once, on the 31 A100 cases of
//      ../shared/data/calibration.yaml (2021-22 Megatron-LM): the median signed step-time
//      error crosses zero at 0.786. The 36 H100 cases, not used, give 0.787 fitted alone, so
//      Hopper at 700 W loses no more than A100 does. TPUs take 1: their catalog efficiencies
//      are [E] estimates of the in-training rate already, and XLA runs one compiled program
//      without kernel gaps.
//    * Power-limited clock, the catalog's `efficiency.power_limited_clock` [M]: a GPU whose
//      clock falls further once its power cap binds for longer than a benchmark's bursts. On
//      B200 at 1000 W back-to-back kernels take the SM clock from 1965 to ~1580 MHz after
//      ~5 ms and FlashAttention-4 from 1450 to 1237 TFLOP/s, x 0.853 (flashinfer-ai/flashinfer
//      PR #2899). A device without the figure takes 1: its MAMF rate lasts, as A100's and
//      H100's do (the fit above).
//    Checked against MLPerf Training per-GPU step times, which neither figure was fitted on:
//    docs/model.md#sustained-compute and tools/measure/mlperf-per-gpu.yaml.
#include "dtsim/models/compute.hpp"
#include "dtsim/models/memory.hpp"
#include "dtsim/topology/device.hpp"

namespace dtsim::training {

inline constexpr double kGpuCommonShare = 0.79;

// Common share x power-limited clock, as above.
double sustained_share(const topology::DeviceSpec& device);

models::DeviceCompute device_compute(const topology::DeviceSpec& device);

// What the software stack takes of the accelerator's memory besides the model. GPUs: the CUDA
// context, NCCL and cuBLAS buffers and the caching allocator's fragmentation (models/memory.hpp).
// TPUs run XLA programs whose buffers are assigned when the program is compiled: there is no
// caching allocator to fragment and no CUDA context; [E] 0.5 GiB is left for the runtime and
// the program itself (no published figure).
models::MemoryOptions memory_options(const topology::DeviceSpec& device, bool flash_attention);

}  // namespace dtsim::training
