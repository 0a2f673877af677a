// The `.nk` parser: reads the textual kernel IR (docs/compiler.md, "The .nk language") that
// nk_printer writes. Every problem of the file is collected and thrown as one UserError whose
// diagnostics read "FILE:LINE:COL: error: message".
#pragma once

#include <string>
#include <string_view>

#include "compiler/ir/kernel_ir.h"

namespace npu::compiler {

Kernel parse_kernel(std::string_view source, const std::string& file_name);

// Reads and parses a file; a file that cannot be read is a UserError.
Kernel parse_kernel_file(const std::string& path);

}  // namespace npu::compiler
