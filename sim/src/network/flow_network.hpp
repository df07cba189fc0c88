#pragma once
// Flow mode: transfers share links max-min fairly (max_min.hpp), re-solved incrementally.
//
// A transfer waits its latency (an engine event), then joins the links it crosses. Starts and
// ends at one instant are batched: they mark seeds (the starting transfers, the links the ended
// ones left) and one re-solve event runs at that instant. The re-solve walks the connected
// component of the seeds (transfers linked through shared links), solves max-min on it alone,
// and for each transfer whose rate changed settles the bytes moved so far (remaining -=
// old rate * dt) and moves its completion in an indexed heap; links of the component get
// their new load. One engine event, versioned, waits for the earliest completion; it is
// replaced only when that time changes, and a replaced one is ignored when it fires.
//
// Cost per re-solve: O((L + E) log L) for the L links and E (transfer, link) pairs of the
// touched component, plus O(k log n) to move the k changed completions among the n transfers
// moving; nothing outside the component is visited. Transfers completing at one picosecond
// are removed together, then their callbacks run in start order.
#include <cstdint>
#include <optional>
#include <vector>

#include "completion_heap.hpp"
#include "dtsim/sim/network/max_min.hpp"
#include "dtsim/sim/network/network.hpp"
#include "link_table.hpp"

namespace dtsim::network {

class FlowNetwork final : public Network {
 public:
  FlowNetwork(engine::Engine& engine, std::vector<double> capacity_bytes_per_s);

  void start(const Transfer& transfer, engine::Engine::Action done, void* context,
             std::uint64_t arg) override;
  LinkId link_count() const override { return links_.size(); }
  double link_capacity_bytes_per_s(LinkId l) const override { return links_.capacity(l); }
  double link_bytes_carried(LinkId l) const override { return links_.carried(l, engine_.now()); }
  double link_load_bytes_per_s(LinkId l) const override { return links_.load(l); }
  NetworkStats stats() const override { return stats_; }

 private:
  struct Active {  // a transfer between start() and its callback
    std::vector<LinkLoad> load;
    std::vector<std::int32_t> place;  // place[k]: its index in users_[load[k].link]
    double remaining_bytes = 0;       // per flow, as of `since`
    double rate_bytes_per_s = 0;      // per flow; 0 until first solved
    double max_rate_bytes_per_s = 0;
    engine::Time since = 0;
    std::uint64_t seq = 0;
    std::uint64_t visited = 0;  // component walk stamp
    engine::Engine::Action done = nullptr;
    void* context = nullptr;
    std::uint64_t arg = 0;
  };
  struct User {  // active_[transfer].load[k] is on this link
    std::int32_t transfer;
    std::int32_t k;
  };
  struct Callback {
    engine::Engine::Action done;
    void* context;
    std::uint64_t arg;
  };

  void begin(std::uint64_t slot);
  void resolve(std::uint64_t);
  void wake(std::uint64_t version);
  void request_resolve();
  void walk_component();
  void visit_link(LinkId l);
  void visit_transfer(std::int32_t t);
  void build_problem();
  void apply_rates(const std::vector<double>& rates);
  void finish(std::int32_t slot);
  void arm_wakeup();

  engine::Engine& engine_;
  LinkTable links_;
  std::vector<std::vector<User>> users_;  // per link: transfers moving bytes over it
  std::vector<Active> active_;            // by slot
  std::vector<std::int32_t> free_slots_;
  CompletionHeap completions_;
  std::uint64_t next_seq_ = 0;
  NetworkStats stats_;

  std::vector<std::int32_t> seed_transfers_;
  std::vector<LinkId> seed_links_;
  bool resolve_pending_ = false;
  std::uint64_t wake_version_ = 0;
  std::optional<engine::Time> wake_at_;

  // Scratch of one re-solve, kept to avoid reallocating.
  std::uint64_t walk_stamp_ = 0;
  std::vector<std::uint64_t> link_visited_;
  std::vector<std::int32_t> link_local_;  // index of a visited link in component_links_
  std::vector<std::int32_t> component_transfers_;
  std::vector<LinkId> component_links_;  // those with users: the links of the problem
  std::vector<LinkId> idle_links_;       // seeds left without users
  std::vector<LinkLoad> local_load_;
  std::vector<double> local_link_load_;
  std::vector<Callback> callbacks_;
  MaxMinProblem problem_;
  MaxMinSolver solver_;
};

}  // namespace dtsim::network
