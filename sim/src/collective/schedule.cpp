// The algorithms, as stages of flows (see schedule.hpp). Byte counts per flow follow from the
// algorithm: a ring all-reduce of S bytes over n ranks moves 2(n-1)/n S through every ring
// link in 2(n-1) steps, a reduce-scatter or all-gather (n-1)/n S in n-1 steps (Patarasuk &
// Yuan 2009; NCCL's busbw convention); K channels (one ring per NIC rail, NCCL's multi-ring)
// each carry 1/K of the buffer.
#include <algorithm>
#include <map>
#include <stdexcept>

#include "dtsim/sim/collective/schedule.hpp"
#include "dtsim/topology/cluster.hpp"
#include "dtsim/topology/system.hpp"

namespace dtsim::collective {
namespace {

using topology::Cluster;

// The group's ranks per node, nodes in order of first appearance.
std::vector<std::vector<int>> by_node(const std::vector<int>& ranks, const Cluster& c) {
  std::vector<std::vector<int>> groups;
  std::map<int, std::size_t> slot;
  for (int r : ranks) {
    const int node = c.layout().accelerators[r].node;
    auto [it, fresh] = slot.emplace(node, groups.size());
    if (fresh) groups.emplace_back();
    groups[it->second].push_back(r);
  }
  return groups;
}

std::size_t widest(const std::vector<std::vector<int>>& groups) {
  std::size_t w = 0;
  for (const auto& g : groups) w = std::max(w, g.size());
  return w;
}

void add_ring(FlowSet& s, const std::vector<int>& order, bool closed = true) {
  const std::size_t n = order.size();
  for (std::size_t i = 0; i + 1 < n; ++i) s.pairs.emplace_back(order[i], order[i + 1]);
  if (closed && n > 1) s.pairs.emplace_back(order[n - 1], order[0]);
}

bool on_torus(const Cluster& c) {
  return static_cast<topology::ScaleUpKind>(c.layout().scale_up_kind) == topology::ScaleUpKind::torus;
}

// Ring share of the buffer per link and the number of steps, by collective.
std::pair<double, int> ring_share(Op op, int n) {
  switch (op) {
    case Op::all_reduce: return {2.0 * (n - 1) / n, 2 * (n - 1)};
    case Op::reduce_scatter:
    case Op::all_gather: return {static_cast<double>(n - 1) / n, n - 1};
    case Op::broadcast:
    case Op::reduce: return {1.0, n - 1};
    default: throw std::invalid_argument(to_string(op) + " does not run on a ring");
  }
}

// NCCL rings: channel c visits each node's ranks starting from the c-th, so that every
// channel enters and leaves a node through a different GPU and NIC. On a torus there are no
// NICs to spread over: one ring in the ranks' order (a row or column of the torus when the
// group is one), run both ways, each direction carrying half the data.
Schedule ring(const CommSpec& spec, const Cluster& c) {
  const int n = static_cast<int>(spec.ranks.size());
  const bool both_ways = on_torus(c);
  const auto groups = both_ways ? std::vector<std::vector<int>>{spec.ranks} : by_node(spec.ranks, c);
  const int channels = groups.size() > 1 ? static_cast<int>(widest(groups)) : 1;
  const auto [share, steps] = ring_share(spec.op, n);
  const bool closed = spec.op != Op::broadcast && spec.op != Op::reduce;
  FlowSet set;
  for (int ch = 0; ch < channels; ++ch) {
    std::vector<int> order;
    for (const auto& g : groups) {
      const std::size_t first = static_cast<std::size_t>(ch) % g.size();
      for (std::size_t i = 0; i < g.size(); ++i) order.push_back(g[(first + i) % g.size()]);
    }
    if (spec.op == Op::reduce) std::reverse(order.begin(), order.end());
    add_ring(set, order, closed);
    if (both_ways) {
      std::reverse(order.begin(), order.end());
      add_ring(set, order, closed);
    }
  }
  set.bytes_per_flow = share * spec.bytes / channels / (both_ways ? 2 : 1);
  set.steps = steps;
  return {Stage{{set}}};
}

// NCCL's double binary tree: two trees over the nodes (heap order, and the same mirrored) so
// that a node is interior in at most one; inside each node a chain to the tree endpoint. The
// reduce goes up and the broadcast comes down at once (pipelined), each tree carrying half the
// buffer, on every channel (one per NIC rail). Interior ranks receive from two children,
// reduce and forward; NCCL's tuning model caps the tree's bus bandwidth at 80 GB/s beyond two
// nodes and 110 GB/s up to two (src/graph/tuning.cc, maxTreeBw; tree algbw = busbw / 2),
// which is what keeps NCCL on rings for large messages: each of the 4K flows (two trees, both
// directions, K channels) gets at most cap / 4K.
Schedule tree(const CommSpec& spec, const Cluster& c) {
  if (spec.op != Op::all_reduce) throw std::invalid_argument("tree runs all-reduce only");
  const auto groups = by_node(spec.ranks, c);
  const int nodes = static_cast<int>(groups.size());
  const int channels = static_cast<int>(widest(groups));
  FlowSet set;
  int depth = 0;
  while ((2 << depth) <= nodes) ++depth;
  for (int ch = 0; ch < channels; ++ch) {
    for (int t = 0; t < 2; ++t) {
      std::vector<int> endpoint(nodes);
      for (int i = 0; i < nodes; ++i) {
        const auto& g = groups[i];
        std::vector<int> chain;
        for (std::size_t k = 0; k < g.size(); ++k) chain.push_back(g[(ch + k + t) % g.size()]);
        endpoint[i] = chain.front();
        for (std::size_t k = 0; k + 1 < chain.size(); ++k) {
          set.pairs.emplace_back(chain[k + 1], chain[k]);  // reduce towards the endpoint
          set.pairs.emplace_back(chain[k], chain[k + 1]);  // broadcast back
        }
      }
      for (int i = 1; i < nodes; ++i) {
        const int child = t == 0 ? i : nodes - 1 - i;
        const int parent = t == 0 ? (i - 1) / 2 : nodes - 1 - (i - 1) / 2;
        set.pairs.emplace_back(endpoint[child], endpoint[parent]);
        set.pairs.emplace_back(endpoint[parent], endpoint[child]);
      }
    }
  }
  set.bytes_per_flow = spec.bytes / (2.0 * channels);
  set.steps = 2 * (static_cast<int>(widest(groups)) - 1 + depth);
  const double tree_bus_cap = nodes > 2 ? 80e9 : 110e9;
  set.max_rate_bytes_per_s = tree_bus_cap / (4.0 * channels);
  return {Stage{{set}}};
}

// Fully connected nodes (MI300X xGMI, Gaudi 3): reduce-scatter by sending every peer its 1/n
// directly, then all-gather the same way, every link busy at once (RCCL on MI300X reaches
// (n-1) links' worth of bus bandwidth this way, hardware.md 6.1: 312.9 GB/s = 7 x 44.7).
Schedule mesh(const CommSpec& spec, const Cluster& c) {
  const auto groups = by_node(spec.ranks, c);
  if (groups.size() != 1 ||
      static_cast<topology::ScaleUpKind>(c.layout().scale_up_kind) != topology::ScaleUpKind::full_mesh)
    throw std::invalid_argument("mesh runs inside one fully connected node");
  const int n = static_cast<int>(spec.ranks.size());
  FlowSet set;
  for (int a : spec.ranks)
    for (int b : spec.ranks)
      if (a != b) set.pairs.emplace_back(a, b);
  set.bytes_per_flow = spec.bytes / n;
  set.steps = 1;
  switch (spec.op) {
    case Op::all_reduce: return {Stage{{set}}, Stage{{set}}};
    case Op::reduce_scatter:
    case Op::all_gather: return {Stage{{set}}};
    default: throw std::invalid_argument("mesh runs all-reduce, reduce-scatter, all-gather");
  }
}

// Reduce-scatter inside every node, all-reduce of each node's 1/m across nodes (m rings, one
// per local position), all-gather inside every node.
Schedule hierarchical(const CommSpec& spec, const Cluster& c) {
  if (spec.op != Op::all_reduce) throw std::invalid_argument("hierarchical runs all-reduce only");
  const auto groups = by_node(spec.ranks, c);
  const int m = static_cast<int>(groups.front().size());
  const int nodes = static_cast<int>(groups.size());
  for (const auto& g : groups)
    if (static_cast<int>(g.size()) != m)
      throw std::invalid_argument("hierarchical needs the same number of ranks in every node");
  FlowSet local;
  for (const auto& g : groups) add_ring(local, g);
  local.bytes_per_flow = static_cast<double>(m - 1) / m * spec.bytes;
  local.steps = m - 1;
  FlowSet across;
  for (int p = 0; p < m; ++p) {
    std::vector<int> order;
    for (const auto& g : groups) order.push_back(g[p]);
    add_ring(across, order);
  }
  across.bytes_per_flow = 2.0 * (nodes - 1) / nodes * spec.bytes / m;
  across.steps = 2 * (nodes - 1);
  Schedule s;
  if (m > 1) s.push_back(Stage{{local}});
  if (nodes > 1) s.push_back(Stage{{across}});
  if (m > 1) s.push_back(Stage{{local}});
  return s;
}

// NVLink SHARP: every GPU pushes its whole buffer into the switch, which reduces; each reads
// back its reduced 1/n and multicasts it (multimem loads and stores): per GPU and direction
// S (1 + 1/n) crosses its NVLinks. Flows go GPU to GPU through the switch so that each GPU's
// up- and down-link carries one.
Schedule nvls(const CommSpec& spec, const Cluster& c) {
  if (spec.op != Op::all_reduce) throw std::invalid_argument("nvls runs all-reduce only");
  const auto groups = by_node(spec.ranks, c);
  if (groups.size() != 1 || c.layout().nodes[c.layout().accelerators[spec.ranks[0]].node].scale_up_switch < 0)
    throw std::invalid_argument("nvls runs inside one NVSwitch domain");
  const int n = static_cast<int>(spec.ranks.size());
  FlowSet set;
  add_ring(set, spec.ranks);
  set.bytes_per_flow = spec.bytes * (1.0 + 1.0 / n);
  set.steps = 1;
  return {Stage{{set}}};
}

// Whole TPU slices: bidirectional rings along x, then y, then z, each on the previous
// dimension's shard (reduce-scatter), a ring over slices through the data-center network for
// what is left, then all-gathers back in reverse order.
Schedule torus(const CommSpec& spec, const Cluster& c) {
  const auto& L = c.layout();
  const auto& shape = L.torus.shape;
  const int per_slice = L.slice_chips;
  const int n = static_cast<int>(spec.ranks.size());
  std::vector<int> sorted = spec.ranks;
  std::sort(sorted.begin(), sorted.end());
  const int slices = n / per_slice;
  const bool whole = n % per_slice == 0 && sorted.front() % per_slice == 0 &&
                     sorted.back() - sorted.front() == n - 1;
  if (!whole || !on_torus(c)) throw std::invalid_argument("torus runs over whole slices only");
  const int first = sorted.front();
  const int dims = static_cast<int>(shape.size());
  std::vector<int> stride(dims, 1);
  for (int d = 1; d < dims; ++d) stride[d] = stride[d - 1] * shape[d - 1];

  auto dim_stage = [&](int d, double shard) {
    FlowSet set;
    for (int s = 0; s < slices; ++s)
      for (int i = 0; i < per_slice; ++i) {
        if ((i / stride[d]) % shape[d] != 0) continue;  // one line per start chip
        std::vector<int> line;
        for (int k = 0; k < shape[d]; ++k) line.push_back(first + s * per_slice + i + k * stride[d]);
        add_ring(set, line);
        std::reverse(line.begin(), line.end());
        add_ring(set, line);
      }
    set.bytes_per_flow = static_cast<double>(shape[d] - 1) / shape[d] * shard / 2;
    set.steps = shape[d] - 1;
    return Stage{{set}};
  };
  auto dcn_stage = [&](Op op, double shard) {
    FlowSet set;
    for (int i = 0; i < per_slice; ++i) {
      std::vector<int> ring;
      for (int s = 0; s < slices; ++s) ring.push_back(first + s * per_slice + i);
      add_ring(set, ring);
    }
    const auto [share, steps] = ring_share(op, slices);
    set.bytes_per_flow = share * shard;
    set.steps = steps;
    return Stage{{set}};
  };

  // Shard sizes as the buffer shrinks dimension by dimension.
  std::vector<double> shard(dims + 1, spec.bytes);
  for (int d = 0; d < dims; ++d) shard[d + 1] = shard[d] / shape[d];
  Schedule out;
  const bool reduce = spec.op == Op::all_reduce || spec.op == Op::reduce_scatter;
  const bool gather = spec.op == Op::all_reduce || spec.op == Op::all_gather;
  if (!reduce && !gather) throw std::invalid_argument("torus runs all-reduce, reduce-scatter, all-gather");
  if (reduce)
    for (int d = 0; d < dims; ++d)
      if (shape[d] > 1) out.push_back(dim_stage(d, shard[d]));
  if (slices > 1) out.push_back(dcn_stage(spec.op, shard[dims]));
  if (gather)
    for (int d = dims - 1; d >= 0; --d)
      if (shape[d] > 1) out.push_back(dim_stage(d, shard[d]));
  return out;
}

Schedule pairwise(const CommSpec& spec) {
  if (spec.op != Op::all_to_all) throw std::invalid_argument("pairwise runs all-to-all only");
  const int n = static_cast<int>(spec.ranks.size());
  FlowSet set;
  for (int a : spec.ranks)
    for (int b : spec.ranks)
      if (a != b) set.pairs.emplace_back(a, b);
  set.bytes_per_flow = spec.bytes / n;
  set.steps = 1;
  return {Stage{{set}}};
}

Schedule direct(const CommSpec& spec) {
  if (spec.op != Op::send_recv || spec.ranks.size() != 2)
    throw std::invalid_argument("direct runs send/recv between two ranks");
  FlowSet set;
  set.pairs.emplace_back(spec.ranks[0], spec.ranks[1]);
  set.bytes_per_flow = spec.bytes;
  set.steps = 1;
  return {Stage{{set}}};
}

}  // namespace

Schedule schedule(const CommSpec& spec, Algorithm algorithm, const Cluster& c) {
  if (spec.ranks.size() < 2 || spec.bytes <= 0) return {};
  switch (algorithm) {
    case Algorithm::ring: return ring(spec, c);
    case Algorithm::tree: return tree(spec, c);
    case Algorithm::hierarchical: return hierarchical(spec, c);
    case Algorithm::nvls: return nvls(spec, c);
    case Algorithm::mesh: return mesh(spec, c);
    case Algorithm::torus: return torus(spec, c);
    case Algorithm::pairwise: return pairwise(spec);
    case Algorithm::direct: return direct(spec);
  }
  return {};
}

std::vector<Algorithm> candidate_algorithms(const CommSpec& spec, const Cluster& c, bool in_switch_reduction) {
  switch (spec.op) {
    case Op::send_recv: return {Algorithm::direct};
    case Op::all_to_all: return {Algorithm::pairwise};
    default: break;
  }
  std::vector<Algorithm> out;
  const auto groups = by_node(spec.ranks, c);
  if (on_torus(c)) {
    const int per_slice = c.layout().slice_chips;
    const int n = static_cast<int>(spec.ranks.size());
    const int lo = *std::min_element(spec.ranks.begin(), spec.ranks.end());
    const int hi = *std::max_element(spec.ranks.begin(), spec.ranks.end());
    if (spec.op != Op::broadcast && spec.op != Op::reduce && n % per_slice == 0 && lo % per_slice == 0 &&
        hi - lo == n - 1)
      out.push_back(Algorithm::torus);
    out.push_back(Algorithm::ring);
    return out;
  }
  out.push_back(Algorithm::ring);
  const bool mesh_node = groups.size() == 1 && static_cast<topology::ScaleUpKind>(c.layout().scale_up_kind) ==
                                                   topology::ScaleUpKind::full_mesh;
  if (mesh_node && (spec.op == Op::all_reduce || spec.op == Op::reduce_scatter || spec.op == Op::all_gather))
    out.push_back(Algorithm::mesh);
  if (spec.op == Op::all_reduce) {
    if (groups.size() > 1) out.push_back(Algorithm::tree);
    // NCCL enables NVLS for more than 4 GPUs of one NVLink domain (hardware.md 6.1).
    if (in_switch_reduction && groups.size() == 1 && spec.ranks.size() > 4) out.push_back(Algorithm::nvls);
  }
  return out;
}

std::string to_string(Algorithm a) {
  switch (a) {
    case Algorithm::ring: return "ring";
    case Algorithm::tree: return "tree";
    case Algorithm::hierarchical: return "hierarchical";
    case Algorithm::nvls: return "nvls";
    case Algorithm::mesh: return "mesh";
    case Algorithm::torus: return "torus";
    case Algorithm::pairwise: return "pairwise";
    case Algorithm::direct: return "direct";
  }
  return "?";
}

std::string to_string(Protocol p) {
  switch (p) {
    case Protocol::ll: return "LL";
    case Protocol::ll128: return "LL128";
    case Protocol::simple: return "Simple";
  }
  return "?";
}

std::vector<std::string> algorithm_names() {
  return {"ring", "tree", "hierarchical", "nvls", "mesh", "torus", "pairwise", "direct"};
}

std::optional<Algorithm> algorithm_from_string(const std::string& name) {
  for (auto a : {Algorithm::ring, Algorithm::tree, Algorithm::hierarchical, Algorithm::nvls,
                 Algorithm::mesh, Algorithm::torus, Algorithm::pairwise, Algorithm::direct})
    if (to_string(a) == name) return a;
  return std::nullopt;
}

}  // namespace dtsim::collective
