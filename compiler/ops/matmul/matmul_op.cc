// The matmul generator (matmul_kernel.h) and the `matmul` op: C (m x n) = op(A) op(B) [+ bias]
// for fp16 / bf16 (fp32 accumulation) and int8 (int32 accumulation), any m, n, k >= 1.
//
// One `pfor` over work items (batch x output tiles x K parts, all cores). Per item a `for` over
// L1 K chunks: A and B chunks GM -> L1 with ND -> NZ (double buffered), then Kl / Kt cube steps
// unrolled inside the chunk, each L1 -> L0A / L0B with load2d (ping-pong slots; a K-major int8
// operand through the 8-bit transposing load2d, 32 x 32 blocks of two fractals) and an mmad
// whose init is zero / bias on the item's first step. The tile leaves L0C through the fixpipe:
// straight to GM where the chip has that path (atomically when K is split over cores), else
// L0C -> UB -> GM (coupled 910-class cores). Ragged last tiles use select() fields, so one loop
// body serves every tile.
#include <algorithm>
#include <cmath>
#include <cstring>

#include "base/error.h"
#include "compiler/ir/ir_builder.h"
#include "compiler/ops/cube_bias.h"
#include "compiler/ops/matmul/matmul_kernel.h"

namespace npu::compiler {
namespace {

using namespace ir;  // NOLINT(google-build-using-namespace): the IR constructors
using isa::DataType;

std::string suffix(DataType t) { return std::string(isa::name(t)); }

const config::CubeShape& cube_shape(DataType in, const config::ChipConfig& chip) {
  if (in == DataType::kBf16) return chip.cube.bf16;
  if (in == DataType::kS8) return chip.cube.int8;
  return chip.cube.fp16;
}

// An integer that is `yes` when `lhs == rhs` and `no` otherwise (a constant when it cannot vary).
Value select_eq(const Affine& lhs, int64_t rhs, int64_t yes, int64_t no, bool can_hold) {
  if (yes == no || !can_hold) return constant(can_hold ? yes : no);
  return Value{yes, Condition{lhs, Condition::Op::kEq, rhs}, no};
}

// a + c.
Affine plus(Affine a, int64_t c) {
  a.constant += c;
  return a;
}

// The generator's state: the spec, the tiling and the derived counts.
struct MatmulGen {
  const MatmulSpec& s;
  const config::ChipConfig& chip;
  MatmulTiling t;
  bool via_ub = false;
  int64_t es = 2, eo = 2, k0 = 16;
  int64_t Mt = 0, Nt = 0, Kt = 0, Kl = 0, S = 1, split = 1;
  int64_t MT = 0, NT = 0, KL = 0, KT = 0, CPP = 1;
  int64_t mtail = 0, ntail = 0, kltail = 0, ktail = 0;
  int64_t M1f = 0, N1f = 0, K1f = 0, K1t = 0, N1t = 0, K1L = 0;
  // mv / nv: the item's rows / columns; mmad_n: the columns the cube computes (nv, or nv rounded
  // up to whole 32 x 32 transposed blocks for a K-major int8 B, whose extra columns are zeros).
  Value mv{}, nv{}, mmad_n{};
  Affine chunk{};  // global K chunk index: sp * CPP + kl

  // The bias starts the accumulation from the bias table (else the vector unit adds it in UB).
  bool bias_table() const { return s.bias && !via_ub; }

  // Tile operand for an L0 tile in step `step` of a chunk: explicit ping / pong when a chunk has
  // several steps (the double-buffering pass then leaves them alone).
  Operand l0(const std::string& name, int64_t offset, int64_t step) const {
    Operand o = tile(name, offset);
    if (S > 1) o.slot = static_cast<int>(step % 2);
    return o;
  }

