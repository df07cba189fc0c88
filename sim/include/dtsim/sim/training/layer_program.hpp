#pragma once
// What one rank runs for one decoder layer (or the embedding, or the output layer) of one
// micro-batch: compute steps from the operators' roofline times, with the collectives placed
// where Megatron-LM places them.
//
// A layer is an attention part and an MLP part (one part for parallel blocks). Each part is a
// leading norm, a main body (the projections and attention, or the MLP or the experts) and a
// trailing dropout-add. With tensor parallelism t > 1:
//   forward   norm | AG | main | RS | dropout-add        (sequence parallel; Korthikanti 2022)
//             norm | main | AR | dropout-add             (without)
//   backward  dropout-add' | AG | main' ... first GEMM dgrad | RS* | first GEMM wgrad | norm'
//             with the input all-gather redone for the first GEMM's weight gradient, issued at
//             the start of main' (*async: Megatron overlaps both with dgrad/wgrad GEMMs)
// where AG/RS move the micro-batch's activations b (s/cp) h in 16 bits. With
// `tp_comm_overlap` (Transformer Engine userbuffers) the forward AG runs under the first GEMM
// and the RS under the last. Experts: router, dispatch | A2A (ep) | AG (tp) | experts |
// RS (tp) | A2A (ep) | combine, the backward mirrored. Context parallelism: the attention
// core's key/value exchange (an all-gather of K and V over cp, and a reduce-scatter of their
// gradients in the backward) runs under the attention kernel. Recompute: full reruns the
// layer's forward (collectives too) before its backward; selective the attention core.
#include <cstdint>
#include <string>
#include <vector>

#include "dtsim/models/compute.hpp"
#include "dtsim/models/operators.hpp"
#include "dtsim/sim/collective/collective.hpp"
#include "dtsim/sim/training/step_graph.hpp"

namespace dtsim::training {

enum class Exchange : std::uint8_t {
  tp_all_gather,
  tp_reduce_scatter,
  tp_all_reduce,
  ep_all_to_all,
  cp_all_gather,
  cp_reduce_scatter,
};

// The collective an exchange is, and the group it runs over: the one mapping the step builder,
// the plan screen and `dtsim explain` share.
enum class ExchangeGroup : std::uint8_t { tp, cp, ep };
collective::Op op_of(Exchange e);
ExchangeGroup group_of(Exchange e);

struct Step {
  enum class Kind : std::uint8_t { compute, comm, join };
  Kind kind = Kind::compute;
  Category category = Category::compute;  // compute steps: compute or recompute
  double seconds = 0;                     // compute steps
  Exchange exchange = Exchange::tp_all_gather;  // comm steps
  double bytes = 0;                       // comm steps, nccl-tests convention
  bool async = false;                     // comm steps: on a side stream, compute goes on
  int handle = -1;                        // async comm: its id; join: the comm it waits for
};

using Program = std::vector<Step>;

struct BlockProgram {
  Program forward;
  Program backward;           // recomputation first
  // Parameters this rank trains (all it holds, or LoRA's adapters): what data parallelism
  // reduces and the optimizer updates.
  double params = 0;          // dense
  double expert_params = 0;   // routed experts
};

struct ProgramContext {
  const models::DeviceCompute* device = nullptr;
  models::Shard shard;
  double hidden = 0;
  double kv_width = 0;          // K (and V) width of one token over this rank's KV heads
  int top_k = 1;
  bool parallel_block = false;
  bool tp_comm_overlap = false;
};

BlockProgram layer_program(const std::vector<models::Operator>& ops, const ProgramContext& c);
BlockProgram embedding_program(const std::vector<models::Operator>& ops, const ProgramContext& c);
BlockProgram head_program(const std::vector<models::Operator>& ops, const ProgramContext& c);

// Sum of compute seconds in a program (for checks and the ideal-case tests).
double compute_seconds(const Program& p);

}  // namespace dtsim::training
