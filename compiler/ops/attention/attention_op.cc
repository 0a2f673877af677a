// The attention generator: O = softmax(scale * Q K^T [causal mask]) V for every (batch, head),
// flash-attention style, fp16 or bf16 in and out, Q, K, V, O row-major [b][h][s][d] in GM.
//
// Per task (batch, head, Q block of B rows) the kernel loops over the K / V blocks: the cube
// computes S = Q K^T into L0C (fp32), the vector unit runs the online softmax (scale, causal
// mask, running row max m, alpha = exp(m_old - m_new), P = exp(S - m), running row sum
// l = l * alpha + sum P) and rounds P to the input type, the cube computes P V, and the vector
// unit keeps O = O * alpha + P V in fp32; at the end O / l is rounded to the output type.
// Causal: blocks above the diagonal are skipped, the diagonal block is masked with vsel.
//
// Split chips (910B): the cube part runs `on aic`, the vector part `on aiv` (each AIV takes
// B / aiv_per_core rows of the block), and S, P and P V travel through a per-AI-core GM
// workspace, double buffered, with the cross-core flags of compiler/ops/handoff.h. The AIC runs one
// block ahead: iteration j computes S_j and then P_{j-1} V, so the cube's S_j overlaps the
// vector's softmax of block j-1 and the AIV's softmax of block j overlaps the cube's P_{j-1} V.
// Coupled chips (910, tiny): one core does everything; S and P V leave L0C to UB through the
// fixpipe, P goes UB -> L1 in the NZ layout, no workspace.
#include <algorithm>
#include <bit>
#include <cmath>
#include <map>

#include "base/error.h"
#include "compiler/passes/buffer_allocation.h"
#include "compiler/ops/handoff.h"
#include "compiler/ir/ir_builder.h"
#include "compiler/ops/ops.h"

