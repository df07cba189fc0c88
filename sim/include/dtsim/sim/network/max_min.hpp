#pragma once
// Weighted max-min fair rates by progressive filling, on bare numbers (no engine, no topology).
//
// Each transfer t has one rate r_t (bytes/s per member flow) and puts weight w(t,l) = its member
// flows crossing link l on that link. The rates are max-min fair under
//     for every link l:  sum_t w(t,l) * r_t <= capacity(l),    r_t <= max_rate(t):
// all unfrozen rates rise together from zero; a link saturates when its load reaches its
// capacity, and every unfrozen transfer crossing it freezes at the level reached (as does a
// transfer reaching its max_rate). Every member flow of every transfer thus gets an equal share
// at its bottleneck: per-flow max-min fairness (Bertsekas & Gallager, Data Networks, 2nd ed.,
// section 6.5.2), the bandwidth model SimGrid validated for TCP flows.
//
// Cost of solve(): O((L + E) log L) for L links and E (transfer, link) pairs. Each link sits
// once in a heap keyed by the level at which it would saturate. Freezing a transfer at level x
// only raises the keys of its links: spare/flows >= x before gives (spare - w x)/(flows - w)
// >= spare/flows after. So keys are left stale (too low) when transfers freeze, and a stale key
// is recomputed only when it reaches the top: at most once per freeze touching the link, and
// usually once for many.
#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include "dtsim/sim/network/transfer.hpp"

namespace dtsim::network {

// Links and transfers in compressed form; indices count from 0 in the order added.
class MaxMinProblem {
 public:
  // `capacity_bytes_per_s` must be positive and finite.
  LinkId add_link(double capacity_bytes_per_s);
  // `load` names links already added; weights must be at least 1.
  std::int32_t add_transfer(std::span<const LinkLoad> load,
                            double max_rate_bytes_per_s = kUnlimitedBytesPerSecond);
  void clear();

  std::int32_t link_count() const { return static_cast<std::int32_t>(capacity_.size()); }
  std::int32_t transfer_count() const { return static_cast<std::int32_t>(max_rate_.size()); }
  double capacity(LinkId l) const { return capacity_[l]; }
  double max_rate(std::int32_t t) const { return max_rate_[t]; }
  std::span<const LinkLoad> load(std::int32_t t) const {
    return {load_.data() + first_[t], load_.data() + first_[t + 1]};
  }

 private:
  std::vector<double> capacity_;
  std::vector<double> max_rate_;
  std::vector<std::int32_t> first_{0};  // transfer t's load is load_[first_[t], first_[t+1])
  std::vector<LinkLoad> load_;
};

// Keeps its scratch space between calls, so a network re-solving often allocates nothing.
class MaxMinSolver {
 public:
  // Rates per member flow, indexed like the problem's transfers. A transfer crossing no link
  // and without max_rate gets kUnlimitedBytesPerSecond. The result lives until the next call.
  const std::vector<double>& solve(const MaxMinProblem& problem);

 private:
  std::int64_t prepare(const MaxMinProblem& p);
  void index_users(const MaxMinProblem& p);
  void freeze(const MaxMinProblem& p, std::int32_t t, double rate);
  bool settle_top();

  std::vector<double> rate_;
  std::vector<std::uint8_t> frozen_;
  std::vector<double> spare_;         // capacity not yet taken by frozen transfers
  std::vector<std::int64_t> weight_;  // flows of unfrozen transfers on the link
  // Transfers crossing link l: users_[users_first_[l], users_first_[l + 1]).
  std::vector<std::int32_t> users_first_;
  std::vector<std::int32_t> users_;
  std::vector<std::pair<double, LinkId>> heap_;               // min-heap on (key, link)
  std::vector<std::pair<double, std::int32_t>> by_max_rate_;  // ascending
};

}  // namespace dtsim::network
