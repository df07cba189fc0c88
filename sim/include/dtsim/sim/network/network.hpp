#pragma once
// The network the replay sends its transfers into: directed links of fixed capacity, shared by
// the transfers in flight. Two implementations behind one interface:
//   flow        max-min fair sharing of every link among the transfers crossing it, re-solved
//               whenever a transfer starts or ends moving bytes (see max_min.hpp), for the
//               connected component that changed only: O((L + E) log L) for its L links and
//               E (transfer, link) pairs, plus O(log n) per transfer whose rate changed;
//   analytical  alpha-beta per transfer, as if it were alone: latency + bytes / min over its
//               links of (capacity / flows on the link), capped by its max rate.
// Where no link is shared the two agree (to the picosecond, up to rounding of the same sum).
#include <cstdint>
#include <memory>
#include <vector>

#include "dtsim/sim/engine/engine.hpp"
#include "dtsim/sim/network/transfer.hpp"

namespace dtsim::network {

enum class Mode : std::uint8_t { flow, analytical };

struct NetworkStats {
  std::uint64_t transfers_started = 0;
  std::uint64_t transfers_completed = 0;
  std::uint64_t solves = 0;            // max-min problems solved (flow mode)
  std::uint64_t transfers_solved = 0;  // summed over solves: the work re-solving did
};

class Network {
 public:
  virtual ~Network() = default;

  // Starts `transfer` at the engine's current time: it waits its latency, then moves
  // bytes_per_flow on every member flow; then `done(context, arg)` runs. Zero bytes completes
  // after the latency. Throws std::out_of_range for an unknown link, std::invalid_argument for
  // fewer than 1 flow on a link or negative bytes, latency or max rate.
  virtual void start(const Transfer& transfer, engine::Engine::Action done, void* context,
                     std::uint64_t arg) = 0;

  virtual LinkId link_count() const = 0;
  virtual double link_capacity_bytes_per_s(LinkId link) const = 0;
  // Bytes every flow crossing `link` has moved over it up to the engine's current time.
  virtual double link_bytes_carried(LinkId link) const = 0;
  // What the transfers moving now put on `link`: sum of flows * rate.
  virtual double link_load_bytes_per_s(LinkId link) const = 0;
  double link_utilization(LinkId link) const {
    return link_load_bytes_per_s(link) / link_capacity_bytes_per_s(link);
  }
  virtual NetworkStats stats() const = 0;
};

// `capacity_bytes_per_s[l]` is what directed link l can carry (achievable, not the line rate);
// every capacity must be positive.
std::unique_ptr<Network> make_network(Mode mode, engine::Engine& engine,
                                      std::vector<double> capacity_bytes_per_s);

}  // namespace dtsim::network
