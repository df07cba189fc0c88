#pragma once
// An accelerator as the catalog describes it: dense peaks, memory, power, price, efficiency.
// Plain values; every group of figures keeps the source it was taken from.
#include <optional>
#include <string>
#include <vector>

namespace dtsim::topology {

// Dense peak FLOP/s per data type, never the "with sparsity" headline. Empty where the vendor
// publishes no figure (TPUs have no TF32, A100 no FP8).
struct PeakFlops {
  std::optional<double> fp32;
  std::optional<double> tf32;
  std::optional<double> bf16;
  std::optional<double> fp16;
  std::optional<double> fp8;
  std::optional<double> int8;
  std::optional<double> fp4;
  friend bool operator==(const PeakFlops&, const PeakFlops&) = default;
};

// A value group's provenance: tag ([V] vendor, [P] paper, [M] measurement, [D] derived,
// [E] estimate) and where it comes from, as one human-readable line.
using Source = std::string;

struct DeviceSpec {
  std::string id;                 // catalog key, e.g. "h100-sxm"
  std::vector<std::string> aliases;
  std::string name;               // e.g. "NVIDIA H100 SXM5 80GB"
  std::string vendor;
  std::string arch;

  PeakFlops peak_flops_per_s;
  Source peak_source;

  double mem_capacity_bytes = 0;  // usable capacity
  double mem_bw_bytes_per_s = 0;
  std::string mem_type;
  Source memory_source;

  int compute_units = 0;          // SMs (NVIDIA), CUs (AMD), MXUs (TPU), MMEs+TPCs (Gaudi)
  std::string compute_unit_kind;  // "SM", "CU", "MXU", ...
  Source compute_units_source;

  std::optional<double> tdp_w;
  Source power_source;

  std::optional<double> price_usd;             // purchase estimate
  std::optional<double> rent_usd_per_hour;     // on-demand rental estimate
  Source price_source;

  // Achievable fractions of peak: best-case dense GEMM (MAMF / peak) and streaming HBM.
  double gemm_efficiency = 0.0;
  std::optional<double> gemm_fp8_efficiency;  // FP8 MAMF / FP8 peak where measured
  double hbm_efficiency = 0.0;
  // Matrix rate once clocks settle under minutes of power-capped all-GPU load, as a share of
  // the rate the MAMF was measured at; empty: the MAMF's rate lasts (device_compute.hpp).
  std::optional<double> power_limited_clock;
  Source efficiency_source;

  std::string scale_up_link;      // link id in the catalog; empty when the card has none
  int scale_up_ports = 0;
  std::string host_link;          // e.g. "pcie-gen5-x16"
  Source interfaces_source;

  friend bool operator==(const DeviceSpec&, const DeviceSpec&) = default;
};

}  // namespace dtsim::topology
