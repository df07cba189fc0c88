#pragma once
// Analytical mode: every transfer as if alone on the network (alpha-beta, no contention):
//   done at  start + latency + bytes / min(max_rate, min over its links of capacity / flows).
// It still meters the links it crosses, so reports read the same in both modes. Two engine
// events per transfer (the end of its latency, its completion), O(links crossed) work each.
#include <cstdint>
#include <vector>

#include "dtsim/sim/network/network.hpp"
#include "link_table.hpp"

namespace dtsim::network {

class AnalyticalNetwork final : public Network {
 public:
  AnalyticalNetwork(engine::Engine& engine, std::vector<double> capacity_bytes_per_s);

  void start(const Transfer& transfer, engine::Engine::Action done, void* context,
             std::uint64_t arg) override;
  LinkId link_count() const override { return links_.size(); }
  double link_capacity_bytes_per_s(LinkId l) const override { return links_.capacity(l); }
  double link_bytes_carried(LinkId l) const override { return links_.carried(l, engine_.now()); }
  double link_load_bytes_per_s(LinkId l) const override { return links_.load(l); }
  NetworkStats stats() const override { return stats_; }

 private:
  struct Active {
    std::vector<LinkLoad> load;
    double bytes_per_flow = 0;
    double rate_bytes_per_s = 0;
    engine::Engine::Action done = nullptr;
    void* context = nullptr;
    std::uint64_t arg = 0;
  };

  void begin(std::uint64_t slot);
  void end(std::uint64_t slot);
  // Adds `sign` * flows * rate of `a` to each of its links.
  void meter(const Active& a, double sign);

  engine::Engine& engine_;
  LinkTable links_;
  std::vector<std::int32_t> moving_;  // per link: transfers moving bytes over it
  std::vector<Active> active_;        // by slot
  std::vector<std::int32_t> free_slots_;
  std::vector<LinkLoad> merged_;
  NetworkStats stats_;
};

}  // namespace dtsim::network