namespace npu::compiler {
namespace {

using namespace ir;  // NOLINT(google-build-using-namespace): the IR constructors

constexpr int64_t kEpr = 64;  // fp32 elements per vector repeat
constexpr int64_t kMaxRepeat = 255;
constexpr int64_t kNegInf = 0xff800000;  // fp32 -inf bits
constexpr int64_t kAllOnes = -1;

struct Shape {
  int64_t b = 1, h = 1, s = 1, d = 64;
  bool causal = false;
  double scale = 1;
  isa::DataType dt = isa::DataType::kF16;
  std::string sfx;  // "f16" / "bf16"
  std::string dtype_name;
  int64_t es = 2;
};

Shape parse_shape(const OpSpec& spec) {
  Shape sh;
  sh.b = spec.get_int("b", 1, 65535);
  sh.h = spec.get_int("h", 1, 65535);
  sh.s = spec.get_int("s", 1, 65535);
  sh.d = spec.get_int("d", 16, 256);
  if (sh.d % 16 != 0)
    throw UserError(SourceLocation{"<op>", 1, spec.columns.at("d")},
                    "'d' = " + std::to_string(sh.d) + " must be a multiple of 16");
  sh.dtype_name = spec.get_enum("dtype", {"fp16", "bf16"}, "");
  sh.dt = sh.dtype_name == "bf16" ? isa::DataType::kBf16 : isa::DataType::kF16;
  sh.sfx = sh.dtype_name == "bf16" ? "bf16" : "f16";
  sh.causal = spec.get_int("causal", 0, 1, 0) == 1;
  sh.scale = spec.get_double("scale", 1e-6, 1e6, 1.0 / std::sqrt(static_cast<double>(sh.d)));
  return sh;
}

// The block sizes and layouts of one kernel.
struct Plan {
  bool split = false;
  int64_t aiv = 1;  // vector cores sharing a block's rows (1 on coupled chips)
  int64_t B = 16;   // rows of a Q block and of a K / V block
  int64_t R = 16;   // rows per vector core: B / aiv
  int64_t RP = 64;  // UB row pitch of score tiles (elements, a multiple of 64)
  int64_t DP = 64;  // UB row pitch of output tiles (elements, a multiple of 64)
  int64_t NV = 1;   // repeats of a per-row vector: ceil(R / 64)
  int64_t QT = 1;   // blocks along s
  int64_t tail = 1;  // rows of the last block
  int64_t lag = 0;   // 1 on split chips: iteration j runs P_{j-1} V
  int64_t ws_bytes = 0;  // workspace per AI core (split)
  int64_t ws_p = 0, ws_o = 0;  // offsets of the P and O regions in it
};

// Every tile apart: each reader waits for its own load only (docs/performance.md, "Generated
// attention": up to 14% faster on the 910, never slower).
Tile make_tile(const std::string& name, isa::Buffer buffer, int64_t bytes) {
  Tile t{name, buffer, static_cast<uint64_t>(bytes), false, std::nullopt, {}};
  t.apart = true;
  return t;
}

// Every tile of the kernel. The cube tiles exist on the AIC (or the coupled core), the vector
// tiles on every AIV (or the coupled core).
std::vector<Tile> tiles_for(const Shape& sh, const Plan& p) {
  const int64_t B = p.B, d = sh.d, es = sh.es, R = p.R;
  using isa::Buffer;
  std::vector<Tile> t = {
      make_tile("q_l1", Buffer::kL1, B * d * es),   make_tile("k_l1", Buffer::kL1, B * d * es),
      make_tile("v_l1", Buffer::kL1, B * d * es),   make_tile("p_l1", Buffer::kL1, B * B * es),
      make_tile("q_l0a", Buffer::kL0a, B * d * es), make_tile("p_l0a", Buffer::kL0a, B * B * es),
      make_tile("k_l0b", Buffer::kL0b, B * d * es), make_tile("v_l0b", Buffer::kL0b, B * d * es),
      make_tile("s_l0c", Buffer::kL0c, B * B * 4),  make_tile("o_l0c", Buffer::kL0c, B * d * 4),
      make_tile("s_ub", Buffer::kUb, R * p.RP * 4),
      // The scaled scores; at the end of a task the rounded O (the vector unit writes both).
      make_tile("p32_ub", Buffer::kUb, std::max(R * p.RP * 4, R * p.DP * es)),
      make_tile("p_ub", Buffer::kUb, R * p.RP * es), make_tile("oacc_ub", Buffer::kUb, R * p.DP * 4),
      make_tile("o_ub", Buffer::kUb, R * p.DP * 4),
      make_tile("bcast_ub", Buffer::kUb, std::max<int64_t>(R * 32, 256))};
  for (const char* v : {"m_ub", "mnew_ub", "l_ub", "row_ub"})
    t.push_back(make_tile(v, Buffer::kUb, p.NV * 256));
  t.push_back(make_tile("alpha_ub", Buffer::kUb, 2 * p.NV * 256));  // slots by block parity
  // Per-block partial results of a row reduction (the last repeat reads a whole 256 B).
  if (p.RP > kEpr) t.push_back(make_tile("red_ub", Buffer::kUb, R * p.RP / 2 + 256));
  if (sh.causal) {
    t.push_back(make_tile("sel_ub", Buffer::kUb, round_up(R * p.RP / 8, 256)));
    t.push_back(make_tile("ninf_ub", Buffer::kUb, 256));
  }
  return t;
}

// Whether the tiles fit when all are live at once (they are: every tile is used in the task
// loop), with each buffer's alignment. On split chips the cube tiles live on the AIC and the
// vector tiles on every AIV; the config gives each buffer's size for the core type that has it.
bool fits(const std::vector<Tile>& tiles, const config::ChipConfig& chip) {
  std::map<isa::Buffer, uint64_t> used;
  for (const Tile& t : tiles) {
    uint64_t align = buffer_align(chip, t.buffer);
    used[t.buffer] += (t.bytes + align - 1) / align * align;
  }
  for (const auto& [buffer, bytes] : used)
    if (bytes > buffer_bytes(chip, buffer)) return false;
  return true;
}

Plan choose_plan(const Shape& sh, const config::ChipConfig& chip) {
  Plan p;
  p.split = chip.split();
  p.aiv = p.split ? static_cast<int64_t>(chip.chip.aiv_per_core) : 1;
  p.lag = p.split ? 1 : 0;
  p.DP = round_up(sh.d, kEpr);
  // The largest block that fits, then no larger than s needs.
  std::vector<int64_t> fitting;
  for (int64_t B : {128, 64, 32, 16}) {
    if (B / p.aiv < 8) continue;  // a vector core needs at least 8 rows (one vbrcb repeat)
    Plan q = p;
    q.B = B;
    q.R = B / p.aiv;
    q.RP = round_up(B, kEpr);
    q.NV = ceil_div(q.R, kEpr);
    if (fits(tiles_for(sh, q), chip)) fitting.push_back(B);
  }
  if (fitting.empty())
    throw UserError("attention d=" + std::to_string(sh.d) + " does not fit the buffers of chip '" +
                    chip.name + "' even with 16-row blocks");
  int64_t B = fitting.front();
  while (B > 16 && std::find(fitting.begin(), fitting.end(), B / 2) != fitting.end() &&
         B / 2 >= sh.s)
    B /= 2;
  p.B = B;
  p.R = B / p.aiv;
  p.RP = round_up(B, kEpr);
  p.NV = ceil_div(p.R, kEpr);
  p.QT = ceil_div(sh.s, B);
  p.tail = sh.s - (p.QT - 1) * B;
  p.ws_p = 2 * B * p.RP * 4;
  p.ws_o = p.ws_p + 2 * B * p.RP * sh.es;
  p.ws_bytes = p.ws_o + 2 * B * p.DP * 4;
  return p;
}

int64_t float_bits(double v) { return std::bit_cast<uint32_t>(static_cast<float>(v)); }

// The vector mask of `n` active fp32 elements (0..64) of a repeat.
int64_t mask_bits(int64_t n) {
  return n >= 64 ? kAllOnes : static_cast<int64_t>((uint64_t{1} << n) - 1);
}

Affine plus(Affine a, int64_t c) {
  a.constant += c;
  return a;
}

// A count that is `tail` on the last block (`block == last`) and `full` otherwise.
Value block_select(const Affine& block, int64_t last, int64_t tail, int64_t full) {
  if (tail == full) return constant(full);
  return Value{tail, Condition{block, Condition::Op::kEq, last}, full};
}

class Generator {
 public:
  Generator(const Shape& sh, const Plan& p) : m_sh(sh), m_p(p) {}

