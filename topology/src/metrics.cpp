#include "dtsim/topology/metrics.hpp"

#include <boost/graph/push_relabel_max_flow.hpp>
#include <limits>
#include <sstream>

namespace dtsim::topology {
namespace {

using FlowTraits = boost::adjacency_list_traits<boost::vecS, boost::vecS, boost::directedS>;
using FlowGraph = boost::adjacency_list<
    boost::vecS, boost::vecS, boost::directedS, boost::no_property,
    boost::property<boost::edge_capacity_t, double,
                    boost::property<boost::edge_residual_capacity_t, double,
                                    boost::property<boost::edge_reverse_t, FlowTraits::edge_descriptor>>>>;

// Adds u->v of capacity `cap` with a reverse edge v->u of capacity `back`.
void add_pair(FlowGraph& g, std::size_t u, std::size_t v, double cap, double back) {
  auto capacity = boost::get(boost::edge_capacity, g);
  auto reverse = boost::get(boost::edge_reverse, g);
  const auto e = boost::add_edge(u, v, g).first;
  const auto r = boost::add_edge(v, u, g).first;
  capacity[e] = cap;
  capacity[r] = back;
  reverse[e] = r;
  reverse[r] = e;
}

}  // namespace

double bisection_bandwidth(const Cluster& c) {
  const int n = c.accelerators();
  if (n < 2) return 0;
  FlowGraph g(static_cast<std::size_t>(c.vertex_count()) + 2);
  const std::size_t source = c.vertex_count(), sink = source + 1;
  // Both directions of a physical link are one antiparallel pair.
  for (LinkId id = 0; id < c.link_count(); id += 2) {
    const auto& l = c.link(id);
    add_pair(g, l.src, l.dst, l.bw_bytes_per_s, c.link(id + 1).bw_bytes_per_s);
  }
  const double inf = std::numeric_limits<double>::max() / 4;
  const auto& acc = c.layout().accelerators;
  for (int i = 0; i < n; ++i) {
    if (i < n / 2) add_pair(g, source, acc[i].vertex, inf, 0);
    else add_pair(g, acc[i].vertex, sink, inf, 0);
  }
  return boost::push_relabel_max_flow(g, source, sink);
}

int routed_diameter(const Cluster& c) {
  const int n = c.accelerators();
  int diameter = 0;
  for (int src : {0, n / 2, n - 1})
    for (int dst = 0; dst < n; ++dst)
      diameter = std::max(diameter, static_cast<int>(c.route_vertices(src, dst).size()) - 1);
  return diameter;
}

TopologySummary summarize(const Cluster& c) {
  TopologySummary s;
  s.accelerators = c.accelerators();
  s.nodes = static_cast<int>(c.layout().nodes.size());
  for (int v = 0; v < c.vertex_count(); ++v) {
    const auto& info = c.vertex(v);
    ++s.vertices[static_cast<int>(info.kind)];
    if (info.kind == VertexKind::nvswitch) s.nvswitch_chips += info.chips;
  }
  bool optical = false;
  for (LinkId id = 0; id < c.link_count(); id += 2) {
    const auto& l = c.link(id);
    optical = optical || l.cls == LinkClass::optical;
    const std::string& type = c.link_types()[l.type];
    auto it = std::find_if(s.links.begin(), s.links.end(),
                           [&](const LinkTally& t) { return t.type == type && t.cls == l.cls; });
    if (it == s.links.end()) it = s.links.insert(s.links.end(), {type, l.cls, 0, l.bw_bytes_per_s / l.cables});
    it->cables += l.cables;
  }
  if (optical) {
    int slices = 0;
    for (const auto& a : c.layout().accelerators) slices = std::max(slices, a.domain + 1);
    s.optical_switches = slices * c.layout().torus.optical_switches();
  }
  if (s.accelerators > 0) {
    const auto& a = c.layout().accelerators[0];
    for (LinkId id = 0; id < c.link_count(); ++id) {
      const auto& l = c.link(id);
      if (l.src == a.vertex && c.vertex(l.dst).kind != VertexKind::nic)
        s.scale_up_injection_bytes_per_s += l.bw_bytes_per_s;
    }
    if (a.nic >= 0) {
      int sharing = 0;
      for (const auto& other : c.layout().accelerators) sharing += other.nic == a.nic;
      for (LinkId id = 0; id < c.link_count(); ++id) {
        const auto& l = c.link(id);
        if (l.src == a.nic && c.vertex(l.dst).kind != VertexKind::accelerator)
          s.scale_out_injection_bytes_per_s += l.bw_bytes_per_s / sharing;
      }
    }
  }
  s.bisection_bytes_per_s = bisection_bandwidth(c);
  s.diameter_hops = routed_diameter(c);
  return s;
}

std::string to_dot(const Cluster& c) {
  std::ostringstream out;
  out << "graph cluster {\n  node [fontsize=10];\n";
  for (int v = 0; v < c.vertex_count(); ++v) {
    const auto& info = c.vertex(v);
    const bool accel = info.kind == VertexKind::accelerator;
    out << "  v" << v << " [label=\"" << to_string(info.kind) << ' ' << info.index
        << "\" shape=" << (accel ? "box" : "ellipse") << "];\n";
  }
  for (LinkId id = 0; id < c.link_count(); id += 2) {
    const auto& l = c.link(id);
    out << "  v" << l.src << " -- v" << l.dst << " [label=\"" << c.link_types()[l.type];
    if (l.cables > 1) out << " x" << l.cables;
    out << "\"];\n";
  }
  out << "}\n";
  return out.str();
}

}  // namespace dtsim::topology