  // L1 -> L0A / L0B loads and the mmad of cube step `step` of the chunk, with `k1` K fractals
  // in this step and `n1` N fractals in this tile.
  Body loads_a(int64_t step, int64_t k1) const {
    Body out;
    const std::string ld = "load2d_l1_to_l0a." + suffix(s.in);
    if (s.trans_a && es == 1) {
      // K-major int8: per K fractal, one transposing load of the tile's 32 x 32 blocks (two L1
      // fractals each, K1L apart along M); their halves land K1 = k1 fractals apart in ZZ.
      for (int64_t p = 0; p < k1; ++p)
        out.push_back(op(ld,
                         {l0("a_l0", p * 512, step), tile("a_l1", 2 * (step * K1f + p) * 512)},
                         {field("repeat", M1f / 2), field("src_stride", K1L),
                          field("dst_gap", k1 - 1), field("transpose", 1)}));
    } else if (!s.trans_a) {
      for (int64_t i = 0; i < k1; ++i)
        out.push_back(op(ld,
                         {l0("a_l0", i * 512, step), tile("a_l1", (step * K1f + i) * M1f * 512)},
                         {field("repeat", M1f), field("src_stride", 1), field("dst_gap", k1 - 1)}));
    } else {
      for (int64_t m1 = 0; m1 < M1f; ++m1)
        out.push_back(
            op(ld, {l0("a_l0", m1 * k1 * 512, step), tile("a_l1", (m1 * K1L + step * K1f) * 512)},
               {field("repeat", k1), field("src_stride", 1), field("transpose", 1)}));
    }
    return out;
  }
  Body loads_b(int64_t step, int64_t k1, int64_t n1) const {
    Body out;
    const std::string ld = "load2d_l1_to_l0b." + suffix(s.in);
    if (!s.trans_b && es == 1) {
      // K-major int8: per K fractal, one transposing load of the n1 / 2 32 x 32 blocks (two L1
      // fractals each, K1L apart along N); their halves are adjacent ZN fractals.
      for (int64_t p = 0; p < k1; ++p)
        out.push_back(op(
            ld, {l0("b_l0", p * n1 * 512, step), tile("b_l1", 2 * (step * K1f + p) * 512)},
            {field("repeat", n1 / 2), field("src_stride", K1L), field("transpose", 1)}));
      return out;
    }
    for (int64_t i = 0; i < k1; ++i) {
      if (!s.trans_b)
        out.push_back(op(ld, {l0("b_l0", i * n1 * 512, step), tile("b_l1", (step * K1f + i) * 512)},
                         {field("repeat", n1), field("src_stride", K1L), field("transpose", 1)}));
      else
        out.push_back(
            op(ld, {l0("b_l0", i * n1 * 512, step), tile("b_l1", (step * K1f + i) * N1f * 512)},
               {field("repeat", n1), field("src_stride", 1)}));
    }
    return out;
  }