  OpKernel build(const config::ChipConfig& chip) {
    OpKernel r;
    Kernel& k = r.kernel;
    const int64_t tasks = m_sh.b * m_sh.h * m_p.QT;
    const int64_t bd = std::min<int64_t>(tasks, static_cast<int64_t>(chip.chip.cores));
    m_block_dim = bd;
    k.name = "attention";
    k.cores = CoreSelect::kAll;
    const uint64_t io = static_cast<uint64_t>(m_sh.b * m_sh.h * m_sh.s * m_sh.d * m_sh.es);
    k.args = {{"q", isa::ArgKind::kGmPointer, io},
              {"k", isa::ArgKind::kGmPointer, io},
              {"v", isa::ArgKind::kGmPointer, io},
              {"o", isa::ArgKind::kGmPointer, io}};
    if (m_p.split)
      k.args.push_back({"ws", isa::ArgKind::kGmPointer, static_cast<uint64_t>(bd * m_p.ws_bytes)});
    k.tiles = tiles_for(m_sh, m_p);

    if (m_p.split) {
      for (const Handoff* h : {&m_s, &m_pch, &m_o}) check_handoff(*h, chip, "attention");
      Body aic = prime_free(m_pch);
      aic.push_back(make_loop("t", tasks, true, task(Side::kCube)));
      for (const Handoff* h : {&m_s, &m_o}) append(aic, drain_free(*h));
      Body aiv;
      if (m_sh.causal) append(aiv, causal_select_bits());
      for (const Handoff* h : {&m_s, &m_o}) append(aiv, prime_free(*h));
      aiv.push_back(make_loop("t", tasks, true, task(Side::kVector)));
      append(aiv, drain_free(m_pch));
      k.body.push_back(make_on(CoreSelect::kAic, "", std::move(aic)));
      k.body.push_back(make_on(CoreSelect::kAiv, "sub", std::move(aiv)));
    } else {
      if (m_sh.causal) append(k.body, causal_select_bits());
      k.body.push_back(make_loop("t", tasks, true, task(Side::kBoth)));
    }

    r.tensors = {{"q", m_sh.dt, io / 2, false}, {"k", m_sh.dt, io / 2, false},
                 {"v", m_sh.dt, io / 2, false}, {"o", m_sh.dt, io / 2, true}};
    if (m_p.split) {
      TensorDesc ws{"ws", isa::DataType::kU8, static_cast<uint64_t>(bd * m_p.ws_bytes), false};
      ws.workspace = true;
      r.tensors.push_back(ws);
    }
    r.block_dim = static_cast<uint32_t>(bd);
    // (query, key) pairs of the attention itself (causal: s (s + 1) / 2, not the masked halves
    // of diagonal blocks).
    const auto s = static_cast<double>(m_sh.s);
    const double pairs = m_sh.causal ? s * (s + 1) / 2 : s * s;
    r.flops = 4.0 * pairs * static_cast<double>(m_sh.d * m_sh.b * m_sh.h);
    r.useful_macs = r.flops / 2;  // Q K^T and P V
    r.summary = "attention b=" + std::to_string(m_sh.b) + " h=" + std::to_string(m_sh.h) +
                " s=" + std::to_string(m_sh.s) + " d=" + std::to_string(m_sh.d) + " " +
                m_sh.dtype_name + (m_sh.causal ? " causal" : "") + ", blocks of " +
                std::to_string(m_p.B) + " rows, " + std::to_string(tasks) + " tasks" +
                (m_p.split ? ", AIC -> AIV hand-off through GM" : ", one core per task");
    // P is rounded to the input type before P V (relative 2^-11 fp16, 2^-8 bf16) and the output
    // once more; exp and the fp32 sums add a few fp32 ulps.
    r.rtol = m_sh.dt == isa::DataType::kBf16 ? 2e-2 : 4e-3;
    r.atol = m_sh.dt == isa::DataType::kBf16 ? 8e-3 : 1e-3;
    return r;
  }

 private:
  enum class Side : uint8_t { kCube, kVector, kBoth };

  static void append(Body& out, Body more) {
    for (Stmt& s : more) out.push_back(std::move(s));
  }

  // This task's Q block: QT - 1 - qr.
  Affine qb() const { return plus(var_expr("qr", -1), m_p.QT - 1); }
  // a - qb.
  Affine minus_qb(Affine a) const {
    a.add("qr", 1);
    a.constant -= m_p.QT - 1;
    return a;
  }

  // The parity of the P V part's block i = j - lag: jp on coupled chips, 1 - jp on split ones.
  Affine pv_parity() const { return m_p.lag ? plus(var_expr("jp", -1), 1) : var_expr("jp"); }

  // The byte offset in alpha_ub of the alpha of a block of this parity.
  Value alpha_slot(const Affine& parity) const {
    return Value{0, Condition{parity, Condition::Op::kEq, 0}, m_p.NV * 256};
  }

  // ---- addresses ---------------------------------------------------------------------------

