#pragma once
// A command that ran but whose answer is "no" under --strict (a plan that does not fit, a sweep
// whose every point failed): main prints the reason on stderr and exits with kExitAnswerNo, after
// the command has printed its full output. Exit status: 0 success, 1 internal error, 2 bad input,
// 3 the answer is no.
#include <stdexcept>
#include <string>

namespace dtsim::tools {

inline constexpr int kExitAnswerNo = 3;

class AnswerNo : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace dtsim::tools
