#pragma once
// Internal: what every operator of one rank's micro-batch is built from. The per-block files
// (attention_ops.cpp, mlp_ops.cpp, operators.cpp) describe *which* kernels run; this file says
// how a GEMM, a fused attention or an elementwise kernel turns into FLOPs, bytes and kept
// activations.
#include <string>
#include <vector>

#include "dtsim/models/operators.hpp"

namespace dtsim::models::detail {

// Hand counts of arithmetic per output element of elementwise kernels (forward; the backward
// does about twice as much). These kernels are memory-bound, so the counts matter only on
// devices with a very low vector rate; they keep `executed_flops` from being zero.
constexpr double kLayerNormFlops = 8;   // mean, centre, square, variance, rsqrt-scale, gain, shift
constexpr double kRmsNormFlops = 4;     // square, mean, rsqrt-scale, gain
constexpr double kDropoutAddFlops = 2;  // mask-scale, residual add
constexpr double kDropoutFlops = 2;     // mask, scale
constexpr double kSoftmaxFlops = 5;     // max, exp, sum, divide, scale
constexpr double kRopeFlops = 3;        // two multiplies, one add
constexpr double kGeluFlops = 8;        // tanh approximation: cube, 3 multiply-adds, tanh, scale
constexpr double kSwigluFlops = 5;      // sigmoid (exp, add, divide), two multiplies
constexpr double kReluFlops = 1;
constexpr double kSquaredReluFlops = 2;
constexpr double kCrossEntropyFlops = 5;  // max, exp, sum, log, subtract
constexpr double kAdamFlops = 12;         // moments, bias corrections, sqrt, divide, decay, step

// The sizes one rank works on.
struct Dims {
  Dims(const ModelSpec& model, const Shard& shard);

  const ModelSpec& m;
  const Shard& shard;
  double b = 0;          // sequences in the micro-batch
  double s_q = 0;        // this rank's queries per sequence: seq_len / cp
  double s_k = 0;        // keys each query sees: the whole sequence (CP exchanges K and V)
  double tokens = 0;     // b * s_q: the rows of every GEMM on this rank
  double tokens_sp = 0;  // tokens / tp under sequence parallelism: tensors outside the TP region
  double heads = 0;      // query heads on this rank
  double kv_heads = 0;   // KV heads on this rank (replicated when tp exceeds them)
  double h = 0;
  double tp = 1;
  double act = 2;     // bytes of a stored activation element (4 in fp32 training)
  double in = 2;      // bytes of a linear layer's GEMM operand element (1 in fp8)
  double out = 2;     // bytes of a GEMM result element
  double weight = 2;  // bytes of a stored 16-bit (or fp32) weight: FP8 training keeps bf16
  // FP8 training runs only the linear layers in FP8: Transformer Engine computes attention in
  // BF16 unless fp8_dpa is set (added in TE 1.6, 2024, off by default and in NeMo's recipes).
  Precision attention_precision = Precision::bf16;
};

// What an operator keeps for its backward pass: `kept` survives selective recompute, `scores`
// does not (the attention core's internals, Korthikanti et al. 2022 Sec. 5).
struct Saved {
  double kept = 0;
  double scores = 0;
};

// Which fine-tuning target a weight GEMM belongs to (Finetune::attention, Finetune::mlp);
// `none` for weights that never get adapters (the MoE router, the output layer).
enum class Target { none, attention, mlp };

// A weight GEMM Y[m x n] = X[m x k] W[k x n], `batch` copies (experts), as fine-tuning sees it.
struct Linear {
  GemmShape shape;
  double params = 0;  // weights and biases this rank holds
  Target target = Target::none;
  double matrices = 1;     // matrices fused in the GEMM (QKV 3, SwiGLU's fc1 2): an adapter each
  bool decoder = true;     // a decoder-layer matrix, stored in the base format; false: kept 16-bit
  bool expert = false;     // a routed expert's
  double input_bytes = 0;  // its input, kept for the weight gradient (0: another op keeps it)
  bool input_needed = false;    // another kernel's backward reads that input too
  double other_kept_bytes = 0;  // what else it keeps, frozen or not (the router's scores)
};

// Elementwise kernel: `elements` outputs, `flops` arithmetic per output, bytes moved per pass.
struct Elementwise {
  double elements = 0;
  double flops = 0;
  double forward_bytes = 0;
  double backward_bytes = 0;
  double params = 0;  // weights it holds (norm gains and shifts)
};

// Collects one block's operators in execution order and applies the recompute mode.
class OpList {
 public:
  explicit OpList(const Dims& d) : d_(d) {}

  // A weight GEMM; under LoRA/QLoRA its weights are frozen and it may get an adapter.
  void linear(std::string name, const Linear& l);
  // Y[m x n] = X[m x k] Y2[k x n], both operands activations (the unfused attention core,
  // run again under selective recompute), `batch` times.
  void attention_gemm(std::string name, GemmShape shape, Saved saved);
  // FlashAttention over this rank's heads: query/key width dqk, value width dv.
  void flash_attention(std::string name, double dqk, double dv, double kv_heads);
  void elementwise(std::string name, Elementwise e, Saved saved, bool attention_core = false);
  Operator& last() { return entries_.back().op; }

  // Under full recompute only the layer input (act * tokens_sp * h) is kept and every operator
  // runs again; under selective, attention-core operators drop `scores` and run again.
  std::vector<Operator> finish(Recompute mode);

  // Whether a weight GEMM of `target` keeps its input for its own backward: always in full
  // training, and under fine-tuning when it has an adapter (whose A needs X) or its frozen
  // weight is a quantized decoder matrix (bitsandbytes' autograd functions save the input
  // whenever the gradient flows through them); a frozen 16-bit weight needs only dY W^T
  // (PyTorch's matmul saves its input only when the weight requires a gradient).
  bool keeps_input(Target target, bool decoder = true) const;

 private:
  bool frozen() const { return d_.shard.finetune.method != FinetuneMethod::full; }
  bool adapted(Target target) const;
  // The GEMM of a trained weight in `precision`: forward, dgrad and wgrad.
  Operator trained_gemm(std::string name, GemmShape shape, Precision precision) const;
  // LoRA's A and B beside the frozen GEMM `l` (finetune.hpp).
  void add_adapters(const std::string& base, const Linear& l);

  struct Entry {
    Operator op;
    Saved saved;
    bool attention_core = false;
  };
  const Dims& d_;
  std::vector<Entry> entries_;
};

// Bytes an elementwise kernel moves: reads `read` tensors and writes `written` of `elements`.
double tensor_bytes(const Dims& d, double elements, double read, double written);

// The blocks a decoder layer is made of.
void add_attention(OpList& ops, const Dims& d);
void add_mlp(OpList& ops, const Dims& d, bool moe_layer);
void add_norm(OpList& ops, const Dims& d, const std::string& name);
void add_dropout_add(OpList& ops, const Dims& d, const std::string& name);

}  // namespace dtsim::models::detail
