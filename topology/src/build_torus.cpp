// TPU slices: chips on a 2D or 3D torus of ICI links. Chips are numbered x fastest. A dimension
// wraps around when the slice spans the whole pod in it (2D pods), or a whole number of 4x4x4
// cubes (3D pods: the optical circuit switches close the ring). In 3D pods every link that
// leaves a cube face passes an OCS (one per dimension and face position: 3 x 16 = 48 for a v4
// pod, Jouppi et al., ISCA 2023). An OCS holds fixed circuits, not a crossbar: each circuit is a
// point-to-point optical link between two chips, and that is how the graph holds it.
#include <numeric>

#include "build_internal.hpp"

namespace dtsim::topology::detail {
namespace {

std::vector<int> coords_of(int i, const std::vector<int>& shape) {
  std::vector<int> c(shape.size());
  for (std::size_t d = 0; d < shape.size(); ++d) {
    c[d] = i % shape[d];
    i /= shape[d];
  }
  return c;
}

int index_of(const std::vector<int>& c, const std::vector<int>& shape) {
  int i = 0;
  for (std::size_t d = shape.size(); d-- > 0;) i = i * shape[d] + c[d];
  return i;
}

}  // namespace

void build_torus_slice(Cluster& c, const Catalog& catalog, const SystemSpec& s,
                       const std::vector<int>& shape, int slice) {
  auto& layout = c.layout();
  auto& torus = layout.torus;
  const auto& up = s.scale_up;
  const int dims = static_cast<int>(shape.size());
  const int chips = std::accumulate(shape.begin(), shape.end(), 1, std::multiplies<>());
  torus.shape = shape;
  torus.cube = up.cube;
  torus.wraps.assign(dims, false);
  for (int d = 0; d < dims; ++d)
    torus.wraps[d] = up.cube > 0 ? shape[d] % up.cube == 0 : shape[d] == up.max_shape[d];
  layout.slice_chips = chips;

  const int per_host = s.accelerators_per_node;
  const int first_node = static_cast<int>(layout.nodes.size());
  const int hosts = (chips + per_host - 1) / per_host;
  for (int h = 0; h < hosts; ++h) {
    layout.nodes.emplace_back();
    layout.nodes.back().host = c.add_vertex(VertexKind::host, first_node + h);
  }
  const int first_chip = static_cast<int>(layout.accelerators.size());
  for (int i = 0; i < chips; ++i) {
    const int node = first_node + i / per_host;
    const VertexId v = c.add_vertex(VertexKind::accelerator, node);
    layout.accelerators.push_back(Layout::Accelerator{v, node, i % per_host, slice, -1, -1});
  }

  const LinkParams ici = link_params(catalog, up.link);
  auto vertex = [&](int i) { return layout.accelerators[first_chip + i].vertex; };
  for (int i = 0; i < chips; ++i) {
    const auto coord = coords_of(i, shape);
    for (int d = 0; d < dims; ++d) {
      const int n = shape[d];
      if (n == 1) continue;
      auto next = coord;
      next[d] = (coord[d] + 1) % n;
      const bool last = coord[d] + 1 == n;
      if (last && (!torus.wraps[d] || n == 2)) continue;
      // Two chips in a wrapped dimension are joined twice (both their ports face each other).
      const int cables = (n == 2 && torus.wraps[d]) ? 2 : 1;
      const bool crosses_face = up.cube > 0 && (coord[d] + 1) % up.cube == 0;
      c.add_link(vertex(i), vertex(index_of(next, shape)), cables * ici.bw, ici.efficiency,
                 ici.latency_s, crosses_face ? LinkClass::optical : LinkClass::scale_up, ici.type,
                 cables);
    }
  }
  const std::string host_link = catalog.find_device(s.device)->host_link;
  for (int h = 0; h < hosts; ++h) {
    std::vector<int> members;
    for (int i = h * per_host; i < std::min(chips, (h + 1) * per_host); ++i) members.push_back(first_chip + i);
    attach_nics(c, catalog, s, first_node + h, members, host_link);
  }
}

}  // namespace dtsim::topology::detail
