#pragma once
// Bad input is reported, never crashed on: every error names where it was found and what was
// expected there. Only tools/ catches these, prints them and exits with status 2.
#include <cstddef>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace dtsim::config {

// Input text as a message quotes it: "'tp'"; text longer than kMaxQuotedLength is cut there and
// its length given ("'zzzz...' (1000000 bytes long)"), so a message never echoes a megabyte.
inline constexpr std::size_t kMaxQuotedLength = 60;
// Bytes that are not valid UTF-8 are shown as \xNN.
std::string quoted_input(std::string_view text);

// The offset of the first character of `text` that is not well-formed UTF-8 (RFC 3629), or
// nullopt.
std::optional<std::size_t> first_invalid_utf8(std::string_view text);

struct SourcePos {
  std::string file;  // a path, or "--set KEY=VALUE" for a command-line override
  int line = 1;      // 1-based
  int column = 1;    // 1-based
};

class ConfigError : public std::runtime_error {
 public:
  // Formats "FILE:LINE:COL: error: key.path: message"; a key path over kMaxQuotedLength is
  // shortened in what() (key_path() keeps it whole).
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
