#include "dtsim/models/parallel_plan.hpp"

namespace dtsim::models {

int ParallelPlan::stage_layers(int stage) const {
  int n = 0;
  for (int c = stage; c < static_cast<int>(chunk_layers.size()); c += pp) n += chunk_layers[c];
  return n;
}

std::vector<int> split_layers(int layers, int chunks) {
  std::vector<int> split(chunks, layers / chunks);
  int extra = layers % chunks;
  if (extra == 0) return split;
  // The `extra` chunks that get one more layer sit in the middle; the ends get fewer.
  const int smaller = chunks - extra;
  const int head = smaller / 2 + smaller % 2;  // smaller chunks at the front
  for (int c = head; c < head + extra; ++c) split[c] += 1;
  return split;
}

std::string to_string(Precision p) {
  switch (p) {
    case Precision::fp32: return "fp32";
    case Precision::bf16: return "bf16";
    case Precision::fp16: return "fp16";
    case Precision::fp8: return "fp8";
  }
  return "?";
}

std::string to_string(Schedule s) {
  switch (s) {
    case Schedule::gpipe: return "gpipe";
    case Schedule::one_f_one_b: return "1f1b";
    case Schedule::interleaved_1f1b: return "interleaved-1f1b";
  }
  return "?";
}

std::string to_string(Recompute r) {
  switch (r) {
    case Recompute::none: return "none";
    case Recompute::selective: return "selective";
    case Recompute::full: return "full";
  }
  return "?";
}

std::string to_string(FinetuneMethod m) {
  switch (m) {
    case FinetuneMethod::full: return "full";
    case FinetuneMethod::lora: return "lora";
    case FinetuneMethod::qlora: return "qlora";
  }
  return "?";
}

std::string to_string(WeightFormat f) {
  switch (f) {
    case WeightFormat::training: return "training";
    case WeightFormat::int8: return "int8";
    case WeightFormat::nf4: return "nf4";
  }
  return "?";
}

}  // namespace dtsim::models
