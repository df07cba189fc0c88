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
  ops_.push_back(Op{false, duration_s, {}, {}});
  return add_task(stream, static_cast<OpId>(ops_.size() - 1), category, std::move(deps));
}

std::vector<TaskId> StepGraph::add_comm(const std::vector<StreamId>& streams, Category category,
                                        collective::CommSpec spec, std::vector<TaskId> deps) {
  ops_.push_back(Op{true, 0, std::move(spec), {}});
  const auto op = static_cast<OpId>(ops_.size() - 1);
  std::vector<TaskId> members;
  for (StreamId s : streams) members.push_back(add_task(s, op, category, deps));
  return members;
}

}  // namespace dtsim::training
