#pragma once
// What both network modes keep per directed link: its capacity and a meter of the load on it,
// integrated into bytes carried each time the load changes (O(1) per change, nothing per event).
#include <cstdint>
#include <vector>

#include "dtsim/sim/engine/time.hpp"
#include "dtsim/sim/network/transfer.hpp"

namespace dtsim::network {

class LinkTable {
 public:
  // Throws std::invalid_argument unless every capacity is positive.
  explicit LinkTable(std::vector<double> capacity_bytes_per_s);

  LinkId size() const { return static_cast<LinkId>(capacity_.size()); }
  double capacity(LinkId l) const { return capacity_.at(l); }
  double load(LinkId l) const { return meter_.at(l).load_bytes_per_s; }
  double carried(LinkId l, engine::Time now) const;
  // The load on `l` is `load_bytes_per_s` from `now` on.
  void set_load(LinkId l, double load_bytes_per_s, engine::Time now);

  // Checks `t` (see Network::start) and writes its link load to `out` with each link once, in
  // order of first appearance, the flows of repeated entries summed.
  void merge_load(const Transfer& t, std::vector<LinkLoad>& out);

 private:
  struct Meter {
    double load_bytes_per_s = 0;
    double carried_bytes = 0;  // up to `since`
    engine::Time since = 0;
  };
  std::vector<double> capacity_;
  std::vector<Meter> meter_;
  std::vector<std::int32_t> merged_at_;  // scratch of merge_load: index in `out`, or -1
};

// Seconds to move `bytes` at `rate_bytes_per_s`, rounded to the nearest picosecond (0 at an
// unlimited rate). Throws std::overflow_error past the engine's range.
engine::Time transfer_duration(double bytes, double rate_bytes_per_s);

}  // namespace dtsim::network