  // GM byte offset of row `row_block * B` of head bh in q / k / v / o.
  Affine head_rows(const Affine& row_block) const {
    Affine a = var_expr("bh", m_sh.s * m_sh.d * m_sh.es);
    for (const auto& [v, c] : row_block.terms) a.add(v, c * m_p.B * m_sh.d * m_sh.es);
    a.constant += row_block.constant * m_p.B * m_sh.d * m_sh.es;
    return a;
  }
  // Workspace byte offset: this AI core's region (worker w), `base` + `parity` x `slot_bytes`.
  Affine ws(int64_t base, int64_t slot_bytes, const Affine& parity) const {
    Affine a = var_expr("w", m_p.ws_bytes);
    a.constant += base;
    for (const auto& [v, c] : parity.terms) a.add(v, c * slot_bytes);
    a.constant += parity.constant * slot_bytes;
    return a;
  }

  // ---- vector helpers ----------------------------------------------------------------------

  // A contiguous vector instruction over `repeats` repeats (split into runs of at most 255).
  // `operands`: (tile, bytes per repeat) for UB operands, or a scalar operand (bytes 0).
  void contiguous(Body& out, const std::string& mnemonic,
                  const std::vector<std::pair<Operand, int64_t>>& operands, int64_t repeats,
                  std::vector<Field> fields = {}) const {
    // Instructions of at most 255 repeats, each starting every operand 32-byte aligned (vsel's
    // selection bits advance 8 bytes a repeat).
    int64_t step = kMaxRepeat;
    for (const auto& [o, bytes] : operands)
      while (o.kind == OperandKind::kTile && step * bytes % 32 != 0) --step;
    for (int64_t done = 0; done < repeats; done += step) {
      int64_t n = std::min(step, repeats - done);
      std::vector<Operand> ops;
      for (const auto& [o, bytes] : operands) {
        Operand x = o;
        if (x.kind == OperandKind::kTile) x.offset.value += done * bytes;
        ops.push_back(x);
      }
      std::vector<Field> f = fields;
      f.push_back(field("repeat", n));
      out.push_back(op(mnemonic, ops, f));
    }
  }
  void v32(Body& out, const std::string& mn, const std::string& dst,
           std::vector<std::string> srcs, int64_t repeats) const {
    std::vector<std::pair<Operand, int64_t>> ops = {{tile(dst), 256}};
    for (const std::string& s : srcs) ops.push_back({tile(s), 256});
    contiguous(out, mn + ".f32", ops, repeats);
  }
  void dup(Body& out, const std::string& dst, int64_t bits, int64_t repeats) const {
    contiguous(out, "vdup.f32", {{tile(dst), 256}, {imm(bits), 0}}, repeats);
  }
  // Runs `body` with the first `active` fp32 elements of every repeat enabled.
  static void masked(Body& out, const Value& active_bits, Body body) {
    bool all = !active_bits.cond && active_bits.value == kAllOnes;
    if (!all) out.push_back(op("set_mask", {imm(kAllOnes), imm(active_bits)}, {}));
    append(out, std::move(body));
    if (!all) out.push_back(op("set_mask", {imm(kAllOnes), imm(kAllOnes)}, {}));
  }
  // row_ub[r] = max (or sum) over the first `cols` columns of row r of p32_ub.
  void row_reduce(Body& out, bool max, const Affine& block) const {
    const int64_t chunks = m_p.RP / kEpr, rp_blocks = m_p.RP / 8;
    auto active = [&](int64_t c) {
      auto n = [&](int64_t cols) { return std::clamp<int64_t>(cols - c * kEpr, 0, kEpr); };
      int64_t full = n(m_p.B), tail = n(m_p.tail);
      return block_select(block, m_p.QT - 1, mask_bits(tail), mask_bits(full));
    };
    const std::string red = max ? "vcmax.f32" : "vcadd.f32";
    if (chunks == 1) {
      Body b;
      b.push_back(op(red, {tile("row_ub"), tile("p32_ub")},
                     {field("repeat", m_p.R), field("src0_rep_stride", rp_blocks),
                      field("dst_rep_stride", 1)}));
      masked(out, active(0), std::move(b));
      return;
    }
    // Two levels: per-block (8 elements) reductions of each chunk into red_ub (RP / 8 results
    // a row), then one whole-repeat reduction of those. A block the tail leaves without an
    // active element writes nothing, so red_ub starts at the identity when there is a tail.
    const int64_t per_row = m_p.RP / 8;
    if (m_p.tail != m_p.B) dup(out, "red_ub", max ? kNegInf : 0, ceil_div(m_p.R * per_row, kEpr));
    for (int64_t c = 0; c < chunks; ++c) {
      Body b;
      b.push_back(op(max ? "vcgmax.f32" : "vcgadd.f32", {tile("red_ub", c * 32), tile("p32_ub", c * 256)},
                     {field("repeat", m_p.R), field("src0_rep_stride", rp_blocks),
                      field("dst_rep_stride", per_row / 8)}));
      masked(out, active(c), std::move(b));
    }
    Body b;
    b.push_back(op(red, {tile("row_ub"), tile("red_ub")},
                   {field("repeat", m_p.R), field("src0_rep_stride", per_row * 4 / 32),
                    field("dst_rep_stride", 1)}));
    masked(out, constant(mask_bits(per_row)), std::move(b));
  }
  // dst (R rows of `pitch` fp32) op= the per-row value `vec` (R fp32), broadcast along rows.
  void row_broadcast(Body& out, const std::string& mn, const std::string& dst, int64_t pitch,
                     const Operand& vec) const {
    out.push_back(op("vbrcb.f32", {tile("bcast_ub"), vec}, {field("repeat", m_p.R / 8)}));
    for (int64_t c = 0; c < pitch / kEpr; ++c)
      out.push_back(op(mn + ".f32", {tile(dst, c * 256), tile(dst, c * 256), tile("bcast_ub")},
                       {field("repeat", m_p.R), field("dst_rep_stride", pitch / 8),
                        field("src0_rep_stride", pitch / 8), field("src1_blk_stride", 0),
                        field("src1_rep_stride", 1)}));
  }

