// The vector unit on UB with the DaVinci repeat model (docs/isa.md 5.7): a repeat covers 256
// bytes as 8 blocks of 32 bytes; element e of repeat r of operand X sits at
//   X + (r * X_rep_stride + floor(p / 32) * X_blk_stride) * 32 + p % 32,   p = e * sizeof(element),
// and the 128-bit mask (normal mode: bit e enables element e of every repeat; counter mode:
// the low word is the total element count and the repeat field is ignored) selects the
// elements that are computed. Every element's arithmetic is numerics/elementwise.h's or
// numerics/convert.h's. Each repeat reads all its active source elements before it writes
// any, and repeats run in order, which defines in-place operation.
#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <span>

#include "numerics/convert.h"
#include "numerics/elementwise.h"
#include "sim/exec/exec_common.h"

namespace npu::sim::exec {
namespace {

using isa::Buffer;
using isa::DataType;
using isa::Opcode;
using numerics::Bf16;
using numerics::Fp16;

// Counter mode runs at most this many repeats (the element count is checked against it).
constexpr uint64_t kMaxCounterRepeats = 65535;
// Elements per repeat at most (16-bit elements; 8-bit elements only occur in vconv, whose
// other operand is 16-bit).
constexpr uint64_t kMaxEpr = 128;

// A strided operand: element e of repeat r at base + (r * rep + (p / 32) * blk) * 32 + p % 32
// with p = e * es (docs/isa.md 5.7, "Addressing").
struct Stream {
  uint64_t base = 0, blk = 0, rep = 0, es = 2;
  uint64_t addr(uint64_t r, uint64_t e) const {
    const uint64_t p = e * es;
    return base + (r * rep + (p / 32) * blk) * 32 + p % 32;
  }
};

// How an operand is laid out.
enum class Shape {
  kStrided,     // the repeat model
  kBits,        // one bit per element, repeat r at base + r * epr / 8 (vcmp dst, vsel sel)
  kPerRepeat,   // one element per repeat at base + r * rep * es (vcadd / vcmax / vcmin dst)
  kPerBlock,    // one element per block at base + (r * rep * 8 + b) * es (vcg* dst)
  kBroadcast,   // vbrcb src: element 8 r + b, contiguous
  kOffsets,     // one uint32 per element, contiguous (vgather offsets)
  kGatherBase,  // vgather src: anything from base to the end of UB
  kFixed512,    // vtranspose: 512 bytes
};

struct Region {
  std::string_view name;
  Shape shape = Shape::kStrided;
  Stream stream;
  bool write = false;
  uint64_t extent = 0;
};

struct VecPlan {
  Opcode opcode = Opcode::kVadd;
  DataType dtype = DataType::kF16;
  DataType src_dtype = DataType::kF16;
  uint64_t epr = 128;  // elements per repeat
  uint64_t repeats = 0;
  uint64_t active_total = 0;
  bool counter = false;
  uint64_t count = 0;                 // counter mode: total elements
  uint64_t mask_lo = 0, mask_hi = 0;  // normal mode, cut to epr bits
  bool full_mask = false;             // normal mode: all epr bits set
  uint64_t scalar = 0;
  // Operands: [0] dst, then the sources in field order.
  std::array<Region, 4> regions{};
  size_t region_count = 0;