  // Step `step` of the chunk: loads (variants for a short last K step and a narrow last N
  // tile) and the mmad.
  Body cube_step(int64_t step) const {
    // The global K step: (sp * CPP + kl) * S + step.
    Affine gk = plus(var_expr("kl", S), step);
    if (split > 1) gk.add("sp", CPP * S);
    struct Variant {
      std::optional<Condition> cond;
      int64_t n;
    };
    // Can this step be the last K step? Only steps of the last chunk's position can.
    const bool may_be_last = KT > 1 && (KT - 1) % S == step;
    std::vector<Variant> kvars;
    if (may_be_last && K1t != K1f) {
      kvars.push_back({Condition{gk, Condition::Op::kNe, KT - 1}, K1f});
      kvars.push_back({Condition{gk, Condition::Op::kEq, KT - 1}, K1t});
    } else {
      kvars.push_back({std::nullopt, KT == 1 ? K1t : K1f});
    }
    std::vector<Variant> nvars;
    if (NT > 1 && N1t != N1f) {
      nvars.push_back({Condition{var_expr("tn"), Condition::Op::kNe, NT - 1}, N1f});
      nvars.push_back({Condition{var_expr("tn"), Condition::Op::kEq, NT - 1}, N1t});
    } else {
      nvars.push_back({std::nullopt, NT == 1 ? N1t : N1f});
    }
    Body body;
    for (const Variant& kvar : kvars) add_guarded(body, kvar.cond, loads_a(step, kvar.n));
    for (const Variant& kvar : kvars) {
      Body outer;
      for (const Variant& nvar : nvars)
        add_guarded(outer, nvar.cond, loads_b(step, kvar.n, nvar.n));
      add_guarded(body, kvar.cond, std::move(outer));
    }
    // In the last chunk, steps past the end of K load stale L1 data and multiply nothing (k = 0).
    const int64_t last_chunk_steps = KT - (KL - 1) * S;
    const bool may_be_past = step >= last_chunk_steps;
    Value kv = select_eq(gk, KT - 1, ktail, Kt, may_be_last || KT == 1);
    if (may_be_past) kv = select_eq(chunk, KL - 1, 0, Kt, true);
    const std::string mm = "mmad." +
                           suffix(s.in == DataType::kS8 ? DataType::kS32 : DataType::kF32) + "." +
                           suffix(s.in);
    auto mmad = [&](Value init) {
      std::vector<Field> fields = {field("m", mv), field("k", kv), field("n", mmad_n),
                                   field("init", std::move(init))};
      // The bias table holds one tile, allocated at BT offset 0.
      if (bias_table()) fields.push_back(field("bias_addr", 0));
      return op(mm, {tile("c_l0c"), l0("a_l0", 0, step), l0("b_l0", 0, step)}, fields);
    };
    constexpr int64_t kAcc = 0, kZero = 1, kBias = 2;
    const int64_t first = bias_table() ? kBias : kZero;
    if (step != 0) {
      body.push_back(mmad(constant(kAcc)));
    } else if (split == 1) {
      body.push_back(mmad(select_eq(var_expr("kl"), 0, first, kAcc, true)));
      if (CPP == 1) body.back().op.fields[3].value = constant(first);
    } else {
      // The first step of every K part starts from zero; only part 0 adds the bias.
      Body start, rest;
      start.push_back(mmad(select_eq(var_expr("sp"), 0, first, kZero, true)));
      add_guarded(body, Condition{var_expr("kl"), Condition::Op::kEq, 0}, std::move(start));
      if (CPP > 1) {
        rest.push_back(mmad(constant(kAcc)));
        add_guarded(body, Condition{var_expr("kl"), Condition::Op::kNe, 0}, std::move(rest));
      }
    }
    return body;
  }

  // GM byte offsets of the item's A, B and C tiles.
  Affine a_base() const { return var_expr("bi", s.m * s.k * es); }
  Affine b_base() const { return s.broadcast_b ? Affine{} : var_expr("bi", s.k * s.n * es); }

  // One K chunk: GM -> L1 for A and B, then the cube steps.
  Body chunk_body() const {
    Body body;
    const Value klv = select_eq(chunk, KL - 1, kltail, Kl, true);
    const std::string nd = "copy_gm_to_l1_nd2nz." + suffix(s.in);
    Affine a_addr = s.trans_a ? a_base().add("tm", Mt * es) : a_base().add("tm", Mt * s.k * es);
    for (const auto& [v, c] : chunk.terms) a_addr.add(v, c * Kl * es * (s.trans_a ? s.m : 1));
    body.push_back(op(nd, {tile("a_l1"), gm("a", a_addr)},
                      {field("rows", s.trans_a ? klv : mv), field("cols", s.trans_a ? mv : klv),
                       field("src_row_stride", s.trans_a ? s.m : s.k),
                       field("dst_c0_stride", s.trans_a ? Kl : Mt)}));
    Affine b_addr = s.trans_b ? b_base().add("tn", Nt * s.k * es) : b_base().add("tn", Nt * es);
    for (const auto& [v, c] : chunk.terms) b_addr.add(v, c * Kl * es * (s.trans_b ? 1 : s.n));
    body.push_back(op(nd, {tile("b_l1"), gm("b", b_addr)},
                      {field("rows", s.trans_b ? nv : klv), field("cols", s.trans_b ? klv : nv),
                       field("src_row_stride", s.trans_b ? s.k : s.n),
                       field("dst_c0_stride", s.trans_b ? Nt : Kl)}));
    for (int64_t step = 0; step < S && (KL > 1 || step < KT); ++step)
      for (Stmt& st : cube_step(step)) body.push_back(std::move(st));
    if (split > 1 && KL % CPP != 0) {
      Body guarded;
      add_guarded(guarded, Condition{chunk, Condition::Op::kLt, KL}, std::move(body));
      return guarded;
    }
    return body;
  }

