#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <optional>

#include "dtsim/sim/config/error.hpp"
#include "dtsim/sim/config/loader.hpp"
#include "dtsim/sim/config/validation.hpp"
#include "framework_defaults.hpp"
#include "scenario_document.hpp"

namespace dtsim::config {
namespace {

// The case's fields, checked like any input (unknown keys are errors), as YAML nodes to
// assemble the scenario from, and the numbers assembling it computes with (read strictly here,
// so a bad one is an error at its line, not a crash or a division by zero).
struct CaseNodes {
  YAML::Node model, parallel, batch, system, accelerators, precision, recompute, overlap;
  std::string source;
  std::int64_t chips = 0;
  std::int64_t tp = 1, pp = 1, dp = 1, cp = 1, zero = 0, slices = 1;
  std::optional<std::int64_t> vpp;
  std::optional<std::string> schedule;
  std::optional<Node> etp;
};

// The parallel plan: known keys only; those assemble() computes with, as integers.
void read_parallel(const Node& parallel, CaseNodes& out) {
  MapReader p(parallel);
  const std::pair<const char*, std::int64_t*> degrees[] = {
      {"tp", &out.tp}, {"pp", &out.pp}, {"dp", &out.dp}, {"cp", &out.cp}, {"slices", &out.slices}};
  for (const auto& [key, into] : degrees)
    if (auto v = p.get(key)) *into = as_int(*v, 1, 1 << 20);
  if (auto z = p.get("zero")) out.zero = as_int(*z, 0, 3);
  if (auto v = p.get("vpp")) out.vpp = as_int(*v, 1, 1 << 20);
  if (auto s = p.get("schedule"))
    out.schedule = as_choice<std::string>(
        *s, {{"1f1b", "1f1b"}, {"interleaved", "interleaved-1f1b"}, {"gpipe", "gpipe"}, {"dualpipe", "dualpipe"}});
  out.etp = p.get("etp");
  for (const char* key : {"ep", "sequence_parallel"}) p.allow(key);
  p.finish();
}

// overlap: {tp_comm, grad_reduce, param_gather}, each a boolean or null (not published).
YAML::Node read_overlap(const Node& overlap) {
  static constexpr std::pair<const char*, const char*> keys[] = {
      {"tp_comm", "parallelism.tp_comm_overlap"},
      {"grad_reduce", "parallelism.overlap_grad_reduce"},
      {"param_gather", "parallelism.overlap_param_gather"}};
  MapReader o(overlap);
  YAML::Node out;
  for (const auto& [key, scenario_key] : keys)
    if (auto v = o.get(key)) {
      as_bool(*v);
      out[scenario_key] = v->yaml();
    }
  o.finish();
  return out;
}

CaseNodes read_case(const Node& n, ValidationCase& c) {
  MapReader m(n);
  c.id = as_string(m.require("id", "the case's name"));
  CaseNodes out;
  if (auto s = m.get("source")) c.source = out.source = as_string(*s);
  out.system = m.require("system", "a system preset").yaml();
  const Node accelerators = m.require("accelerators", "the accelerator count");
  out.chips = as_int(accelerators, 1, 1 << 28);
  out.accelerators = accelerators.yaml();
  out.model = m.require("model", "the model").yaml();
  out.precision = m.require("precision", "bf16, fp16 or fp8").yaml();
  if (auto r = m.get("recompute")) out.recompute = r->yaml();
  const Node parallel = m.require("parallel", "the parallel plan");
  read_parallel(parallel, out);
  out.parallel = parallel.yaml();
  if (auto o = m.get("overlap")) out.overlap = read_overlap(*o);
  const Node batch = m.require("batch", "micro and global batch");
  {
    MapReader b(batch);
    b.require("global", "the global batch in sequences");
    if (auto micro = b.get("micro")) as_int(*micro, 1, 1 << 20);
    b.finish();
  }
  out.batch = batch.yaml();
  MapReader measured(m.require("measured", "the measured step time"));
  c.measured_step_s = as_quantity(measured.require("step_time_s", "seconds"), Dimension::count);
  measured.allow("derivation");
  measured.finish();
  m.allow("notes");  // free text: never read for configuration
  m.finish();
  return out;
}

bool given(const YAML::Node& map, const char* key) { return map && map[key] && !map[key].IsNull(); }

// Sets `key.path` in the scenario document unless it is there already.
bool set_default(YAML::Node root, const std::string& path, bool value) {
  const auto dot = path.find('.');
  auto section = root[path.substr(0, dot)];
  const std::string key = path.substr(dot + 1);
  if (section[key]) return false;
  section[key] = value;
  return true;
}

// The scenario document of a case: the case's keys placed under scenario keys, as written
// (../shared/data/README.md), then the framework's defaults for what the case leaves out.
YAML::Node assemble(const CaseNodes& c, const topology::Catalog& catalog, std::vector<std::string>& notes) {
  YAML::Node root;
  root["model"] = c.model;
  root["training"]["global_batch"] = c.batch["global"];
  root["training"]["precision"] = c.precision;
  auto par = root["parallelism"];
  for (const char* key : {"tp", "pp", "dp", "cp", "ep", "vpp", "sequence_parallel", "zero"})
    if (given(c.parallel, key)) par[key] = c.parallel[key];
  if (given(c.batch, "micro")) par["micro_batch"] = c.batch["micro"];
  if (c.recompute && !c.recompute.IsNull()) par["recompute"] = c.recompute;
  if (c.schedule) {
    par["schedule"] = *c.schedule;
    // Interleaving whose chunk count is not published: one decoder layer per chunk where the
    // layers divide evenly (NeMo's GPT-3 175B and Llama 2 recipes), else two chunks.
    if (*c.schedule == "interleaved-1f1b" && !c.vpp) {
      const auto layers = c.model["layers"] ? c.model["layers"].as<std::int64_t>(0) : 0;
      const std::int64_t vpp = layers > 0 && layers % c.pp == 0 && layers / c.pp > 1 ? layers / c.pp : 2;
      par["vpp"] = vpp;
      notes.push_back(fmt::format("interleaved schedule with {} chunks per stage (count not published)", vpp));
    }
  }
  if (c.etp && !(c.etp->is_scalar() && as_int(*c.etp, 1, 1 << 20) == c.tp))
    throw ConfigError(c.etp->pos(), c.etp->path(),
                      "expert tensor parallelism other than tp is not modelled yet; expected etp: " +
                          std::to_string(c.tp) + " or null");
  root["cluster"]["system"] = c.system;
  root["cluster"]["accelerators"] = c.accelerators;
  if (c.slices > 1) {
    // dp counts every data-parallel rank; ZeRO shards over the dp / slices of them that share a
    // slice's ICI (MaxText's ici_fsdp) and replicates across slices (dcn_data_parallelism).
    root["cluster"]["slices"] = c.slices;
    if (c.zero >= 1 && c.dp % c.slices == 0) par["zero_shard"] = c.dp / c.slices;
  }
  if (c.overlap)
    for (const auto& kv : c.overlap) {
      const auto path = kv.first.as<std::string>();
      root["parallelism"][path.substr(path.find('.') + 1)] = kv.second;
    }

  const auto* system = catalog.find_system(c.system.Scalar());
  const bool tpu = system && system->scale_up.kind == topology::ScaleUpKind::torus;
  const RunSoftware software = software_of(c.source);
  std::vector<std::string> applied;
  for (const auto& d : framework_defaults(software, static_cast<int>(c.tp), tpu))
    if (set_default(root, d.key, d.value)) applied.push_back(d.note);
  if (!applied.empty())
    notes.push_back(fmt::format("{}: {}", software_note(software), fmt::join(applied, ", ")));
  return root;
}

}  // namespace

std::vector<ValidationCase> load_validation_cases(const std::string& path,
                                                  const std::vector<std::string>& overrides) {
  const Document doc = Document::from_file(path);
  MapReader top(doc.root());
  top.allow("schema");
  top.allow("what");
  top.allow("use");
  const auto cases = top.require("cases", "a list of cases").list();
  top.finish();
  const auto catalog = builtin_catalog();
  std::vector<ValidationCase> out;
  for (const auto& n : cases) {
    ValidationCase c;
    const CaseNodes nodes = read_case(n, c);
    try {
      std::vector<std::string> notes;
      Document scenario_doc = Document::assembled(assemble(nodes, catalog, notes), doc, n.pos());
      for (const auto& o : overrides) scenario_doc.apply_override(o);
      YAML::Emitter yaml;
      yaml << scenario_doc.root().yaml();
      c.scenario_yaml = yaml.c_str();
      Scenario s = scenario_from(scenario_doc, path);
      s.name = c.id;
      s.notes.insert(s.notes.begin(), notes.begin(), notes.end());
      c.scenario = std::move(s);
    } catch (const ConfigError& e) {
      c.not_run = e.what();
    }
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace dtsim::config
