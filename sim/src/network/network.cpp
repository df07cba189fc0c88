#include "dtsim/sim/network/network.hpp"

#include "analytical_network.hpp"
#include "flow_network.hpp"

namespace dtsim::network {

std::unique_ptr<Network> make_network(Mode mode, engine::Engine& engine,
                                      std::vector<double> capacity_bytes_per_s) {
  switch (mode) {
    case Mode::flow:
      return std::make_unique<FlowNetwork>(engine, std::move(capacity_bytes_per_s));
    case Mode::analytical:
      return std::make_unique<AnalyticalNetwork>(engine, std::move(capacity_bytes_per_s));
  }
  return nullptr;
}

}  // namespace dtsim::network