  // The causal mask of the diagonal block as vsel bits: bit (r, c) = 1 when key c may be seen
  // by query r of this vector core (c <= r + sub * R). Written once per kernel with masked
  // vdup.s32 of each distinct 32-bit word.
  Body causal_select_bits() const {
    Body out;
    dup(out, "ninf_ub", kNegInf, 1);
    const int64_t words_per_row = m_p.RP / 32;
    for (int64_t v = 0; v < m_p.aiv; ++v) {
      std::map<int64_t, std::vector<int64_t>> by_value;  // word value -> word indices
      for (int64_t r = 0; r < m_p.R; ++r)
        for (int64_t w = 0; w < words_per_row; ++w) {
          int64_t n = std::clamp<int64_t>(v * m_p.R + r - 32 * w + 1, 0, 32);
          int64_t value = n == 32 ? kAllOnes : (int64_t{1} << n) - 1;
          by_value[value].push_back(r * words_per_row + w);
        }
      Body b;
      for (const auto& [value, words] : by_value) {
        std::map<int64_t, uint64_t> per_repeat;  // repeat -> mask of its 64 words
        for (int64_t w : words) per_repeat[w / 64] |= uint64_t{1} << (w % 64);
        for (const auto& [rep, bits] : per_repeat) {
          b.push_back(op("set_mask", {imm(kAllOnes), imm(static_cast<int64_t>(bits))}, {}));
          b.push_back(op("vdup.s32", {tile("sel_ub", rep * 256), imm(value)}, {field("repeat", 1)}));
        }
      }
      b.push_back(op("set_mask", {imm(kAllOnes), imm(kAllOnes)}, {}));
      if (m_p.aiv > 1) {
        out.push_back(make_if(Condition{var_expr("sub"), Condition::Op::kEq, v}, std::move(b)));
      } else {
        append(out, std::move(b));
      }
    }
    return out;
  }

  // ---- the task ----------------------------------------------------------------------------

  Body task(Side side) const {
    Body t;
    // Task t: Q block qb = QT - 1 - t / (b h) of head bh = t % (b h). The longest (causal)
    // tasks come first and consecutive tasks, which go to different AI cores, have the same
    // length, so the cores finish close together.
    t.push_back(make_let("qr", "t", false, m_sh.b * m_sh.h));
    t.push_back(make_let("bh", "t", true, m_sh.b * m_sh.h));
    if (m_p.split) t.push_back(make_let("w", "t", true, m_block_dim));
    if (side != Side::kVector) append(t, load_q());
    if (side != Side::kCube) {
      dup(t, "m_ub", kNegInf, m_p.NV);
      dup(t, "l_ub", 0, m_p.NV);
      dup(t, "oacc_ub", 0, m_p.R * m_p.DP / kEpr);
    }
    Body iter;
    iter.push_back(make_let("jp", "j", true, 2));
    const Affine j = var_expr("j");
    const Affine i = plus(j, -m_p.lag);  // the block of the P V part
    // Parts of iteration j: A = S_j and its softmax, B = P_i V and its accumulation.
    Body a, b;
    if (side != Side::kVector) append(a, cube_scores(j));
    if (side != Side::kCube) append(a, vector_softmax(j));
    if (side != Side::kVector) append(b, cube_pv(i));
    if (side != Side::kCube) append(b, vector_accumulate());
    guard_a(iter, std::move(a));
    guard_b(iter, std::move(b));
    t.push_back(make_loop("j", m_p.QT + m_p.lag, false, std::move(iter)));
    if (side != Side::kCube) append(t, vector_finish());
    return t;
  }

  // Block j's scores exist when j < QT and, causal, j <= qb.
  void guard_a(Body& out, Body a) const {
    if (m_sh.causal)
      out.push_back(make_if(Condition{minus_qb(var_expr("j")), Condition::Op::kLt, 1}, std::move(a)));
    else if (m_p.lag)
      out.push_back(make_if(Condition{var_expr("j"), Condition::Op::kLt, m_p.QT}, std::move(a)));
    else
      append(out, std::move(a));
  }
  // Block i = j - lag's P V exists when i >= 0 and, causal, i <= qb.
  void guard_b(Body& out, Body b) const {
    if (m_sh.causal)
      b = Body{make_if(Condition{minus_qb(var_expr("j")), Condition::Op::kLt, 1 + m_p.lag},
                       std::move(b))};
    if (m_p.lag)
      out.push_back(make_if(Condition{var_expr("j"), Condition::Op::kNe, 0}, std::move(b)));
    else
      append(out, std::move(b));
  }

  Value block_rows(const Affine& block) const {
    return block_select(block, m_p.QT - 1, m_p.tail, m_p.B);
  }

