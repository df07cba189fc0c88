#include "catalog_reader.hpp"

#include <algorithm>
#include <charconv>

#include "dtsim/sim/config/suggest.hpp"

namespace dtsim::config {
namespace {

using topology::Catalog;
using topology::DeviceSpec;
using topology::FabricSpec;
using topology::LinkSpec;
using topology::Source;
using topology::SystemSpec;

std::string read_source(MapReader& m, const CatalogReadOptions& o,
                        std::string_view key = "source") {
  if (o.require_sources) return as_string(m.require(key, "where the figures come from"));
  auto s = m.get(key);
  return s ? as_string(*s) : "defined in " + m.node().pos().file;
}

std::optional<double> optional_quantity(MapReader& m, std::string_view key, Dimension d) {
  auto n = m.get(key);
  return n ? std::optional<double>(as_quantity(*n, d)) : std::nullopt;
}

std::vector<std::string> optional_list(MapReader& m, std::string_view key) {
  auto n = m.get(key);
  return n ? as_string_list(*n) : std::vector<std::string>{};
}

void check_link_exists(const Node& n, const std::string& id, const Catalog& catalog) {
  if (!catalog.find_link(id))
    n.fail("expected a link defined in the catalog, found '" + id + "'" +
           did_you_mean(id, catalog.link_names()));
}

LinkSpec read_link(const Node& n, const CatalogReadOptions& o) {
  MapReader m(n);
  LinkSpec l;
  l.id = as_string(m.require("id", "the link's name"));
  l.name = as_string(m.require("name", "a descriptive name"));
  l.bw_bytes_per_s = as_quantity(m.require("bandwidth", "the rate of one link per direction"),
                                 Dimension::bytes_per_s);
  if (auto e = m.get("efficiency")) l.efficiency = as_number(*e, 0, 1, true);
  if (auto lat = m.get("latency")) l.latency_s = as_quantity(*lat, Dimension::seconds, false);
  l.source = read_source(m, o);
  m.finish();
  return l;
}

// A group of device figures (peak, memory, ...) is read in one of two ways: as part of a
// catalog entry, whose required figures must be there, or as an override of a catalog device
// (`cluster.device`), where every figure is optional and those left out keep their values.
struct GroupRead {
  const CatalogReadOptions& options;
  bool overriding = false;
  std::vector<std::string>* changed = nullptr;  // overriding: "memory.capacity", ...
};

// The figure under `key`: required in an entry, optional in an override.
std::optional<Node> figure(MapReader& m, std::string_view key, std::string_view what,
                           const GroupRead& g) {
  auto n = g.overriding ? m.get(key) : std::optional<Node>(m.require(key, what));
  if (n && g.changed) g.changed->push_back(n->path());
  return n;
}

void set_quantity(MapReader& m, std::string_view key, Dimension d, std::optional<double>& into,
                  const GroupRead& g) {
  if (auto n = figure(m, key, "", {g.options, true, g.changed})) into = as_quantity(*n, d);
}

// An entry's source; an override's own, else the catalog's marked as changed.
void read_group_source(MapReader& m, Source& source, const GroupRead& g) {
  if (!g.overriding) {
    source = read_source(m, g.options);
  } else if (auto s = m.get("source")) {
    source = as_string(*s);
  } else {
    source += " (changed in " + m.node().pos().file + ")";
  }
}

void read_peak(const Node& n, DeviceSpec& d, const GroupRead& g) {
  MapReader m(n);
  auto& p = d.peak_flops_per_s;
  set_quantity(m, "fp32", Dimension::flops_per_s, p.fp32, g);
  set_quantity(m, "tf32", Dimension::flops_per_s, p.tf32, g);
  set_quantity(m, "bf16", Dimension::flops_per_s, p.bf16, g);
  set_quantity(m, "fp16", Dimension::flops_per_s, p.fp16, g);
  set_quantity(m, "fp8", Dimension::flops_per_s, p.fp8, g);
  set_quantity(m, "int8", Dimension::flops_per_s, p.int8, g);
  set_quantity(m, "fp4", Dimension::flops_per_s, p.fp4, g);
  if (!p.bf16 && !p.fp16) n.fail("expected at least a bf16 or fp16 peak, found neither");
  read_group_source(m, d.peak_source, g);
  m.finish();
}

void read_memory(const Node& n, DeviceSpec& d, const GroupRead& g) {
  MapReader m(n);
  if (auto c = figure(m, "capacity", "usable memory", g))
    d.mem_capacity_bytes = as_quantity(*c, Dimension::bytes);
  if (auto b = figure(m, "bandwidth", "peak memory bandwidth", g))
    d.mem_bw_bytes_per_s = as_quantity(*b, Dimension::bytes_per_s);
  if (auto t = figure(m, "type", "", {g.options, true, g.changed})) d.mem_type = as_string(*t);
  read_group_source(m, d.memory_source, g);
  m.finish();
}

void read_compute_units(const Node& n, DeviceSpec& d, const GroupRead& g) {
  MapReader m(n);
  if (auto c = figure(m, "count", "how many", g))
    d.compute_units = static_cast<int>(as_int(*c, 1, 1 << 20));
  if (auto k = figure(m, "kind", "SM, CU, MXU, ...", g)) d.compute_unit_kind = as_string(*k);
  read_group_source(m, d.compute_units_source, g);
  m.finish();
}

void read_efficiency(const Node& n, DeviceSpec& d, const GroupRead& g) {
  MapReader m(n);
  if (auto e = figure(m, "gemm", "the best-case GEMM fraction of peak", g))
    d.gemm_efficiency = as_number(*e, 0, 1, true);
  if (auto f = figure(m, "gemm_fp8", "", {g.options, true, g.changed}))
    d.gemm_fp8_efficiency = as_number(*f, 0, 1, true);
  if (auto h = figure(m, "hbm", "the achievable fraction of memory bandwidth", g))
    d.hbm_efficiency = as_number(*h, 0, 1, true);
  if (auto c = figure(m, "power_limited_clock", "", {g.options, true, g.changed}))
    d.power_limited_clock = as_number(*c, 0, 1, true);
  read_group_source(m, d.efficiency_source, g);
  m.finish();
}

void read_power(const Node& n, DeviceSpec& d, const GroupRead& g) {
  MapReader m(n);
  set_quantity(m, "tdp", Dimension::watts, d.tdp_w, g);
  read_group_source(m, d.power_source, g);
  m.finish();
}

void read_price(const Node& n, DeviceSpec& d, const GroupRead& g) {
  MapReader m(n);
  set_quantity(m, "buy", Dimension::usd, d.price_usd, g);
  set_quantity(m, "rent", Dimension::usd_per_hour, d.rent_usd_per_hour, g);
  read_group_source(m, d.price_source, g);
  m.finish();
}

// The groups an entry may give and an override may change; `peak`, `memory`, `efficiency` and
// `compute_units` are required in an entry.
void read_figure_groups(MapReader& m, DeviceSpec& d, const GroupRead& g) {
  auto group = [&](std::string_view key, std::string_view what, bool required) {
    return required && !g.overriding ? std::optional<Node>(m.require(key, what)) : m.get(key);
  };
  if (auto p = group("peak", "dense peak FLOP/s per data type", true)) read_peak(*p, d, g);
  if (auto mem = group("memory", "capacity and bandwidth", true)) read_memory(*mem, d, g);
  if (auto e = group("efficiency", "achievable GEMM and memory fractions", true))
    read_efficiency(*e, d, g);
  // Required: GEMM tiles run in waves over the units; with no count there are no waves.
  if (auto c = group("compute_units", "the SM, CU or MXU count", true))
    read_compute_units(*c, d, g);
  if (auto p = group("power", "", false)) read_power(*p, d, g);
  if (auto p = group("price", "", false)) read_price(*p, d, g);
}

void read_interfaces(const Node& n, DeviceSpec& d, const Catalog& catalog,
                     const CatalogReadOptions& o) {
  MapReader m(n);
  if (auto l = m.get("scale_up_link")) {
    d.scale_up_link = as_string(*l);
    check_link_exists(*l, d.scale_up_link, catalog);
    d.scale_up_ports = static_cast<int>(as_int(m.require("scale_up_ports", "a port count"), 1, 1024));
  }
  if (auto h = m.get("host_link")) {
    d.host_link = as_string(*h);
    check_link_exists(*h, d.host_link, catalog);
  }
  d.interfaces_source = read_source(m, o);
  m.finish();
}

DeviceSpec read_device(const Node& n, const Catalog& catalog, const CatalogReadOptions& o) {
  MapReader m(n);
  DeviceSpec d;
  d.id = as_string(m.require("id", "the device's name"));
  d.aliases = optional_list(m, "aliases");
  d.name = as_string(m.require("name", "a descriptive name"));
  d.vendor = as_string(m.require("vendor", "the vendor"));
  if (auto a = m.get("arch")) d.arch = as_string(*a);
  read_figure_groups(m, d, {o});
  if (auto i = m.get("interfaces")) read_interfaces(*i, d, catalog, o);
  m.finish();
  return d;
}

std::string read_link_id(MapReader& m, std::string_view key, const Catalog& catalog) {
  auto n = m.get(key);
  if (!n) return {};
  const std::string id = as_string(*n);
  check_link_exists(*n, id, catalog);
  return id;
}

topology::ScaleUp read_scale_up(const Node& n, const Catalog& catalog, const CatalogReadOptions& o) {
  using K = topology::ScaleUpKind;
  MapReader m(n);
  topology::ScaleUp s;
  const Node kind = m.require("kind", "the scale-up topology");
  s.kind = as_choice<K>(kind, {{"nvswitch", K::nvswitch}, {"full-mesh", K::full_mesh},
                               {"nvlink-bridge", K::nvlink_bridge}, {"pcie", K::pcie},
                               {"torus", K::torus}});
  const Node link = m.require("link", "the link id");
  s.link = as_string(link);
  check_link_exists(link, s.link, catalog);
  s.links_per_accelerator =
      static_cast<int>(as_int(m.require("links_per_accelerator", "a link count"), 1, 1024));
  if (auto sw = m.get("switches")) s.switches = static_cast<int>(as_int(*sw, 0, 1024));
  if (auto r = m.get("in_switch_reduction")) s.in_switch_reduction = as_bool(*r);
  if (auto p = m.get("peer_to_peer")) s.peer_to_peer = as_bool(*p);
  s.pcie_link = read_link_id(m, "pcie_link", catalog);
  s.pcie_uplink = read_link_id(m, "pcie_uplink", catalog);
  if (auto d = m.get("torus_dims")) s.torus_dims = static_cast<int>(as_int(*d, 2, 3));
  if (auto c = m.get("cube")) s.cube = static_cast<int>(as_int(*c, 1, 64));
  if (auto shape = m.get("max_shape")) s.max_shape = read_shape(*shape);
  if ((s.kind == K::pcie || s.kind == K::nvlink_bridge) && s.pcie_link.empty())
    kind.fail("expected a pcie_link with scale-up kind " + topology::to_string(s.kind) + ", found none");
  if (s.kind == K::torus && (s.torus_dims == 0 || static_cast<int>(s.max_shape.size()) != s.torus_dims))
    kind.fail("expected torus_dims and a max_shape of that many dimensions with a torus, found " +
              std::to_string(s.torus_dims) + " dimensions and a " +
              std::to_string(s.max_shape.size()) + "-dimensional max_shape");
  s.source = read_source(m, o);
  m.finish();
  return s;
}

topology::ScaleOut read_scale_out(const Node& n, const Catalog& catalog, const CatalogReadOptions& o) {
  MapReader m(n);
  topology::ScaleOut s;
  const Node link = m.require("link", "the NIC link id");
  s.link = as_string(link);
  check_link_exists(link, s.link, catalog);
  s.nics_per_node = static_cast<int>(as_int(m.require("nics_per_node", "a NIC count"), 1, 1024));
  s.source = read_source(m, o);
  m.finish();
  return s;
}

// `node:` power and price as sold, each with its source: `source` for the power,
// `price_source` for the price (a whole node: accelerators, host, in-node network and NICs).
void read_node(const Node& n, SystemSpec& s, const CatalogReadOptions& o) {
  MapReader m(n);
  s.node_power_w = optional_quantity(m, "power", Dimension::watts);
  s.node_price_usd = optional_quantity(m, "price", Dimension::usd);
  if (s.node_power_w || m.has("source")) s.node_source = read_source(m, o);
  // A scenario's own node may give one `source` for both figures.
  const bool shared_source = !o.require_sources && !m.has("price_source") && m.has("source");
  if (s.node_price_usd)
    s.node_price_source = shared_source ? s.node_source : read_source(m, o, "price_source");
  m.finish();
}

template <class Read>
void read_list_entries(MapReader& map, std::string_view key, Read read) {
  if (auto list = map.get(key))
    for (const auto& entry : list->list()) read(entry);
}

}  // namespace

DeviceSpec read_device_override(const Node& n, DeviceSpec base) {
  MapReader m(n);
  std::vector<std::string> changed;
  read_figure_groups(m, base, {{.require_sources = false}, true, &changed});
  m.finish();
  if (changed.empty()) n.fail("expected at least one figure to change, found none");
  const std::string prefix = n.path() + ".";
  std::string keys;
  for (const auto& path : changed)
    keys += (keys.empty() ? "" : ", ") +
            (path.rfind(prefix, 0) == 0 ? path.substr(prefix.size()) : path);
  base.name += " (" + keys + " changed)";
  return base;
}

std::vector<int> read_shape(const Node& n) {
  std::vector<int> dims;
  const std::string text = n.scalar();
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t x = std::min(text.find('x', start), text.size());
    const std::string part = text.substr(start, x - start);
    int v = 0;
    auto [p, ec] = std::from_chars(part.data(), part.data() + part.size(), v);
    if (ec != std::errc() || p != part.data() + part.size() || v < 1)
      n.expected("a shape such as '8x8x16' (positive integers joined by 'x')");
    dims.push_back(v);
    start = x + 1;
  }
  if (dims.size() > 3) n.expected("a shape of at most 3 dimensions");
  return dims;
}

