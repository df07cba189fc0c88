#include "dtsim/topology/cluster.hpp"

#include <algorithm>
#include <stdexcept>

namespace dtsim::topology {

std::string to_string(VertexKind kind) {
  switch (kind) {
    case VertexKind::accelerator: return "accelerator";
    case VertexKind::nvswitch: return "nvswitch";
    case VertexKind::pcie_switch: return "pcie-switch";
    case VertexKind::host: return "host";
    case VertexKind::nic: return "nic";
    case VertexKind::leaf: return "leaf";
    case VertexKind::spine: return "spine";
    case VertexKind::core: return "core";
    case VertexKind::dcn: return "dcn";
  }
  return "?";
}

VertexId Cluster::add_vertex(VertexKind kind, int node, int chips) {
  const int index = kind_count_[static_cast<int>(kind)]++;
  return static_cast<VertexId>(boost::add_vertex(VertexInfo{kind, node, index, chips}, graph_));
}

LinkId Cluster::add_link(VertexId u, VertexId v, double bw, double efficiency, double latency_s,
                         LinkClass cls, const std::string& type, int cables) {
  auto t = std::find(link_types_.begin(), link_types_.end(), type);
  if (t == link_types_.end()) t = link_types_.insert(link_types_.end(), type);
  const auto type_index = static_cast<std::int16_t>(t - link_types_.begin());
  const auto id = static_cast<LinkId>(edges_.size());
  for (auto [a, b] : {std::pair{u, v}, std::pair{v, u}}) {
    LinkInfo info{static_cast<LinkId>(edges_.size()), a, b, bw, efficiency, latency_s, cls,
                  type_index, static_cast<std::int16_t>(cables)};
    edges_.push_back(boost::add_edge(static_cast<std::size_t>(a), static_cast<std::size_t>(b), info,
                                     graph_).first);
  }
  return id;
}

void Cluster::finalize() {
  const auto n = static_cast<std::size_t>(vertex_count());
  offset_.assign(n + 1, 0);
  for (const auto& e : edges_) ++offset_[boost::source(e, graph_) + 1];
  for (std::size_t v = 0; v < n; ++v) offset_[v + 1] += offset_[v];
  targets_.assign(edges_.size(), {});
  std::vector<std::int64_t> fill(offset_.begin(), offset_.end() - 1);
  for (const auto& e : edges_) {
    const auto& info = graph_[e];
    targets_[fill[info.src]++] = {info.dst, info.id};
  }
  for (std::size_t v = 0; v < n; ++v)
    std::sort(targets_.begin() + offset_[v], targets_.begin() + offset_[v + 1]);
}

LinkId Cluster::find_link(VertexId u, VertexId v) const {
  const auto first = targets_.begin() + offset_[u];
  const auto last = targets_.begin() + offset_[u + 1];
  auto it = std::lower_bound(first, last, std::pair<VertexId, LinkId>{v, -1});
  return it != last && it->first == v ? it->second : -1;
}

std::vector<LinkId> Cluster::route(int a, int b, std::uint64_t salt) const {
  const auto vertices = route_vertices(a, b, salt);
  std::vector<LinkId> links;
  links.reserve(vertices.size());
  for (std::size_t i = 0; i + 1 < vertices.size(); ++i) {
    const LinkId l = find_link(vertices[i], vertices[i + 1]);
    if (l < 0) throw std::logic_error("route uses a link the cluster does not have");
    links.push_back(l);
  }
  return links;
}

}  // namespace dtsim::topology
