// Double buffering (ping-pong): a `for` loop that uses double-buffered tiles is unrolled by two
// so that even iterations use slot 0 and odd iterations slot 1 of each such tile. The odd copy
// is guarded by `if 2*i + 1 < count`, so odd trip counts need no remainder loop. With the sync
// insertion that follows, loads of iteration i+1 then overlap the compute of iteration i.
// Double-buffered tiles used outside any `for` loop get slot 0.
//
// A double-buffered tile belongs to the innermost loop using it. An op generator that wants a
// tile to alternate over an outer loop (a conv's input slab over the tiles a core computes, read
// in the K loop inside) rewrites that loop itself before the pass runs: with unroll_by_two (a
// `pfor` unrolled so walks its iterations in pairs, pair p = iterations 2p and 2p + 1), or with
// prefetch_by_two (each core's items two at a time, the next one's load prefetched).
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

// The body of `pfor var in count` (item i on core i mod `cores`), rewritten so that each core
// walks its items c, c + cores, c + 2 cores, ... two at a time with `tile` alternating between
// `tile_a` (the core's even items) and `tile_b` (its odd items), `tile`'s loads prefetched:
//   pfor var_core in cores {
//     first item's lets and loads of tile_a
//     for var_pair in ceil(items per core / 2) {
//       even and odd items' lets; if var_pair == 0: `first_pair`;
//       the odd item's loads of tile_b;
//       the even item's other statements (reading tile_a);
//       the next even item's lets and loads of tile_a   (a prefetch for the next iteration);
//       the odd item's other statements (reading tile_b)
//     }
//   }
// `first_pair` (written with the body's lets: of the core's first item) loads what every item
// reads, e.g. weights, in pieces (tiles declared `apart`) that the first item's loops wait for
// one by one: each statement gets its own `if`. Loads are
// top-level ops of the body writing only `tile`, or ifs holding only those; each
// item's part is guarded by `if item < count` where some core has fewer items. So a tile's load
// overlaps the previous item's work on the other tile (unroll_by_two with early loads waits for
// both loads of a pair before its first item, and loads a pair's first tile only after the
// previous pair is issued). The caller declares tile_a and tile_b in place of `tile`.
Stmt prefetch_by_two(const std::string& var, int64_t count, const Body& body,
                     const std::string& tile, int64_t cores, const Body& first_pair = {});

}  // namespace npu::compiler
