#include "base/error.h"

#include <cstdio>
#include <cstdlib>

namespace npu {
namespace {

std::string join_diagnostics(const std::vector<Diagnostic>& diagnostics) {
  std::string out;
  for (const Diagnostic& d : diagnostics) {
    if (!out.empty()) out += '\n';
    out += d.to_string();
  }
  return out;
}

}  // namespace

UserError::UserError(std::vector<Diagnostic> diagnostics)
    : std::runtime_error(join_diagnostics(diagnostics)), m_diagnostics(std::move(diagnostics)) {}

UserError::UserError(SourceLocation location, std::string message)
    : UserError(std::vector<Diagnostic>{{std::move(location), std::move(message)}}) {}

UserError::UserError(std::string message) : std::runtime_error("error: " + message) {}

void internal_error(const char* file, int line, const std::string& message) {
  std::fflush(stdout);
  std::fprintf(stderr, "npusim: internal error at %s:%d: %s\n", file, line, message.c_str());
  std::fprintf(stderr, "npusim: this is a bug in npusim, not in your input; please report it.\n");
  std::fflush(stderr);
  if (std::getenv("NPUSIM_ABORT_ON_BUG") != nullptr) std::abort();
  std::_Exit(kExitInternalError);
}

}  // namespace npu
