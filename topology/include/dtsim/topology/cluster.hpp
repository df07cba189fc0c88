#pragma once
// A cluster as one graph: vertices are accelerators, NVSwitch complexes, PCIe switches, hosts,
// NICs, network switches and optical circuit switches; every physical link is two directed
// edges, each with its own bandwidth per direction and latency. The rest of dtsim sees stable
// integer ids (VertexId, LinkId), never Boost descriptors.
//
// Parallel physical links between the same two vertices (an accelerator's 18 NVLinks into its
// NVSwitch complex, a leaf's 8 cables to one spine) are one edge whose bandwidth is their sum and
// whose `cables` says how many there are.
#include <array>
#include <boost/graph/adjacency_list.hpp>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace dtsim::topology {

using VertexId = std::int32_t;
using LinkId = std::int32_t;

enum class VertexKind : std::uint8_t {
  accelerator,
  nvswitch,     // an NVSwitch complex (all chips of a node or rack as one crossbar)
  pcie_switch,
  host,         // CPU root complex
  nic,
  leaf,
  spine,
  core,
  dcn,          // data-center network seen as one switch
};
inline constexpr int kVertexKinds = 9;
std::string to_string(VertexKind kind);

enum class LinkClass : std::uint8_t { scale_up, pcie, network, optical };

struct VertexInfo {
  VertexKind kind = VertexKind::accelerator;
  std::int32_t node = -1;   // owning node (or -1 for fabric switches)
  std::int32_t index = 0;   // ordinal among vertices of its kind
  std::int32_t chips = 1;   // physical switch chips behind an nvswitch vertex
};

struct LinkInfo {
  LinkId id = -1;
  VertexId src = -1;
  VertexId dst = -1;
  double bw_bytes_per_s = 0;  // raw, this direction, all cables together
  double efficiency = 1;      // achievable fraction (protocol overhead)
  double latency_s = 0;
  LinkClass cls = LinkClass::scale_up;
  std::int16_t type = 0;      // index into Cluster::link_types()
  std::int16_t cables = 1;
  double achievable_bytes_per_s() const { return bw_bytes_per_s * efficiency; }
};

using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS, VertexInfo, LinkInfo>;

// Where accelerators sit, in the terms routing needs. Plain data filled by the builders.
struct Layout {
  struct Accelerator {
    VertexId vertex = -1;
    std::int32_t node = 0;    // node, tray or TPU host
    std::int32_t local = 0;   // index within the node
    std::int32_t domain = 0;  // scale-up domain: node, NVL72 rack, TPU slice
    VertexId nic = -1;        // its NIC (rail); -1 without scale-out
    VertexId pcie_switch = -1;  // pcie/bridge kinds: its PCIe switch (or the host)
  };
  struct Node {
    VertexId scale_up_switch = -1;         // nvswitch complex
    VertexId host = -1;
    std::vector<VertexId> pcie_switches;   // pcie/bridge kinds
    std::vector<VertexId> nics;
  };
  struct Torus {
    std::vector<int> shape;                // chips per dimension in one slice
    std::vector<bool> wraps;
    int cube = 0;                          // > 0: links across cube faces pass an OCS
    // Optical circuit switches serving one slice: one per dimension and face position.
    int optical_switches() const {
      return cube > 0 ? static_cast<int>(shape.size()) * cube * cube : 0;
    }
  };
  struct Clos {
    // NIC ordinal -> its leaf; leaf ordinal -> pod; pod -> spines; spines -> cores by plane.
    std::vector<VertexId> leaf_of_nic;
    std::vector<std::int32_t> pod_of_leaf;
    std::vector<std::vector<VertexId>> spines_of_pod;
    std::vector<std::vector<VertexId>> cores_of_plane;  // plane j joins spine j of every pod
    std::vector<std::int32_t> plane_of_spine;
    std::vector<std::int32_t> pod_of_spine;
    VertexId crossbar = -1;                // crossbar kind
    // Cross-rail traffic first crosses NVLink to the local accelerator on the destination's
    // rail (NCCL's PXN): on rail-optimized fabrics, where it keeps traffic off the spines, and
    // on multi-plane ones, where rails never meet.
    bool rail_aligned = false;
  };

  std::vector<Accelerator> accelerators;
  std::vector<Node> nodes;
  int accelerators_per_node = 0;
  int scale_up_kind = 0;     // topology::ScaleUpKind
  bool peer_to_peer = true;
  int slice_chips = 0;       // torus systems: chips per slice
  Torus torus;
  Clos clos;
};

class Cluster {
 public:
  // Construction (builders). A vertex's index is its ordinal among vertices of its kind.
  VertexId add_vertex(VertexKind kind, int node = -1, int chips = 1);
  // Adds both directions of a physical link (bandwidth given per direction); returns the id of
  // the u->v direction (v->u is that id + 1).
  LinkId add_link(VertexId u, VertexId v, double bw_bytes_per_s, double efficiency,
                  double latency_s, LinkClass cls, const std::string& type, int cables = 1);
  // Builds the lookup index; call once after the last add_link.
  void finalize();

  // Queries.
  const Graph& graph() const { return graph_; }
  int vertex_count() const { return static_cast<int>(boost::num_vertices(graph_)); }
  int link_count() const { return static_cast<int>(edges_.size()); }
  const VertexInfo& vertex(VertexId v) const { return graph_[static_cast<std::size_t>(v)]; }
  const LinkInfo& link(LinkId id) const { return graph_[edges_[id]]; }
  LinkId reverse(LinkId id) const { return id ^ 1; }
  // The directed link u->v, or -1.
  LinkId find_link(VertexId u, VertexId v) const;
  const std::vector<std::string>& link_types() const { return link_types_; }

  int accelerators() const { return static_cast<int>(layout_.accelerators.size()); }
  int count(VertexKind kind) const { return kind_count_[static_cast<int>(kind)]; }
  const Layout& layout() const { return layout_; }
  Layout& layout() { return layout_; }

  // The path traffic from accelerator a to accelerator b takes, as directed links. `salt`
  // spreads flows between the same pair over equal-cost paths (deterministically).
  std::vector<LinkId> route(int a, int b, std::uint64_t salt = 0) const;
  // The same path as vertices, a first and b last.
  std::vector<VertexId> route_vertices(int a, int b, std::uint64_t salt = 0) const;

 private:
  Graph graph_;
  std::vector<Graph::edge_descriptor> edges_;
  std::vector<std::string> link_types_;
  // Per vertex, its out-links sorted by target: [offset_[v], offset_[v+1]) in targets_.
  std::vector<std::int64_t> offset_;
  std::vector<std::pair<VertexId, LinkId>> targets_;
  Layout layout_;
  std::array<int, kVertexKinds> kind_count_{};
};

}  // namespace dtsim::topology