  // Q block -> L1 (NZ) -> L0A (ZZ), once per task.
  Body load_q() const {
    Body out;
    const int64_t B1 = m_p.B / 16, D1 = m_sh.d / 16;
    out.push_back(op("copy_gm_to_l1_nd2nz." + m_sh.sfx, {tile("q_l1"), gm("q", head_rows(qb()))},
                     {field("rows", block_rows(qb())), field("cols", m_sh.d),
                      field("src_row_stride", m_sh.d), field("dst_c0_stride", m_p.B)}));
    for (int64_t k1 = 0; k1 < D1; ++k1)
      out.push_back(op("load2d_l1_to_l0a." + m_sh.sfx, {tile("q_l0a", k1 * 512), tile("q_l1", k1 * B1 * 512)},
                       {field("repeat", B1), field("src_stride", 1), field("dst_gap", D1 - 1)}));
    return out;
  }

  // S_j = Q K_j^T (B x B, fp32 in L0C), then to the workspace (split) or UB (coupled).
  Body cube_scores(const Affine& j) const {
    Body out;
    const int64_t B1 = m_p.B / 16, D1 = m_sh.d / 16;
    out.push_back(op("copy_gm_to_l1_nd2nz." + m_sh.sfx, {tile("k_l1"), gm("k", head_rows(j))},
                     {field("rows", block_rows(j)), field("cols", m_sh.d),
                      field("src_row_stride", m_sh.d), field("dst_c0_stride", m_p.B)}));
    for (int64_t k1 = 0; k1 < D1; ++k1)
      out.push_back(op("load2d_l1_to_l0b." + m_sh.sfx,
                       {tile("k_l0b", k1 * B1 * 512), tile("k_l1", k1 * B1 * 512)},
                       {field("repeat", B1), field("src_stride", 1)}));
    out.push_back(op("mmad.f32." + m_sh.sfx, {tile("s_l0c"), tile("q_l0a"), tile("k_l0b")},
                     {field("m", m_p.B), field("k", m_sh.d), field("n", m_p.B), field("init", 1)}));
    std::vector<Field> fix = {field("n", m_p.B), field("m", m_p.B), field("src_stride", B1),
                              field("dst_stride", m_p.RP), field("layout", 1)};
    if (m_p.split) {
      append(out, wait_free(m_s, var_expr("jp")));
      out.push_back(op("fix_l0c_to_gm.f32.f32",
                       {gm("ws", ws(0, m_p.B * m_p.RP * 4, var_expr("jp"))), tile("s_l0c"), Operand{}},
                       fix));
      append(out, signal_full(m_s, var_expr("jp")));
    } else {
      out.push_back(op("fix_l0c_to_ub.f32.f32", {tile("s_ub"), tile("s_l0c"), Operand{}}, fix));
    }
    return out;
  }

  // The online softmax of block j on this vector core's R rows.
  Body vector_softmax(const Affine& j) const {
    Body out;
    const int64_t R = m_p.R, RP = m_p.RP;
    if (m_p.split) {
      append(out, wait_full(m_s, var_expr("jp")));
      Affine src = ws(0, m_p.B * RP * 4, var_expr("jp")).add("sub", R * RP * 4);
      out.push_back(op("copy_gm_to_ub", {tile("s_ub"), gm("ws", src)},
                       {field("nburst", 1), field("burst_len", R * RP * 4 / 32)}));
      append(out, signal_free(m_s, var_expr("jp")));
    }
    contiguous(out, "vmuls.f32", {{tile("p32_ub"), 256}, {tile("s_ub"), 256}, {imm(float_bits(m_sh.scale)), 0}},
               R * RP / kEpr);
    if (m_sh.causal) {
      Body diag;
      contiguous(diag, "vsel.f32",
                 {{tile("p32_ub"), 256}, {tile("p32_ub"), 256}, {tile("ninf_ub"), 0}, {tile("sel_ub"), 8}},
                 R * RP / kEpr, {field("src1_blk_stride", 0), field("src1_rep_stride", 0)});
      out.push_back(make_if(Condition{minus_qb(j), Condition::Op::kEq, 0}, std::move(diag)));
    }
    row_reduce(out, true, j);
    const Value alpha = alpha_slot(var_expr("jp"));
    const int64_t NV = m_p.NV;
    v32(out, "vmax", "mnew_ub", {"m_ub", "row_ub"}, NV);
    out.push_back(op("vsub.f32", {tile("alpha_ub", alpha), tile("m_ub"), tile("mnew_ub")},
                     {field("repeat", NV)}));
    out.push_back(op("vexp.f32", {tile("alpha_ub", alpha), tile("alpha_ub", alpha)},
                     {field("repeat", NV)}));
    v32(out, "vcopy", "m_ub", {"mnew_ub"}, NV);
    row_broadcast(out, "vsub", "p32_ub", RP, tile("mnew_ub"));
    v32(out, "vexp", "p32_ub", {"p32_ub"}, R * RP / kEpr);
    row_reduce(out, false, j);
    out.push_back(op("vmul.f32", {tile("l_ub"), tile("l_ub"), tile("alpha_ub", alpha)},
                     {field("repeat", NV)}));
    v32(out, "vadd", "l_ub", {"l_ub", "row_ub"}, NV);
    contiguous(out, "vconv." + m_sh.sfx + ".f32", {{tile("p_ub"), 128}, {tile("p32_ub"), 256}},
               R * RP / kEpr, {field("dst_rep_stride", 4)});
    if (m_p.split) {
      append(out, wait_free(m_pch, var_expr("jp")));
      Affine dst = ws(m_p.ws_p, m_p.B * RP * m_sh.es, var_expr("jp")).add("sub", R * RP * m_sh.es);
      out.push_back(op("copy_ub_to_gm", {gm("ws", dst), tile("p_ub")},
                       {field("nburst", 1), field("burst_len", R * RP * m_sh.es / 32)}));
      append(out, signal_full(m_pch, var_expr("jp")));
    }
    return out;
  }

