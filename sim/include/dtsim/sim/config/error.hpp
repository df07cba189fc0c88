#pragma once
// Bad input is reported, never crashed on: every error names where it was found and what was
// expected there. Only tools/ catches these, prints them and exits with status 2.
#include <stdexcept>
#include <string>

namespace dtsim::config {

struct SourcePos {
  std::string file;  // a path, or "--set KEY=VALUE" for a command-line override
  int line = 1;      // 1-based
  int column = 1;    // 1-based
};

class ConfigError : public std::runtime_error {
 public:
  // Formats "FILE:LINE:COL: error: key.path: message".
  ConfigError(SourcePos pos, std::string key_path, std::string message);

  const SourcePos& pos() const { return pos_; }
  const std::string& key_path() const { return key_path_; }
  const std::string& message() const { return message_; }

 private:
  SourcePos pos_;
  std::string key_path_;
  std::string message_;
};

}  // namespace dtsim::config