FabricSpec read_fabric(const Node& n, FabricSpec base, const Catalog& catalog,
                       const CatalogReadOptions& o) {
  using K = topology::FabricKind;
  MapReader m(n);
  FabricSpec& f = base;
  if (auto k = m.get("kind"))
    f.kind = as_choice<K>(*k, {{"rail-fat-tree", K::rail_fat_tree}, {"fat-tree", K::fat_tree},
                               {"multi-plane", K::multi_plane}, {"crossbar", K::crossbar}});
  if (auto t = m.get("tiers")) f.tiers = static_cast<int>(as_int(*t, 2, 3));
  if (auto r = m.get("switch_radix")) f.switch_radix = static_cast<int>(as_int(*r, 4, 4096));
  if (auto v = m.get("oversubscription")) f.oversubscription = as_number(*v, 1, 1e3);
  if (auto u = m.get("nodes_per_unit")) f.nodes_per_unit = static_cast<int>(as_int(*u, 1, 1 << 20));
  if (auto l = m.get("nodes_per_leaf")) f.nodes_per_leaf = static_cast<int>(as_int(*l, 1, 4096));
  if (auto p = m.get("pod_accelerators")) f.pod_accelerators = static_cast<int>(as_int(*p, 1, 1 << 24));
  if (auto v = m.get("pod_oversubscription")) f.pod_oversubscription = as_number(*v, 1, 1e3);
  if (auto l = m.get("link")) {
    f.link = as_string(*l);
    check_link_exists(*l, f.link, catalog);
  }
  if (auto l = m.get("switch_latency")) f.switch_latency_s = as_quantity(*l, Dimension::seconds, false);
  if (o.require_sources || (!m.has("source") && f.source.empty())) f.source = read_source(m, o);
  else if (auto src = m.get("source")) f.source = as_string(*src);
  else f.source += " (changed in " + n.pos().file + ")";
  m.finish();
  return f;
}

