#include "dtsim/sim/training/device_compute.hpp"

namespace dtsim::training {

models::DeviceCompute device_compute(const topology::DeviceSpec& d) {
  models::DeviceCompute c;
  c.name = d.name;
  const auto& pk = d.peak_flops_per_s;
  c.fp32_matrix_flops_per_s = pk.tf32 ? pk.tf32 : pk.fp32;
  c.bf16_flops_per_s = pk.bf16;
  c.fp16_flops_per_s = pk.fp16;
  c.fp8_flops_per_s = pk.fp8;
  c.vector_flops_per_s = pk.fp32;
  c.gemm_efficiency = d.gemm_efficiency;
  c.fp8_gemm_efficiency = d.gemm_fp8_efficiency;
  c.hbm_bytes_per_s = d.mem_bw_bytes_per_s;
  c.hbm_efficiency = d.hbm_efficiency;
  c.compute_units = d.compute_units;
  if (d.compute_unit_kind == "MXU") c.tile = {128, 128};
  else c.sustained_share = kGpuSustainedShare;
  return c;
}

models::MemoryOptions memory_options(const topology::DeviceSpec& d, bool flash_attention) {
  models::MemoryOptions o;
  o.flash_attention = flash_attention;
  if (d.compute_unit_kind == "MXU") {
    o.framework_bytes = 0.5 * 1024 * 1024 * 1024;
    o.fragmentation = 0;
  }
  return o;
}

}  // namespace dtsim::training
