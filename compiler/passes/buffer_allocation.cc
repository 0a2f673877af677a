// Buffer allocation with liveness (see buffer_allocation.h).
#include "compiler/passes/buffer_allocation.h"

#include <algorithm>
#include <map>

#include "base/error.h"

namespace npu::compiler {

uint64_t buffer_bytes(const config::ChipConfig& chip, isa::Buffer buffer) {
  const auto& b = chip.buffers;
  switch (buffer) {
    case isa::Buffer::kL1: return b.l1_bytes;
    case isa::Buffer::kL0a: return b.l0a_bytes;
    case isa::Buffer::kL0b: return b.l0b_bytes;
    case isa::Buffer::kL0c: return b.l0c_bytes;
    case isa::Buffer::kUb: return b.ub_bytes;
    case isa::Buffer::kBt: return b.bt_bytes;
    case isa::Buffer::kFb: return b.fb_bytes;
    default: return 0;
  }
}

uint64_t buffer_align(const config::ChipConfig& chip, isa::Buffer buffer) {
  const auto& b = chip.buffers;
  switch (buffer) {
    case isa::Buffer::kL1: return b.l1_align_bytes;
    case isa::Buffer::kL0a: return b.l0a_align_bytes;
    case isa::Buffer::kL0b: return b.l0b_align_bytes;
    case isa::Buffer::kL0c: return b.l0c_align_bytes;
    case isa::Buffer::kUb: return b.ub_align_bytes;
    default: return 64;
  }
}

namespace {

struct Range {
  int first = -1, last = -1;
};

// Numbers every op in program order. A tile used inside a loop is live over the whole of the
// outermost such loop, since the loop's next iteration uses it again.
void scan(const Body& body, int& counter, bool in_loop, std::map<std::string, Range>& ranges) {
  for (const Stmt& s : body) {
    if (s.kind == Stmt::Kind::kOp) {
      int at = counter++;
      for (const Operand& o : s.op.operands) {
        if (o.kind != OperandKind::kTile) continue;
        Range& r = ranges[o.name];
        if (r.first < 0) r.first = at;
        r.last = std::max(r.last, at);
      }
    } else if (const Body* nested = s.nested_body()) {
      const Body& inner = *nested;
      bool outermost_loop = s.kind == Stmt::Kind::kLoop && !in_loop;
      int start = counter;
      std::map<std::string, Range> inner_ranges;
      scan(inner, counter, in_loop || s.kind == Stmt::Kind::kLoop, inner_ranges);
      for (auto& [name, r] : inner_ranges) {
        if (outermost_loop) r = Range{start, counter - 1};
        Range& out = ranges[name];
        if (out.first < 0 || r.first < out.first) out.first = r.first;
        out.last = std::max(out.last, r.last);
      }
    }
  }
}

}  // namespace

void allocate_buffers(Kernel& kernel, const config::ChipConfig& chip) {
  std::map<std::string, Range> ranges;
  int counter = 0;
  scan(kernel.body, counter, false, ranges);

  struct Placed {
    const Tile* tile;
    uint64_t lo, hi;
    Range range;
  };
  std::map<isa::Buffer, std::vector<Placed>> placed;
  DiagnosticList diags;
  // Fixed tiles first, then the others largest first (fewer holes).
  std::vector<Tile*> order;
  for (Tile& t : kernel.tiles) order.push_back(&t);
  std::stable_sort(order.begin(), order.end(), [](const Tile* a, const Tile* b) {
    if (a->offset.has_value() != b->offset.has_value()) return a->offset.has_value();
    return a->bytes * (a->double_buffered ? 2 : 1) > b->bytes * (b->double_buffered ? 2 : 1);
  });
  for (Tile* t : order) {
    uint64_t capacity = buffer_bytes(chip, t->buffer);
    uint64_t align = std::max<uint64_t>(1, buffer_align(chip, t->buffer));
    uint64_t slot = (t->bytes + align - 1) / align * align;
    uint64_t need = t->double_buffered ? 2 * slot : t->bytes;
    Range r = ranges.count(t->name) ? ranges[t->name] : Range{0, 0};
    auto& list = placed[t->buffer];
    auto overlaps = [&](const Placed& p) {
      return !(p.range.last < r.first || r.last < p.range.first);
    };
    std::string who = std::string(isa::name(t->buffer));
    if (t->offset) {
      if (*t->offset % align != 0 || *t->offset + need > capacity)
        diags.error(t->loc, "tile '" + t->name + "' at " + std::to_string(*t->offset) + " (" +
                                std::to_string(need) + " B) does not fit in " + who + " (" +
                                std::to_string(capacity) + " B, alignment " +
                                std::to_string(align) + " B)");
      list.push_back({t, *t->offset, *t->offset + need, r});
      continue;
    }
    // First fit among the gaps left by live tiles.
    std::vector<std::pair<uint64_t, uint64_t>> busy;
    std::string live_names;
    uint64_t live_bytes = 0;
    for (const Placed& p : list) {
      if (!overlaps(p)) continue;
      busy.emplace_back(p.lo, p.hi);
      live_names += (live_names.empty() ? "" : ", ") + p.tile->name;
      live_bytes += p.hi - p.lo;
    }
    std::sort(busy.begin(), busy.end());
    uint64_t at = 0;
    for (const auto& [lo, hi] : busy) {
      if (at + need <= lo) break;
      at = std::max(at, (hi + align - 1) / align * align);
    }
    if (at + need > capacity) {
      std::string msg = "tile '" + t->name + "' (" + (t->double_buffered ? "2 x " : "") +
                        std::to_string(t->double_buffered ? slot : t->bytes) +
                        " B) does not fit in " + who + " (" + std::to_string(capacity) + " B";
      if (!live_names.empty())
        msg += ", " + std::to_string(live_bytes) + " B used by " + live_names;
      msg += ")";
      diags.error(t->loc, msg);
      continue;
    }
    t->offset = at;
    list.push_back({t, at, at + need, r});
  }
  diags.throw_if_any();
}

}  // namespace npu::compiler
