#include "analytical_network.hpp"

#include <algorithm>
#include <tuple>

namespace dtsim::network {

AnalyticalNetwork::AnalyticalNetwork(engine::Engine& engine,
                                     std::vector<double> capacity_bytes_per_s)
    : engine_(engine), links_(std::move(capacity_bytes_per_s)), moving_(links_.size(), 0) {}

void AnalyticalNetwork::start(const Transfer& transfer, engine::Engine::Action done, void* context,
                              std::uint64_t arg) {
  links_.merge_load(transfer, merged_);  // validates before anything changes
  std::int32_t slot = static_cast<std::int32_t>(active_.size());
  if (free_slots_.empty()) {
    active_.emplace_back();
  } else {
    slot = free_slots_.back();
    free_slots_.pop_back();
  }
  Active& a = active_[slot];
  a.load.clear();
  if (transfer.bytes_per_flow > 0) a.load.assign(merged_.begin(), merged_.end());
  a.bytes_per_flow = transfer.bytes_per_flow;
  // The same expression as the max-min level of a transfer alone, so both modes agree exactly.
  a.rate_bytes_per_s = transfer.max_rate_bytes_per_s;
  for (const LinkLoad& ll : a.load) {
    a.rate_bytes_per_s =
        std::min(a.rate_bytes_per_s, links_.capacity(ll.link) / static_cast<double>(ll.flows));
  }
  a.done = done;
  a.context = context;
  a.arg = arg;
  ++stats_.transfers_started;
  engine_.call_in<&AnalyticalNetwork::begin>(transfer.latency, this,
                                             static_cast<std::uint64_t>(slot));
}

// Engine event: the latency has passed; bytes start moving.
void AnalyticalNetwork::begin(std::uint64_t slot) {
  const Active& a = active_[slot];
  meter(a, +1);
  engine_.call_in<&AnalyticalNetwork::end>(transfer_duration(a.bytes_per_flow, a.rate_bytes_per_s),
                                           this, slot);
}

void AnalyticalNetwork::end(std::uint64_t slot) {
  Active& a = active_[slot];
  meter(a, -1);
  a.load.clear();
  const auto [done, context, arg] = std::tuple(a.done, a.context, a.arg);
  free_slots_.push_back(static_cast<std::int32_t>(slot));  // the callback may reuse it
  ++stats_.transfers_completed;
  done(context, arg);
}

void AnalyticalNetwork::meter(const Active& a, double sign) {
  const engine::Time now = engine_.now();
  for (const LinkLoad& ll : a.load) {
    moving_[ll.link] += sign > 0 ? 1 : -1;
    // An idle link reads exactly zero, whatever rounding the additions left.
    const double load =
        moving_[ll.link] == 0 ? 0.0 : links_.load(ll.link) + sign * ll.flows * a.rate_bytes_per_s;
    links_.set_load(ll.link, load, now);
  }
}

}  // namespace dtsim::network
