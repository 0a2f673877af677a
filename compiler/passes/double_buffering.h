// Double buffering (ping-pong): a `for` loop that uses double-buffered tiles is unrolled by two
// so that even iterations use slot 0 and odd iterations slot 1 of each such tile. The odd copy
// is guarded by `if 2*i + 1 < count`, so odd trip counts need no remainder loop. With the sync
// insertion that follows, loads of iteration i+1 then overlap the compute of iteration i.
// Double-buffered tiles used outside any `for` loop get slot 0.
//
// A double-buffered tile belongs to the innermost loop using it. An op generator that wants a
// tile to alternate over an outer loop (a conv's input slab over the tiles a core computes, read
// in the K loop inside) unrolls that loop itself with unroll_by_two before the pass runs; a
// `pfor` unrolled so walks its iterations in pairs (pair p = iterations 2p and 2p + 1).
#pragma once

#include <set>
#include <string>

#include "compiler/ir/kernel_ir.h"

namespace npu::compiler {

void double_buffer(Kernel& kernel);

// Unrolls `loop` (for or pfor) by two: the even copy uses slot 0 of `tiles`, the odd copy slot 1
// (inside `if 2*v + 1 < count` for odd counts); the odd copy's lets are renamed (NAME_odd) so
// both copies can sit in one body. With `early_loads`, the odd copy's lets and its loads of
// `tiles` (ops writing only such a tile, or ifs holding only those) move up to right after the
// even copy's loads: a pipe queue holds one instruction, so a load placed after the even copy's
// long inner loop would be issued only when that loop is nearly done, and could not overlap it.
void unroll_by_two(LoopStmt& loop, const std::set<std::string>& tiles, bool early_loads = false);

}  // namespace npu::compiler