SystemSpec read_system(const Node& n, const Catalog& catalog, const CatalogReadOptions& o) {
  MapReader m(n);
  SystemSpec s;
  s.id = as_string(m.require("id", "the system's name"));
  s.aliases = optional_list(m, "aliases");
  s.name = as_string(m.require("name", "a descriptive name"));
  const Node device = m.require("device", "a device id from the catalog");
  s.device = as_string(device);
  if (!catalog.find_device(s.device))
    device.fail("expected a device defined in the catalog, found '" + s.device + "'" +
                did_you_mean(s.device, catalog.device_names()));
  s.device = catalog.find_device(s.device)->id;
  s.accelerators_per_node =
      static_cast<int>(as_int(m.require("accelerators_per_node", "a count"), 1, 1 << 20));
  s.scale_up = read_scale_up(m.require("scale_up", "the in-node fabric"), catalog, o);
  if (auto so = m.get("scale_out")) s.scale_out = read_scale_out(*so, catalog, o);
  if (auto f = m.get("fabric")) s.fabric = read_fabric(*f, s.fabric, catalog, o);
  if (auto node = m.get("node")) read_node(*node, s, o);
  m.finish();
  return s;
}

void read_catalog_entries(MapReader& map, Catalog& catalog, const CatalogReadOptions& o) {
  read_list_entries(map, "links", [&](const Node& n) { catalog.put(read_link(n, o)); });
  read_list_entries(map, "devices", [&](const Node& n) { catalog.put(read_device(n, catalog, o)); });
  read_list_entries(map, "systems", [&](const Node& n) { catalog.put(read_system(n, catalog, o)); });
}

}  // namespace dtsim::config
