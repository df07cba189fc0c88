#include "flow_network.hpp"

#include <algorithm>

namespace dtsim::network {

FlowNetwork::FlowNetwork(engine::Engine& engine, std::vector<double> capacity_bytes_per_s)
    : engine_(engine), links_(std::move(capacity_bytes_per_s)) {
  users_.resize(links_.size());
  link_visited_.assign(links_.size(), 0);
  link_local_.assign(links_.size(), 0);
}

void FlowNetwork::start(const Transfer& transfer, engine::Engine::Action done, void* context,
                        std::uint64_t arg) {
  links_.merge_load(transfer, local_load_);  // validates before anything changes
  std::int32_t slot = static_cast<std::int32_t>(active_.size());
  if (free_slots_.empty()) {
    active_.emplace_back();
  } else {
    slot = free_slots_.back();
    free_slots_.pop_back();
  }
  Active& a = active_[slot];
  // Zero bytes takes no link: it completes when its latency has passed, disturbing no one.
  a.load.clear();
  if (transfer.bytes_per_flow > 0) a.load.assign(local_load_.begin(), local_load_.end());
  a.place.resize(a.load.size());
  a.remaining_bytes = transfer.bytes_per_flow;
  a.rate_bytes_per_s = 0;
  a.max_rate_bytes_per_s = transfer.max_rate_bytes_per_s;
  a.seq = next_seq_++;
  a.done = done;
  a.context = context;
  a.arg = arg;
  ++stats_.transfers_started;
  if (transfer.latency == 0) {
    begin(static_cast<std::uint64_t>(slot));
  } else {
    engine_.call_in<&FlowNetwork::begin>(transfer.latency, this, static_cast<std::uint64_t>(slot));
  }
}

// Engine event: the latency of transfer `slot` has passed; it joins its links.
void FlowNetwork::begin(std::uint64_t slot) {
  const auto t = static_cast<std::int32_t>(slot);
  Active& a = active_[t];
  a.since = engine_.now();
  for (std::size_t k = 0; k < a.load.size(); ++k) {
    std::vector<User>& users = users_[a.load[k].link];
    a.place[k] = static_cast<std::int32_t>(users.size());
    users.push_back(User{t, static_cast<std::int32_t>(k)});
  }
  seed_transfers_.push_back(t);
  request_resolve();
}

void FlowNetwork::request_resolve() {
  if (resolve_pending_) return;
  resolve_pending_ = true;
  engine_.call_in<&FlowNetwork::resolve>(0, this);
}

// Engine event: every start and end of this instant has been recorded; re-solve around them.
void FlowNetwork::resolve(std::uint64_t) {
  resolve_pending_ = false;
  walk_component();
  build_problem();
  apply_rates(solver_.solve(problem_));
  ++stats_.solves;
  stats_.transfers_solved += component_transfers_.size();
  arm_wakeup();
}

// Collects the seeds and everything connected to them through shared links, breadth first.
void FlowNetwork::walk_component() {
  ++walk_stamp_;
  component_transfers_.clear();
  component_links_.clear();
  idle_links_.clear();
  for (std::int32_t t : seed_transfers_) visit_transfer(t);
  for (LinkId l : seed_links_) visit_link(l);
  seed_transfers_.clear();
  seed_links_.clear();
  for (std::size_t i = 0; i < component_transfers_.size(); ++i) {
    for (const LinkLoad& ll : active_[component_transfers_[i]].load) visit_link(ll.link);
  }
}

void FlowNetwork::visit_link(LinkId l) {
  if (link_visited_[l] == walk_stamp_) return;
  link_visited_[l] = walk_stamp_;
  if (users_[l].empty()) {  // a link the ended transfers left idle: no part of the problem
    idle_links_.push_back(l);
    return;
  }
  link_local_[l] = static_cast<std::int32_t>(component_links_.size());
  component_links_.push_back(l);
  for (const User& u : users_[l]) visit_transfer(u.transfer);
}

void FlowNetwork::visit_transfer(std::int32_t t) {
  if (active_[t].visited == walk_stamp_) return;
  active_[t].visited = walk_stamp_;
  component_transfers_.push_back(t);
}

// The component as a bare max-min problem, links renumbered in the order visited.
void FlowNetwork::build_problem() {
  problem_.clear();
  for (LinkId l : component_links_) problem_.add_link(links_.capacity(l));
  for (std::int32_t t : component_transfers_) {
    local_load_.clear();
    for (const LinkLoad& ll : active_[t].load) {
      local_load_.push_back(LinkLoad{link_local_[ll.link], ll.flows});
    }
    problem_.add_transfer(local_load_, active_[t].max_rate_bytes_per_s);
  }
}

// Settles progress and moves the completion of each transfer whose rate changed (an unchanged
// rate keeps its completion time exactly), then sets the component's link loads.
void FlowNetwork::apply_rates(const std::vector<double>& rates) {
  const engine::Time now = engine_.now();
  local_link_load_.assign(component_links_.size(), 0);
  for (std::size_t i = 0; i < component_transfers_.size(); ++i) {
    const std::int32_t t = component_transfers_[i];
    Active& a = active_[t];
    const double rate = rates[i];
    for (const LinkLoad& ll : a.load) local_link_load_[link_local_[ll.link]] += ll.flows * rate;
    if (rate == a.rate_bytes_per_s) continue;
    if (now > a.since) {
      // Rounding may take the remainder a hair below zero; nothing is left to move then.
      a.remaining_bytes =
          std::max(0.0, a.remaining_bytes - a.rate_bytes_per_s * engine::to_seconds(now - a.since));
    }
    a.since = now;
    a.rate_bytes_per_s = rate;
    completions_.set(t, now + transfer_duration(a.remaining_bytes, rate), a.seq);
  }
  for (std::size_t j = 0; j < component_links_.size(); ++j) {
    links_.set_load(component_links_[j], local_link_load_[j], now);
  }
  for (LinkId l : idle_links_) links_.set_load(l, 0, now);
}

// Engine event: the earliest completion is due (unless `version` was replaced since).
void FlowNetwork::wake(std::uint64_t version) {
  if (version != wake_version_) return;
  wake_at_.reset();
  callbacks_.clear();
  while (!completions_.empty() && completions_.top().finish <= engine_.now()) {
    const std::int32_t slot = completions_.top().slot;
    completions_.pop();
    finish(slot);
  }
  if (seed_links_.empty()) {
    arm_wakeup();  // nothing left a link: no rate changes
  } else {
    request_resolve();
  }
  for (const Callback& c : callbacks_) c.done(c.context, c.arg);
}

// Takes transfer `slot` off its links (swap-remove, fixing the moved user's place).
void FlowNetwork::finish(std::int32_t slot) {
  Active& a = active_[slot];
  for (std::size_t k = 0; k < a.load.size(); ++k) {
    const LinkId l = a.load[k].link;
    std::vector<User>& users = users_[l];
    const User moved = users.back();
    users[a.place[k]] = moved;
    active_[moved.transfer].place[moved.k] = a.place[k];
    users.pop_back();
    seed_links_.push_back(l);
  }
  callbacks_.push_back(Callback{a.done, a.context, a.arg});
  a.load.clear();
  free_slots_.push_back(slot);
  ++stats_.transfers_completed;
}

void FlowNetwork::arm_wakeup() {
  if (completions_.empty()) {
    wake_at_.reset();
    ++wake_version_;  // a wake still queued finds nothing to do
    return;
  }
  const engine::Time next = completions_.top().finish;
  if (wake_at_ == next) return;
  wake_at_ = next;
  ++wake_version_;
  engine_.call_at<&FlowNetwork::wake>(next, this, wake_version_);
}

}  // namespace dtsim::network
