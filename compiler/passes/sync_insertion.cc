// Sync insertion (see sync_insertion.h): the driver of its steps, each in its own file.
#include "compiler/passes/sync_insertion.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "base/diagnostic.h"
#include "base/error.h"
#include "compiler/passes/body_tree.h"
#include "compiler/passes/buffer_allocation.h"
#include "compiler/passes/sync_flags.h"
#include "compiler/passes/sync_placement.h"
#include "compiler/passes/sync_requests.h"
#include "compiler/passes/tile_accesses.h"

namespace npu::compiler {

void unshare(Body& body) {
  for (Stmt& s : body) {
    if (s.kind == Stmt::Kind::kLoop) {
      s.loop = std::make_shared<LoopStmt>(*s.loop);
      unshare(s.loop->body);
    } else if (s.kind == Stmt::Kind::kIf) {
      s.when = std::make_shared<IfStmt>(*s.when);
      unshare(s.when->body);
    } else if (s.kind == Stmt::Kind::kOn) {
      s.on = std::make_shared<OnStmt>(*s.on);
      unshare(s.on->body);
    }
  }
}

namespace {

// Tiles of one buffer that buffer allocation placed on common bytes (disjoint live ranges), to
// the builder (on a split chip, tiles of different core types have their own buffers).
void order_shared_bytes(const Kernel& kernel, const config::ChipConfig& chip,
                        const std::map<std::string, std::vector<TileAccess>>& accesses,
                        RequestBuilder& builder) {
  std::map<std::string, std::vector<TileAccess>> by_tile;
  for (const auto& [key, list] : accesses) {
    auto& all = by_tile[key.substr(0, key.rfind('.'))];
    all.insert(all.end(), list.begin(), list.end());
  }
  for (size_t i = 0; i < kernel.tiles.size(); ++i) {
    const Tile& a = kernel.tiles[i];
    if (!a.offset || !by_tile.count(a.name)) continue;
    for (size_t j = i + 1; j < kernel.tiles.size(); ++j) {
      const Tile& b = kernel.tiles[j];
      if (!b.offset || b.buffer != a.buffer || !by_tile.count(b.name)) continue;
      auto extent = [&](const Tile& t) {
        uint64_t align = std::max<uint64_t>(1, buffer_align(chip, t.buffer));
        uint64_t slot = (t.bytes + align - 1) / align * align;
        return std::pair<uint64_t, uint64_t>{*t.offset,
                                             *t.offset + (t.double_buffered ? 2 * slot : t.bytes)};
      };
      auto [alo, ahi] = extent(a);
      auto [blo, bhi] = extent(b);
      if (ahi <= blo || bhi <= alo) continue;
      const auto& al = by_tile[a.name];
      const auto& bl = by_tile[b.name];
      // Different core types have their own buffers on split chips.
      if (al[0].on_body != bl[0].on_body && chip.split()) continue;
      builder.shared_bytes(a.name, al, b.name, bl);
    }
  }
}

}  // namespace

void insert_syncs(Kernel& kernel, const config::ChipConfig& chip) {
  if (kernel.syncs_inserted) return;
  unshare(kernel.body);
  std::map<std::string, std::vector<TileAccess>> accesses = collect_tile_accesses(kernel);
  BodyTree tree(kernel.body);

  DiagnosticList diags;
  RequestBuilder builder(tree, diags);
  for (auto& [tile, list] : accesses) {
    const size_t first = builder.requests().size();
    builder.tile_slot(tile, list);
    const Tile* t = kernel.find_tile(tile.substr(0, tile.rfind('.')));
    for (size_t i = first; t && t->apart && i < builder.requests().size(); ++i)
      builder.requests()[i].apart = true;
  }
  diags.throw_if_any();

  order_shared_bytes(kernel, chip, accesses, builder);
  diags.throw_if_any();

  // Each reader waits for its own data where the event ids allow; else the fewest flags.
  std::vector<SyncRequest> merged = merge_requests(builder.requests(), true);
  FlagPlan plan;
  try {
    plan = plan_flags(merged, tree, kernel, chip);
  } catch (const UserError&) {
    merged = merge_requests(std::move(builder.requests()), false);
    plan = plan_flags(merged, tree, kernel, chip);
  }
  place_syncs(kernel, merged, plan);
  kernel.syncs_inserted = true;
}

}  // namespace npu::compiler
