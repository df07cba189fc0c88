#include "dtsim/sim/training/step_graph.hpp"

namespace dtsim::training {

std::string to_string(Category c) {
  switch (c) {
    case Category::compute: return "compute";
    case Category::recompute: return "recompute";
    case Category::optimizer: return "optimizer";
    case Category::tp_comm: return "tp";
    case Category::cp_comm: return "cp";
    case Category::ep_comm: return "ep";
    case Category::pp_comm: return "pp";
    case Category::dp_comm: return "dp";
  }
  return "?";
}

std::string to_string(StreamKind k) {
  switch (k) {
    case StreamKind::compute: return "compute";
    case StreamKind::tp_comm: return "tp/ep comm";
    case StreamKind::cp_comm: return "cp comm";
    case StreamKind::pp_send: return "pipeline sends";
    case StreamKind::dp_gather: return "dp gathers";
    case StreamKind::dp_comm: return "dp reductions";
  }
  return "?";
}

StreamId StepGraph::add_stream(int rank, StreamKind kind) {
  streams_.push_back(Stream{rank, kind, {}});
  return static_cast<StreamId>(streams_.size() - 1);
}

TaskId StepGraph::add_task(StreamId stream, OpId op, Category category, std::vector<TaskId> deps) {
  const auto id = static_cast<TaskId>(tasks_.size());
  tasks_.push_back(Task{stream, op, category, std::move(deps)});
  streams_[stream].tasks.push_back(id);
  ops_[op].members.push_back(id);
  return id;
}

TaskId StepGraph::add_compute(StreamId stream, Category category, double duration_s,
                              std::vector<TaskId> deps) {
  ops_.push_back(Op{false, false, category, duration_s, {}, {}, {}});
  return add_task(stream, static_cast<OpId>(ops_.size() - 1), category, std::move(deps));
}

OpId StepGraph::add_comm_op(Category category, collective::CommSpec spec, bool spans_stages) {
  ops_.push_back(Op{true, spans_stages, category, 0, std::move(spec), {}, {}});
  return static_cast<OpId>(ops_.size() - 1);
}

TaskId StepGraph::add_member(OpId op, StreamId stream, std::vector<TaskId> deps) {
  return add_task(stream, op, ops_[op].category, std::move(deps));
}

TaskId StepGraph::add_comm(StreamId stream, Category category, collective::CommSpec spec,
                           std::vector<TaskId> deps) {
  return add_member(add_comm_op(category, std::move(spec)), stream, std::move(deps));
}

}  // namespace dtsim::training
