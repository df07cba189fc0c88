#include "dtsim/sim/training/trace.hpp"

#include <fmt/format.h>

#include <cmath>
#include <cstdint>
#include <map>

#include "dtsim/sim/training/step_recording.hpp"

namespace dtsim::training {
namespace {

constexpr int kLinksPid = 1'000'000;

// Trace times are whole nanoseconds, written as microseconds with three decimals (the unit of
// the format's `ts` and `dur`). Each instant is rounded once, and a slice's duration is the
// difference of its rounded ends: rounded separately, a slice could end 1 ns after the next one
// on its track begins, and viewers then nest or stagger the two.
std::int64_t ns_of(double seconds) { return std::llround(seconds * 1e9); }

// Exact digits, not a double's rounding (the step starts at 0: no time is negative).
std::string us_text(std::int64_t ns) { return fmt::format("{}.{:03}", ns / 1000, ns % 1000); }

std::string escaped(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

void write(std::ostream& out, const StepRecording& rec, const config::Scenario& s) {
  const StepGraph& g = rec.graph;
  const ReplayResult& r = rec.replay;
  auto us = [](double seconds) { return us_text(ns_of(seconds)); };
  out << "{\"displayTimeUnit\":\"ms\",\"traceEvents\":[\n";
  bool first = true;
  auto event = [&](const std::string& json) {
    out << (first ? "" : ",\n") << json;
    first = false;
  };
  std::map<int, bool> named;
  const int fold = rec.fold;
  for (std::size_t i = 0; i < g.streams().size(); ++i) {
    const auto& st = g.streams()[i];
    if (!named[st.rank]) {
      named[st.rank] = true;
      const int stage = st.rank / (s.plan.tp * s.plan.cp * s.plan.dp);
      event(fmt::format(R"j({{"name":"process_name","ph":"M","pid":{},"args":{{"name":"rank {} (stage {}{})"}}}})j",
                        st.rank, st.rank, stage, fold > 1 ? fmt::format(", for {} ranks", fold) : ""));
    }
    event(fmt::format(R"j({{"name":"thread_name","ph":"M","pid":{},"tid":{},"args":{{"name":"{}"}}}})j", st.rank,
                      static_cast<int>(st.kind), to_string(st.kind)));
  }
  // Slices, and pipeline transfers as flows to the compute task that waited for them.
  std::vector<std::vector<TaskId>> dependents(g.tasks().size());
  for (std::size_t t = 0; t < g.tasks().size(); ++t)
    for (TaskId d : g.tasks()[t].deps) dependents[d].push_back(static_cast<TaskId>(t));
  for (std::size_t t = 0; t < g.tasks().size(); ++t) {
    const auto& task = g.tasks()[t];
    const auto& times = r.tasks[t];
    const std::int64_t begin_ns = ns_of(times.start_s), end_ns = ns_of(times.end_s);
    if (end_ns <= begin_ns) continue;  // shorter than a nanosecond: nothing to see
    const auto& st = g.streams()[task.stream];
    const auto& op = g.ops()[task.op];
    event(fmt::format(R"j({{"name":"{}","cat":"{}","ph":"X","ts":{},"dur":{},"pid":{},"tid":{}}})j",
                      escaped(op.label.empty() ? to_string(task.category) : op.label), to_string(task.category),
                      us_text(begin_ns), us_text(end_ns - begin_ns), st.rank, static_cast<int>(st.kind)));
    if (task.category != Category::pp_comm) continue;
    for (TaskId d : dependents[t]) {
      const auto& to = g.streams()[g.tasks()[d].stream];
      event(fmt::format(R"j({{"name":"pp","cat":"pp","ph":"s","id":{},"ts":{},"pid":{},"tid":{}}})j", t,
                        us(times.start_s), st.rank, static_cast<int>(st.kind)));
      event(fmt::format(R"j({{"name":"pp","cat":"pp","ph":"f","bp":"e","id":{},"ts":{},"pid":{},"tid":{}}})j", t,
                        us(r.tasks[d].start_s), to.rank, static_cast<int>(to.kind)));
    }
  }
  event(fmt::format(R"j({{"name":"process_name","ph":"M","pid":{},"args":{{"name":"links (utilization of those used)"}}}})j",
                    kLinksPid));
  for (const auto& sample : rec.link_samples) {
    std::string args;
    for (int k = 0; k < kLinkClasses; ++k)
      args += fmt::format("{}\"{}\":{:.4f}", k ? "," : "", link_class_name(k), sample.utilization[k]);
    event(fmt::format(R"j({{"name":"link utilization","ph":"C","ts":{},"pid":{},"args":{{{}}}}})j",
                      us(sample.time_s), kLinksPid, args));
  }
  out << "\n]}\n";
}

}  // namespace

void write_trace(const config::Scenario& s, std::ostream& out) { write(out, record_step(s), s); }

}  // namespace dtsim::training
