#pragma once
// Scenario -> StepGraph: one training step of every simulated rank.
//
// Per rank: a compute stream running its pipeline schedule's work items (each a chunk of
// layers for one micro-batch, forward or backward; see layer_program.hpp for what a layer
// runs), side streams for collectives overlapped with compute (TP, CP), a pipeline send
// stream, and two data-parallel streams (gathers and reductions). Then:
//  - pipeline transfers: after a chunk's forward, its output (b s h / (tp cp) per rank) goes
//    to the next stage; after a backward, the input gradient to the previous one;
//  - gradients (ZeRO 0-2): during each chunk's last backward, layers' gradients fill buckets
//    of `bucket_params` (Megatron-Core: max(40M, 1M x dp)); a full bucket is all-reduced
//    (ZeRO 0) or reduce-scattered (ZeRO 1/2) over data parallelism on the reduction stream
//    while the backward goes on (or all at the end without overlap_grad_reduce). Data
//    parallelism here is the dp x cp ranks: CP ranks hold the same weights, each with the
//    gradients of its own chunk of the sequence (Megatron-LM's data-parallel group with
//    context parallelism), and ZeRO shards over shard group x cp, as models/memory.cpp does;
//  - tied embeddings: the embedding and output-layer gradients are all-reduced between the
//    first and last stage (Megatron-LM);
//  - optimizer: Adam over the rank's (sharded) parameters once every reduction is done: under
//    ZeRO >= 1 dense ones over shard group x cp ranks, routed experts over those / ep;
//  - ZeRO 1/2 parameters: all-gathered bucket by bucket before each layer's first forward
//    (overlap_param_gather: the previous step's gather runs under this step's forward), or
//    after the optimizer;
//  - ZeRO 3 (FSDP): every layer's parameters gathered before its forward and again before its
//    backward, one layer ahead (prefetch), its gradients reduce-scattered after its backward,
//    over the shard group (x cp); across shard groups (HSDP) the shards' gradients are
//    all-reduced once at the end.
//  - fine-tuning (LoRA/QLoRA, models/finetune.hpp): gradients, their buckets and reductions,
//    the optimizer and the ZeRO-1/2 parameter gathers cover only the trained adapters
//    (BlockProgram::params); ZeRO-3 gathers the frozen base weights too, as stored (NF4 at
//    4.127 bits), and a frozen tied embedding needs no gradient all-reduce.
//  - a zero-length task closes each rank's compute stream when all its streams are done.
//
// Folding (execution.fold): ranks that differ only in tensor, context or data-parallel
// position run the same program; one rank per pipeline stage is simulated and each of its
// collectives carries its peers' groups as replicas, so their traffic still loads the links.
#include "dtsim/models/compute.hpp"
#include "dtsim/sim/config/scenario.hpp"
#include "dtsim/sim/training/layer_program.hpp"
#include "dtsim/sim/training/step_graph.hpp"

namespace dtsim::training {

struct StepInputs {
  std::vector<BlockProgram> layers;   // per model layer
  BlockProgram embedding;             // first stage
  BlockProgram head;                  // last stage
  models::DeviceCompute device;
  std::vector<double> layer_frozen_bytes;  // per model layer: frozen weights as stored (0: none)
  double grad_bytes_per_param = 4;    // as reduced across data parallelism
  double param_bytes_per_param = 2;   // as gathered (ZeRO >= 1)
};

StepInputs step_inputs(const config::Scenario& scenario);

// Parameters per gradient bucket: execution.bucket_params, or Megatron-Core's default
// max(40M, 1M x dp).
double gradient_bucket_params(const config::Execution& x, const models::ParallelPlan& p);

// What every layer program of the scenario's plan is built with (the device must outlive it).
ProgramContext program_context(const config::Scenario& scenario, const models::DeviceCompute& device);
// Bytes per parameter as gradients are reduced across data parallelism, and as parameters are
// gathered (ZeRO >= 1).
double gradient_bytes_per_param(models::Precision precision);
double gathered_bytes_per_param(models::Precision precision);
// Frozen weights of a block's operators, as stored (fine-tuning; 0 in full training).
double frozen_bytes(const std::vector<models::Operator>& ops);

// Throws config::ConfigError first when the step would pass the memory budget
// (work_estimate.hpp).
StepGraph build_step(const config::Scenario& scenario, const StepInputs& inputs);

}  // namespace dtsim::training
