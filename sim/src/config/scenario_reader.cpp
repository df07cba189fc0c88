// Scenario files: sections `model`, `training`, `parallelism`, `cluster`, optional catalog
// additions (`links`, `devices`, `systems`) and study sections (`cost`, `goodput`, `variants`,
// `sweep`, `search`: study_reader.hpp). See docs/scenario.md for every key and default.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "catalog_reader.hpp"
#include "dtsim/sim/config/loader.hpp"
#include "dtsim/sim/config/suggest.hpp"
#include "model_reader.hpp"
#include "plan_check.hpp"
#include "scenario_document.hpp"
#include "study_reader.hpp"

namespace dtsim::config {
namespace {

using models::Precision;
using models::Recompute;
using models::Schedule;

void read_training(const Node& n, Scenario& s) {
  MapReader m(n);
  auto& t = s.training;
  const Node batch = m.require("global_batch", "the number of sequences per step");
  t.global_batch = as_int(batch, 1);
  s.execution.budget_pos = batch.pos();
  s.execution.budget_key = batch.path();
  t.seq_len = s.model.seq_len;
  if (auto sl = m.get("seq_len")) t.seq_len = static_cast<int>(as_int(*sl, 1, 1 << 30));
  else s.notes.push_back(fmt::format("training.seq_len = {} (the model's)", t.seq_len));
  if (auto tok = m.get("tokens")) t.tokens = as_quantity(*tok, Dimension::count);
  t.precision = Precision::bf16;
  if (auto p = m.get("precision"))
    t.precision = as_choice<Precision>(*p, {{"bf16", Precision::bf16}, {"fp16", Precision::fp16},
                                            {"fp8", Precision::fp8}, {"fp32", Precision::fp32}});
  if (auto f = m.get("flash_attention")) s.execution.flash_attention = as_bool(*f);
  if (auto f = m.get("finetune")) t.finetune = read_finetune(*f);
  m.finish();
}

void read_simulation(const Node& n, Execution& x) {
  MapReader m(n);
  using N = Execution::Network;
  if (auto v = m.get("network"))
    x.network = as_choice<N>(*v, {{"flow", N::flow}, {"analytical", N::analytical}, {"ideal", N::ideal}});
  if (auto v = m.get("fold")) x.fold = as_bool(*v);
  if (auto v = m.get("max_memory")) {
    x.max_memory_bytes = as_quantity(*v, Dimension::bytes);
    if (x.max_memory_bytes <= 0) v->expected("a positive byte quantity such as \"4 GiB\"");
    x.budget_pos = v->pos();
    x.budget_key = v->path();
  }
  m.finish();
}

// Degrees and their products are ints downstream: refuse, before any product can overflow, a
// plan larger than the largest cluster read_size accepts (2^28 accelerators) or more pipeline
// chunks than the largest model could have layers for (2^20, as `layers` entries).
void check_degree_products(const PlanInput& in) {
  constexpr std::int64_t kMaxAccelerators = std::int64_t{1} << 28;
  std::int64_t product = 1;
  const std::pair<const char*, std::optional<int>> degrees[] = {
      {"tp", in.tp}, {"pp", in.pp}, {"dp", in.dp}, {"cp", in.cp}};
  for (const auto& [key, degree] : degrees) {
    product *= degree.value_or(1);
    if (product > kMaxAccelerators)
      in.at(key).fail(
          fmt::format("expected tp*pp*dp*cp of at most 2^28 = {} accelerators (the "
                      "largest cluster dtsim sizes), found a product of {} so far",
                      kMaxAccelerators, product));
  }
  const std::int64_t chunks = std::int64_t{in.pp.value_or(1)} * in.vpp.value_or(1);
  if (chunks > (1 << 20))
    in.at("vpp").fail(fmt::format("expected pp*vpp of at most 2^20 = {} pipeline chunks, found {}",
                                  1 << 20, chunks));
}

// Reads what the file says; check_plan() derives dp and fills the rest.
PlanInput read_parallelism(const Node& n, Execution& exec) {
  MapReader m(n);
  PlanInput in(n);
  auto read_degree = [&](std::string_view key, std::optional<int>& into) {
    if (auto v = m.get(key)) {
      into = static_cast<int>(as_int(*v, 1, 1 << 20));
      in.given.emplace(std::string(key), *v);
    }
  };
  read_degree("tp", in.tp);
  read_degree("pp", in.pp);
  read_degree("dp", in.dp);
  read_degree("cp", in.cp);
  read_degree("ep", in.ep);
  read_degree("vpp", in.vpp);
  read_degree("micro_batch", in.micro_batch);
  check_degree_products(in);
  if (auto s = m.get("schedule")) {
    in.given.emplace("schedule", *s);
    in.schedule = as_choice<Schedule>(*s, {{"gpipe", Schedule::gpipe},
                                           {"1f1b", Schedule::one_f_one_b},
                                           {"interleaved-1f1b", Schedule::interleaved_1f1b}});
  }
  if (auto z = m.get("zero")) {
    in.zero = static_cast<int>(as_int(*z, 0, 3));
    in.given.emplace("zero", *z);
  }
  if (auto sp = m.get("sequence_parallel")) in.sequence_parallel = as_bool(*sp);
  if (auto r = m.get("recompute"))
    in.recompute = as_choice<Recompute>(*r, {{"none", Recompute::none},
                                             {"selective", Recompute::selective},
                                             {"full", Recompute::full}});
  if (auto z = m.get("zero_shard")) {
    in.zero_shard = static_cast<int>(as_int(*z, 1, 1 << 24));
    in.given.emplace("zero_shard", *z);
  }
  if (auto v = m.get("tp_comm_overlap")) exec.tp_comm_overlap = as_bool(*v);
  if (auto v = m.get("overlap_grad_reduce")) exec.overlap_grad_reduce = as_bool(*v);
  if (auto v = m.get("overlap_param_gather")) exec.overlap_param_gather = as_bool(*v);
  if (auto v = m.get("bucket_size")) exec.bucket_params = as_quantity(*v, Dimension::count);
  if (auto l = m.get("layers")) {
    in.given.emplace("layers", *l);
    for (const auto& e : l->list()) in.layers.push_back(static_cast<int>(as_int(e, 1, 1 << 20)));
  }
  m.finish();
  return in;
}

// Sizes the cluster: nodes or accelerators; for tori also a slice shape and a slice count.
void read_size(MapReader& m, const Node& n, ClusterSpec& c) {
  const auto& sys = c.system;
  const int per_node = sys.accelerators_per_node;
  auto nodes = m.get("nodes");
  auto accelerators = m.get("accelerators");
  const bool torus = sys.scale_up.kind == topology::ScaleUpKind::torus;
  auto shape = torus ? m.get("shape") : std::nullopt;
  auto slices = torus ? m.get("slices") : std::nullopt;
  if (torus) {
    if (slices) c.slices = static_cast<int>(as_int(*slices, 1, 1 << 16));
    if (shape) c.torus_shape = read_shape(*shape);
  }
  if (!nodes && !accelerators && c.torus_shape.empty())
    n.fail("expected 'nodes' or 'accelerators' to size the cluster, found neither");
  int total = 0;
  if (nodes) {
    // 2^28 accelerators at most, as `accelerators` takes: every count derived from it is an int.
    const std::int64_t n = as_int(*nodes, 1, 1 << 24);
    if (n * per_node > (1 << 28))
      nodes->fail(fmt::format("expected at most 2^28 = {} accelerators, found {} nodes x {} = {}",
                              1 << 28, n, per_node, n * per_node));
    total = static_cast<int>(n) * per_node;
  }
  if (accelerators) {
    const int a = static_cast<int>(as_int(*accelerators, 1, 1 << 28));
    if (!torus && a % per_node != 0)
      accelerators->fail(fmt::format("expected a multiple of the {} accelerators per {} node, found {}",
                                     per_node, sys.id, a));
    if (nodes && total != a)
      accelerators->fail(fmt::format("expected nodes x {} = {}, found {}", per_node, total, a));
    total = a;
  }
  if (torus) {
    const Node& at = shape ? *shape : accelerators ? *accelerators : nodes ? *nodes : n;
    if (c.torus_shape.empty()) {
      if (total % c.slices != 0)
        at.fail(fmt::format("expected the {} chips to split into {} equal slices", total, c.slices));
      c.torus_shape = topology::default_torus_shape(sys, total / c.slices);
      if (c.torus_shape.empty())
        at.fail(fmt::format("expected a slice of {} chips to fit the largest {} slice ({}); give "
                            "'slices' to join several over the data-center network",
                            total / c.slices, sys.id, fmt::join(sys.scale_up.max_shape, "x")));
    }
    int chips = 1;
    for (int d : c.torus_shape) chips *= d;
    if (total != 0 && total != chips * c.slices)
      at.fail(fmt::format("expected shape x slices = {} x {} = {} chips, found {}",
                          fmt::join(c.torus_shape, "x"), c.slices, chips * c.slices, total));
    c.accelerators = chips * c.slices;
    c.nodes = (c.accelerators + per_node - 1) / per_node;
  } else {
    c.accelerators = total;
    c.nodes = total / per_node;
  }
}

void read_cluster(const Node& n, const topology::Catalog& catalog, ClusterSpec& c) {
  MapReader m(n);
  const Node system = m.require("system", "a system preset such as dgx-h100, or an inline system");
  if (system.is_map()) {
    c.system = read_system(system, catalog, {.require_sources = false});
  } else {
    const std::string id = system.scalar();
    const auto* spec = catalog.find_system(id);
    if (!spec)
      system.fail("expected a system from the catalog (see `dtsim catalog systems`), found " +
                  quoted_input(id) + did_you_mean(id, catalog.system_names()));
    c.system = *spec;
  }
  c.device = *catalog.find_device(c.system.device);
  // One figure of the catalog device changed, the rest kept (catalog_reader.hpp).
  if (auto d = m.get("device")) c.device = read_device_override(*d, c.device);
  c.fabric = c.system.fabric;
  if (auto f = m.get("fabric")) c.fabric = read_fabric(*f, c.fabric, catalog, {.require_sources = false});
  read_size(m, n, c);
  m.finish();
  if (auto why = topology::check_cluster_shape(c.system, c.shape(), c.fabric); !why.empty())
    n.fail("expected a cluster that can be built, found one where " + why);
}

void check_precision(const Node& training, const Scenario& s) {
  MapReader m(training);
  const auto given = m.get("precision");
  const auto& peak = s.cluster.device.peak_flops_per_s;
  const auto precision = s.training.precision;
  const bool supported = precision == Precision::fp8    ? peak.fp8.has_value()
                         : precision == Precision::bf16 ? peak.bf16.has_value()
                         : precision == Precision::fp16 ? peak.fp16.has_value()
                                                        : peak.fp32.has_value();
  if (!supported)
    (given ? *given : training)
        .fail(fmt::format("expected a precision the {} computes in, found {}: the catalog has no "
                          "{} peak for it", s.cluster.device.name, models::to_string(precision),
                          models::to_string(precision)));
}

// Longer sequences than the model's context (its zoo entry's seq_len, the length it was
// trained at) are a context extension: possible, but worth a word.
void warn_seq_len(const Node& training, Scenario& s) {
  MapReader m(training);
  const auto given = m.get("seq_len");
  if (!given || s.training.seq_len <= s.model.seq_len) return;
  warn(*given,
       fmt::format("seq_len = {} is above the model's context length of {} ({}'s seq_len): a "
                   "context extension, not how the model was trained",
                   s.training.seq_len, s.model.seq_len, s.model.name),
       s);
}

}  // namespace

Scenario load_scenario(const std::string& path, const std::vector<std::string>& overrides) {
  Document doc = Document::from_file(path);
  for (const auto& o : overrides) doc.apply_override(o);
  return scenario_from(doc, path);
}

Scenario scenario_from(const Document& doc, const std::string& path) {
  MapReader m(doc.root());
  Scenario s;
  s.file = path;
  s.catalog = builtin_catalog();
  read_catalog_entries(m, s.catalog, {.require_sources = false});

  s.name = path;
  if (auto name = m.get("name")) s.name = as_string(*name);
  if (auto d = m.get("description")) s.description = as_string(*d);
  const models::ModelZoo zoo = builtin_zoo();
  s.model = resolve_model(m.require("model", "a zoo model name or an inline definition"), zoo);
  const Node training = m.require("training", "global_batch, seq_len, tokens, precision");
  read_training(training, s);
  const PlanInput plan = read_parallelism(m.require("parallelism", "tp, pp and the other degrees"), s.execution);
  if (auto sim = m.get("simulation")) read_simulation(*sim, s.execution);
  read_cluster(m.require("cluster", "the system and its size"), s.catalog, s.cluster);
  if (auto c = m.get("cost")) s.cost = read_cost(*c);
  if (auto g = m.get("goodput")) s.goodput = read_goodput(*g);
  if (auto v = m.get("variants")) s.variants = read_variants(*v);
  if (auto w = m.get("sweep")) s.sweep = read_sweep(*w);
  if (auto q = m.get("search")) s.search = read_search(*q);
  m.finish();
  check_precision(training, s);
  check_plan(plan, s);
  warn_seq_len(training, s);
  return s;
}

}  // namespace dtsim::config

namespace dtsim::config {

ClusterSpec load_cluster(const ClusterRequest& r, const topology::Catalog& catalog) {
  std::string text = "system: '" + r.system + "'\n";
  if (r.nodes > 0) text += "nodes: " + std::to_string(r.nodes) + "\n";
  if (!r.shape.empty()) text += "shape: '" + r.shape + "'\n";
  if (r.slices > 0) text += "slices: " + std::to_string(r.slices) + "\n";
  const auto* system = catalog.find_system(r.system);
  const bool torus = system && system->scale_up.kind == topology::ScaleUpKind::torus;
  if (r.nodes == 0 && r.shape.empty() && !torus) text += "nodes: 1\n";
  if (torus && r.nodes == 0 && r.shape.empty()) text += "shape: '" + fmt::format("{}", fmt::join(system->scale_up.max_shape, "x")) + "'\n";
  Document doc = Document::from_text(text, "command line");
  ClusterSpec c;
  read_cluster(doc.root(), catalog, c);
  return c;
}

topology::Cluster build_cluster(const Scenario& s) {
  return topology::build_cluster(s.catalog, s.cluster.system, s.cluster.shape(), s.cluster.fabric);
}

}  // namespace dtsim::config
