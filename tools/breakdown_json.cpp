#include "breakdown_json.hpp"

namespace dtsim::tools {

nlohmann::ordered_json breakdown_json(const training::Breakdown& b) {
  return {{"compute", b.compute_s},       {"recompute", b.recompute_s},
          {"optimizer", b.optimizer_s},   {"exposed_tp", b.exposed_tp_s},
          {"exposed_cp", b.exposed_cp_s}, {"exposed_ep", b.exposed_ep_s},
          {"exposed_dp", b.exposed_dp_s}, {"pp_wait", b.pp_wait_s},
          {"bubble", b.bubble_s}};
}

}  // namespace dtsim::tools
