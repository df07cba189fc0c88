#pragma once
// Internal: the software a published run used, as far as its citation says: the framework
// (Megatron-LM, NeMo and the NeMo-based NVIDIA recipes, MaxText) and the year and month its
// software dates from. A validation case leaves out what its source does not publish; the
// framework's behaviour at that date (framework_defaults.hpp) fills the gap.
#include <string>

namespace dtsim::config {

enum class Framework { unknown, megatron_lm, nemo, maxtext };

struct RunSoftware {
  Framework framework = Framework::unknown;
  int date = 0;  // yyyymm; 0 when the citation gives none
};

// Read from a case's `source`, the citation of the run:
//  - framework: the first of "NeMo" or "DGX Cloud Benchmarking Recipes" / "dgxc-benchmarking"
//    (NVIDIA's recipes run the NeMo container), "MaxText", "Megatron" that the citation names;
//  - date: an arXiv identifier (arXiv:2104.04473 -> 2021-04), an ISO date (2024-11-21), a
//    container or release version yy.mm (NeMo 24.07, release v24.11.1, ngc26.04), else a
//    conference year ('21 -> 2021-01).
RunSoftware software_of(const std::string& source);

std::string to_string(Framework f);

}  // namespace dtsim::config
