#include "dtsim/models/finetune.hpp"

#include "dtsim/models/operators.hpp"

namespace dtsim::models {

double stored_weight_bytes(WeightFormat format, double d_in, double d_out, double batch,
                           double weight_bytes) {
  const double elements = d_in * d_out * batch;
  switch (format) {
    case WeightFormat::training:
      return elements * weight_bytes;
    case WeightFormat::int8:
      return elements + kInt8ScaleBytesPerRow * d_out * batch;
    case WeightFormat::nf4:
      return elements * kNf4BitsPerParam / 8;
  }
  return elements * weight_bytes;
}

double trained_params(const ModelSpec& model, const Finetune& finetune) {
  Shard one_token;
  one_token.seq_len = 1;
  one_token.finetune = finetune;
  auto trained = [](const std::vector<Operator>& ops) {
    double p = 0;
    for (const auto& op : ops) p += op.trained_parameters();
    return p;
  };
  double p =
      trained(embedding_operators(model, one_token)) + trained(head_operators(model, one_token));
  for (int l = 0; l < model.layers; ++l) p += trained(layer_operators(model, one_token, l));
  return p;
}

}  // namespace dtsim::models
