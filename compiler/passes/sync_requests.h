// Sync requests: what must be ordered between pipes, before any flag or event id exists. A
// request asks for a set_flag src -> dst after statement `set_after` of a body and a matching
// wait_flag before statement `wait_before` (in the body's next execution when wait_before >= n:
// a token, set once before and waited once after the body's runs).
//
// RequestBuilder turns the accesses of each tile slot (RAW flags after each write run, WAR
// tokens after each read run; nested loops that write and read a slot ordered one by one, their
// requests naming a chain that later shares one event id) and the byte sharing of placed tiles
// into requests; merge_requests joins the requests of one pipe pair, body and tile slot whose
// intervals overlap (a later set covers earlier writes of its pipe, an earlier wait covers later
// reads), so no sync is redundant.
//
// A loop may read a tile at the start of its body that the end of its body writes for the next
// iteration (a prefetch), the first iteration's data written just before the loop: the write
// before the loop sets the loop-carried RAW flag, each iteration waits for it before its first
// read and sets it after its last write, and it is waited once right after the loop (which also
// orders the reads after the loop of the pipes that waited for it).
#pragma once

#include <cstddef>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "base/diagnostic.h"
#include "compiler/ir/kernel_ir.h"
#include "compiler/passes/body_tree.h"
#include "compiler/passes/tile_accesses.h"
#include "isa/instruction.h"

namespace npu::compiler {

struct SyncRequest {
  Body* home;
  size_t n;            // statements in home
  isa::Pipe src, dst;
  size_t set_after;    // index in home
  size_t wait_before;  // index in home; >= n: in the next execution (index - n)
  bool token;
  int slot;  // the tile slot: ping and pong flags stay apart so the slots overlap
  Body* scope;  // tokens are set / waited at the start / end of this `on` block or kernel body
  // WAR tokens of a tile slot used in nested loops (see RequestBuilder::order): requests
  // naming one chain share an event id.
  std::vector<std::string> chains;
  // A prefetch (loop-carried RAW: home is a loop body whose next iteration reads what this one
  // wrote, wait_before >= n): its first set follows the write before the loop (statement
  // seed_after of seed_body, the body holding the loop) instead of a prologue, and its last set
  // is waited right after the loop (statement loop_index of seed_body). Not a token.
  Body* seed_body = nullptr;
  size_t seed_after = 0;
  size_t loop_index = 0;
  bool apart = false;  // of a tile declared `apart`: later loads' flags are not joined in
};

// Turns the accesses of each tile slot, and the byte sharing of placed tiles, into requests.
// Errors (a tile with no single writer pipe, read before written, ...) go to `diags`.
class RequestBuilder {
 public:
  RequestBuilder(const BodyTree& tree, DiagnosticList& diags) : m_tree(tree), m_diags(diags) {}

  std::vector<SyncRequest>& requests() { return m_requests; }

  // The RAW flags and WAR tokens of one tile slot (key "tile.slot") whose accesses are `list`.
  void tile_slot(const std::string& tile, const std::vector<TileAccess>& list);

  // Tiles `a` and `b` share bytes (buffer allocation found their live ranges disjoint): every
  // pipe's last access of the earlier one is ordered before the first write of the later one by
  // another pipe (the reads of the later one follow its writes through its own flags). In a loop
  // body the two alternate, so the wrap-around direction is ordered too.
  void shared_bytes(const std::string& a, const std::vector<TileAccess>& a_list,
                    const std::string& b, const std::vector<TileAccess>& b_list);

 private:
  void order_pair(const std::vector<TileAccess>& first, const std::vector<TileAccess>& second,
                  size_t depth, Body* home, size_t n, size_t shift, Body* scope);
  void order(const std::string& tile, const std::vector<TileAccess>& list, size_t from,
             isa::Pipe writer, Body* scope, const std::string& chain_of_caller);
  // The requests inside a prefetch loop (statement loop_index of `outer`, the write before it
  // statement seed_after) whose accesses of the tile are `list`, in the loop body at path depth
  // `depth`. Returns the pipes that read the tile first in the loop body (their reads after the
  // loop need no RAW flag of their own), or nullopt after an error.
  std::optional<std::set<isa::Pipe>> prefetch_loop(const std::string& tile,
                                                   const std::vector<TileAccess>& list,
                                                   size_t depth, isa::Pipe writer, Body* scope,
                                                   Body* outer, size_t seed_after,
                                                   size_t loop_index);

  const BodyTree& m_tree;
  DiagnosticList& m_diags;
  std::vector<SyncRequest> m_requests;
};

// Merges requests of one pipe pair in one body and one tile slot whose intervals overlap; a
// merged request whose wait is in the next execution is a token. With `keep_apart`, a request
// whose write and read both come after those of an `apart` request is not merged into it (that
// would make the earlier reader wait for the later write); insert_syncs uses it unless the
// kernel then needs more event ids than the chip has.
std::vector<SyncRequest> merge_requests(std::vector<SyncRequest> requests, bool keep_apart);

}  // namespace npu::compiler
