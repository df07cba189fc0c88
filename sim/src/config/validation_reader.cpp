#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <optional>

#include "dtsim/sim/config/error.hpp"
#include "dtsim/sim/config/loader.hpp"
#include "dtsim/sim/config/validation.hpp"
#include "scenario_document.hpp"

namespace dtsim::config {
namespace {

// The case's fields, checked like any input (unknown keys are errors), as YAML nodes to
// assemble the scenario from, and the numbers assembling it computes with (read strictly here,
// so a bad one is an error at its line, not a crash or a division by zero).
struct CaseNodes {
  YAML::Node model, parallel, batch, system, accelerators, precision, recompute;
  std::string source, notes;
  std::int64_t chips = 0;
  std::int64_t tp = 1, pp = 1, dp = 1, cp = 1, zero = 0;
  std::optional<std::int64_t> micro;
};

// The parallel degrees: known keys only; those assemble() computes with, as integers.
void read_degrees(const Node& parallel, CaseNodes& out) {
  MapReader p(parallel);
  const std::pair<const char*, std::int64_t*> degrees[] = {
      {"tp", &out.tp}, {"pp", &out.pp}, {"dp", &out.dp}, {"cp", &out.cp}};
  for (const auto& [key, into] : degrees)
    if (auto v = p.get(key)) *into = as_int(*v, 1, 1 << 20);
  if (auto z = p.get("zero")) out.zero = as_int(*z, 0, 3);
  for (const char* key : {"ep", "vpp", "sequence_parallel"}) p.allow(key);
  p.finish();
}

// The year and month a run's software dates from, read from its source as yyyymm: an arXiv
// identifier (arXiv:2104.04473 -> 202104), else a conference year (SC'21 -> 202101); 0 when the
// source says neither.
int source_date(const std::string& source) {
  auto digits = [&](std::size_t at, std::size_t n) {
    return at + n <= source.size() &&
           std::all_of(source.begin() + at, source.begin() + at + n, [](char c) { return std::isdigit(c); });
  };
  if (const auto at = source.find("arXiv:"); at != std::string::npos && digits(at + 6, 4))
    return 200000 + std::stoi(source.substr(at + 6, 4));
  for (auto at = source.find('\''); at != std::string::npos; at = source.find('\'', at + 1))
    if (digits(at + 1, 2)) return 200000 + std::stoi(source.substr(at + 1, 2)) * 100 + 1;
  return 0;
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
  read_degrees(parallel, out);
  out.parallel = parallel.yaml();
  const Node batch = m.require("batch", "micro and global batch");
  {
    MapReader b(batch);
    b.require("global", "the global batch in sequences");
    if (auto micro = b.get("micro")) out.micro = as_int(*micro, 1, 1 << 20);
    b.finish();
  }
  out.batch = batch.yaml();
  MapReader measured(m.require("measured", "the measured step time"));
  c.measured_step_s = as_quantity(measured.require("step_time_s", "seconds"), Dimension::count);
  measured.allow("derivation");
  measured.finish();
  if (auto n2 = m.get("notes")) out.notes = n2->is_scalar() ? n2->scalar() : "";
  m.finish();
  return out;
}

// The scenario document of a case: the case's nodes placed under scenario keys.
YAML::Node assemble(const CaseNodes& c, const topology::Catalog& catalog, std::vector<std::string>& notes) {
  YAML::Node root;
  root["model"] = c.model;
  root["training"]["global_batch"] = c.batch["global"];
  root["training"]["precision"] = c.precision;
  auto par = root["parallelism"];
  for (const char* key : {"tp", "pp", "dp", "cp", "ep", "vpp", "sequence_parallel", "zero"})
    if (c.parallel[key] && !c.parallel[key].IsNull()) par[key] = c.parallel[key];
  if (c.batch["micro"] && !c.batch["micro"].IsNull()) par["micro_batch"] = c.batch["micro"];
  if (c.recompute && !c.recompute.IsNull()) par["recompute"] = c.recompute;
  root["cluster"]["system"] = c.system;
  root["cluster"]["accelerators"] = c.accelerators;

  // The software of the run, where its source dates it: FlashAttention (Dao et al., arXiv
  // 2205.14135) reached Megatron-LM and NeMo through Transformer Engine in 2023, so earlier runs
  // materialize the attention scores; sequence parallelism appeared in Korthikanti et al.
  // (arXiv 2205.05198), so earlier runs have none unless the case says otherwise.
  const int date = source_date(c.source);
  if (date > 0 && date < 202301) {
    root["training"]["flash_attention"] = false;
    notes.push_back(fmt::format("attention unfused: the run ({}-{:02}) predates FlashAttention in "
                                "Megatron-LM/NeMo (2023)", date / 100, date % 100));
  }
  if (date > 0 && date < 202205 && !(c.parallel["sequence_parallel"] && !c.parallel["sequence_parallel"].IsNull())) {
    par["sequence_parallel"] = false;
    notes.push_back("sequence parallelism off: the run predates it (Korthikanti et al., 2022-05)");
  }
  // Megatron-LM flags the case's notes record are the run's configuration.
  if (c.notes.find("--tp-comm-overlap") != std::string::npos) {
    par["tp_comm_overlap"] = true;
    notes.push_back("tp_comm_overlap: on (--tp-comm-overlap in the case's notes)");
  }

  const auto* system = catalog.find_system(c.system.Scalar());
  const bool torus = system && system->scale_up.kind == topology::ScaleUpKind::torus;
  const std::int64_t model_parallel = c.tp * c.pp * c.cp;
  if (torus && c.dp * model_parallel != c.chips && c.chips % (c.dp * model_parallel) == 0) {
    const std::int64_t slices = c.dp;
    const std::int64_t dp = c.chips / model_parallel;
    root["cluster"]["slices"] = slices;
    par["dp"] = dp;
    if (c.zero >= 1) par["zero_shard"] = dp / slices;
    notes.push_back(
        fmt::format("tpu: dp = {} read as {} slices over DCN; dp = {} with ZeRO-{} over the {} "
                    "ranks of each slice",
                    slices, slices, dp, c.zero, dp / slices));
    // XLA overlaps tensor-parallel collectives with independent matmuls on TPUs (async
    // collective fusion; the LIBTPU flags of MaxText's published v5e runs turn it on).
    if (c.tp > 1) {
      par["tp_comm_overlap"] = true;
      notes.push_back("tpu: tp_comm_overlap on (XLA async collective fusion, as MaxText runs)");
    }
    // MaxText's batch is per device: the chips of a tensor (and context) parallel group process
    // their per-device batches together, in one pass.
    if (c.micro && c.tp * c.cp > 1) {
      par["micro_batch"] = *c.micro * c.tp * c.cp;
      notes.push_back(
          fmt::format("tpu: micro-batch {} per device x tp x cp = {} sequences per pass", *c.micro,
                      *c.micro * c.tp * c.cp));
    }
  }
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
