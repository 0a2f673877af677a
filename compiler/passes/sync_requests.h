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
#pragma once

#include <cstddef>
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

  const BodyTree& m_tree;
  DiagnosticList& m_diags;
  std::vector<SyncRequest> m_requests;
};

// Merges requests of one pipe pair in one body and one tile slot whose intervals overlap; a
// merged request whose wait is in the next execution is a token.
std::vector<SyncRequest> merge_requests(std::vector<SyncRequest> requests);

}  // namespace npu::compiler