  // The fp32 bits of the dequantisation scale, for pairs whose fixpipe applies one.
  int64_t scale_bits() const {
    if (s.in != DataType::kS8 || s.out == DataType::kS32) return 0;
    float f = static_cast<float>(s.scale);
    uint32_t bits = 0;
    std::memcpy(&bits, &f, sizeof bits);
    return bits;
  }

  // L0C -> GM (directly, or through UB) for the item's tile.
  Body write_out() const {
    Body body;
    const std::string acc = suffix(s.in == DataType::kS8 ? DataType::kS32 : DataType::kF32);
    const std::string fix_types = "." + suffix(s.out) + "." + acc;
    Affine c_addr = var_expr("bi", s.m * s.n * eo).add("tm", Mt * s.n * eo).add("tn", Nt * eo);
    Value m1v = tail_select("tm", MT - 1, ceil_div(mtail, 16), M1f);
    if (!via_ub) {
      std::vector<Field> fields = {field("n", nv), field("m", mv), field("src_stride", m1v),
                                   field("dst_stride", s.n), field("layout", 1)};
      if (split > 1) fields.push_back(field("atomic", 1));
      body.push_back(op("fix_l0c_to_gm" + fix_types,
                        {gm("c", c_addr), tile("c_l0c"), imm(scale_bits())}, fields));
      return body;
    }
    if (s.bias) {
      add_bias_in_ub(body, acc, m1v);
    } else {
      body.push_back(op("fix_l0c_to_ub" + fix_types,
                        {tile("c_ub"), tile("c_l0c"), imm(scale_bits())},
                        {field("n", nv), field("m", mv), field("src_stride", m1v),
                         field("dst_stride", Nt), field("layout", 1)}));
    }
    if (split > 1) {
      // Whole 32-byte rows (n * eo is a multiple of 32: checked when split-K is allowed).
      body.push_back(
          op("copy_ub_to_gm_atomic_add." + suffix(s.out), {gm("c", c_addr), tile("c_ub")},
             {field("nburst", mv),
              field("burst_len", tail_select("tn", NT - 1, ntail * eo / 32, Nt * eo / 32)),
              field("src_gap", tail_select("tn", NT - 1, (Nt - ntail) * eo / 32, 0)),
              field("dst_gap",
                    tail_select("tn", NT - 1, (s.n - ntail) * eo / 32, (s.n - Nt) * eo / 32))}));
      return body;
    }
    auto row32 = [&](int64_t n) { return ceil_div(n * eo, 32) * 32; };
    body.push_back(op(
        "copy_ub_to_gm_pad", {gm("c", c_addr), tile("c_ub")},
        {field("nburst", mv), field("burst_bytes", tail_select("tn", NT - 1, ntail * eo, Nt * eo)),
         field("gm_gap", tail_select("tn", NT - 1, (s.n - ntail) * eo, (s.n - Nt) * eo)),
         field("local_gap", tail_select("tn", NT - 1, (Nt * eo - row32(ntail)) / 32,
                                        (Nt * eo - row32(Nt)) / 32))}));
    return body;
  }

  // Chips whose results leave through UB: L0C -> UB as 32-bit values (c_acc), then the bias
  // row, the dequantisation scale and the output type (cube_bias.h) into c_ub.
  void add_bias_in_ub(Body& body, const std::string& acc, const Value& m1v) const {
    body.push_back(op("fix_l0c_to_ub." + acc + "." + acc, {tile("c_acc"), tile("c_l0c"), Operand{}},
                      {field("n", nv), field("m", mv), field("src_stride", m1v),
                       field("dst_stride", Nt), field("layout", 1)}));
    add_guarded(body, std::nullopt,
                add_cube_bias_in_ub(cube_bias_type(s.in), s.out, Mt, Nt, scale_bits()));
  }

  // GM -> L1 -> BT (or GM -> UB) for the bias row of the item's N tile.
  Body load_bias() const {
    return load_cube_bias(bias_table(), cube_bias_type(s.in), var_expr("tn", Nt * 4),
                          tail_select("tn", NT - 1, ntail * 4, Nt * 4), Nt);
  }

