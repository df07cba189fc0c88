#pragma once
// The compute model's view of a catalog accelerator (models/compute.hpp knows no catalog).
// Peaks, MAMF fraction, HBM bandwidth and efficiency, and compute units come from the catalog
// with their sources; two figures come from here:
//  - GEMM tile: 256 x 128 (either orientation) on GPUs, the largest tile cuBLAS runs and the
//    most efficient one for large GEMMs (NVIDIA, "Matrix Multiplication Background User's
//    Guide", DU-09799-001, Sec. 2.3); 128 x 128 on TPUs, the size of one MXU (Google Cloud TPU
//    system architecture documentation: each MXU is a 128 x 128 systolic array).
//  - FP8 efficiency: the catalog's measured FP8 MAMF fraction where there is one (H100 SXM
//    70.9 % against 80.3 % in BF16, ../shared/data/hardware.md 6.3), else the BF16 one.
//  - Sustained share (GPUs and other devices whose catalog figure is a single-device MAMF): the
//    MAMF is the best of a brute-force shape sweep on one idle GPU for a few seconds. Inside a
//    training step the same kernels run slower: eight GPUs of a node share one power and
//    cooling budget for minutes (clocks settle below the sweep's), NCCL kernels occupy SMs and
//    HBM bandwidth while communication overlaps compute, cuBLAS's heuristics pick the kernel
//    rather than a sweep, and an eager framework leaves gaps between kernels. None of these is
//    published per device, so their product is one constant for all GPUs, [C] calibrated once:
//    the median signed error of the A100 cases of ../shared/data/calibration.yaml (2021-22
//    Megatron-LM runs) crosses zero at 0.786, rounded to 0.79 (-0.5 % there), and the H100 cases (2024 NeMo and Megatron-Core), not
//    used for the fit, then come out within a few percent (docs/validation.md). TPU efficiencies
//    in the catalog are [E] estimates of the in-training rate already; XLA runs a compiled
//    program without kernel gaps, so their share stays 1.
#include "dtsim/models/compute.hpp"
#include "dtsim/models/memory.hpp"
#include "dtsim/topology/device.hpp"

namespace dtsim::training {

inline constexpr double kGpuSustainedShare = 0.79;

models::DeviceCompute device_compute(const topology::DeviceSpec& device);

// What the software stack takes of the accelerator's memory besides the model. GPUs: the CUDA
// context, NCCL and cuBLAS buffers and the caching allocator's fragmentation (models/memory.hpp).
// TPUs run XLA programs whose buffers are assigned when the program is compiled: there is no
// caching allocator to fragment and no CUDA context; [E] 0.5 GiB is left for the runtime and
// the program itself (no published figure).
models::MemoryOptions memory_options(const topology::DeviceSpec& device, bool flash_attention);

}  // namespace dtsim::training
