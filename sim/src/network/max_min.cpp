#include "dtsim/sim/network/max_min.hpp"

#include <algorithm>
#include <functional>
#include <stdexcept>

namespace dtsim::network {

LinkId MaxMinProblem::add_link(double capacity_bytes_per_s) {
  if (!(capacity_bytes_per_s > 0)) throw std::invalid_argument("max-min: capacity must be > 0");
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
  const std::int32_t transfers = p.transfer_count();
  rate_.assign(transfers, 0);
  frozen_.assign(transfers, false);
  index_users(p);
  heap_.clear();
  key_.assign(p.link_count(), 0);
  for (LinkId l = 0; l < p.link_count(); ++l) {
    if (weight_[l] > 0) push_key(l, spare_[l] / static_cast<double>(weight_[l]));
  }
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
  std::size_t next_cap = 0;
  while (unfrozen > 0) {
    while (next_cap < by_max_rate_.size() && frozen_[by_max_rate_[next_cap].second]) ++next_cap;
    const bool have_link = drop_stale_top();
    // An unfrozen transfer always has a live link or a max rate left; anything else is a bug.
    if (!have_link && next_cap == by_max_rate_.size()) throw std::logic_error("max-min: stuck");
    if (next_cap < by_max_rate_.size() &&
        (!have_link || by_max_rate_[next_cap].first <= heap_.front().first)) {
      freeze(p, by_max_rate_[next_cap].second, by_max_rate_[next_cap].first);
      --unfrozen;
      continue;
    }
    std::pop_heap(heap_.begin(), heap_.end(), std::greater<>{});
    const auto [level, link] = heap_.back();
    heap_.pop_back();
    for (std::int32_t i = users_first_[link]; i < users_first_[link + 1]; ++i) {
      if (frozen_[users_[i]]) continue;
      freeze(p, users_[i], level);
      --unfrozen;
    }
  }
  return rate_;
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

void MaxMinSolver::freeze(const MaxMinProblem& p, std::int32_t t, double rate) {
  rate_[t] = rate;
  frozen_[t] = true;
  for (const LinkLoad& ll : p.load(t)) {
    spare_[ll.link] -= ll.flows * rate;
    weight_[ll.link] -= ll.flows;
    if (weight_[ll.link] == 0) continue;
    // Exactly, the new key is never below the old one (see the header); rounding could make it
    // so, hence the max, which also keeps every rate at or above the level already reached.
    const double key =
        std::max(key_[ll.link], spare_[ll.link] / static_cast<double>(weight_[ll.link]));
    if (key != key_[ll.link]) push_key(ll.link, key);
  }
}

void MaxMinSolver::push_key(LinkId l, double key) {
  key_[l] = key;
  heap_.emplace_back(key, l);
  std::push_heap(heap_.begin(), heap_.end(), std::greater<>{});
}

// Discards heap entries whose key has since risen or whose link carries no unfrozen transfer;
// true when a live entry is left on top. Ties go to the lower link index.
bool MaxMinSolver::drop_stale_top() {
  while (!heap_.empty()) {
    const auto [key, l] = heap_.front();
    if (weight_[l] > 0 && key == key_[l]) return true;
    std::pop_heap(heap_.begin(), heap_.end(), std::greater<>{});
    heap_.pop_back();
  }
  return false;
}

}  // namespace dtsim::network
