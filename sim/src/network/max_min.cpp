#include "dtsim/sim/network/max_min.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <stdexcept>

namespace dtsim::network {
namespace {

using HeapEntry = std::pair<double, LinkId>;  // (key, link): ties go to the lower link

// Restores the min-heap order after the top entry's key rose (or the top was replaced): one
// pass down instead of std::pop_heap + std::push_heap.
void sift_down_top(std::vector<HeapEntry>& heap) {
  const std::size_t n = heap.size();
  const HeapEntry moving = heap[0];
  std::size_t i = 0;
  for (std::size_t child = 1; child < n; child = 2 * i + 1) {
    if (child + 1 < n && heap[child + 1] < heap[child]) ++child;
    if (!(heap[child] < moving)) break;
    heap[i] = heap[child];
    i = child;
  }
  heap[i] = moving;
}

void pop_top(std::vector<HeapEntry>& heap) {
  heap[0] = heap.back();
  heap.pop_back();
  if (!heap.empty()) sift_down_top(heap);
}

}  // namespace

LinkId MaxMinProblem::add_link(double capacity_bytes_per_s) {
  if (!(capacity_bytes_per_s > 0) || std::isinf(capacity_bytes_per_s)) {
    throw std::invalid_argument("max-min: capacity must be positive and finite");
  }
  capacity_.push_back(capacity_bytes_per_s);
  return link_count() - 1;
}

std::int32_t MaxMinProblem::add_transfer(std::span<const LinkLoad> load,
                                         double max_rate_bytes_per_s) {
  for (const LinkLoad& ll : load) {
    if (ll.link < 0 || ll.link >= link_count()) throw std::out_of_range("max-min: unknown link");
    if (ll.flows < 1) throw std::invalid_argument("max-min: a link load needs at least 1 flow");
  }
  if (!(max_rate_bytes_per_s >= 0)) throw std::invalid_argument("max-min: max_rate must be >= 0");
  load_.insert(load_.end(), load.begin(), load.end());
  first_.push_back(static_cast<std::int32_t>(load_.size()));
  max_rate_.push_back(max_rate_bytes_per_s);
  return transfer_count() - 1;
}

void MaxMinProblem::clear() {
  capacity_.clear();
  max_rate_.clear();
  first_.assign(1, 0);
  load_.clear();
}

const std::vector<double>& MaxMinSolver::solve(const MaxMinProblem& p) {
  std::int64_t unfrozen = prepare(p);
  std::size_t next_cap = 0;
  while (unfrozen > 0) {
    while (next_cap < by_max_rate_.size() && frozen_[by_max_rate_[next_cap].second]) ++next_cap;
    const bool have_link = settle_top();
    // An unfrozen transfer always has a live link or a max rate left; anything else is a bug.
    if (!have_link && next_cap == by_max_rate_.size()) throw std::logic_error("max-min: stuck");
    if (next_cap < by_max_rate_.size() &&
        (!have_link || by_max_rate_[next_cap].first <= heap_.front().first)) {
      freeze(p, by_max_rate_[next_cap].second, by_max_rate_[next_cap].first);
      --unfrozen;
      continue;
    }
    const auto [level, link] = heap_.front();
    pop_top(heap_);
    for (std::int32_t i = users_first_[link]; i < users_first_[link + 1]; ++i) {
      if (frozen_[users_[i]]) continue;
      freeze(p, users_[i], level);
      --unfrozen;
    }
  }
  return rate_;
}

// Sets up the scratch for `p`: link users, the heap of links, the max rates in ascending order.
// Returns how many transfers are left to freeze.
std::int64_t MaxMinSolver::prepare(const MaxMinProblem& p) {
  const std::int32_t transfers = p.transfer_count();
  rate_.assign(transfers, 0);
  frozen_.assign(transfers, 0);
  index_users(p);
  heap_.clear();
  for (LinkId l = 0; l < p.link_count(); ++l) {
    if (weight_[l] > 0) heap_.emplace_back(spare_[l] / static_cast<double>(weight_[l]), l);
  }
  std::make_heap(heap_.begin(), heap_.end(), std::greater<>{});
  by_max_rate_.clear();
  std::int64_t unfrozen = 0;
  for (std::int32_t t = 0; t < transfers; ++t) {
    const bool limited = p.max_rate(t) != kUnlimitedBytesPerSecond;
    if (limited) by_max_rate_.emplace_back(p.max_rate(t), t);
    if (limited || !p.load(t).empty()) {
      ++unfrozen;
    } else {
      rate_[t] = kUnlimitedBytesPerSecond;  // crosses nothing and nothing limits it
    }
  }
  std::sort(by_max_rate_.begin(), by_max_rate_.end());
  return unfrozen;
}

// Transposes the problem (link -> transfers crossing it) and sums the flows per link.
void MaxMinSolver::index_users(const MaxMinProblem& p) {
  const std::int32_t links = p.link_count();
  spare_.resize(links);
  for (LinkId l = 0; l < links; ++l) spare_[l] = p.capacity(l);
  weight_.assign(links, 0);
  users_first_.assign(links + 1, 0);
  for (std::int32_t t = 0; t < p.transfer_count(); ++t) {
    for (const LinkLoad& ll : p.load(t)) {
      weight_[ll.link] += ll.flows;
      ++users_first_[ll.link + 1];
    }
  }
  for (LinkId l = 0; l < links; ++l) users_first_[l + 1] += users_first_[l];
  users_.resize(users_first_[links]);
  // users_first_[l] is the fill cursor of link l's slice, so transfers appear in ascending
  // order; once filled it points at the next slice, hence the shift.
  for (std::int32_t t = 0; t < p.transfer_count(); ++t) {
    for (const LinkLoad& ll : p.load(t)) users_[users_first_[ll.link]++] = t;
  }
  for (LinkId l = links; l > 0; --l) users_first_[l] = users_first_[l - 1];
  users_first_[0] = 0;
}

// Only the link's spare capacity and unfrozen flows change; its heap key is brought up to date
// when it reaches the top (see settle_top).
void MaxMinSolver::freeze(const MaxMinProblem& p, std::int32_t t, double rate) {
  rate_[t] = rate;
  frozen_[t] = true;
  for (const LinkLoad& ll : p.load(t)) {
    spare_[ll.link] -= ll.flows * rate;
    weight_[ll.link] -= ll.flows;
  }
}

// Brings the top of the heap up to date until it is exact, dropping links left with no unfrozen
// flow; true when a link is left. A key only ever rises (see the header), so the smallest key,
// once exact, is the next link to saturate; the other keys, possibly low, are lower bounds.
// Exactly the recomputed key is never below the stored one; rounding could make it so, hence
// the max, which also keeps every level at or above the one already reached. Ties go to the
// lower link index.
bool MaxMinSolver::settle_top() {
  while (!heap_.empty()) {
    auto& [key, l] = heap_.front();
    if (weight_[l] == 0) {
      pop_top(heap_);
      continue;
    }
    const double exact = std::max(key, spare_[l] / static_cast<double>(weight_[l]));
    if (exact == key) return true;
    key = exact;
    sift_down_top(heap_);
  }
  return false;
}

}  // namespace dtsim::network
