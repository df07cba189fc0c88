#include "dtsim/models/compute.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace dtsim::models {
namespace {

// FlashAttention-3 on H100 (see compute.hpp): share of the best GEMM rate at long sequences and
// the fixed cost per thread block, in key blocks.
constexpr double kFlashForwardShare = 0.85;
constexpr double kFlashBackwardShare = 0.74;
constexpr double kFlashForwardStartBlocks = 1;
constexpr double kFlashBackwardStartBlocks = 2;

// cuBLAS's smallest tile edge for tensor-core GEMMs (NVIDIA, Matrix Multiplication Background
// User's Guide, Sec. 2.3: tiles from 64 x 64 to 256 x 128).
constexpr double kMinTileEdge = 64;

double wave_efficiency(double work_units, int compute_units) {
  const double waves = std::ceil(work_units / compute_units);
  return work_units / (waves * compute_units);
}

// A tile edge longer than the matrix shrinks to the matrix rounded up to kMinTileEdge.
double tile_edge(double edge, double dim) {
  return std::min(edge, std::ceil(dim / kMinTileEdge) * kMinTileEdge);
}

GemmEfficiency with_tile(const GemmShape& s, const DeviceCompute& d, GemmTile largest, double best) {
  const GemmTile tile{tile_edge(largest.m, s.m), tile_edge(largest.n, s.n)};
  GemmEfficiency e;
  e.tile = tile;
  e.tiles = std::ceil(s.m / tile.m) * std::ceil(s.n / tile.n) * s.batch;
  e.waves = std::ceil(e.tiles / d.compute_units);
  e.wave_efficiency = wave_efficiency(e.tiles, d.compute_units);
  e.tile_efficiency = s.m * s.n * s.batch / (e.tiles * tile.m * tile.n);
  e.efficiency = best * e.wave_efficiency * e.tile_efficiency;
  return e;
}

double memory_time_s(const PassCost& c, const DeviceCompute& d) {
  return c.bytes / (d.hbm_bytes_per_s * d.hbm_efficiency);
}

double compute_time_s(const Operator& op, const PassCost& c, Pass pass, const DeviceCompute& d) {
  if (c.executed_flops == 0) return 0;
  switch (op.kind) {
    case OpKind::gemm:
      return c.executed_flops /
             (matrix_peak_flops(d, op.precision) * gemm_efficiency(*c.gemm, d, op.precision).efficiency);
    case OpKind::attention:
      return c.executed_flops /
             (matrix_peak_flops(d, op.precision) * attention_efficiency(*op.attention, pass, d));
    case OpKind::elementwise:
      return d.vector_flops_per_s ? c.executed_flops / *d.vector_flops_per_s : 0;
  }
  return 0;
}

}  // namespace

double matrix_peak_flops(const DeviceCompute& d, Precision p) {
  std::optional<double> peak;
  switch (p) {
    case Precision::fp32: peak = d.fp32_matrix_flops_per_s; break;
    case Precision::bf16: peak = d.bf16_flops_per_s; break;
    case Precision::fp16: peak = d.fp16_flops_per_s; break;
    case Precision::fp8: peak = d.fp8_flops_per_s; break;
  }
  if (!peak) throw std::invalid_argument(d.name + " has no " + to_string(p) + " matrix peak");
  return *peak;
}

GemmEfficiency gemm_efficiency(const GemmShape& shape, const DeviceCompute& device,
                               Precision precision) {
  // The best case is the measured MAMF fraction of that precision (FP8 where measured).
  const double best = (precision == Precision::fp8 && device.fp8_gemm_efficiency
                           ? *device.fp8_gemm_efficiency
                           : device.gemm_efficiency) *
                      device.sustained_share;
  const GemmTile tile = device.tile;
  const GemmEfficiency a = with_tile(shape, device, tile, best);
  const GemmEfficiency b = with_tile(shape, device, {tile.n, tile.m}, best);
  return b.efficiency > a.efficiency ? b : a;
}

double attention_efficiency(const AttentionShape& s, Pass pass, const DeviceCompute& d) {
  const bool forward = pass == Pass::forward || pass == Pass::recompute;
  const double share = forward ? kFlashForwardShare : kFlashBackwardShare;
  const double start = forward ? kFlashForwardStartBlocks : kFlashBackwardStartBlocks;
  return d.gemm_efficiency * d.sustained_share * share * s.key_blocks / (s.key_blocks + start) *
         wave_efficiency(s.units, d.compute_units);
}

double op_time_s(const Operator& op, Pass pass, const DeviceCompute& device) {
  const PassCost& c = op.pass(pass);
  if (!c.runs()) return 0;
  const double kernel = std::max(compute_time_s(op, c, pass, device), memory_time_s(c, device)) +
                        device.launch_overhead_s;
  if (c.cast_bytes <= 0) return kernel;
  return kernel + c.cast_bytes / (device.hbm_bytes_per_s * device.hbm_efficiency) + device.launch_overhead_s;
}

}  // namespace dtsim::models
