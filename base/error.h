// The error policy of npusim (CONVENTIONS.md habit 4), in one place.
//
// Two kinds of failure, kept apart as gem5 keeps `fatal` from `panic`:
//  * The user's input is wrong (config, assembly, binary, model, command line): throw
//    UserError with located diagnostics. The command prints them and exits with kExitBadInput.
//  * The simulated program failed (out-of-bounds access, deadlock, wrong result under --check):
//    throw ProgramError. The command prints it and exits with kExitProgramFailed.
//  * npusim itself is wrong: NPU_CHECK / NPU_UNREACHABLE print the source file and line of the
//    broken invariant and end the process with kExitInternalError (or abort(), for a core
//    dump, when NPUSIM_ABORT_ON_BUG is set in the environment).
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include "base/diagnostic.h"

namespace npu {

// Exit codes of every npusim command (DESIGN.md section 10).
inline constexpr int kExitOk = 0;
inline constexpr int kExitProgramFailed = 1;
inline constexpr int kExitBadInput = 2;
inline constexpr int kExitInternalError = 3;

// Bad user input. what() is every diagnostic, one per line.
class UserError : public std::runtime_error {
 public:
  explicit UserError(std::vector<Diagnostic> diagnostics);
  // An error with a location.
  UserError(SourceLocation location, std::string message);
  // An error about the command line or input as a whole, without a location: "error: message".
  explicit UserError(std::string message);

  const std::vector<Diagnostic>& diagnostics() const { return m_diagnostics; }

 private:
  std::vector<Diagnostic> m_diagnostics;
};

// The simulated program failed. The message names core, pipe, pc and instruction.
class ProgramError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Reports a broken internal invariant and ends the process. Never returns.
[[noreturn]] void internal_error(const char* file, int line, const std::string& message);

}  // namespace npu

// Checks an invariant of npusim itself (not of user input, which gets a UserError).
#define NPU_CHECK(cond, message)                                                     \
  do {                                                                               \
    if (!(cond)) ::npu::internal_error(__FILE__, __LINE__,                           \
                                       std::string("check failed: " #cond ": ") +    \
                                           (message));                               \
  } while (false)

#define NPU_UNREACHABLE(message) ::npu::internal_error(__FILE__, __LINE__, (message))
