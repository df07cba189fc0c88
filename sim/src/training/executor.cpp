#include "dtsim/sim/training/executor.hpp"

#include <stdexcept>

namespace dtsim::training {
namespace {

using engine::Time;

Wait wait_for(Category c) {
  switch (c) {
    case Category::tp_comm: return Wait::tp;
    case Category::cp_comm: return Wait::cp;
    case Category::ep_comm: return Wait::ep;
    case Category::pp_comm: return Wait::pp_transfer;
    case Category::dp_comm: return Wait::dp;
    default: return Wait::bubble;
  }
}

class Replay {
 public:
  Replay(const StepGraph& g, collective::Runner& runner, engine::Engine& engine, bool record_waits)
      : g_(g), runner_(runner), engine_(engine), record_waits_(record_waits) {
    const auto& tasks = g.tasks();
    task_.resize(tasks.size());
    dependents_.resize(tasks.size());
    for (std::size_t t = 0; t < tasks.size(); ++t) {
      task_[t].pending = static_cast<int>(tasks[t].deps.size());
      for (TaskId d : tasks[t].deps) dependents_[d].push_back(static_cast<TaskId>(t));
    }
    stream_.resize(g.streams().size());
    op_arrived_.assign(g.ops().size(), 0);
  }

  ReplayResult run() {
    for (StreamId s = 0; s < static_cast<StreamId>(stream_.size()); ++s) advance(s);
    engine_.run();
    return finish();
  }

  // Engine callback: op `arg` completed.
  void op_done(std::uint64_t arg) {
    const auto& op = g_.ops()[arg];
    const Time now = engine_.now();
    for (TaskId t : op.members) {
      auto& rt = task_[t];
      rt.end = now;
      auto& st = stream_[g_.tasks()[t].stream];
      st.times.busy_s[static_cast<int>(g_.tasks()[t].category)] += engine::to_seconds(now - rt.start);
      st.busy = false;
      st.idle_since = now;
      ++st.next;
    }
    for (TaskId t : op.members) {
      for (TaskId d : dependents_[t]) {
        auto& rd = task_[d];
        if (now >= rd.blocker_end) {
          rd.blocker = t;
          rd.blocker_end = now;
        }
        if (--rd.pending == 0) advance(g_.tasks()[d].stream);
      }
      advance(g_.tasks()[t].stream);
    }
  }

 private:
  struct TaskRun {
    int pending = 0;
    TaskId blocker = -1;   // the dependency satisfied last
    Time blocker_end = 0;
    Time ready = 0;        // at the head of its stream with every dependency met
    Time start = 0;
    Time end = 0;
  };
  struct StreamRun {
    std::size_t next = 0;  // index of the head task in Stream::tasks
    bool busy = false;
    bool arrived = false;  // the head task has arrived at its op
    Time idle_since = 0;
    StreamTimes times;
  };

  // If the head task of stream `s` can arrive at its op, let it; start the op when complete.
  void advance(StreamId s) {
    auto& st = stream_[s];
    const auto& tasks = g_.streams()[s].tasks;
    if (st.busy || st.arrived || st.next >= tasks.size()) return;
    const TaskId t = tasks[st.next];
    if (task_[t].pending > 0) return;
    st.arrived = true;
    task_[t].ready = engine_.now();
    const OpId op = g_.tasks()[t].op;
    if (++op_arrived_[op] == static_cast<int>(g_.ops()[op].members.size())) start(op);
  }

  void start(OpId id) {
    const Op& op = g_.ops()[id];
    const Time now = engine_.now();
    for (TaskId t : op.members) {
      auto& st = stream_[g_.tasks()[t].stream];
      charge_idle(st, g_.tasks()[t].stream, t, now);
      st.busy = true;
      st.arrived = false;
      task_[t].start = now;
    }
    auto done = [](void* self, std::uint64_t arg) { static_cast<Replay*>(self)->op_done(arg); };
    if (op.is_comm)
      runner_.start(op.comm, done, this, static_cast<std::uint64_t>(id));
    else
      engine_.schedule_in(engine::from_seconds(op.duration_s), done, this, static_cast<std::uint64_t>(id));
  }

  void charge_idle(StreamRun& st, StreamId s, TaskId t, Time now) {
    const auto& rt = task_[t];
    auto add = [&](Wait w, Time from, Time to) { charge(st, s, w, from, to); };
    // Before the task was ready: the last dependency it waited for.
    if (rt.blocker >= 0) {
      const Category c = g_.tasks()[rt.blocker].category;
      // Until a pipeline transfer, or a collective with members on other stages, began, the
      // rank was waiting for another stage's work: the bubble. Then for the communication.
      if (c == Category::pp_comm || g_.ops()[g_.tasks()[rt.blocker].op].spans_stages) {
        const Time began = std::max(st.idle_since, task_[rt.blocker].start);
        add(Wait::bubble, st.idle_since, std::min(began, rt.ready));
        add(wait_for(c), began, rt.ready);
      } else {
        add(wait_for(c), st.idle_since, rt.ready);
      }
    } else {
      add(Wait::bubble, st.idle_since, rt.ready);
    }
    // After: waiting for the other members of its op (on other stages: the pipeline draining).
    const Op& op = g_.ops()[g_.tasks()[t].op];
    add(op.spans_stages ? Wait::bubble : wait_for(g_.tasks()[t].category), rt.ready, now);
  }

  void charge(StreamRun& st, StreamId s, Wait w, Time from, Time to) {
    if (to <= from) return;
    st.times.wait_s[static_cast<int>(w)] += engine::to_seconds(to - from);
    if (record_waits_) waits_.push_back({s, w, engine::to_seconds(from), engine::to_seconds(to)});
  }

  ReplayResult finish() {
    ReplayResult r;
    r.events = engine_.events_processed();
    for (std::size_t s = 0; s < stream_.size(); ++s)
      if (stream_[s].next != g_.streams()[s].tasks.size())
        throw std::logic_error("step replay deadlocked: a stream has tasks that never became ready");
    Time end = 0;
    for (const auto& st : stream_) end = std::max(end, st.idle_since);
    r.step_time_s = engine::to_seconds(end);
    for (std::size_t s = 0; s < stream_.size(); ++s) {
      auto& st = stream_[s];
      st.times.end_s = engine::to_seconds(st.idle_since);
      charge(st, static_cast<StreamId>(s), Wait::bubble, st.idle_since, end);
      r.streams.push_back(st.times);
    }
    r.waits = std::move(waits_);
    for (const auto& t : task_) r.tasks.push_back({engine::to_seconds(t.start), engine::to_seconds(t.end)});
    return r;
  }

  const StepGraph& g_;
  collective::Runner& runner_;
  engine::Engine& engine_;
  std::vector<TaskRun> task_;
  std::vector<std::vector<TaskId>> dependents_;
  std::vector<StreamRun> stream_;
  std::vector<int> op_arrived_;
  bool record_waits_;
  std::vector<WaitSpan> waits_;
};

}  // namespace

std::string to_string(Wait w) {
  switch (w) {
    case Wait::bubble: return "bubble";
    case Wait::pp_transfer: return "pp transfer";
    case Wait::tp: return "tp";
    case Wait::cp: return "cp";
    case Wait::ep: return "ep";
    case Wait::dp: return "dp";
  }
  return "?";
}

ReplayResult replay(const StepGraph& graph, collective::Runner& runner, engine::Engine& engine,
                    bool record_waits) {
  Replay r(graph, runner, engine, record_waits);
  return r.run();
}

}  // namespace dtsim::training