  // O_i = P_i V_i (B x d, fp32 in L0C), then to the workspace (split) or UB (coupled).
  Body cube_pv(const Affine& i) const {
    Body out;
    const int64_t B1 = m_p.B / 16, D1 = m_sh.d / 16, RP = m_p.RP;
    Affine ip = pv_parity();
    if (m_p.split) {
      append(out, wait_full(m_pch, ip));
      out.push_back(op("copy_gm_to_l1_nd2nz." + m_sh.sfx,
                       {tile("p_l1"), gm("ws", ws(m_p.ws_p, m_p.B * RP * m_sh.es, ip))},
                       {field("rows", m_p.B), field("cols", m_p.B), field("src_row_stride", RP),
                        field("dst_c0_stride", m_p.B)}));
      append(out, signal_free(m_pch, ip));
    } else {
      // UB rows of RP elements -> L1 NZ: one burst copy per 16-column block.
      for (int64_t c = 0; c < B1; ++c)
        out.push_back(op("copy_ub_to_l1", {tile("p_l1", c * m_p.B * 32), tile("p_ub", c * 32)},
                         {field("nburst", m_p.B), field("burst_len", 1),
                          field("src_gap", RP * m_sh.es / 32 - 1)}));
    }
    out.push_back(op("copy_gm_to_l1_nd2nz." + m_sh.sfx, {tile("v_l1"), gm("v", head_rows(i))},
                     {field("rows", block_rows(i)), field("cols", m_sh.d),
                      field("src_row_stride", m_sh.d), field("dst_c0_stride", m_p.B)}));
    // P (B x keys) -> L0A: the ZZ order follows the mmad's K1, fewer fractals on the last block.
    const int64_t K1t = ceil_div(m_p.tail, 16);
    auto load_p = [&](int64_t k1s) {
      Body b;
      for (int64_t k1 = 0; k1 < k1s; ++k1)
        b.push_back(op("load2d_l1_to_l0a." + m_sh.sfx, {tile("p_l0a", k1 * 512), tile("p_l1", k1 * B1 * 512)},
                       {field("repeat", B1), field("src_stride", 1), field("dst_gap", k1s - 1)}));
      return b;
    };
    if (K1t == B1 || m_p.QT == 1) {
      append(out, load_p(m_p.QT == 1 ? K1t : B1));
    } else {
      out.push_back(make_if(Condition{i, Condition::Op::kNe, m_p.QT - 1}, load_p(B1)));
      out.push_back(make_if(Condition{i, Condition::Op::kEq, m_p.QT - 1}, load_p(K1t)));
    }
    for (int64_t k1 = 0; k1 < B1; ++k1)
      out.push_back(op("load2d_l1_to_l0b." + m_sh.sfx, {tile("v_l0b", k1 * D1 * 512), tile("v_l1", k1 * 512)},
                       {field("repeat", D1), field("src_stride", B1), field("transpose", 1)}));
    out.push_back(op("mmad.f32." + m_sh.sfx, {tile("o_l0c"), tile("p_l0a"), tile("v_l0b")},
                     {field("m", m_p.B), field("k", block_rows(i)), field("n", m_sh.d), field("init", 1)}));
    std::vector<Field> fix = {field("n", m_sh.d), field("m", m_p.B), field("src_stride", B1),
                              field("dst_stride", m_p.DP), field("layout", 1)};
    if (m_p.split) {
      append(out, wait_free(m_o, ip));
      out.push_back(op("fix_l0c_to_gm.f32.f32", {gm("ws", ws(m_p.ws_o, m_p.B * m_p.DP * 4, ip)), tile("o_l0c"), Operand{}},
                       fix));
      append(out, signal_full(m_o, ip));
    } else {
      out.push_back(op("fix_l0c_to_ub.f32.f32", {tile("o_ub"), tile("o_l0c"), Operand{}}, fix));
    }
    return out;
  }

  // O = O * alpha_i + O_i on this vector core's rows.
  Body vector_accumulate() const {
    Body out;
    const int64_t R = m_p.R, DP = m_p.DP;
    Affine ip = pv_parity();
    if (m_p.split) {
      append(out, wait_full(m_o, ip));
      Affine src = ws(m_p.ws_o, m_p.B * DP * 4, ip).add("sub", R * DP * 4);
      out.push_back(op("copy_gm_to_ub", {tile("o_ub"), gm("ws", src)},
                       {field("nburst", 1), field("burst_len", R * DP * 4 / 32)}));
      append(out, signal_free(m_o, ip));
    }
    row_broadcast(out, "vmul", "oacc_ub", DP, tile("alpha_ub", alpha_slot(ip)));
    v32(out, "vadd", "oacc_ub", {"oacc_ub", "o_ub"}, R * DP / kEpr);
    return out;
  }

