#include "base/diagnostic.h"

#include <algorithm>
#include <tuple>

#include "base/error.h"

namespace npu {

std::string SourceLocation::to_string() const {
  std::string out = file;
  if (line != 0) {
    out += ":" + std::to_string(line);
    if (column != 0) out += ":" + std::to_string(column);
  }
  return out;
}

std::string Diagnostic::to_string() const {
  return location.to_string() + ": error: " + message;
}

void DiagnosticList::error(SourceLocation location, std::string message) {
  m_items.push_back({std::move(location), std::move(message)});
}

std::vector<Diagnostic> DiagnosticList::sorted() const {
  std::vector<Diagnostic> out = m_items;
  std::stable_sort(out.begin(), out.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return std::tie(a.location.file, a.location.line, a.location.column) <
           std::tie(b.location.file, b.location.line, b.location.column);
  });
  return out;
}

void DiagnosticList::throw_if_any() const {
  if (!m_items.empty()) throw UserError(sorted());
}

}  // namespace npu
