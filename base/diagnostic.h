// Located diagnostics: the one shape every user-facing error takes.
//
// A Diagnostic is "FILE:LINE:COL: error: MESSAGE". Readers of user input (config loader,
// assembler, .npubin loader, kernel parser, ...) collect every problem of a file into a
// DiagnosticList and throw it once as a UserError, so the user sees all errors at once.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace npu {

// A position in a user's input. Lines and columns count from 1; 0 means "unknown" and is
// omitted when printed.
struct SourceLocation {
  std::string file;
  uint32_t line = 0;
  uint32_t column = 0;

  std::string to_string() const;  // "file:line:col", "file:line" or "file"
};

struct Diagnostic {
  SourceLocation location;
  std::string message;

  std::string to_string() const;  // "file:line:col: error: message"
};

class DiagnosticList {
 public:
  void error(SourceLocation location, std::string message);
  bool empty() const { return m_items.empty(); }
  size_t size() const { return m_items.size(); }
  const std::vector<Diagnostic>& items() const { return m_items; }

  // Sorted by file, line, column (stable for equal locations): output order never depends on
  // the order in which checks happened to run.
  std::vector<Diagnostic> sorted() const;

  // Throws UserError holding every diagnostic, if there is any.
  void throw_if_any() const;

 private:
  std::vector<Diagnostic> m_items;
};

}  // namespace npu