  bool active(uint64_t r, uint64_t i) const {
    if (counter) {
      return r * epr + i < count;
    }
    return i < 64 ? ((mask_lo >> i) & 1u) != 0 : ((mask_hi >> (i - 64)) & 1u) != 0;
  }
  // Every element of repeat r is active (the common case: a full mask).
  bool all_active(uint64_t r) const { return counter ? (r + 1) * epr <= count : full_mask; }
  const Stream& s(size_t k) const { return regions[k].stream; }
};

enum class Form { kBinary, kScalar, kUnary, kSelect, kDup, kTranspose, kGather };

Form form_of(Opcode op) {
  switch (op) {
    case Opcode::kVadd:
    case Opcode::kVsub:
    case Opcode::kVmul:
    case Opcode::kVdiv:
    case Opcode::kVmax:
    case Opcode::kVmin:
    case Opcode::kVand:
    case Opcode::kVor:
    case Opcode::kVmla:
    case Opcode::kVcmp:
      return Form::kBinary;
    case Opcode::kVadds:
    case Opcode::kVmuls:
    case Opcode::kVmaxs:
    case Opcode::kVmins:
    case Opcode::kVshl:
    case Opcode::kVshr:
    case Opcode::kVlrelu:
    case Opcode::kVaxpy:
    case Opcode::kVcmps:
      return Form::kScalar;
    case Opcode::kVsel:
      return Form::kSelect;
    case Opcode::kVdup:
      return Form::kDup;
    case Opcode::kVtranspose:
      return Form::kTranspose;
    case Opcode::kVgather:
      return Form::kGather;
    default:
      return Form::kUnary;
  }
}

uint64_t extent_of(const Region& g, const VecPlan& p, uint64_t ub_size) {
  const uint64_t es = g.stream.es;
  const uint64_t last = p.repeats - 1;
  switch (g.shape) {
    case Shape::kStrided: {
      const uint64_t blocks = p.epr * es / 32;  // 4 or 8: every block is full
      return (last * g.stream.rep + (blocks - 1) * g.stream.blk) * 32 + 32;
    }
    case Shape::kBits:
      return p.repeats * p.epr / 8;
    case Shape::kPerRepeat:
      return (last * g.stream.rep + 1) * es;
    case Shape::kPerBlock:
      return (last * g.stream.rep * 8 + 8) * es;
    case Shape::kBroadcast:
      return p.repeats * 8 * es;
    case Shape::kOffsets:
      return p.repeats * p.epr * 4;
    case Shape::kGatherBase:
      return g.stream.base < ub_size ? ub_size - g.stream.base : 0;
    case Shape::kFixed512:
      return 512;
  }
  return 0;
}

VecPlan plan(const Operands& op, const PipeState& state, const LocalBuffers& buffers) {
  const isa::Instruction& inst = *op.inst;
  check_dtypes(inst);
  VecPlan p;
  p.opcode = inst.opcode;
  p.dtype = inst.dtype;
  p.src_dtype = inst.src_dtype;
  const uint64_t es = isa::element_size(inst.dtype);
  const uint64_t src_es = isa::element_size(inst.src_dtype);
  p.epr = 256 / std::max(es, src_es);
  const Form form = form_of(inst.opcode);
  const Opcode o = inst.opcode;

  isa::VectorParams vp;
  if (form == Form::kTranspose) {
    p.repeats = 1;
    p.active_total = 256;
  } else {
    const size_t params_reg = form == Form::kSelect                        ? 4
                              : form == Form::kUnary || form == Form::kDup ? 2
                                                                           : 3;
    check_packed_word(isa::kVectorLayout, "params", op.rs[params_reg]);
    vp = isa::unpack_vector_params(op.rs[params_reg]);
    p.counter = state.mask_mode == isa::MaskMode::kCounter && o != Opcode::kVbrcb;
    if (p.counter) {
      p.count = state.mask_lo;
      p.repeats = p.count / p.epr + (p.count % p.epr != 0 ? 1 : 0);
      if (p.repeats > kMaxCounterRepeats) {
        fault(fmt::format("counter-mode mask: {} elements need {} repeats of {}; at most {}",
                          p.count, p.repeats, p.epr, kMaxCounterRepeats));
      }
      p.active_total = p.count;
    } else {
      p.repeats = vp.repeat;
      // vbrcb ignores the mask: every element of every repeat is written.
      const uint64_t lo = o == Opcode::kVbrcb ? ~0ull : state.mask_lo;
      const uint64_t hi = o == Opcode::kVbrcb ? ~0ull : state.mask_hi;
      p.mask_lo = p.epr < 64 ? lo & ((1ull << p.epr) - 1) : lo;
      p.mask_hi = p.epr > 64 ? hi : 0;
      p.full_mask = std::popcount(p.mask_lo) + std::popcount(p.mask_hi) == static_cast<int>(p.epr);
      p.active_total =
          static_cast<uint64_t>(std::popcount(p.mask_lo) + std::popcount(p.mask_hi)) * p.repeats;
    }
  }

  auto add = [&](std::string_view name, Shape shape, uint64_t base, uint64_t blk, uint64_t rep,
                 uint64_t elem, bool write) {
    p.regions[p.region_count++] = Region{name, shape, Stream{base, blk, rep, elem}, write, 0};
  };
  const bool reduce = o == Opcode::kVcadd || o == Opcode::kVcmax || o == Opcode::kVcmin;
  const bool block_reduce = o == Opcode::kVcgadd || o == Opcode::kVcgmax || o == Opcode::kVcgmin;
  const Shape dst_shape = o == Opcode::kVcmp || o == Opcode::kVcmps ? Shape::kBits
                          : reduce                                  ? Shape::kPerRepeat
                          : block_reduce                            ? Shape::kPerBlock
                          : form == Form::kTranspose                ? Shape::kFixed512
                                                                    : Shape::kStrided;
  add("dst", dst_shape, op.rs[0], vp.dst_blk_stride, vp.dst_rep_stride, es, true);
  switch (form) {
    case Form::kBinary:
      add("src0", Shape::kStrided, op.rs[1], vp.src0_blk_stride, vp.src0_rep_stride, es, false);
      add("src1", Shape::kStrided, op.rs[2], vp.src1_blk_stride, vp.src1_rep_stride, es, false);
      break;
    case Form::kScalar:
      add("src", Shape::kStrided, op.rs[1], vp.src0_blk_stride, vp.src0_rep_stride, es, false);
      p.scalar = op.rs[2];
      break;
    case Form::kUnary:
      add("src", o == Opcode::kVbrcb ? Shape::kBroadcast : Shape::kStrided, op.rs[1],
          vp.src0_blk_stride, vp.src0_rep_stride, src_es, false);
      break;
    case Form::kSelect:
      add("src0", Shape::kStrided, op.rs[1], vp.src0_blk_stride, vp.src0_rep_stride, es, false);
      add("src1", Shape::kStrided, op.rs[2], vp.src1_blk_stride, vp.src1_rep_stride, es, false);
      add("sel", Shape::kBits, op.rs[3], 0, 0, 1, false);
      break;
    case Form::kDup:
      p.scalar = op.rs[1];
      break;
    case Form::kTranspose:
      add("src", Shape::kFixed512, op.rs[1], 0, 0, es, false);
      break;
    case Form::kGather:
      add("src", Shape::kGatherBase, op.rs[1], 0, 0, es, false);
      add("offsets", Shape::kOffsets, op.rs[2], 0, 0, 4, false);
      break;
  }
  if (p.repeats == 0) {
    return p;  // repeat 0, or counter mode with no element: a no-op
  }
  const uint64_t ub_size = buffers.size(Buffer::kUb);
  for (size_t k = 0; k < p.region_count; ++k) {
    Region& g = p.regions[k];
    g.extent = extent_of(g, p, ub_size);
    check_local(buffers, Buffer::kUb, g.name, g.stream.base, g.extent);
  }
  return p;
}

// Calls f(e) for every active element e of repeat r, in order.
template <typename F>
inline void for_each_active(const VecPlan& p, uint64_t r, F f) {
  for (uint64_t e = 0; e < p.epr; ++e) {
    if (p.active(r, e)) {
      f(e);
    }
  }
}

template <typename T>
T scalar_as(uint64_t raw) {
  T value;
  std::memcpy(&value, &raw, sizeof(T));  // little-endian host: the low bytes
  return value;
}

// ---- integer arithmetic of the s16 / s32 forms: two's complement, wrapping ----------------

template <typename T>
T wrap(uint32_t v) {
  return static_cast<T>(v);
}
template <typename T>
uint32_t u(T v) {
  return static_cast<uint32_t>(static_cast<int32_t>(v));
}

template <typename T>
T shift_left(T x, uint64_t amount) {
  return amount >= sizeof(T) * 8 ? T{0} : wrap<T>(u(x) << amount);
}
template <typename T>
T shift_right(T x, uint64_t amount) {
  return amount >= sizeof(T) * 8 ? static_cast<T>(x < 0 ? -1 : 0) : static_cast<T>(x >> amount);
}

template <typename T>
constexpr bool kIsFloat = std::is_same_v<T, Fp16> || std::is_same_v<T, float>;

// Elements per repeat of an instruction with D destination and S source elements: 256 bytes of
// the wider type (the rule plan() applies to the instruction's data types).
template <typename D, typename S = D>
constexpr uint64_t kEprOf = 256 / std::max(sizeof(D), sizeof(S));

// Copies the kEpr elements of repeat r of the strided operand `s` into `out`, one 32-byte block
// at a time: a repeat's elements as one contiguous array, whatever the strides. The blocks are
// inside the operand's extent, which describe() checked, whether their elements are active or
// not.
template <typename T, uint64_t kEpr>
inline void gather_repeat(const uint8_t* ub, const Stream& s, uint64_t r, T* out) {
  constexpr uint64_t kPerBlock = 32 / sizeof(T);
  constexpr uint64_t kBlocks = kEpr / kPerBlock;
  const uint8_t* first = ub + s.base + r * s.rep * 32;
  for (uint64_t b = 0; b < kBlocks; ++b) {
    std::memcpy(out + b * kPerBlock, first + b * s.blk * 32, 32);
  }
}

// Writes the active elements of `values` to repeat r of `s`, in element order: whole blocks
// when every element of the repeat is active.
template <typename T, uint64_t kEpr>
inline void scatter_repeat(const VecPlan& p, uint8_t* ub, const Stream& s, uint64_t r,
                           const T* values) {
  if (p.all_active(r)) {
    constexpr uint64_t kPerBlock = 32 / sizeof(T);
    constexpr uint64_t kBlocks = kEpr / kPerBlock;
    uint8_t* first = ub + s.base + r * s.rep * 32;
    for (uint64_t b = 0; b < kBlocks; ++b) {
      std::memcpy(first + b * s.blk * 32, values + b * kPerBlock, 32);
    }
    return;
  }
  for_each_active(p, r, [&](uint64_t e) { store<T>(ub + s.addr(r, e), values[e]); });
}

// dst = f(src0, src1, old dst) over the strided operands. Each repeat reads all its source
// elements (and the old dst, which vmla adds) before it writes any; f runs on every element of
// the repeat (a pure function: computing an inactive one is harmless) and only the active ones
// are written.
template <typename T, typename F>
void run_binary(const VecPlan& p, uint8_t* ub, F f) {
  constexpr uint64_t kEpr = kEprOf<T>;
  NPU_CHECK(p.epr == kEpr, "vector plan and element type disagree on elements per repeat");
  const Stream d = p.s(0);
  const Stream a = p.s(1);
  const Stream b = p.s(2);
  T x[kEpr];
  T y[kEpr];
  T out[kEpr];
  for (uint64_t r = 0; r < p.repeats; ++r) {
    gather_repeat<T, kEpr>(ub, a, r, x);
    gather_repeat<T, kEpr>(ub, b, r, y);
    gather_repeat<T, kEpr>(ub, d, r, out);
    for (uint64_t e = 0; e < kEpr; ++e) {
      out[e] = f(x[e], y[e], out[e]);
    }
    scatter_repeat<T, kEpr>(p, ub, d, r, out);
  }
}

// dst = f(src, old dst), likewise.
template <typename D, typename S, typename F>
void run_unary(const VecPlan& p, uint8_t* ub, F f) {
  constexpr uint64_t kEpr = kEprOf<D, S>;
  NPU_CHECK(p.epr == kEpr, "vector plan and element types disagree on elements per repeat");
  const Stream d = p.s(0);
  const Stream a = p.s(1);
  S x[kEpr];
  D out[kEpr];
  for (uint64_t r = 0; r < p.repeats; ++r) {
    gather_repeat<S, kEpr>(ub, a, r, x);
    gather_repeat<D, kEpr>(ub, d, r, out);
    for (uint64_t e = 0; e < kEpr; ++e) {
      out[e] = f(x[e], out[e]);
    }
    scatter_repeat<D, kEpr>(p, ub, d, r, out);
  }
}

template <typename T>
bool compare(isa::CompareMode mode, T x, T y) {
  if constexpr (kIsFloat<T>) {
    return numerics::compare(static_cast<numerics::CompareOp>(mode), x, y);
  } else {
    switch (mode) {
      case isa::CompareMode::kEq:
        return x == y;
      case isa::CompareMode::kNe:
        return x != y;
      case isa::CompareMode::kLt:
        return x < y;
      case isa::CompareMode::kLe:
        return x <= y;
      case isa::CompareMode::kGt:
        return x > y;
      case isa::CompareMode::kGe:
        return x >= y;
    }
    return false;
  }
}

// vcmp / vcmps: every repeat writes its epr / 8 bytes of bits; inactive elements give 0.
template <typename T>
void run_compare(const VecPlan& p, uint8_t* ub, isa::CompareMode mode, bool with_scalar) {
  const Stream d = p.s(0);
  const Stream a = p.s(1);
  const Stream b2 = with_scalar ? Stream{} : p.s(2);
  const T s = scalar_as<T>(p.scalar);
  const uint64_t row = p.epr / 8;
  for (uint64_t r = 0; r < p.repeats; ++r) {
    uint8_t bits[kMaxEpr / 8] = {};
    for_each_active(p, r, [&](uint64_t e) {
      const T x = load<T>(ub + a.addr(r, e));
      const T y = with_scalar ? s : load<T>(ub + b2.addr(r, e));
      if (compare(mode, x, y)) {
        bits[e / 8] = static_cast<uint8_t>(bits[e / 8] | (1u << (e % 8)));
      }
    });
    std::memcpy(ub + d.base + r * row, bits, row);
  }
}

// vsel, on raw bits of the element size.
template <typename T>
void run_select(const VecPlan& p, uint8_t* ub) {
  const Stream d = p.s(0);
  const Stream a = p.s(1);
  const Stream b2 = p.s(2);
  const uint64_t sel = p.s(3).base;
  const uint64_t row = p.epr / 8;
  T chosen[kMaxEpr];
  for (uint64_t r = 0; r < p.repeats; ++r) {
    for_each_active(p, r, [&](uint64_t e) {
      const bool bit = ((ub[sel + r * row + e / 8] >> (e % 8)) & 1u) != 0;
      chosen[e] = load<T>(ub + (bit ? a.addr(r, e) : b2.addr(r, e)));
    });
    for_each_active(p, r, [&](uint64_t e) { store<T>(ub + d.addr(r, e), chosen[e]); });
  }
}

// vcadd / vcmax / vcmin (per repeat) and vcg* (per block): the active elements of each group
// in order, reduced by numerics; a group with no active element writes nothing. Results go to
// dst + r * rep * es (per repeat) or dst + (r * rep * 8 + b) * es (per block), with dst's
// repeat stride counting results.
template <typename T>
void run_reduce(const VecPlan& p, uint8_t* ub, bool per_block) {
  const Stream d = p.s(0);
  const Stream a = p.s(1);
  const Opcode o = p.opcode;
  const int kind = o == Opcode::kVcadd || o == Opcode::kVcgadd   ? 0
                   : o == Opcode::kVcmax || o == Opcode::kVcgmax ? 1
                                                                 : 2;
  auto reduce = [kind](const T* x, uint64_t n) {
    const std::span<const T> group(x, n);
    return kind == 0   ? numerics::reduce_add(group)
           : kind == 1 ? numerics::reduce_max(group)
                       : numerics::reduce_min(group);
  };
  const uint64_t per = 32 / sizeof(T);  // elements per block
  T values[kMaxEpr];
  for (uint64_t r = 0; r < p.repeats; ++r) {
    // Read the whole repeat first, then write its results.
    if (per_block) {
      T results[8];
      bool present[8] = {};
      for (uint64_t b = 0; b < 8; ++b) {
        uint64_t n = 0;
        for (uint64_t e = b * per; e < (b + 1) * per; ++e) {
          if (p.active(r, e)) {
            values[n++] = load<T>(ub + a.addr(r, e));
          }
        }
        if (n > 0) {
          results[b] = reduce(values, n);
          present[b] = true;
        }
      }
      for (uint64_t b = 0; b < 8; ++b) {
        if (present[b]) {
          store<T>(ub + d.base + (r * d.rep * 8 + b) * sizeof(T), results[b]);
        }
      }
    } else {
      uint64_t n = 0;
      for_each_active(p, r, [&](uint64_t e) { values[n++] = load<T>(ub + a.addr(r, e)); });
      if (n > 0) {
        store<T>(ub + d.base + r * d.rep * sizeof(T), reduce(values, n));
      }
    }
  }
}

template <typename T>
void run_float_op(const VecPlan& p, uint8_t* ub) {
  namespace nm = numerics;
  const T s = scalar_as<T>(p.scalar);
  switch (p.opcode) {
    case Opcode::kVadd:
      run_binary<T>(p, ub, [](T x, T y, T) { return nm::add(x, y); });
      return;
    case Opcode::kVsub:
      run_binary<T>(p, ub, [](T x, T y, T) { return nm::sub(x, y); });
      return;
    case Opcode::kVmul:
      run_binary<T>(p, ub, [](T x, T y, T) { return nm::mul(x, y); });
      return;
    case Opcode::kVdiv:
      run_binary<T>(p, ub, [](T x, T y, T) { return nm::div(x, y); });
      return;
    case Opcode::kVmax:
      run_binary<T>(p, ub, [](T x, T y, T) { return nm::max(x, y); });
      return;
    case Opcode::kVmin:
      run_binary<T>(p, ub, [](T x, T y, T) { return nm::min(x, y); });
      return;
    case Opcode::kVmla:
      run_binary<T>(p, ub, [](T x, T y, T d) { return nm::mul_add(x, y, d); });
      return;
    case Opcode::kVadds:
      run_unary<T, T>(p, ub, [s](T x, T) { return nm::add(x, s); });
      return;
    case Opcode::kVmuls:
      run_unary<T, T>(p, ub, [s](T x, T) { return nm::mul(x, s); });
      return;
    case Opcode::kVmaxs:
      run_unary<T, T>(p, ub, [s](T x, T) { return nm::max(x, s); });
      return;
    case Opcode::kVmins:
      run_unary<T, T>(p, ub, [s](T x, T) { return nm::min(x, s); });
      return;
    case Opcode::kVlrelu:
      run_unary<T, T>(p, ub, [s](T x, T) { return nm::leaky_relu(x, s); });
      return;
    case Opcode::kVaxpy:
      run_unary<T, T>(p, ub, [s](T x, T d) { return nm::mul_add(x, s, d); });
      return;
    case Opcode::kVabs:
      run_unary<T, T>(p, ub, [](T x, T) { return nm::abs(x); });
      return;
    case Opcode::kVexp:
      run_unary<T, T>(p, ub, [](T x, T) { return nm::exp(x); });
      return;
    case Opcode::kVln:
      run_unary<T, T>(p, ub, [](T x, T) { return nm::ln(x); });
      return;
    case Opcode::kVrec:
      run_unary<T, T>(p, ub, [](T x, T) { return nm::rec(x); });
      return;
    case Opcode::kVsqrt:
      run_unary<T, T>(p, ub, [](T x, T) { return nm::sqrt(x); });
      return;
    case Opcode::kVrsqrt:
      run_unary<T, T>(p, ub, [](T x, T) { return nm::rsqrt(x); });
      return;
    case Opcode::kVrelu:
      run_unary<T, T>(p, ub, [](T x, T) { return nm::relu(x); });
      return;
    case Opcode::kVcadd:
    case Opcode::kVcmax:
    case Opcode::kVcmin:
      run_reduce<T>(p, ub, false);
      return;
    case Opcode::kVcgadd:
    case Opcode::kVcgmax:
    case Opcode::kVcgmin:
      run_reduce<T>(p, ub, true);
      return;
    default:
      break;
  }
  NPU_UNREACHABLE("float vector op describe() rejects");
}

template <typename T>
void run_int_op(const VecPlan& p, uint8_t* ub) {
  const T s = scalar_as<T>(p.scalar);
  const uint64_t amount = static_cast<uint64_t>(u(s));
  switch (p.opcode) {
    case Opcode::kVadd:
      run_binary<T>(p, ub, [](T x, T y, T) { return wrap<T>(u(x) + u(y)); });
      return;
    case Opcode::kVsub:
      run_binary<T>(p, ub, [](T x, T y, T) { return wrap<T>(u(x) - u(y)); });
      return;
    case Opcode::kVmul:
      run_binary<T>(p, ub, [](T x, T y, T) { return wrap<T>(u(x) * u(y)); });
      return;
    case Opcode::kVmax:
      run_binary<T>(p, ub, [](T x, T y, T) { return std::max(x, y); });
      return;
    case Opcode::kVmin:
      run_binary<T>(p, ub, [](T x, T y, T) { return std::min(x, y); });
      return;
    case Opcode::kVand:
      run_binary<T>(p, ub, [](T x, T y, T) { return wrap<T>(u(x) & u(y)); });
      return;
    case Opcode::kVor:
      run_binary<T>(p, ub, [](T x, T y, T) { return wrap<T>(u(x) | u(y)); });
      return;
    case Opcode::kVadds:
      run_unary<T, T>(p, ub, [s](T x, T) { return wrap<T>(u(x) + u(s)); });
      return;
    case Opcode::kVmuls:
      run_unary<T, T>(p, ub, [s](T x, T) { return wrap<T>(u(x) * u(s)); });
      return;
    case Opcode::kVmaxs:
      run_unary<T, T>(p, ub, [s](T x, T) { return std::max(x, s); });
      return;
    case Opcode::kVmins:
      run_unary<T, T>(p, ub, [s](T x, T) { return std::min(x, s); });
      return;
    case Opcode::kVshl:
      run_unary<T, T>(p, ub, [amount](T x, T) { return shift_left(x, amount); });
      return;
    case Opcode::kVshr:
      run_unary<T, T>(p, ub, [amount](T x, T) { return shift_right(x, amount); });
      return;
    case Opcode::kVabs:
      run_unary<T, T>(p, ub, [](T x, T) { return x < 0 ? wrap<T>(0u - u(x)) : x; });
      return;
    case Opcode::kVrelu:
      run_unary<T, T>(p, ub, [](T x, T) { return std::max(x, T{0}); });
      return;
    case Opcode::kVnot:
      run_unary<T, T>(p, ub, [](T x, T) { return wrap<T>(~u(x)); });
      return;
    default:
      break;
  }
  NPU_UNREACHABLE("integer vector op describe() rejects");
}

template <typename D, typename S, typename F>
void run_conv(const VecPlan& p, uint8_t* ub, F f) {
  run_unary<D, S>(p, ub, [f](S x, D) { return f(x); });
}

void run_vconv(const VecPlan& p, uint8_t* ub, isa::RoundMode round) {
  namespace nm = numerics;
  const auto mode = static_cast<nm::RoundingMode>(round);
  nm::with_rounding_mode(mode, [&](auto m) {
    constexpr nm::RoundingMode M = decltype(m)::value;
    using T = DataType;
    const T d = p.dtype;
    const T s = p.src_dtype;
    if (d == T::kF16 && s == T::kF32) {
      run_conv<Fp16, float>(p, ub, [](float x) { return nm::fp32_to_fp16<M>(x); });
    } else if (d == T::kF32 && s == T::kF16) {
      run_conv<float, Fp16>(p, ub, [](Fp16 x) { return nm::fp16_to_fp32(x); });
    } else if (d == T::kBf16 && s == T::kF32) {
      run_conv<Bf16, float>(p, ub, [](float x) { return nm::fp32_to_bf16<M>(x); });
    } else if (d == T::kF32 && s == T::kBf16) {
      run_conv<float, Bf16>(p, ub, [](Bf16 x) { return nm::bf16_to_fp32(x); });
    } else if (d == T::kS32 && s == T::kF32) {
      run_conv<int32_t, float>(p, ub, [](float x) { return nm::fp32_to_int<int32_t, M>(x); });
    } else if (d == T::kF32 && s == T::kS32) {
      run_conv<float, int32_t>(p, ub, [](int32_t x) { return nm::int32_to_fp32<M>(x); });
    } else if (d == T::kF16 && s == T::kS32) {
      run_conv<Fp16, int32_t>(p, ub, [](int32_t x) { return nm::int32_to_fp16<M>(x); });
    } else if (d == T::kS32 && s == T::kF16) {
      run_conv<int32_t, Fp16>(p, ub, [](Fp16 x) { return nm::fp16_to_int<int32_t, M>(x); });
    } else if (d == T::kF16 && s == T::kS8) {
      run_conv<Fp16, int8_t>(p, ub, [](int8_t x) { return nm::int8_to_fp16(x); });
    } else if (d == T::kS8 && s == T::kF16) {
      run_conv<int8_t, Fp16>(p, ub, [](Fp16 x) { return nm::fp16_to_int<int8_t, M>(x); });
    } else if (d == T::kF16 && s == T::kU8) {
      run_conv<Fp16, uint8_t>(p, ub, [](uint8_t x) { return nm::uint8_to_fp16(x); });
    } else if (d == T::kU8 && s == T::kF16) {
      run_conv<uint8_t, Fp16>(p, ub, [](Fp16 x) { return nm::fp16_to_int<uint8_t, M>(x); });
    } else {
      NPU_UNREACHABLE("vconv type pair describe() rejects");
    }
  });
}

// Data movement on raw bits of the element size U (uint16_t or uint32_t).
template <typename U>
void run_move(const VecPlan& p, uint8_t* ub) {
  const Stream d = p.s(0);
  switch (p.opcode) {
    case Opcode::kVdup: {
      const U v = scalar_as<U>(p.scalar);
      for (uint64_t r = 0; r < p.repeats; ++r) {
        for_each_active(p, r, [&](uint64_t e) { store<U>(ub + d.addr(r, e), v); });
      }
      return;
    }
    case Opcode::kVcopy:
      run_unary<U, U>(p, ub, [](U x, U) { return x; });
      return;
    case Opcode::kVbrcb: {
      const uint64_t src = p.s(1).base;
      const uint64_t per = 32 / sizeof(U);
      for (uint64_t r = 0; r < p.repeats; ++r) {
        U block_value[8];
        for (uint64_t b = 0; b < 8; ++b) {
          block_value[b] = load<U>(ub + src + (r * 8 + b) * sizeof(U));
        }
        for (uint64_t e = 0; e < p.epr; ++e) {
          store<U>(ub + d.addr(r, e), block_value[e / per]);
        }
      }
      return;
    }
    case Opcode::kVgather: {
      const uint64_t src = p.s(1).base;
      const uint64_t offsets = p.s(2).base;
      const uint64_t ub_size = p.regions[1].extent + src;
      U gathered[kMaxEpr];
      for (uint64_t r = 0; r < p.repeats; ++r) {
        for_each_active(p, r, [&](uint64_t e) {
          const uint64_t slot = r * p.epr + e;
          const uint64_t off = load<uint32_t>(ub + offsets + slot * 4);
          const uint64_t from = src + off;
          if (from % sizeof(U) != 0 || from + sizeof(U) > ub_size) {
            fault(
                fmt::format("vgather: offsets[{}] = {:#x} reads UB address {:#x}, which is "
                            "{} (UB is {} bytes, elements {}-byte aligned)",
                            slot, off, from, from % sizeof(U) != 0 ? "misaligned" : "out of bounds",
                            ub_size, sizeof(U)));
          }
          gathered[e] = load<U>(ub + from);
        });
        for_each_active(p, r, [&](uint64_t e) { store<U>(ub + d.addr(r, e), gathered[e]); });
      }
      return;
    }
    case Opcode::kVtranspose: {
      U in[256];
      std::memcpy(in, ub + p.s(1).base, sizeof(in));
      U out[256];
      for (int r = 0; r < 16; ++r) {
        for (int c = 0; c < 16; ++c) {
          out[c * 16 + r] = in[r * 16 + c];
        }
      }
      std::memcpy(ub + d.base, out, sizeof(out));
      return;
    }
    default:
      break;
  }
  NPU_UNREACHABLE("vector move op describe() rejects");
}

}  // namespace

bool is_vector(Opcode opcode) { return opcode >= Opcode::kVadd && opcode <= Opcode::kVgather; }

void describe_vector(const Context& /*unused*/, const Operands& op, const PipeState& state,
                     const LocalBuffers& buffers, Work& work) {
  const VecPlan p = plan(op, state, buffers);
  work.repeats = p.repeats;
  work.element_ops = p.active_total;
  if (p.repeats == 0) {
    return;
  }
  for (size_t k = 0; k < p.region_count; ++k) {
    const Region& g = p.regions[k];
    add_access(work, Buffer::kUb, g.stream.base, g.extent, g.write);
  }
}

void execute_vector(const Context& /*unused*/, const Operands& op, const PipeState& state,
                    LocalBuffers& buffers) {
  const VecPlan p = plan(op, state, buffers);
  if (p.repeats == 0) {
    return;
  }
  uint8_t* ub = buffers.bytes(Buffer::kUb).data();
  const Opcode o = p.opcode;
  switch (o) {
    case Opcode::kVconv:
      run_vconv(p, ub, op.inst->round_mode());
      return;
    case Opcode::kVcmp:
    case Opcode::kVcmps: {
      const bool with_scalar = o == Opcode::kVcmps;
      const isa::CompareMode mode = op.inst->compare();
      switch (p.dtype) {
        case DataType::kF16:
          run_compare<Fp16>(p, ub, mode, with_scalar);
          return;
        case DataType::kF32:
          run_compare<float>(p, ub, mode, with_scalar);
          return;
        case DataType::kS16:
          run_compare<int16_t>(p, ub, mode, with_scalar);
          return;
        default:
          run_compare<int32_t>(p, ub, mode, with_scalar);
          return;
      }
    }
    case Opcode::kVsel:
      if (isa::element_size(p.dtype) == 2) {
        run_select<uint16_t>(p, ub);
      } else {
        run_select<uint32_t>(p, ub);
      }
      return;
    case Opcode::kVdup:
    case Opcode::kVcopy:
    case Opcode::kVbrcb:
    case Opcode::kVgather:
    case Opcode::kVtranspose:
      if (isa::element_size(p.dtype) == 2) {
        run_move<uint16_t>(p, ub);
      } else {
        run_move<uint32_t>(p, ub);
      }
      return;
    default:
      break;
  }
  switch (p.dtype) {
    case DataType::kF16:
      run_float_op<Fp16>(p, ub);
      return;
    case DataType::kF32:
      run_float_op<float>(p, ub);
      return;
    case DataType::kS16:
      run_int_op<int16_t>(p, ub);
      return;
    case DataType::kS32:
      run_int_op<int32_t>(p, ub);
      return;
    default:
      break;
  }
  NPU_UNREACHABLE("vector data type describe() rejects");
}

}  // namespace npu::sim::exec
