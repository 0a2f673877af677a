// The accesses of every tile slot of a kernel, for sync insertion: where each one is in the
// statement tree, its pipe, and whether it writes. An mmad whose `init` may be `bias` reads
// every bias-table tile (through its bias_addr field, not an operand).
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "base/diagnostic.h"
#include "compiler/ir/kernel_ir.h"
#include "isa/instruction.h"

namespace npu::compiler {

struct TileAccess {
  std::vector<std::pair<Body*, size_t>> path;  // (body, statement index) from the root down
  isa::Pipe pipe;
  bool write;
  SourceLocation loc;
  Body* on_body;  // the body of the innermost enclosing `on` block, nullptr if none
};

// Keyed by "tile.slot" (slot 0 for tiles that are not double-buffered), in program order.
std::map<std::string, std::vector<TileAccess>> collect_tile_accesses(Kernel& kernel);

}  // namespace npu::compiler
