#include "dtsim/sim/config/error.hpp"

#include <fmt/format.h>

namespace dtsim::config {

ConfigError::ConfigError(SourcePos pos, std::string key_path, std::string message)
    : std::runtime_error(fmt::format("{}:{}:{}: error: {}: {}", pos.file, pos.line, pos.column,
                                     key_path.empty() ? "(document)" : key_path, message)),
      pos_(std::move(pos)),
      key_path_(std::move(key_path)),
      message_(std::move(message)) {}

}  // namespace dtsim::config
