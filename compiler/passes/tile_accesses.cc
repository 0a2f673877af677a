// The accesses of every tile slot of a kernel (see tile_accesses.h).
#include "compiler/passes/tile_accesses.h"

#include <algorithm>

#include "compiler/passes/op_operands.h"

namespace npu::compiler {
namespace {

// An mmad whose `init` may be `bias` (2) reads the bias table through its bias_addr field, not
// through an operand: it counts as a read of every BT tile (a kernel has one or two).
bool may_read_bias_table(const OpStmt& op) {
  if (op.mnemonic.rfind("mmad", 0) != 0) return false;
  for (const Field& f : op.fields)
    if (f.name == "init") return f.value.value == 2 || (f.value.cond && f.value.other == 2);
  return false;
}

void collect(Body& body, std::vector<std::pair<Body*, size_t>>& path, Body* on_body,
             const std::vector<std::string>& bias_tiles,
             std::map<std::string, std::vector<TileAccess>>& out) {
  for (size_t i = 0; i < body.size(); ++i) {
    Stmt& s = body[i];
    path.emplace_back(&body, i);
    if (s.kind == Stmt::Kind::kOp) {
      isa::Pipe pipe = op_pipe(s.op);
      for (size_t k = 0; k < s.op.operands.size(); ++k) {
        const Operand& o = s.op.operands[k];
        if (o.kind != OperandKind::kTile) continue;
        std::string key = o.name + "." + std::to_string(std::max(0, o.slot));
        out[key].push_back({path, pipe, operand_written(s.op, k), s.loc, on_body});
      }
      if (may_read_bias_table(s.op))
        for (const std::string& t : bias_tiles)
          out[t + ".0"].push_back({path, pipe, false, s.loc, on_body});
    } else if (s.kind == Stmt::Kind::kLoop) {
      collect(s.loop->body, path, on_body, bias_tiles, out);
    } else if (s.kind == Stmt::Kind::kIf) {
      collect(s.when->body, path, on_body, bias_tiles, out);
    } else if (s.kind == Stmt::Kind::kOn) {
      collect(s.on->body, path, &s.on->body, bias_tiles, out);
    }
    path.pop_back();
  }
}

}  // namespace

std::map<std::string, std::vector<TileAccess>> collect_tile_accesses(Kernel& kernel) {
  std::map<std::string, std::vector<TileAccess>> accesses;
  std::vector<std::pair<Body*, size_t>> path;
  std::vector<std::string> bias_tiles;
  for (const Tile& t : kernel.tiles)
    if (t.buffer == isa::Buffer::kBt) bias_tiles.push_back(t.name);
  collect(kernel.body, path, nullptr, bias_tiles, accesses);
  return accesses;
}

}  // namespace npu::compiler
