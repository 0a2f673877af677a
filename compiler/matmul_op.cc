// The matmul generator: C (m x n) = op(A) op(B), fp16 inputs, fp32 accumulation in L0C, fp16 or
// fp32 output, any m, n, k >= 1. One `pfor` over the output tiles (all cores), a `for` over K
// steps (double buffered: GM -> L1 with ND -> NZ, L1 -> L0A / L0B with load2d, mmad), then the
// tile leaves L0C through the fixpipe: straight to GM where the chip has that path, else
// L0C -> UB -> GM (coupled 910-class cores). Ragged last tiles use select() fields, so one loop
// body serves every tile.
#include <algorithm>
#include <cmath>

#include "base/error.h"
#include "compiler/ir_builder.h"
#include "compiler/ops.h"
#include "compiler/tiling.h"

namespace npu::compiler {
namespace {

using namespace ir;  // NOLINT(google-build-using-namespace): the IR constructors

OpKernel build_matmul(const OpSpec& spec, const config::ChipConfig& chip) {
  const int64_t M = spec.get_int("m", 1, 65535), N = spec.get_int("n", 1, 65535),
                K = spec.get_int("k", 1, 65535);
  spec.get_enum("dtype", {"fp16"}, "");
  std::string out_name = spec.get_enum("out_dtype", {"fp16", "fp32"}, "fp16");
  bool ta = spec.get_int("trans_a", 0, 1, 0) == 1, tb = spec.get_int("trans_b", 0, 1, 0) == 1;
  if (!chip.cube.fp16.enabled)
    throw UserError("chip '" + chip.name + "' has no fp16 cube (cube.fp16.enabled is false)");
  isa::DataType out_t = out_name == "fp32" ? isa::DataType::kF32 : isa::DataType::kF16;
  int64_t eo = isa::element_size(out_t);
  bool via_ub = !chip.paths.l0c_to_gm.enabled;
  if (via_ub && (!chip.paths.l0c_to_ub.enabled || !chip.paths.ub_to_gm.enabled))
    throw UserError("chip '" + chip.name + "' has neither an L0C -> GM nor an L0C -> UB -> GM path");
  MatmulTiling t = choose_matmul_tiling(M, N, K, eo, via_ub, chip);
  if (t.estimated_cycles < 0)
    throw UserError("matmul does not fit the buffers of chip '" + chip.name + "'");
  const int64_t Mt = t.mt, Nt = t.nt, Kt = t.kt;
  const int64_t MT = ceil_div(M, Mt), NT = ceil_div(N, Nt), KT = ceil_div(K, Kt);
  const int64_t mtail = M - (MT - 1) * Mt, ntail = N - (NT - 1) * Nt, ktail = K - (KT - 1) * Kt;
  const int64_t K1f = Kt / 16, K1t = ceil_div(ktail, 16), N1f = Nt / 16, N1t = ceil_div(ntail, 16);
  const int64_t M1f = Mt / 16;
  std::string out_sfx = out_t == isa::DataType::kF32 ? "f32" : "f16";

  OpKernel r;
  Kernel& k = r.kernel;
  k.name = "matmul";
  k.cores = CoreSelect::kAic;
  k.args = {{"a", isa::ArgKind::kGmPointer, static_cast<uint64_t>(M * K * 2)},
            {"b", isa::ArgKind::kGmPointer, static_cast<uint64_t>(K * N * 2)},
            {"c", isa::ArgKind::kGmPointer, static_cast<uint64_t>(M * N * eo)}};
  k.tiles = {{"a_l1", isa::Buffer::kL1, static_cast<uint64_t>(Mt * Kt * 2), true, {}, {}},
             {"b_l1", isa::Buffer::kL1, static_cast<uint64_t>(Kt * Nt * 2), true, {}, {}},
             {"a_l0", isa::Buffer::kL0a, static_cast<uint64_t>(Mt * Kt * 2), true, {}, {}},
             {"b_l0", isa::Buffer::kL0b, static_cast<uint64_t>(Kt * Nt * 2), true, {}, {}},
             {"c_l0c", isa::Buffer::kL0c, static_cast<uint64_t>(Mt * Nt * 4), false, {}, {}}};
  if (via_ub)
    k.tiles.push_back({"c_ub", isa::Buffer::kUb, static_cast<uint64_t>(Mt * Nt * eo), false, {}, {}});

  Value mv = tail_select("tm", MT - 1, mtail, Mt), nv = tail_select("tn", NT - 1, ntail, Nt),
        kv = tail_select("kk", KT - 1, ktail, Kt);
  Body kbody;
  // GM -> L1, ND -> NZ.
  Affine a_addr = ta ? var_expr("kk", Kt * M * 2).add("tm", Mt * 2)
                     : var_expr("tm", Mt * K * 2).add("kk", Kt * 2);
  kbody.push_back(op("copy_gm_to_l1_nd2nz.f16", {tile("a_l1"), gm("a", a_addr)},
                     {field("rows", ta ? kv : mv), field("cols", ta ? mv : kv),
                      field("src_row_stride", ta ? M : K), field("dst_c0_stride", ta ? Kt : Mt)}));
  Affine b_addr = tb ? var_expr("tn", Nt * K * 2).add("kk", Kt * 2)
                     : var_expr("kk", Kt * N * 2).add("tn", Nt * 2);
  kbody.push_back(op("copy_gm_to_l1_nd2nz.f16", {tile("b_l1"), gm("b", b_addr)},
                     {field("rows", tb ? nv : kv), field("cols", tb ? kv : nv),
                      field("src_row_stride", tb ? K : N), field("dst_c0_stride", tb ? Nt : Kt)}));
  // L1 -> L0A / L0B: the fractal order follows the K1 / N1 of the mmad, so the last K step and
  // the last N tile get their own variant when they have fewer fractals.
  struct Variant {
    std::optional<Condition> cond;
    int64_t k1;
  };
  std::vector<Variant> kvars;
  if (KT > 1 && K1t != K1f) {
    kvars.push_back({Condition{var_expr("kk"), Condition::Op::kNe, KT - 1}, K1f});
    kvars.push_back({Condition{var_expr("kk"), Condition::Op::kEq, KT - 1}, K1t});
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
  for (const Variant& kvar : kvars) {
    Body loads;
    if (!ta) {
      for (int64_t k1 = 0; k1 < kvar.k1; ++k1)
        loads.push_back(op("load2d_l1_to_l0a.f16", {tile("a_l0", k1 * 512), tile("a_l1", k1 * M1f * 512)},
                           {field("repeat", M1f), field("src_stride", 1),
                            field("dst_gap", kvar.k1 - 1)}));
    } else {
      for (int64_t m1 = 0; m1 < M1f; ++m1)
        loads.push_back(op("load2d_l1_to_l0a.f16",
                           {tile("a_l0", m1 * kvar.k1 * 512), tile("a_l1", m1 * K1f * 512)},
                           {field("repeat", kvar.k1), field("src_stride", 1), field("transpose", 1)}));
    }
    add_guarded(kbody, kvar.cond, std::move(loads));
  }
  for (const Variant& kvar : kvars) {
    Body outer;
    for (const Variant& nvar : nvars) {
      Body loads;
      for (int64_t k1 = 0; k1 < kvar.k1; ++k1) {
        if (!tb)
          loads.push_back(op("load2d_l1_to_l0b.f16",
                             {tile("b_l0", k1 * nvar.k1 * 512), tile("b_l1", k1 * 512)},
                             {field("repeat", nvar.k1), field("src_stride", K1f),
                              field("transpose", 1)}));
        else
          loads.push_back(op("load2d_l1_to_l0b.f16",
                             {tile("b_l0", k1 * nvar.k1 * 512), tile("b_l1", k1 * N1f * 512)},
                             {field("repeat", nvar.k1), field("src_stride", 1)}));
      }
      add_guarded(outer, nvar.cond, std::move(loads));
    }
    add_guarded(kbody, kvar.cond, std::move(outer));
  }
  Value init{1, std::nullopt, 0};  // zero on the first K step, accumulate after
  if (KT > 1) init = Value{1, Condition{var_expr("kk"), Condition::Op::kEq, 0}, 0};
  kbody.push_back(op("mmad.f32.f16", {tile("c_l0c"), tile("a_l0"), tile("b_l0")},
                     {field("m", mv), field("k", kv), field("n", nv), field("init", init)}));

  Body tbody;
  tbody.push_back(make_let("tm", "t", false, NT));
  tbody.push_back(make_let("tn", "t", true, NT));
  tbody.push_back(make_loop("kk", KT, false, std::move(kbody)));
  Affine c_addr = var_expr("tm", Mt * N * eo).add("tn", Nt * eo);
  Value m1v = tail_select("tm", MT - 1, ceil_div(mtail, 16), M1f);
  if (!via_ub) {
    tbody.push_back(op("fix_l0c_to_gm." + out_sfx + ".f32",
                       {gm("c", c_addr), tile("c_l0c"), Operand{}},
                       {field("n", nv), field("m", mv), field("src_stride", m1v),
                        field("dst_stride", N), field("layout", 1)}));
  } else {
    tbody.push_back(op("fix_l0c_to_ub." + out_sfx + ".f32", {tile("c_ub"), tile("c_l0c"), Operand{}},
                       {field("n", nv), field("m", mv), field("src_stride", m1v),
                        field("dst_stride", Nt), field("layout", 1)}));
    auto row32 = [&](int64_t n) { return ceil_div(n * eo, 32) * 32; };
    tbody.push_back(op("copy_ub_to_gm_pad", {gm("c", c_addr), tile("c_ub")},
                       {field("nburst", mv), field("burst_bytes", tail_select("tn", NT - 1, ntail * eo, Nt * eo)),
                        field("gm_gap", tail_select("tn", NT - 1, (N - ntail) * eo, (N - Nt) * eo)),
                        field("local_gap", tail_select("tn", NT - 1, (Nt * eo - row32(ntail)) / 32,
                                               (Nt * eo - row32(Nt)) / 32))}));
  }
  k.body.push_back(make_loop("t", MT * NT, true, std::move(tbody)));

  r.tensors = {{"a", isa::DataType::kF16, static_cast<uint64_t>(M * K), false},
               {"b", isa::DataType::kF16, static_cast<uint64_t>(K * N), false},
               {"c", out_t, static_cast<uint64_t>(M * N), true}};
  r.block_dim = static_cast<uint32_t>(std::min<int64_t>(MT * NT, static_cast<int64_t>(chip.chip.cores)));
  r.flops = 2.0 * static_cast<double>(M) * static_cast<double>(N) * static_cast<double>(K);
  r.summary = "matmul " + std::to_string(M) + "x" + std::to_string(N) + "x" + std::to_string(K) +
              " fp16 -> " + out_name + (ta ? " trans_a" : "") + (tb ? " trans_b" : "") +
              ", tiles " + std::to_string(Mt) + "x" + std::to_string(Nt) + "x" +
              std::to_string(Kt) + ", " + std::to_string(MT * NT) + " output tiles";
  // fp32 accumulation of fp16 products: error grows like sqrt(K) ulp of fp32, plus one fp16
  // rounding of the output.
  r.rtol = out_t == isa::DataType::kF16 ? 2e-3 : 1e-5;
  r.atol = (out_t == isa::DataType::kF16 ? 1e-3 : 1e-5) * std::sqrt(static_cast<double>(K));
  return r;
}

Tensors reference_matmul(const OpSpec& spec, const Tensors& in) {
  const int64_t M = spec.get_int("m", 1, 65535), N = spec.get_int("n", 1, 65535),
                K = spec.get_int("k", 1, 65535);
  bool ta = spec.get_int("trans_a", 0, 1, 0) == 1, tb = spec.get_int("trans_b", 0, 1, 0) == 1;
  std::vector<double> c(static_cast<size_t>(M * N), 0.0);
  for (int64_t i = 0; i < M; ++i)
    for (int64_t j = 0; j < N; ++j) {
      double acc = 0;
      for (int64_t p = 0; p < K; ++p) {
        double a = in[0][static_cast<size_t>(ta ? p * M + i : i * K + p)];
        double b = in[1][static_cast<size_t>(tb ? j * K + p : p * N + j)];
        acc += a * b;
      }
      c[static_cast<size_t>(i * N + j)] = acc;
    }
  return {c};
}

}  // namespace

const OpDef& matmul_op() {
  static const OpDef def{"matmul",
                         {"m", "n", "k", "dtype", "out_dtype", "trans_a", "trans_b"},
                         "matmul m=1024 n=1024 k=1024 dtype=fp16",
                         build_matmul,
                         reference_matmul};
  return def;
}

}  // namespace npu::compiler
