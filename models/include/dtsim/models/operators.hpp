#pragma once
// A decoder layer (and the embedding, output layer and optimizer around the layers) as the
// kernels a Megatron-style framework runs for it on one accelerator, under a tensor-, sequence-,
// context- and expert-parallel split and one micro-batch. Each operator carries, per pass, its
// FLOPs, the HBM bytes it reads and writes and its GEMM shape, and the activation bytes it keeps
// for its backward pass. Summed, the operators give Megatron-LM's FLOP count (Narayanan et al.
// 2021, Eq. 3) and Korthikanti et al. 2022's activation memory (Table 2); compute.hpp turns
// each into a time.
//
// What each operator keeps for the backward pass (Korthikanti et al. 2022, Sec. 4.1, 16-bit
// activations, 1-byte dropout masks; s tokens, b sequences, h hidden, a heads, t = tp):
//   norms keep their input (2sbh each); the QKV projection its input (2sbh); the attention
//   core Q, K, V (6sbh) and, without FlashAttention, the softmax output (2as^2b), the dropout
//   mask (as^2b) and dropout output (2as^2b); the output projection its input (2sbh); each
//   dropout its mask (sbh); the MLP its input (2sbh), the activation its input (2sb*ffn) and the
//   second matrix its input (2sb*ffn). Tensors inside the TP region are divided by t; the rest
//   (norms, dropouts, the inputs of the first projections) by t only under sequence
//   parallelism. With ffn = 4h this is sbh(10 + 24/t + 5as/(ht)) (Table 2, row 2); with SP,
//   sbh/t (34 + 5as/h) (row 3).
// Generalizations beyond the paper, each a consequence of what the kernels keep:
//   GQA/MQA keep K and V at their own width; SwiGLU's activation keeps gate and up (4sb*ffn);
//   ReLU keeps nothing of its own (PyTorch saves its output, which is the second matrix's
//   input); a parallel block has one norm whose output feeds both branches (kept once);
//   FlashAttention keeps Q, K, V and its fp32 log-sum-exp (4asb) instead of the s^2 tensors
//   and regenerates its dropout mask; without dropout no masks are kept; MoE experts keep
//   top_k copies of the dispatched tokens; context parallelism divides the sequence by cp.
//   The per-token mean/variance of the norms (8 bytes a token) is left out, as the paper does.
#include <optional>
#include <string>
#include <vector>

#include "dtsim/models/parallel_plan.hpp"
#include "dtsim/models/transformer.hpp"

namespace dtsim::models {

// gemm: a dense matrix multiply (or `batch` of them: heads, experts); attention: a fused
// FlashAttention kernel; elementwise: memory-bound (norms, activations, dropout, softmax, loss,
// optimizer). Communication is not an operator: the step builder places collectives.
enum class OpKind { gemm, attention, elementwise };

// backward_input: gradients with respect to activations (dgrad); backward_weight: with respect
// to weights (wgrad); recompute: the forward work redone before the backward pass.
enum class Pass { forward, backward_input, backward_weight, recompute };

// C[m x n] = A[m x k] B[k x n], `batch` independent products of that shape. m may be a mean
// (tokens per expert), hence doubles.
struct GemmShape {
  double m = 0, n = 0, k = 0;
  double batch = 1;
  friend bool operator==(const GemmShape&, const GemmShape&) = default;
};

// How a FlashAttention kernel spreads its work: `units` thread blocks (batch x heads x query
// blocks) each visiting `key_blocks` key blocks on average (about half under a causal mask).
struct AttentionShape {
  double units = 0;
  double key_blocks = 0;
  friend bool operator==(const AttentionShape&, const AttentionShape&) = default;
};

struct PassCost {
  double flops = 0;           // as Megatron-LM counts them: matmuls only, full s x s scores
  double executed_flops = 0;  // what the kernels perform (causal masking, FlashAttention's
                              // backward recomputing the scores, elementwise arithmetic)
  double bytes = 0;           // HBM bytes read and written
  // Bytes moved by the memory-bound kernel that prepares a GEMM's operands: Transformer
  // Engine's FP8 cast-transpose (bf16 in, fp8 and its transpose out), or the dequantization of
  // a frozen int8/NF4 weight to 16 bits (bitsandbytes); a kernel of its own, timed at HBM
  // bandwidth after the GEMM's roofline.
  double cast_bytes = 0;
  std::optional<GemmShape> gemm;
  bool runs() const { return executed_flops > 0 || bytes > 0 || cast_bytes > 0; }
};

struct Operator {
  std::string name;
  OpKind kind = OpKind::elementwise;
  Precision precision = Precision::bf16;  // the math precision of its kernels
  PassCost forward, backward_input, backward_weight;
  PassCost recompute;  // forward again when the shard's recompute mode redoes it
  std::optional<AttentionShape> attention;
  double saved_bytes = 0;  // kept from forward to backward, per micro-batch
  double parameters = 0;   // weights this rank holds for the operator
  bool expert = false;     // routed-expert weights: split over ep, and replicated
                           // over dp x cp / ep instead of dp x cp
  // Fine-tuning (finetune.hpp): a frozen operator's weights get no gradient and no optimizer
  // state and are stored in `frozen_bytes` (16-bit, int8 or NF4 with their scales); a
  // quantized one is expanded to a 16-bit copy of `dequantized_bytes` before each use.
  bool trainable = true;
  double frozen_bytes = 0;
  double dequantized_bytes = 0;

  double trained_parameters() const { return trainable ? parameters : 0; }

  const PassCost& pass(Pass p) const;
};

// One rank's share of the work of one micro-batch.
struct Shard {
  int tp = 1;
  int cp = 1;
  int ep = 1;  // experts are also split over tp (expert tensor parallel = tp)
  bool sequence_parallel = false;
  int micro_batch = 1;  // sequences
  int seq_len = 0;      // full sequence; each rank holds seq_len / cp of it
  Precision precision = Precision::bf16;
  Recompute recompute = Recompute::none;
  // FlashAttention-style fused attention (on by default: Megatron-LM with Transformer Engine
  // and every recent framework run fused attention; Korthikanti's Table 2 predates it).
  bool flash_attention = true;
  Finetune finetune;  // full training, or LoRA/QLoRA adapters on a frozen base
  friend bool operator==(const Shard&, const Shard&) = default;
};

Shard shard_of(const ParallelPlan& plan, const TrainingSetup& training);

// Decoder layer `layer` (0-based; decides dense or MoE MLP).
std::vector<Operator> layer_operators(const ModelSpec& model, const Shard& shard, int layer);
// First pipeline stage: token (and position) embedding, its norm and dropout.
std::vector<Operator> embedding_operators(const ModelSpec& model, const Shard& shard);
// Last pipeline stage: final norm, output layer (logits) and cross-entropy loss.
std::vector<Operator> head_operators(const ModelSpec& model, const Shard& shard);
// Adam over `params` locally owned parameters with fp32 master weights and moments: reads the
// gradient (grad_bytes each) and 12 bytes of state, writes the state and the 16-bit weight.
Operator optimizer_operator(double params, double grad_bytes_per_param);

// Sums over operators: FLOPs as counted (matmuls), and kept activation bytes.
double counted_flops(const std::vector<Operator>& ops, Pass pass);
double saved_bytes(const std::vector<Operator>& ops);

std::string to_string(OpKind kind);

}  // namespace dtsim::models
