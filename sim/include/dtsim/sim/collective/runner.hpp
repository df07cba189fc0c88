#pragma once
// Carries out communications in simulated time: the interface the step replay talks to. One
// implementation prices each communication with closed-form alpha-beta costs; the flow-level
// one decomposes it into flows that share links.
#include <cstdint>

#include "dtsim/sim/collective/collective.hpp"
#include "dtsim/sim/engine/engine.hpp"

namespace dtsim::collective {

class Runner {
 public:
  virtual ~Runner() = default;
  // Starts `spec` at the engine's current time and schedules `done(context, arg)` for when it
  // completes.
  virtual void start(const CommSpec& spec, engine::Engine::Action done, void* context,
                     std::uint64_t arg) = 0;
};

// Free communication: every collective completes the moment it starts. For ideal-case studies
// (the pipeline bubble with nothing else in the way).
class IdealRunner final : public Runner {
 public:
  explicit IdealRunner(engine::Engine& engine) : engine_(engine) {}
  void start(const CommSpec&, engine::Engine::Action done, void* context, std::uint64_t arg) override {
    engine_.schedule_in(0, done, context, arg);
  }

 private:
  engine::Engine& engine_;
};

}  // namespace dtsim::collective
