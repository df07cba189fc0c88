#include "dtsim/sim/training/device_compute.hpp"

namespace dtsim::training {
namespace {

bool is_mxu(const topology::DeviceSpec& d) { return d.compute_unit_kind == "MXU"; }

}  // namespace

double sustained_share(const topology::DeviceSpec& d) {
  return (is_mxu(d) ? 1.0 : kGpuCommonShare) * d.power_limited_clock.value_or(1.0);
}

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
  if (is_mxu(d)) c.tile = {128, 128};
  c.sustained_share = sustained_share(d);
  return c;
}

models::MemoryOptions memory_options(const topology::DeviceSpec& d, bool flash_attention) {
  models::MemoryOptions o;
  o.flash_attention = flash_attention;
  if (is_mxu(d)) {
    o.framework_bytes = 0.5 * 1024 * 1024 * 1024;
    o.fragmentation = 0;
  }
  return o;
}

}  // namespace dtsim::training
