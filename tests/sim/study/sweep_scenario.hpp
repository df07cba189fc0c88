#pragma once
// A scenario small enough that a sweep over it runs in well under a second: a 4-layer model on
// one DGX H100 node (8 GPUs), TP2 PP2 DP2. The sweep tests vary its keys.
#include <string>

namespace dtsim::test {

inline const char* small_sweep_scenario() {
  return "name: small sweep\n"
         "model: {name: tiny, layers: 4, hidden: 1024, heads: 16, vocab: 32000, seq_len: 1024}\n"
         "training: {global_batch: 16, seq_len: 1024, tokens: 1e9}\n"
         "parallelism: {tp: 2, pp: 2, micro_batch: 1}\n"
         "cluster: {system: dgx-h100, nodes: 1}\n";
}

}  // namespace dtsim::test
