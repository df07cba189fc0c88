#include "dtsim/sim/collective/measure.hpp"

#include "dtsim/sim/collective/network_runner.hpp"

namespace dtsim::collective {

std::vector<double> link_capacities(const topology::Cluster& cluster) {
  std::vector<double> capacity(cluster.link_count());
  for (topology::LinkId l = 0; l < cluster.link_count(); ++l)
    capacity[l] = cluster.link(l).achievable_bytes_per_s();
  return capacity;
}

Measurement measure(const CommSpec& spec, Planner& planner, network::Mode mode,
                    std::optional<Algorithm> algorithm) {
  engine::Engine engine;
  auto net = network::make_network(mode, engine, link_capacities(planner.cluster()));
  NetworkRunner runner(engine, *net, planner, algorithm);
  engine::Time finished = -1;
  auto done = [](void* t, std::uint64_t) { *static_cast<engine::Time*>(t) = 0; };
  runner.start(spec, done, &finished, 0);
  engine.run();
  Measurement m;
  m.time_s = engine::to_seconds(engine.now());
  m.events = engine.events_processed();
  m.algorithm = runner.last_plan().algorithm;
  m.protocol = runner.last_plan().protocol;
  if (m.time_s > 0) {
    m.algbw_bytes_per_s = spec.bytes / m.time_s;
    m.busbw_bytes_per_s = m.algbw_bytes_per_s * bus_factor(spec.op, static_cast<int>(spec.ranks.size()));
  }
  return m;
}

}  // namespace dtsim::collective
