#pragma once
// Parameter-efficient fine-tuning: LoRA (Hu et al. 2021, "LoRA: Low-Rank Adaptation of Large
// Language Models") and QLoRA (Dettmers et al. 2023, "QLoRA: Efficient Finetuning of Quantized
// LLMs"), as the operators (operators.hpp), the memory model (memory.hpp) and the step replay
// see them. Under `lora` and `qlora` every base weight is frozen; the chosen linear layers get
// a trained low-rank update:
//   Y = X W + (X A) B,   A: d_in x r,  B: r x d_out   ->  r (d_in + d_out) parameters per matrix
// (the scaling alpha/r folds into the GEMM). Fused GEMMs get one adapter per logical matrix:
// QKV three (q, k, v), SwiGLU's first GEMM two (gate, up), as Hugging Face PEFT targets
// q_proj ... down_proj; the MoE router and the output layer get none (QLoRA's `lora_modules
// all` takes every linear layer but lm_head: artidoro/qlora, qlora.py find_all_linear_names).
//
// Storage of the frozen base, bytes per parameter:
//   16-bit (`base_weights: bf16|fp16`): the training precision's weight, 2 bytes (4 in fp32).
//   nf4: [P] 4-bit NormalFloat codes in blocks of 64, each block's fp32 absmax quantized again
//     to 8 bits in blocks of 256 with one fp32 constant each (Dettmers et al. 2023, Sec. 3,
//     Double Quantization): 4 + 8/64 + 32/(64 x 256) = 4.127 bits.
//   int8: [P] LLM.int8() vector-wise quantization (Dettmers et al. 2022, Sec. 3.2): int8
//     weights with one fp32 absmax scale per output row (bitsandbytes Linear8bitLt keeps CB and
//     SCB): 1 + 4 / d_in bytes.
// Only the decoder layers' linear weights are quantized: transformers' bitsandbytes
// integration replaces every nn.Linear but the output layer (get_keys_to_not_convert keeps
// lm_head), so the embedding, the norms and the output layer stay 16-bit (QLoRA keeps norms in
// fp32, a few MB: counted as 16-bit).
//
// What each pass runs (time):
//   forward: the frozen GEMM, then X A (m x r x d_in) and (X A) B (m x d_out x r) accumulated
//     into Y (the add fused in the GEMM's epilogue: B's GEMM reads and writes Y);
//   backward: the frozen GEMM's dgrad dX = dY W^T only (no wgrad: W is frozen; the gradient
//     must still reach earlier adapters), and both adapters' dgrad and wgrad: d(XA) = dY B^T,
//     dB = (XA)^T dY, dX += d(XA) A^T, dA = X^T d(XA). Per adapted matrix that is
//     2 m r (d_in + d_out) FLOPs forward and twice that backward, against the 2 m d_in d_out
//     the skipped wgrad saves: the linear layers' backward GEMM work halves, which is a third
//     of the step's. The adapters of a fused GEMM run as one A GEMM (their A side by side) and
//     one B GEMM (block-diagonal: r inputs per output column).
//   QLoRA (and int8): before each use of a frozen weight, forward, dgrad and recompute, a
//     memory-bound kernel dequantizes it to 16 bits (bitsandbytes dequantize_4bit in
//     MatMul4Bit.forward and .backward): reads the stored bytes, writes 2 bytes per weight.
//     dtsim runs int8 the same way (bitsandbytes' backward does; its forward int8 GEMM with
//     outlier decomposition is not modelled).
// What the backward keeps (memory):
//   an adapted matrix keeps its input X (for dA) and X A (m x r per adapter, for dB); a
//     frozen 16-bit matrix without an adapter keeps nothing for itself (dX = dY W^T needs no
//     X; PyTorch saves a matmul's input only when the weight requires a gradient), unless
//     another kernel's backward reads the same tensor (FlashAttention reads its output O, the
//     output projection's input; ReLU its output); a quantized frozen matrix keeps X anyway
//     (bitsandbytes' MatMul4Bit saves it whenever gradients flow through).
//   The adapters train like any weight: 16-bit weights with the state layout's gradients,
//     master weights and Adam moments, sharded by ZeRO; the frozen base has no gradients and
//     no optimizer state, and is sharded only by ZeRO-3. QLoRA's dequantized 16-bit copy of
//     the largest frozen GEMM weight is a transient buffer.
// Data parallelism reduces, and the optimizer updates, only the adapters.
// Not modelled: LoRA dropout (PEFT's default is 0; with p > 0 each adapter keeps a dropped copy
// of X), the tiny tensor-parallel collectives of adapter activations (tokens x r: an adapter
// follows its base's split, its other matrix replicated on every TP rank), and paged optimizers
// (QLoRA's paged_adamw_32bit lets Adam state spill to CPU memory under pressure).
#include "dtsim/models/parallel_plan.hpp"
#include "dtsim/models/transformer.hpp"

namespace dtsim::models {

// [P] Dettmers et al. 2023, Sec. 3: NF4 codes plus double-quantized block scales.
inline constexpr double kNf4BitsPerParam = 4 + 8.0 / 64 + 32.0 / (64 * 256);
// [P] Dettmers et al. 2022 (LLM.int8()), vector-wise: one fp32 scale per output row.
inline constexpr double kInt8ScaleBytesPerRow = 4;

inline bool frozen_base(const Finetune& f) {
  return f.method != FinetuneMethod::full;
}

// Bytes of a frozen d_in x d_out weight matrix (`batch` of them) stored in `format`;
// `weight_bytes`: the training precision's 16-bit (or fp32) weight.
double stored_weight_bytes(WeightFormat format, double d_in, double d_out, double batch,
                           double weight_bytes);

// Parameters the whole model trains (tp = 1): every parameter in full training, the adapters'
// under LoRA/QLoRA.
double trained_params(const ModelSpec& model, const Finetune& finetune);

}  // namespace dtsim::models
