#pragma once
// Runs collectives as transfers on the flow-level network: each stage's flow sets start
// together; the next stage starts when the last of them completes; the collective's completion
// callback fires after the last stage. Plans are cached by (collective, size, ranks), so the
// many identical collectives of a training step are planned once.
#include <map>
#include <memory>
#include <optional>
#include <tuple>
#include <vector>

#include "dtsim/sim/collective/planner.hpp"
#include "dtsim/sim/collective/runner.hpp"
#include "dtsim/sim/network/network.hpp"

namespace dtsim::collective {

class NetworkRunner final : public Runner {
 public:
  // `algorithm` forces one algorithm for every collective it can run (others choose freely).
  NetworkRunner(engine::Engine& engine, network::Network& network, Planner& planner,
                std::optional<Algorithm> algorithm = std::nullopt);

  void start(const CommSpec& spec, engine::Engine::Action done, void* context,
             std::uint64_t arg) override;

  // The plan the most recent start() used.
  const CollectivePlan& last_plan() const { return *last_plan_; }

 private:
  struct Running {
    std::shared_ptr<const CollectivePlan> plan;
    std::size_t stage = 0;
    int pending = 0;
    engine::Engine::Action done = nullptr;
    void* context = nullptr;
    std::uint64_t arg = 0;
  };
  std::shared_ptr<const CollectivePlan> plan_for(const CommSpec& spec);
  void start_stage(std::uint64_t slot);
  void set_done(std::uint64_t slot);

  engine::Engine& engine_;
  network::Network& network_;
  Planner& planner_;
  std::optional<Algorithm> algorithm_;
  std::vector<Running> running_;
  std::vector<std::uint64_t> free_;
  std::map<std::tuple<Op, double, std::vector<int>, std::vector<int>>, std::shared_ptr<const CollectivePlan>>
      cache_;
  std::shared_ptr<const CollectivePlan> last_plan_;
};

}  // namespace dtsim::collective
