#pragma once
// One training step as a graph the executor replays: streams (a rank's compute stream, its
// communication streams) run their tasks in order, like CUDA streams; a task also waits for its
// dependencies on other streams. Every task belongs to an op: a compute op has one member task,
// a communication op one per participating stream and starts when all of them are ready.
#include <cstdint>
#include <string>
#include <vector>

#include "dtsim/sim/collective/collective.hpp"

namespace dtsim::training {

// What a task's time is spent on; the step-time breakdown is reported in these terms.
enum class Category : std::uint8_t {
  compute,
  recompute,
  optimizer,
  tp_comm,
  cp_comm,
  ep_comm,
  pp_comm,
  dp_comm,
};
inline constexpr int kCategories = 8;
std::string to_string(Category c);

enum class StreamKind : std::uint8_t { compute, tp_comm, cp_comm, pp_send, dp_gather, dp_comm };
std::string to_string(StreamKind k);

using TaskId = std::int32_t;
using OpId = std::int32_t;
using StreamId = std::int32_t;

struct Stream {
  int rank;  // the simulated rank (a representative when ranks are folded)
  StreamKind kind;
  std::vector<TaskId> tasks;  // in program order
};

struct Task {
  StreamId stream;
  OpId op;
  Category category;
  std::vector<TaskId> deps;  // besides the previous task on the same stream
};

struct Op {
  bool is_comm = false;
  // Members on different pipeline stages (the tied-embedding all-reduce): waiting for the
  // others is the pipeline draining, charged to the bubble rather than to the collective.
  bool spans_stages = false;
  Category category = Category::compute;
  double duration_s = 0;          // compute ops
  collective::CommSpec comm;      // communication ops
  std::vector<TaskId> members;
  std::string label;              // for timelines: "F3 L5", "tp all-gather F3 L5", ...
  int micro_batch = -1;           // for timelines: the micro-batch whose pass this is, or -1
  bool backward = false;          // ... and whether it is its backward pass
};

class StepGraph {
 public:
  StreamId add_stream(int rank, StreamKind kind);
  TaskId add_compute(StreamId stream, Category category, double duration_s,
                     std::vector<TaskId> deps = {});
  // A communication op; its member tasks (one per participating stream) are added with
  // add_member, possibly while other streams' programs are being built.
  OpId add_comm_op(Category category, collective::CommSpec spec, bool spans_stages = false);
  TaskId add_member(OpId op, StreamId stream, std::vector<TaskId> deps = {});
  // A one-member communication op on `stream`.
  TaskId add_comm(StreamId stream, Category category, collective::CommSpec spec,
                  std::vector<TaskId> deps = {});
  void add_dep(TaskId task, TaskId before) { tasks_[task].deps.push_back(before); }
  // Names the op of `task` for timelines, unless another member already named it.
  void label(TaskId task, std::string text) {
    auto& l = ops_[tasks_[task].op].label;
    if (l.empty()) l = std::move(text);
  }

  // Marks the op of `task` as part of a micro-batch's forward or backward pass.
  void tag_pass(TaskId task, int micro_batch, bool backward) {
    auto& op = ops_[tasks_[task].op];
    op.micro_batch = micro_batch;
    op.backward = backward;
  }

  const std::vector<Stream>& streams() const { return streams_; }
  const std::vector<Task>& tasks() const { return tasks_; }
  const std::vector<Op>& ops() const { return ops_; }

 private:
  TaskId add_task(StreamId stream, OpId op, Category category, std::vector<TaskId> deps);
  std::vector<Stream> streams_;
  std::vector<Task> tasks_;
  std::vector<Op> ops_;
};

}  // namespace dtsim::training