  // O / l, rounded to the output type, to GM (this vector core's valid rows).
  Body vector_finish() const {
    Body out;
    const int64_t R = m_p.R, DP = m_p.DP;
    v32(out, "vrec", "row_ub", {"l_ub"}, m_p.NV);
    row_broadcast(out, "vmul", "oacc_ub", DP, tile("row_ub"));
    contiguous(out, "vconv." + m_sh.sfx + ".f32", {{tile("p32_ub"), 128}, {tile("oacc_ub"), 256}},
               R * DP / kEpr, {field("dst_rep_stride", 4)});
    const Affine qb = this->qb();
    for (int64_t v = 0; v < m_p.aiv; ++v) {
      int64_t full = R, tail = std::clamp<int64_t>(m_p.tail - v * R, 0, R);
      Affine dst = head_rows(qb);
      dst.constant += v * R * m_sh.d * m_sh.es;
      Body write;
      write.push_back(op("copy_ub_to_gm", {gm("o", dst), tile("p32_ub")},
                         {field("nburst", block_select(qb, m_p.QT - 1, std::max<int64_t>(tail, 1), full)),
                          field("burst_len", m_sh.d * m_sh.es / 32),
                          field("src_gap", (DP - m_sh.d) * m_sh.es / 32)}));
      if (tail == 0) {
        if (m_p.QT == 1) continue;  // this vector core has no valid row in the only block
        write = Body{make_if(Condition{qb, Condition::Op::kNe, m_p.QT - 1}, std::move(write))};
      }
      if (m_p.aiv > 1)
        out.push_back(make_if(Condition{var_expr("sub"), Condition::Op::kEq, v}, std::move(write)));
      else
        append(out, std::move(write));
    }
    return out;
  }

  const Shape& m_sh;
  const Plan& m_p;
  int64_t m_block_dim = 1;
  // S: AIC -> AIV, P: AIV -> AIC, P V: AIC -> AIV.
  Handoff m_s{CoreSelect::kAic, isa::Pipe::kFix, isa::Pipe::kMte2, 0, 2};
  Handoff m_pch{CoreSelect::kAiv, isa::Pipe::kMte3, isa::Pipe::kMte2, m_s.end_flag(), 2};
  Handoff m_o{CoreSelect::kAic, isa::Pipe::kFix, isa::Pipe::kMte2, m_pch.end_flag(), 2};
};

OpKernel build_attention(const OpSpec& spec, const config::ChipConfig& chip) {
  Shape sh = parse_shape(spec);
  const config::CubeShape& cube = sh.dt == isa::DataType::kBf16 ? chip.cube.bf16 : chip.cube.fp16;
  if (!cube.enabled)
    throw UserError("chip '" + chip.name + "' has no " + sh.dtype_name + " cube (cube." +
                    (sh.dt == isa::DataType::kBf16 ? "bf16" : "fp16") + ".enabled is false)");
  if (!chip.split()) {
    for (const auto& [path, name] : {std::pair{&chip.paths.l0c_to_ub, "l0c_to_ub"},
                                     std::pair{&chip.paths.ub_to_l1, "ub_to_l1"}})
      if (!path->enabled)
        throw UserError("attention on coupled chip '" + chip.name + "' needs paths." + name);
  }
  Plan p = choose_plan(sh, chip);
  return Generator(sh, p).build(chip);
}

// softmax(scale * Q K^T, causal-masked) V per (batch, head), in fp64.
Tensors reference_attention(const OpSpec& spec, const Tensors& in) {
  Shape sh = parse_shape(spec);
  const auto S = static_cast<size_t>(sh.s), D = static_cast<size_t>(sh.d);
  std::vector<double> out(in[0].size(), 0.0), w(S);
  for (size_t head = 0; head < static_cast<size_t>(sh.b * sh.h); ++head) {
    const double* q = &in[0][head * S * D];
    const double* k = &in[1][head * S * D];
    const double* v = &in[2][head * S * D];
    double* o = &out[head * S * D];
    for (size_t r = 0; r < S; ++r) {
      size_t keys = sh.causal ? r + 1 : S;
      double mx = -INFINITY;
      for (size_t c = 0; c < keys; ++c) {
        double acc = 0;
        for (size_t x = 0; x < D; ++x) acc += q[r * D + x] * k[c * D + x];
        w[c] = acc * sh.scale;
        mx = std::max(mx, w[c]);
      }
      double sum = 0;
      for (size_t c = 0; c < keys; ++c) sum += (w[c] = std::exp(w[c] - mx));
      for (size_t c = 0; c < keys; ++c)
        for (size_t x = 0; x < D; ++x) o[r * D + x] += w[c] / sum * v[c * D + x];
    }
  }
  return {out};
}

}  // namespace

const OpDef& attention_op() {
  static const OpDef def{"attention",
                         {"b", "h", "s", "d", "dtype", "causal", "scale"},
                         "attention b=1 h=32 s=1024 d=128 dtype=fp16 causal=1",
                         build_attention,
                         reference_attention};
  return def;
}

}  // namespace npu::compiler
