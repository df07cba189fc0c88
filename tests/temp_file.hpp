#pragma once
// Files the tests write go to a directory of their own under the system's temporary directory,
// never into the source tree, named per process so that `ctest -j` runs tests side by side; the
// directory is removed when the test process exits.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace dtsim::test {

inline const std::filesystem::path& temp_dir() {
  struct Dir {
    std::filesystem::path path =
        std::filesystem::temp_directory_path() / ("dtsim-tests-" + std::to_string(::getpid()));
    Dir() { std::filesystem::create_directories(path); }
    ~Dir() {
      std::error_code ignored;
      std::filesystem::remove_all(path, ignored);
    }
  };
  static const Dir dir;
  return dir.path;
}

inline std::string temp_path(const std::string& name) {
  return (temp_dir() / name).string();
}

// Writes `text` to a temporary file called `name` and returns its path.
inline std::string write_temp(const std::string& name, const std::string& text) {
  const std::string path = temp_path(name);
  std::ofstream(path) << text;
  return path;
}

}  // namespace dtsim::test
