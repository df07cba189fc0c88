#include "dtsim/sim/collective/network_runner.hpp"

#include <stdexcept>

namespace dtsim::collective {

NetworkRunner::NetworkRunner(engine::Engine& engine, network::Network& network, Planner& planner,
                             std::optional<Algorithm> algorithm)
    : engine_(engine), network_(network), planner_(planner), algorithm_(algorithm) {}

std::shared_ptr<const CollectivePlan> NetworkRunner::plan_for(const CommSpec& spec) {
  auto key = std::make_tuple(spec.op, spec.bytes, spec.ranks, spec.replicas);
  if (auto it = cache_.find(key); it != cache_.end()) return it->second;
  std::optional<Algorithm> forced;
  if (algorithm_) {
    // A forced algorithm applies where it can run; elsewhere the planner chooses.
    try {
      schedule(spec, *algorithm_, planner_.cluster());
      forced = algorithm_;
    } catch (const std::invalid_argument&) {
    }
  }
  auto plan = std::make_shared<const CollectivePlan>(planner_.plan(spec, forced));
  cache_.emplace(std::move(key), plan);
  return plan;
}

void NetworkRunner::start(const CommSpec& spec, engine::Engine::Action done, void* context,
                          std::uint64_t arg) {
  auto plan = plan_for(spec);
  last_plan_ = plan;
  std::uint64_t slot;
  if (free_.empty()) {
    slot = running_.size();
    running_.emplace_back();
  } else {
    slot = free_.back();
    free_.pop_back();
  }
  running_[slot] = Running{std::move(plan), 0, 0, done, context, arg};
  start_stage(slot);
}

void NetworkRunner::start_stage(std::uint64_t slot) {
  auto& r = running_[slot];
  if (r.stage == r.plan->stages.size()) {
    const Running finished = r;
    running_[slot].plan.reset();
    free_.push_back(slot);
    engine_.schedule_in(0, finished.done, finished.context, finished.arg);
    return;
  }
  const auto& stage = r.plan->stages[r.stage];
  r.pending = static_cast<int>(stage.sets.size());
  if (r.pending == 0) {
    ++r.stage;
    start_stage(slot);
    return;
  }
  auto on_set = [](void* self, std::uint64_t s) { static_cast<NetworkRunner*>(self)->set_done(s); };
  for (const auto& set : stage.sets) network_.start(set.transfer, on_set, this, slot);
}

void NetworkRunner::set_done(std::uint64_t slot) {
  auto& r = running_[slot];
  if (--r.pending > 0) return;
  ++r.stage;
  start_stage(slot);
}

}  // namespace dtsim::collective
