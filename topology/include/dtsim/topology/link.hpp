#pragma once
// A kind of link (NVLink 4, PCIe Gen5 x16, InfiniBand NDR, TPU v5p ICI, ...).
#include <string>

#include "dtsim/topology/device.hpp"

namespace dtsim::topology {

struct LinkSpec {
  std::string id;                       // e.g. "nvlink4"
  std::string name;
  double bw_bytes_per_s = 0;            // raw rate of one link, per direction
  // Fraction of the raw rate that collectives and bulk transfers achieve (protocol overhead),
  // from published nccl-tests and point-to-point measurements.
  double efficiency = 1.0;
  double latency_s = 0;                 // per hop
  Source source;
  friend bool operator==(const LinkSpec&, const LinkSpec&) = default;

  double achievable_bytes_per_s() const { return bw_bytes_per_s * efficiency; }
};

}  // namespace dtsim::topology
