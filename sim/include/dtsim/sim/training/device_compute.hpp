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
#include "dtsim/models/compute.hpp"
#include "dtsim/topology/device.hpp"

namespace dtsim::training {

models::DeviceCompute device_compute(const topology::DeviceSpec& device);

}  // namespace dtsim::training
