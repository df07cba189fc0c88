#include "study_reader.hpp"

#include <fmt/format.h>

#include <set>

#include "dtsim/sim/config/loader.hpp"
#include "scenario_document.hpp"

namespace dtsim::config {
namespace {

template <class T>
void read_quantity(MapReader& m, std::string_view key, Dimension d, std::optional<T>& into,
                   bool positive = true) {
  if (auto v = m.get(key)) into = as_quantity(*v, d, positive);
}

// The values of one axis: a list, or a single value.
std::vector<std::string> axis_values(const Node& n) {
  std::vector<std::string> values;
  if (!n.is_list()) return {yaml_text(n)};
  for (const auto& e : n.list()) values.push_back(yaml_text(e));
  if (values.empty()) n.expected("a non-empty list of values");
  return values;
}

// The `set:` mapping of the variant named `name` in `doc`, or nullopt if it sets nothing.
std::optional<Node> variant_set(const Document& doc, const std::string& name) {
  MapReader top(doc.root());
  const auto variants = top.get("variants");
  if (!variants) return std::nullopt;
  for (const auto& e : variants->list()) {
    MapReader m(e);
    if (as_string(m.require("name", "the variant's name")) == name) return m.get("set");
  }
  return std::nullopt;
}

// Whether setting `outer` replaces what setting `inner` put in place: the same key, or a
// mapping that holds it ("cluster" holds "cluster.system").
bool replaces(const std::string& outer, const std::string& inner) {
  return inner == outer || inner.starts_with(outer + ".");
}

// The variant's `set:` applied to `doc`, then the command line's overrides, which win; a note
// for each variant key a command-line one replaced.
void apply_variant(Document& doc, const Node& set, const std::vector<std::string>& overrides,
                   const std::string& name, std::vector<std::string>& notes) {
  MapReader entries(set);
  for (const auto& [key, value] : entries.entries()) doc.put(key, value);
  for (const auto& o : overrides) {
    doc.apply_override(o);
    const std::string key = o.substr(0, o.find('='));
    for (const auto& [variant_key, value] : entries.entries())
      if (replaces(key, variant_key) || replaces(variant_key, key))
        notes.push_back(fmt::format("--set {} overrides variant {}'s {}: {}", quoted_input(o),
                                    quoted_input(name), variant_key,
                                    quoted_input(yaml_text(value))));
  }
}

}  // namespace

Scenario load_variant(const std::string& path, const std::vector<std::string>& overrides,
                      const Variant& variant) {
  try {
    // The variants as the command line leaves them (it may set `variants` itself).
    Document listed = Document::from_file(path);
    for (const auto& o : overrides) listed.apply_override(o);
    const auto set = variant_set(listed, variant.name);
    Document doc = Document::from_file(path);
    std::vector<std::string> notes;
    if (set) {
      apply_variant(doc, *set, overrides, variant.name, notes);
    } else {
      for (const auto& o : overrides) doc.apply_override(o);
    }
    Scenario s = scenario_from(doc, path);
    s.name = variant.name;
    s.notes.insert(s.notes.begin(), notes.begin(), notes.end());
    return s;
  } catch (const ConfigError& e) {
    throw ConfigError(e.pos(), e.key_path(),
                      "in variant " + quoted_input(variant.name) + ": " + e.message());
  }
}

CostSpec read_cost(const Node& n) {
  MapReader m(n);
  CostSpec c;
  if (auto p = m.get("pricing"))
    c.pricing = as_choice<CostSpec::Pricing>(*p, {{"rent", CostSpec::Pricing::rent}, {"buy", CostSpec::Pricing::buy}});
  read_quantity(m, "rent", Dimension::usd_per_hour, c.rent_usd_per_accelerator_hour);
  read_quantity(m, "accelerator_price", Dimension::usd, c.accelerator_price_usd);
  read_quantity(m, "node_price", Dimension::usd, c.node_price_usd);
  read_quantity(m, "network_per_port", Dimension::usd, c.network_usd_per_port, false);
  if (auto y = m.get("amortization")) c.amortization_years = as_quantity(*y, Dimension::seconds) / (365.25 * 86400);
  if (auto u = m.get("utilization")) c.utilization = as_number(*u, 0, 1, true);
  read_quantity(m, "electricity", Dimension::usd_per_kwh, c.usd_per_kwh, false);
  if (auto p = m.get("pue")) c.pue = as_number(*p, 1, 10);
  m.finish();
  return c;
}

GoodputSpec read_goodput(const Node& n) {
  GoodputSpec g;
  if (n.is_scalar()) {  // `goodput: false` turns it off
    g.enabled = as_bool(n);
    return g;
  }
  MapReader m(n);
  if (auto e = m.get("enabled")) g.enabled = as_bool(*e);
  if (auto f = m.get("failures_per_accelerator_day")) {
    g.failures_per_accelerator_day = as_number(*f, 0, 1e6);
    // A run without failures is `goodput: false`, not an infinite MTBF.
    if (*g.failures_per_accelerator_day == 0) f->expected("a rate above 0 (no failures: goodput: false)");
  }
  read_quantity(m, "checkpoint_bandwidth", Dimension::bytes_per_s, g.checkpoint_bytes_per_s);
  read_quantity(m, "checkpoint_interval", Dimension::seconds, g.checkpoint_interval_s);
  read_quantity(m, "restart", Dimension::seconds, g.restart_s, false);
  m.finish();
  return g;
}

std::vector<Variant> read_variants(const Node& n) {
  std::vector<Variant> out;
  std::set<std::string> names;
  for (const auto& e : n.list()) {
    MapReader m(e);
    Variant v;
    const Node name = m.require("name", "the variant's name");
    v.name = as_string(name);
    if (!names.insert(v.name).second)
      name.fail("expected a name no other variant has, found " + quoted_input(v.name) + " twice");
    if (auto set = m.get("set")) {
      MapReader overrides(*set);
      for (const auto& [key, value] : overrides.entries()) {
        overrides.allow(key);
        v.overrides.push_back(key + "=" + yaml_text(value));
      }
    }
    m.allow("description");
    m.finish();
    out.push_back(std::move(v));
  }
  return out;
}

std::vector<SweepAxis> read_sweep(const Node& n) {
  MapReader m(n);
  std::vector<SweepAxis> out;
  for (const auto& [key, value] : m.entries()) {
    m.allow(key);
    out.push_back({key, axis_values(value)});
  }
  if (out.empty()) n.expected("a mapping of keys to the values each takes");
  return out;
}

SearchSpec read_search(const Node& n) {
  SearchSpec s;
  s.given = true;
  if (n.is_scalar()) {  // `search: true`
    s.given = as_bool(n);
    return s;
  }
  MapReader m(n);
  if (auto t = m.get("top")) s.top = static_cast<int>(as_int(*t, 1, 1000));
  if (auto c = m.get("confirm")) s.confirm = static_cast<int>(as_int(*c, 0, 1000));
  for (const char* key : {"tp", "pp", "cp", "vpp", "micro_batch", "zero", "recompute", "sequence_parallel"})
    if (auto v = m.get(key)) s.space.push_back({std::string("parallelism.") + key, axis_values(*v)});
  m.finish();
  return s;
}

models::Finetune read_finetune(const Node& n) {
  using models::FinetuneMethod;
  using models::WeightFormat;
  models::Finetune f;
  MapReader m(n);
  f.method = as_choice<FinetuneMethod>(m.require("method", "full, lora or qlora"),
                                       {{"full", FinetuneMethod::full}, {"lora", FinetuneMethod::lora},
                                        {"qlora", FinetuneMethod::qlora}});
  if (f.method == FinetuneMethod::qlora) f.base_format = WeightFormat::nf4;
  if (auto r = m.get("rank")) f.rank = static_cast<int>(as_int(*r, 1, 1 << 16));
  if (auto b = m.get("base_weights")) {
    f.base_format = as_choice<WeightFormat>(*b, {{"bf16", WeightFormat::training}, {"fp16", WeightFormat::training},
                                                 {"int8", WeightFormat::int8}, {"nf4", WeightFormat::nf4}});
    if (f.method == FinetuneMethod::full && f.base_format != WeightFormat::training)
      b->fail("expected base_weights only with method lora or qlora: full fine-tuning trains every weight");
    if (f.method == FinetuneMethod::qlora && f.base_format == WeightFormat::training)
      b->fail("expected int8 or nf4 base_weights with method qlora: a 16-bit base is method lora");
  }
  if (auto t = m.get("targets")) {
    f.attention = f.mlp = false;
    for (const auto& e : t->list()) {
      const auto which = as_choice<int>(e, {{"attention", 0}, {"mlp", 1}});
      (which == 0 ? f.attention : f.mlp) = true;
    }
    if (!f.attention && !f.mlp) t->expected("at least one of attention, mlp");
  }
  m.finish();
  return f;
}

}  // namespace dtsim::config