  OpKernel build() {
    OpKernel r;
    Kernel& k = r.kernel;
    k.name = s.batched ? "batch_matmul" : "matmul";
    k.cores = CoreSelect::kAic;
    const int64_t b_batches = s.broadcast_b ? 1 : s.batch;
    k.args = {{"a", isa::ArgKind::kGmPointer, static_cast<uint64_t>(s.batch * s.m * s.k * es)},
              {"b", isa::ArgKind::kGmPointer, static_cast<uint64_t>(b_batches * s.k * s.n * es)}};
    if (s.bias)
      k.args.push_back({"bias", isa::ArgKind::kGmPointer, static_cast<uint64_t>(s.n * 4)});
    k.args.push_back(
        {"c", isa::ArgKind::kGmPointer, static_cast<uint64_t>(s.batch * s.m * s.n * eo)});
    auto bytes = [](int64_t b) { return static_cast<uint64_t>(b); };
    k.tiles = {{"a_l1", isa::Buffer::kL1, bytes(Mt * Kl * es), true, {}, {}},
               {"b_l1", isa::Buffer::kL1, bytes(Kl * Nt * es), true, {}, {}},
               {"a_l0", isa::Buffer::kL0a, bytes(Mt * Kt * es), true, {}, {}},
               {"b_l0", isa::Buffer::kL0b, bytes(Kt * Nt * es), true, {}, {}},
               {"c_l0c", isa::Buffer::kL0c, bytes(Mt * Nt * 4), false, {}, {}}};
    if (via_ub) k.tiles.push_back({"c_ub", isa::Buffer::kUb, bytes(Mt * Nt * eo), false, {}, {}});
    if (s.bias) add_cube_bias_tiles(k, bias_table(), Mt, Nt, eo);

    Body item;
    // Work item w = ((bi * MT + tm) * NT + tn) * split + sp.
    std::string tile_var = "w";
    if (split > 1) {
      item.push_back(make_let("sp", "w", true, split));
      item.push_back(make_let("q", "w", false, split));
      tile_var = "q";
    }
    item.push_back(make_let("tn", tile_var, true, NT));
    item.push_back(make_let("r", tile_var, false, NT));
    item.push_back(make_let("tm", "r", true, MT));
    item.push_back(make_let("bi", "r", false, MT));
    if (s.bias) {
      Body bias = load_bias();
      if (split > 1)
        add_guarded(item, Condition{var_expr("sp"), Condition::Op::kEq, 0}, std::move(bias));
      else
        for (Stmt& st : bias) item.push_back(std::move(st));
    }
    item.push_back(make_loop("kl", CPP, false, chunk_body()));
    for (Stmt& st : write_out()) item.push_back(std::move(st));
    k.body.push_back(make_loop("w", s.batch * MT * NT * split, true, std::move(item)));

    r.tensors = {{"a", s.in, bytes(s.batch * s.m * s.k), false},
                 {"b", s.in, bytes(b_batches * s.k * s.n), false}};
    if (s.in == DataType::kS8) {
      for (TensorDesc& d : r.tensors) d.low = -128, d.high = 127;
    }
    if (s.bias) r.tensors.push_back(cube_bias_tensor(s.in, s.n));
    TensorDesc c{"c", s.out, bytes(s.batch * s.m * s.n), true};
    c.zero_init = split > 1;
    r.tensors.push_back(c);
    r.block_dim = static_cast<uint32_t>(
        std::min<int64_t>(s.batch * MT * NT * split, static_cast<int64_t>(chip.chip.cores)));
    r.flops = 2.0 * static_cast<double>(s.batch) * static_cast<double>(s.m) *
              static_cast<double>(s.n) * static_cast<double>(s.k);
    r.useful_macs = r.flops / 2;
    std::string shape = (s.batched ? std::to_string(s.batch) + "x" : "") + std::to_string(s.m) +
                        "x" + std::to_string(s.n) + "x" + std::to_string(s.k);
    r.summary = k.name + " " + shape + " " + std::string(isa::long_name(s.in)) + " -> " +
                std::string(isa::long_name(s.out)) + (s.trans_a ? " trans_a" : "") +
                (s.trans_b ? " trans_b" : "") + (s.bias ? " bias" : "") + ", tiles " +
                std::to_string(Mt) + "x" + std::to_string(Nt) + "x" + std::to_string(Kt) +
                " (L1 K " + std::to_string(Kl) + ")" +
                (split > 1 ? ", K split " + std::to_string(split) + " ways" : "") + ", " +
                std::to_string(s.batch * MT * NT) + " output tiles";
    const double sqrt_k = std::sqrt(static_cast<double>(s.k));
    switch (s.out) {
      case DataType::kS32:
        r.rtol = 0, r.atol = 0;
        break;  // exact
      case DataType::kF32:
        r.rtol = 1e-5, r.atol = 1e-5 * sqrt_k;
        break;
      case DataType::kBf16:
        r.rtol = 8e-3, r.atol = 1e-3 * sqrt_k;
        break;
      default:  // fp16: one fp16 rounding; int8 -> fp16: exact accumulation, scaled
        r.rtol = 2e-3;
        r.atol = s.in == DataType::kS8 ? 1e-6 : 1e-3 * sqrt_k;
    }
    return r;
  }
};

}  // namespace

std::vector<std::string> matmul_keys(bool batched) {
  std::vector<std::string> keys = {"m",       "n",       "k",      "dtype",  "out_dtype",
                                   "trans_a", "trans_b", "bias",   "scale",  "split_k",
                                   "tile_m",  "tile_n",  "tile_k", "tile_kl"};
  if (batched) {
    keys.insert(keys.begin(), "b");
    keys.push_back("broadcast_b");
  }
  return keys;
}

MatmulSpec parse_matmul_spec(const OpSpec& spec, bool batched) {
  MatmulSpec s;
  s.batched = batched;
  if (batched) s.batch = spec.get_int("b", 1, 65535);
  s.m = spec.get_int("m", 1, 65535);
  s.n = spec.get_int("n", 1, 65535);
  s.k = spec.get_int("k", 1, 65535);
  if (batched) s.broadcast_b = spec.get_int("broadcast_b", 0, 1, 0) == 1;
  std::string dtype = spec.get_enum("dtype", {"fp16", "bf16", "int8"}, "");
  if (dtype == "fp16") {
    s.in = DataType::kF16;
    s.out = spec.get_enum("out_dtype", {"fp16", "fp32"}, "fp16") == "fp32" ? DataType::kF32
                                                                           : DataType::kF16;
  } else if (dtype == "bf16") {
    s.in = DataType::kBf16;
    s.out = spec.get_enum("out_dtype", {"bf16", "fp32"}, "bf16") == "fp32" ? DataType::kF32
                                                                           : DataType::kBf16;
  } else {
    s.in = DataType::kS8;
    s.out = spec.get_enum("out_dtype", {"int32", "fp16"}, "int32") == "fp16" ? DataType::kF16
                                                                             : DataType::kS32;
  }
  s.trans_a = spec.get_int("trans_a", 0, 1, 0) == 1;
  s.trans_b = spec.get_int("trans_b", 0, 1, 0) == 1;
  s.bias = spec.get_int("bias", 0, 1, 0) == 1;
  if (spec.values.count("scale") && !(s.in == DataType::kS8 && s.out == DataType::kF16))
    throw UserError(SourceLocation{"<op>", 1, spec.columns.at("scale")},
                    "'scale' applies only to dtype=int8 out_dtype=fp16 (dequantisation)");
  s.scale = spec.get_double("scale", -65504.0, 65504.0, 1.0);
  s.split_k = spec.get_int("split_k", 1, 4096, 0);
  s.tile_m = spec.get_int("tile_m", 16, 4096, 0);
  s.tile_n = spec.get_int("tile_n", 16, 4096, 0);
  s.tile_k = spec.get_int("tile_k", 16, 4096, 0);
  s.tile_kl = spec.get_int("tile_kl", 16, 65536, 0);
  return s;
}

MatmulProblem matmul_problem(const MatmulSpec& s, const config::ChipConfig& chip) {
  MatmulProblem p;
  p.batch = s.batch, p.m = s.m, p.n = s.n, p.k = s.k;
  p.in_bytes = isa::element_size(s.in);
  p.out_bytes = isa::element_size(s.out);
  p.bias = s.bias;
  p.cube = &cube_shape(s.in, chip);
  // A K-major int8 operand reaches L0 through 32 x 32 transposing loads: its tile dimension
  // (M of A given k x m, N of B given k x n) comes in whole 32-element blocks.
  if (s.in == DataType::kS8 && s.trans_a) p.m_align = 32;
  if (s.in == DataType::kS8 && !s.trans_b) p.n_align = 32;
  if (!p.cube->enabled)
    throw UserError("chip '" + chip.name + "' has no " + std::string(isa::long_name(s.in)) +
                    " cube (cube." + std::string(isa::long_name(s.in)) + ".enabled is false)");
  p.via_ub = !chip.paths.l0c_to_gm.enabled;
  if (p.via_ub && (!chip.paths.l0c_to_ub.enabled || !chip.paths.ub_to_gm.enabled))
    throw UserError("chip '" + chip.name +
                    "' has neither an L0C -> GM nor an L0C -> UB -> GM path");
  if (s.bias) cube_bias_uses_table(chip, p.via_ub);  // UserError when the chip cannot
  // Atomic accumulation in GM: fp32 / int32 outputs only (fp16 atomics would round every
  // partial sum), and through UB only for whole 32-byte rows and without a bias.
  p.split_k_allowed = (s.out == DataType::kF32 || s.out == DataType::kS32) &&
                      (!p.via_ub || ((s.n * p.out_bytes) % 32 == 0 && !s.bias));
  return p;
}

OpKernel build_matmul_kernel(const OpSpec& spec, const config::ChipConfig& chip, bool batched) {
  const MatmulSpec s = parse_matmul_spec(spec, batched);
  const MatmulProblem p = matmul_problem(s, chip);
  MatmulTiling t;
  const bool forced = s.tile_m || s.tile_n || s.tile_k || s.tile_kl || s.split_k;
  if (s.split_k > 1 && !p.split_k_allowed)
    throw UserError("split_k needs an fp32 or int32 output" +
                    std::string(p.via_ub ? " whose rows are whole 32-byte units (n * 4 % 32 == 0), "
                                           "and no bias on this chip,"
                                         : "") +
                    " (atomic accumulation in GM)");
  if (!forced) {
    std::vector<MatmulTiling> ranked = rank_matmul_tilings(p, chip);
    if (ranked.empty())
      throw UserError(spec.op + " does not fit the buffers of chip '" + chip.name + "'");
    t = ranked.front();
  } else {
    // Unforced parts come from the best candidate that agrees with the forced ones.
    for (const MatmulTiling& c : rank_matmul_tilings(p, chip)) {
      if ((s.tile_m && c.mt != s.tile_m) || (s.tile_n && c.nt != s.tile_n) ||
          (s.tile_k && c.kt != s.tile_k) || (s.tile_kl && c.kl != s.tile_kl) ||
          (s.split_k && c.split_k != s.split_k))
        continue;
      t = c;
      break;
    }
    if (t.estimated_cycles < 0) {
      const int64_t k0 = static_cast<int64_t>(p.cube->k0);
      int64_t kt = s.tile_k ? s.tile_k : k0, kl = s.tile_kl ? s.tile_kl : kt;
      t = estimate_matmul_tiling(p, chip, s.tile_m ? s.tile_m : p.m_align,
                                 s.tile_n ? s.tile_n : p.n_align, kt, kl,
                                 s.split_k ? s.split_k : 1);
      if (t.estimated_cycles < 0)
        throw UserError(
            "tiling tile_m=" + std::to_string(t.mt) + " tile_n=" + std::to_string(t.nt) +
            " tile_k=" + std::to_string(t.kt) + " tile_kl=" + std::to_string(t.kl) +
            " split_k=" + std::to_string(t.split_k) + " is not valid on chip '" + chip.name +
            "' (tile_m a multiple of " + std::to_string(p.m_align) + ", tile_n of " +
            std::to_string(p.n_align) + ", tile_k of the cube's k0 = " + std::to_string(k0) +
            ", tile_kl of tile_k, the buffers must hold them "
            "double buffered, split_k at most the K chunks)");
    }
  }
  MatmulGen g{s, chip, t};
  g.via_ub = p.via_ub;
  g.es = p.in_bytes, g.eo = p.out_bytes, g.k0 = static_cast<int64_t>(p.cube->k0);
  g.Mt = t.mt, g.Nt = t.nt, g.Kt = t.kt, g.Kl = t.kl, g.S = t.kl / t.kt, g.split = t.split_k;
  g.MT = ceil_div(s.m, g.Mt), g.NT = ceil_div(s.n, g.Nt), g.KL = ceil_div(s.k, g.Kl);
  g.KT = ceil_div(s.k, g.Kt), g.CPP = ceil_div(g.KL, g.split);
  g.mtail = s.m - (g.MT - 1) * g.Mt, g.ntail = s.n - (g.NT - 1) * g.Nt;
  g.kltail = s.k - (g.KL - 1) * g.Kl, g.ktail = s.k - (g.KT - 1) * g.Kt;
  g.M1f = g.Mt / 16, g.N1f = g.Nt / 16, g.K1f = g.Kt / g.k0, g.K1L = g.Kl / 16;
  g.K1t = ceil_div(g.ktail, g.k0), g.N1t = ceil_div(g.ntail, 16);
  g.mv = tail_select("tm", g.MT - 1, g.mtail, g.Mt);
  g.nv = tail_select("tn", g.NT - 1, g.ntail, g.Nt);
  g.mmad_n = g.nv;
  if (p.n_align == 32) {
    g.N1t = 2 * ceil_div(g.ntail, 32);
    g.mmad_n = tail_select("tn", g.NT - 1, g.N1t * 16, g.Nt);
  }
  g.chunk = var_expr("kl");
  if (g.split > 1) g.chunk.add("sp", g.CPP);
  return g.build();
}

Tensors reference_matmul_kernel(const OpSpec& spec, const Tensors& in, bool batched) {
  const MatmulSpec s = parse_matmul_spec(spec, batched);
  const int64_t M = s.m, N = s.n, K = s.k;
  const std::vector<double>& a = in[0];
  const std::vector<double>& b = in[1];
  const std::vector<double>* bias = s.bias ? &in[2] : nullptr;
  std::vector<double> c(static_cast<size_t>(s.batch * M * N), 0.0);
  for (int64_t bi = 0; bi < s.batch; ++bi) {
    const size_t ao = static_cast<size_t>(bi * M * K);
    const size_t bo = s.broadcast_b ? 0 : static_cast<size_t>(bi * K * N);
    for (int64_t i = 0; i < M; ++i)
      for (int64_t j = 0; j < N; ++j) {
        double acc = bias ? (*bias)[static_cast<size_t>(j)] : 0.0;
        for (int64_t p = 0; p < K; ++p)
          acc += a[ao + static_cast<size_t>(s.trans_a ? p * M + i : i * K + p)] *
                 b[bo + static_cast<size_t>(s.trans_b ? j * K + p : p * N + j)];
        // The fixpipe multiplies by the fp32 scale.
        if (s.in == DataType::kS8 && s.out == DataType::kF16)
          acc *= static_cast<double>(static_cast<float>(s.scale));
        c[static_cast<size_t>((bi * M + i) * N + j)] = acc;
      }
  }
  return {c};
}

namespace {

OpKernel build_matmul(const OpSpec& spec, const config::ChipConfig& chip) {
  return build_matmul_kernel(spec, chip, false);
}

Tensors reference_matmul(const OpSpec& spec, const Tensors& in) {
  return reference_matmul_kernel(spec, in, false);
}

}  // namespace

const OpDef& matmul_op() {
  static const OpDef def{"matmul", matmul_keys(false), "matmul m=1024 n=1024 k=1024 dtype=fp16",
                         build_matmul, reference_matmul};
  return def;
}

}  // namespace npu::compiler
