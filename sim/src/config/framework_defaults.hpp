#pragma once
// Internal: what a framework did, at a date, where a published run does not say. A validation
// case (../shared/data/README.md) gives a key only where its source's configuration does; an
// absent key is the behaviour of the run's framework at the run's date, each with its source:
//
// | scenario key                      | value | when                                               |
// |-----------------------------------|-------|----------------------------------------------------|
// | training.flash_attention          | false | GPU runs dated before 2023 (1)                      |
// | parallelism.sequence_parallel     | false | runs dated before 2022-05 (2)                       |
// | parallelism.overlap_grad_reduce   | false | Megatron-LM before 2023-08 (3); else true           |
// | parallelism.overlap_param_gather  | false | Megatron-LM before 2023-11 (4); else true           |
// | parallelism.tp_comm_overlap       | true  | NeMo (5) and MaxText (6) with tp > 1; else false    |
//
// (1) FlashAttention (Dao et al., arXiv:2205.14135) reached Megatron-LM and NeMo through
//     Transformer Engine's fused attention in 2023; earlier runs materialize the scores.
// (2) Sequence parallelism: Korthikanti et al., arXiv:2205.05198; Megatron-LM's
//     --sequence-parallel, commit cfd2e21 of 2022-04-28.
// (3) --overlap-grad-reduce: Megatron-LM commit 2d5220a of 2023-08-16. Before it Megatron's own
//     DDP (--DDP-impl local, the default) all-reduced the gradients after the backward pass.
// (4) --overlap-param-gather: Megatron-LM commit f048bf8 of 2023-11-17 ("Overlap all-gather in
//     distributed optimizer"); before it the distributed optimizer gathered the updated
//     parameters after the optimizer step.
// (5) NeMo's performance recipes and NVIDIA's DGX Cloud benchmarking recipes turn on Transformer
//     Engine's userbuffer overlap of tensor-parallel communication (NeMo 2.0's
//     MegatronCommOverlapCallback, tp_comm_overlap=True in the llama/gpt/nemotron recipes).
//     Megatron-LM's --tp-comm-overlap (commit 116ffdd, 2023-10-23) is off unless given.
// (6) XLA overlaps collectives with independent matmuls (async collective fusion, on in
//     MaxText's published TPU runs' LIBTPU flags).
#include <string>
#include <vector>

#include "run_software.hpp"

namespace dtsim::config {

struct FrameworkDefault {
  std::string key;    // scenario key path
  bool value = false;
  std::string note;   // printed among the defaults applied: what and why, briefly
};

// The defaults of the table above that apply to a run of this software with `tp`-way tensor
// parallelism on GPUs (`tpu` false) or TPUs.
std::vector<FrameworkDefault> framework_defaults(const RunSoftware& software, int tp, bool tpu);

// "NeMo run (2024-11)": the software the defaults were chosen for, printed before them.
std::string software_note(const RunSoftware& software);

}  // namespace dtsim::config
