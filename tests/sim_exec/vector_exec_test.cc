// Vector instructions against plain references: the repeat model's addresses written out
// from the definition (repeat stride, block stride, 32-byte blocks), masks in normal and
// counter mode, every family on seeded random bits (so NaN, Inf, subnormals and saturation all
// occur), and the special layouts (compare bits, reductions, broadcast, gather, transpose).
#include <cmath>
#include <functional>

#include "tests/sim_exec/exec_test_util.h"

namespace npu::sim::testing {
namespace {

using numerics::RoundingMode;
using numerics::testing::float16_bits;
using numerics::testing::float16_from_bits;
using numerics::testing::float_bits;
using numerics::testing::float_from_bits;
using numerics::testing::reference_bf16_bits;
using numerics::testing::reference_fp16_bits;
using numerics::testing::reference_fp32_bits;
using numerics::testing::reference_to_int;

constexpr uint64_t kDst = 0, kSrc0 = 16384, kSrc1 = 32768, kAux = 49152;

bool is_nan_bits(uint32_t bits, DataType t) {
  return t == DataType::kF16 ? (bits & 0x7FFF) > 0x7C00 : (bits & 0x7FFFFFFF) > 0x7F800000;
}

// The exact value of an element.
double value(uint32_t bits, DataType t) {
  switch (t) {
    case DataType::kF16:
      return static_cast<double>(float16_from_bits(static_cast<uint16_t>(bits)));
    case DataType::kBf16:
      return static_cast<double>(float_from_bits(bits << 16));
    case DataType::kF32:
      return static_cast<double>(float_from_bits(bits));
    case DataType::kS8:
      return static_cast<int8_t>(bits);
    case DataType::kU8:
      return static_cast<uint8_t>(bits);
    case DataType::kS16:
      return static_cast<int16_t>(bits);
    default:
      return static_cast<int32_t>(bits);
  }
}

// Rounds an exact (or double-computed) value to a float type, nearest even.
uint32_t round_to(double x, DataType t, RoundingMode mode = RoundingMode::kRint) {
  switch (t) {
    case DataType::kF16:
      return reference_fp16_bits(x, mode);
    case DataType::kBf16:
      return reference_bf16_bits(x, mode);
    default:
      return reference_fp32_bits(x, mode);
  }
}

// An fp32 operation's result, rounded to the element type (for f16 the fp32 step is exact
// for add, sub and mul, and innocuous for div and sqrt).
uint32_t from_float(float f, DataType t) { return round_to(static_cast<double>(f), t); }

struct Layout {
  uint32_t repeat = 3;
  uint32_t dst_blk = 2, src0_blk = 1, src1_blk = 3;
  uint32_t dst_rep = 20, src0_rep = 9, src1_rep = 26;
  uint64_t params() const {
    return isa::pack_vector_params(
        {repeat, dst_blk, src0_blk, src1_blk, dst_rep, src0_rep, src1_rep});
  }
};

class VectorTest : public ExecTest {
 protected:
  // Element k of repeat r of an operand: the repeat model's definition (docs/isa.md 5.7),
  // with p = k * es the element's byte position in its repeat.
  static uint64_t at(uint64_t base, uint64_t blk, uint64_t rep, uint64_t es, uint64_t r,
                     uint64_t k) {
    const uint64_t p = k * es;
    return base + (r * rep + (p / 32) * blk) * 32 + p % 32;
  }

  // Whether element i of repeat r is active under the current mask state.
  bool active(uint64_t epr, uint64_t r, uint64_t i) const {
    if (state.mask_mode == isa::MaskMode::kCounter) return r * epr + i < state.mask_lo;
    return i < 64 ? (state.mask_lo >> i) & 1 : (state.mask_hi >> (i - 64)) & 1;
  }
  uint64_t repeats(const Layout& l, uint64_t epr) const {
    if (state.mask_mode == isa::MaskMode::kCounter) return (state.mask_lo + epr - 1) / epr;
    return l.repeat;
  }

  uint32_t read(const std::vector<uint8_t>& mem, uint64_t address, uint64_t es) {
    uint32_t v = 0;
    std::memcpy(&v, &mem[address], es);
    return v;
  }

  // Runs an elementwise instruction (dst, src0[, src1 | scalar]) and compares the whole UB
  // with the reference f(src0 bits, src1 bits, old dst bits) applied to the active elements.
  void check_elementwise(const isa::Instruction& i, bool binary, uint64_t scalar, const Layout& l,
                         const std::function<uint32_t(uint32_t, uint32_t, uint32_t)>& f,
                         uint64_t seed) {
    Random rng(seed);
    fill_random(buf(Buffer::kUb), 65536, rng);
    const std::vector<uint8_t> before(buf(Buffer::kUb), buf(Buffer::kUb) + 65536);
    const uint64_t es = isa::element_size(i.dtype);
    const uint64_t src_es = isa::element_size(i.src_dtype);
    const uint64_t epr = 256 / std::max(es, src_es);
    const uint64_t params = l.params();
    if (binary) {
      run(i, {kDst, kSrc0, kSrc1, params});
    } else if (scalar != ~0ull) {
      run(i, {kDst, kSrc0, scalar, params});
    } else {
      run(i, {kDst, kSrc0, params});
    }
    std::vector<uint8_t> expected = before;
    for (uint64_t r = 0; r < repeats(l, epr); ++r) {
      for (uint64_t k = 0; k < epr; ++k) {
        if (!active(epr, r, k)) continue;
        const uint64_t d = at(kDst, l.dst_blk, l.dst_rep, es, r, k);
        const uint32_t x = read(before, at(kSrc0, l.src0_blk, l.src0_rep, src_es, r, k), src_es);
        const uint32_t y = binary ? read(before, at(kSrc1, l.src1_blk, l.src1_rep, es, r, k), es)
                                  : static_cast<uint32_t>(scalar);
        const uint32_t v = f(x, y, read(before, d, es));
        std::memcpy(&expected[d], &v, es);
      }
    }
    for (uint64_t k = 0; k < 65536; ++k) {
      ASSERT_EQ(expected[k], buf(Buffer::kUb)[k])
          << isa::info(i.opcode).mnemonic << "." << isa::name(i.dtype) << "."
          << isa::name(i.src_dtype) << " byte " << k;
    }
  }
};

// ---- references of the elementwise operations on bits ------------------------------------

uint32_t canonical_nan(DataType t) { return t == DataType::kF16 ? 0x7E00u : 0x7FC00000u; }

uint32_t float_binary(Opcode op, DataType t, uint32_t a, uint32_t b, uint32_t d) {
  const double x = value(a, t), y = value(b, t);
  const bool nan = is_nan_bits(a, t) || is_nan_bits(b, t);
  const bool f32 = t == DataType::kF32;
  const float fx = static_cast<float>(x), fy = static_cast<float>(y);
  switch (op) {
    case Opcode::kVadd:
      return f32 ? from_float(fx + fy, t) : round_to(x + y, t);
    case Opcode::kVsub:
      return f32 ? from_float(fx - fy, t) : round_to(x - y, t);
    case Opcode::kVmul:
      return f32 ? from_float(fx * fy, t) : round_to(x * y, t);
    case Opcode::kVdiv:
      return f32 ? from_float(fx / fy, t) : round_to(x / y, t);
    case Opcode::kVmax:
    case Opcode::kVmin: {
      if (nan) return canonical_nan(t);
      const bool want_max = op == Opcode::kVmax;
      if (x == y) {  // equal values, maybe +0 and -0: max takes +0, min takes -0
        const bool a_negative = std::signbit(x), b_negative = std::signbit(y);
        if (a_negative == b_negative) return a;
        return (want_max ? !a_negative : a_negative) ? a : b;
      }
      return (x > y) == want_max ? a : b;
    }
    case Opcode::kVmla: {
      const float product = fx * fy;
      return from_float(product + static_cast<float>(value(d, t)), t);
    }
    default:
      return 0;
  }
}

template <typename T>
uint32_t int_result(int64_t v) {
  return static_cast<uint32_t>(static_cast<std::make_unsigned_t<T>>(static_cast<uint64_t>(v)));
}

uint32_t int_binary(Opcode op, DataType t, uint32_t a, uint32_t b) {
  const int64_t x = static_cast<int64_t>(value(a, t)), y = static_cast<int64_t>(value(b, t));
  int64_t v = 0;
  switch (op) {
    case Opcode::kVadd:
    case Opcode::kVadds:
      v = x + y;
      break;
    case Opcode::kVsub:
      v = x - y;
      break;
    case Opcode::kVmul:
    case Opcode::kVmuls:
      v = x * y;
      break;
    case Opcode::kVmax:
    case Opcode::kVmaxs:
      v = std::max(x, y);
      break;
    case Opcode::kVmin:
    case Opcode::kVmins:
      v = std::min(x, y);
      break;
    case Opcode::kVand:
      v = x & y;
      break;
    case Opcode::kVor:
      v = x | y;
      break;
    default:
      break;
  }
  return t == DataType::kS16 ? int_result<int16_t>(v) : int_result<int32_t>(v);
}

TEST_F(VectorTest, BinaryFamiliesInNormalModeWithStrides) {
  const Opcode float_ops[] = {Opcode::kVadd, Opcode::kVsub, Opcode::kVmul, Opcode::kVdiv,
                              Opcode::kVmax, Opcode::kVmin, Opcode::kVmla};
  const Opcode int_ops[] = {Opcode::kVadd, Opcode::kVsub, Opcode::kVmul, Opcode::kVmax,
                            Opcode::kVmin, Opcode::kVand, Opcode::kVor};
  state.mask_hi = 0xF0F0'0000'FFFF'0001ull;
  state.mask_lo = 0x8000'0000'1234'5678ull;
  uint64_t seed = 100;
  const Layout l;
  for (DataType t : {DataType::kF16, DataType::kF32}) {
    for (Opcode op : float_ops) {
      check_elementwise(
          inst(op, t), true, ~0ull, l,
          [&](uint32_t a, uint32_t b, uint32_t d) { return float_binary(op, t, a, b, d); }, seed++);
    }
  }
  for (DataType t : {DataType::kS16, DataType::kS32}) {
    for (Opcode op : int_ops) {
      check_elementwise(
          inst(op, t), true, ~0ull, l,
          [&](uint32_t a, uint32_t b, uint32_t) { return int_binary(op, t, a, b); }, seed++);
    }
  }
}

TEST_F(VectorTest, CounterModeRunsCountElementsAndIgnoresTheRepeatField) {
  state.mask_mode = isa::MaskMode::kCounter;
  Layout l;
  l.repeat = 7;  // ignored
  l.dst_rep = 8;
  l.dst_blk = 1;
  for (DataType t : {DataType::kF16, DataType::kF32}) {
    const uint64_t epr = 256 / isa::element_size(t);
    state.mask_lo = 2 * epr + 37;
    const isa::Instruction i = inst(Opcode::kVadd, t);
    Operands op;
    op.inst = &i;
    op.rs = {kDst, kSrc0, kSrc1, l.params(), 0};
    Work w;
    executor.describe(op, state, buffers, gm, w);
    EXPECT_EQ(w.repeats, 3u);
    EXPECT_EQ(w.element_ops, 2 * epr + 37);
    check_elementwise(
        i, true, ~0ull, l,
        [&](uint32_t a, uint32_t b, uint32_t d) { return float_binary(Opcode::kVadd, t, a, b, d); },
        200 + static_cast<uint64_t>(t));
  }
  state.mask_lo = 0;
  const Work none = describe(inst(Opcode::kVadd, DataType::kF16), {kDst, kSrc0, kSrc1, l.params()});
  EXPECT_EQ(none.repeats, 0u);
  EXPECT_EQ(none.access_count, 0);
}

TEST_F(VectorTest, WorkCountsActiveElementsAndOperandIntervals) {
  state.mask_hi = 0;
  state.mask_lo = 0xFF;  // 8 elements
  Layout l;
  const Work w = describe(inst(Opcode::kVmul, DataType::kF16), {kDst, kSrc0, kSrc1, l.params()});
  EXPECT_EQ(w.repeats, 3u);
  EXPECT_EQ(w.element_ops, 24u);
  ASSERT_EQ(w.access_count, 3);
  EXPECT_EQ(w.accesses[0].address, kDst);
  EXPECT_EQ(w.accesses[0].bytes, 2u * 20 * 32 + 7 * 2 * 32 + 32);
  EXPECT_TRUE(w.accesses[0].write);
  EXPECT_EQ(w.accesses[1].bytes, 2u * 9 * 32 + 7 * 1 * 32 + 32);
  EXPECT_EQ(w.accesses[2].bytes, 2u * 26 * 32 + 7 * 3 * 32 + 32);
  EXPECT_FALSE(w.accesses[2].write);
  // fp32: only the low 64 mask bits count.
  state.mask_hi = ~0ull;
  state.mask_lo = 0x3;
  EXPECT_EQ(
      describe(inst(Opcode::kVadd, DataType::kF32), {kDst, kSrc0, kSrc1, l.params()}).element_ops,
      6u);
}

TEST_F(VectorTest, VectorScalarFamilies) {
  state.mask_hi = 0x0123'4567'89AB'CDEFull;
  state.mask_lo = 0xFEDC'BA98'7654'3210ull;
  const Layout l;
  uint64_t seed = 300;
  for (DataType t : {DataType::kF16, DataType::kF32}) {
    const uint32_t s = t == DataType::kF16 ? 0xB555u : 0xC0490FDBu;  // negative scalars
    for (Opcode op : {Opcode::kVadds, Opcode::kVmuls, Opcode::kVmaxs, Opcode::kVmins,
                      Opcode::kVlrelu, Opcode::kVaxpy}) {
      auto f = [&](uint32_t a, uint32_t b, uint32_t d) -> uint32_t {
        const float x = static_cast<float>(value(a, t)), y = static_cast<float>(value(b, t));
        switch (op) {
          case Opcode::kVadds:
            return float_binary(Opcode::kVadd, t, a, b, d);
          case Opcode::kVmuls:
            return float_binary(Opcode::kVmul, t, a, b, d);
          case Opcode::kVmaxs:
            return float_binary(Opcode::kVmax, t, a, b, d);
          case Opcode::kVmins:
            return float_binary(Opcode::kVmin, t, a, b, d);
          case Opcode::kVlrelu:
            return x > 0 ? from_float(x, t) : from_float(x * y, t);
          default: {
            const float product = x * y;
            return from_float(product + static_cast<float>(value(d, t)), t);
          }
        }
      };
      check_elementwise(inst(op, t), false, s | 0xFFFF'0000'0000'0000ull, l, f, seed++);
    }
  }
  for (DataType t : {DataType::kS16, DataType::kS32}) {
    const uint32_t bits = t == DataType::kS16 ? 16 : 32;
    for (uint64_t s : {uint64_t{3}, uint64_t{0xFFF9}, uint64_t{bits}, uint64_t{bits + 5}}) {
      for (Opcode op : {Opcode::kVadds, Opcode::kVmuls, Opcode::kVmaxs, Opcode::kVmins,
                        Opcode::kVshl, Opcode::kVshr}) {
        auto f = [&](uint32_t a, uint32_t b, uint32_t) -> uint32_t {
          const int64_t x = static_cast<int64_t>(value(a, t));
          const uint64_t amount = b & (bits == 16 ? 0xFFFFu : 0xFFFFFFFFu);
          if (op == Opcode::kVshl) {
            const int64_t v =
                amount >= bits ? 0 : static_cast<int64_t>(static_cast<uint64_t>(x) << amount);
            return bits == 16 ? int_result<int16_t>(v) : int_result<int32_t>(v);
          }
          if (op == Opcode::kVshr) {
            const int64_t v = amount >= bits ? (x < 0 ? -1 : 0) : x >> amount;
            return bits == 16 ? int_result<int16_t>(v) : int_result<int32_t>(v);
          }
          return int_binary(op, t, a, b);
        };
        check_elementwise(inst(op, t), false, s, l, f, seed++);
      }
    }
  }
}

TEST_F(VectorTest, UnaryFamilies) {
  state.mask_hi = ~0ull;
  state.mask_lo = 0x5555'5555'FFFF'0000ull;
  Layout l;
  l.src0_blk = 0;  // every block of a repeat reads the same source block
  uint64_t seed = 400;
  for (DataType t : {DataType::kF16, DataType::kF32}) {
    for (Opcode op : {Opcode::kVabs, Opcode::kVexp, Opcode::kVln, Opcode::kVrec, Opcode::kVsqrt,
                      Opcode::kVrsqrt, Opcode::kVrelu}) {
      auto f = [&](uint32_t a, uint32_t, uint32_t) -> uint32_t {
        const double x = value(a, t);
        if (is_nan_bits(a, t)) return canonical_nan(t);
        switch (op) {
          case Opcode::kVabs:
            return a & (t == DataType::kF16 ? 0x7FFFu : 0x7FFFFFFFu);
          case Opcode::kVexp:
            return round_to(std::exp(x), t);
          case Opcode::kVln:
            return round_to(std::log(x), t);
          case Opcode::kVrec:
            return round_to(1.0 / x, t);
          case Opcode::kVsqrt:
            return round_to(std::sqrt(x), t);
          case Opcode::kVrsqrt:
            return round_to(1.0 / std::sqrt(x), t);
          default:
            return x > 0 ? a : 0u;
        }
      };
      check_elementwise(inst(op, t), false, ~0ull, l, f, seed++);
    }
  }
  for (DataType t : {DataType::kS16, DataType::kS32}) {
    for (Opcode op : {Opcode::kVabs, Opcode::kVrelu, Opcode::kVnot}) {
      auto f = [&](uint32_t a, uint32_t, uint32_t) -> uint32_t {
        const int64_t x = static_cast<int64_t>(value(a, t));
        const int64_t v = op == Opcode::kVabs    ? (x < 0 ? -x : x)
                          : op == Opcode::kVrelu ? std::max<int64_t>(x, 0)
                                                 : ~x;
        return t == DataType::kS16 ? int_result<int16_t>(v) : int_result<int32_t>(v);
      };
      check_elementwise(inst(op, t), false, ~0ull, l, f, seed++);
    }
  }
}

TEST_F(VectorTest, ConversionsInEveryRoundingMode) {
  state.mask_hi = 0xFFFF'FFFF'0000'FFFFull;
  state.mask_lo = 0x0F0F'F0F0'AAAA'5555ull;
  const std::pair<DataType, DataType> pairs[] = {
      {DataType::kF16, DataType::kF32},  {DataType::kF32, DataType::kF16},
      {DataType::kBf16, DataType::kF32}, {DataType::kF32, DataType::kBf16},
      {DataType::kS32, DataType::kF32},  {DataType::kF32, DataType::kS32},
      {DataType::kF16, DataType::kS32},  {DataType::kS32, DataType::kF16},
      {DataType::kF16, DataType::kS8},   {DataType::kS8, DataType::kF16},
      {DataType::kF16, DataType::kU8},   {DataType::kU8, DataType::kF16}};
  Layout l;
  l.dst_blk = 1;
  l.src0_blk = 2;
  uint64_t seed = 500;
  for (auto [d, s] : pairs) {
    for (RoundingMode mode : numerics::kAllRoundingModes) {
      isa::Instruction i = inst(Opcode::kVconv, d, s);
      i.mode = static_cast<uint8_t>(mode);
      auto f = [&](uint32_t a, uint32_t, uint32_t) -> uint32_t {
        const double x = value(a, s);
        if (!isa::is_float(d)) {
          switch (d) {
            case DataType::kS32:
              return static_cast<uint32_t>(reference_to_int<int32_t>(x, mode));
            case DataType::kS8:
              return static_cast<uint8_t>(reference_to_int<int8_t>(x, mode));
            default:
              return reference_to_int<uint8_t>(x, mode);
          }
        }
        if (isa::is_float(s) && is_nan_bits(s == DataType::kBf16 ? a << 16 : a,
                                            s == DataType::kBf16 ? DataType::kF32 : s)) {
          return d == DataType::kF16 ? 0x7E00u : d == DataType::kBf16 ? 0x7FC0u : 0x7FC00000u;
        }
        return round_to(x, d, mode);
      };
      check_elementwise(i, false, ~0ull, l, f, seed++);
    }
  }
}

TEST_F(VectorTest, CompareWritesBitsAndSelectReadsThem) {
  Random rng(600);
  state.mask_hi = 0x00FF'00FF'00FF'00FFull;
  state.mask_lo = ~0ull;
  Layout l;
  for (DataType t : {DataType::kF16, DataType::kF32, DataType::kS16, DataType::kS32}) {
    const uint64_t es = isa::element_size(t);
    const uint64_t epr = 256 / es;
    for (isa::CompareMode mode :
         {isa::CompareMode::kEq, isa::CompareMode::kNe, isa::CompareMode::kLt,
          isa::CompareMode::kLe, isa::CompareMode::kGt, isa::CompareMode::kGe}) {
      fill_random(buf(Buffer::kUb), 65536, rng);
      // Some equal pairs, so eq / le / ge are exercised.
      std::memcpy(buf(Buffer::kUb) + kSrc1, buf(Buffer::kUb) + kSrc0, 64);
      isa::Instruction i = inst(Opcode::kVcmp, t);
      i.mode = static_cast<uint8_t>(mode);
      run(i, {kAux, kSrc0, kSrc1, l.params()});
      for (uint64_t r = 0; r < l.repeat; ++r) {
        for (uint64_t k = 0; k < epr; ++k) {
          bool expected = false;
          if (active(epr, r, k)) {
            const uint32_t a =
                get<uint32_t>(Buffer::kUb, at(kSrc0, l.src0_blk, l.src0_rep, es, r, k));
            const uint32_t c =
                get<uint32_t>(Buffer::kUb, at(kSrc1, l.src1_blk, l.src1_rep, es, r, k));
            const double x = value(es == 2 ? a & 0xFFFF : a, t),
                         y = value(es == 2 ? c & 0xFFFF : c, t);
            switch (mode) {
              case isa::CompareMode::kEq:
                expected = x == y;
                break;
              case isa::CompareMode::kNe:
                expected = !(x == y);
                break;
              case isa::CompareMode::kLt:
                expected = x < y;
                break;
              case isa::CompareMode::kLe:
                expected = x <= y;
                break;
              case isa::CompareMode::kGt:
                expected = x > y;
                break;
              case isa::CompareMode::kGe:
                expected = x >= y;
                break;
            }
          }
          const uint8_t byte = buf(Buffer::kUb)[kAux + r * epr / 8 + k / 8];
          ASSERT_EQ(((byte >> (k % 8)) & 1) != 0, expected)
              << isa::name(t) << " " << isa::name(mode) << " r=" << r << " k=" << k;
        }
      }
      // vsel with those bits: src0 where 1, src1 where 0; inactive elements untouched.
      const std::vector<uint8_t> before(buf(Buffer::kUb), buf(Buffer::kUb) + 65536);
      run(inst(Opcode::kVsel, t), {kDst, kSrc0, kSrc1, kAux, l.params()});
      std::vector<uint8_t> expected = before;
      for (uint64_t r = 0; r < l.repeat; ++r) {
        for (uint64_t k = 0; k < epr; ++k) {
          if (!active(epr, r, k)) continue;
          const bool bit = (before[kAux + r * epr / 8 + k / 8] >> (k % 8)) & 1;
          const uint64_t from = bit ? at(kSrc0, l.src0_blk, l.src0_rep, es, r, k)
                                    : at(kSrc1, l.src1_blk, l.src1_rep, es, r, k);
          std::memcpy(&expected[at(kDst, l.dst_blk, l.dst_rep, es, r, k)], &before[from], es);
        }
      }
      ASSERT_EQ(0, std::memcmp(expected.data(), buf(Buffer::kUb), 65536)) << isa::name(t);
    }
  }
  // vcmps against a scalar.
  state.mask_hi = state.mask_lo = ~0ull;
  for (uint64_t k = 0; k < 128; ++k) {
    put<uint16_t>(Buffer::kUb, kSrc0 + k * 2,
                  float16_bits(static_cast<_Float16>(static_cast<int>(k) - 64)));
  }
  isa::Instruction cmps = inst(Opcode::kVcmps, DataType::kF16);
  cmps.mode = static_cast<uint8_t>(isa::CompareMode::kGe);
  Layout one;
  one.repeat = 1;
  one.src0_blk = 1;
  run(cmps, {kAux, kSrc0, 0x0000 /* +0 */, one.params()});
  for (uint64_t k = 0; k < 128; ++k) {
    EXPECT_EQ((buf(Buffer::kUb)[kAux + k / 8] >> (k % 8)) & 1, k >= 64 ? 1 : 0) << k;
  }
}

// The pairwise tree, level by level: neighbours are added, an odd last element moves up.
float tree_sum(std::vector<float> x) {
  if (x.empty()) return 0.0f;
  while (x.size() > 1) {
    std::vector<float> next;
    for (size_t k = 0; k + 1 < x.size(); k += 2) next.push_back(x[k] + x[k + 1]);
    if (x.size() % 2 == 1) next.push_back(x.back());
    x = next;
  }
  return x[0];
}

TEST_F(VectorTest, ReductionsPerRepeatAndPerBlock) {
  Random rng(700);
  Layout l;
  l.repeat = 4;
  for (DataType t : {DataType::kF16, DataType::kF32}) {
    const uint64_t es = isa::element_size(t);
    const uint64_t epr = 256 / es, pb = epr / 8;
    // Masks: all elements except block 3 of every repeat, so per-block results skip a block.
    state.mask_lo = ~0ull;
    state.mask_hi = ~0ull;
    for (uint64_t e = 0; e < pb; ++e) {
      const uint64_t k = 3 * pb + e;
      if (k < 64)
        state.mask_lo &= ~(1ull << k);
      else
        state.mask_hi &= ~(1ull << (k - 64));
    }
    for (Opcode op : {Opcode::kVcadd, Opcode::kVcmax, Opcode::kVcmin, Opcode::kVcgadd,
                      Opcode::kVcgmax, Opcode::kVcgmin}) {
      fill_random(buf(Buffer::kUb), 65536, rng);
      // Tame values (no NaN) in most repeats so sums mean something; NaN stays in repeat 3.
      for (uint64_t r = 0; r < 3; ++r) {
        for (uint64_t k = 0; k < epr; ++k) {
          const uint64_t a = at(kSrc0, l.src0_blk, l.src0_rep, es, r, k);
          const float v = static_cast<float>(static_cast<int>(rng.next() % 2001) - 1000) / 64.0f;
          if (es == 2)
            put<uint16_t>(Buffer::kUb, a, float16_bits(static_cast<_Float16>(v)));
          else
            put<float>(Buffer::kUb, a, v * 1.001f);
        }
      }
      const std::vector<uint8_t> before(buf(Buffer::kUb), buf(Buffer::kUb) + 65536);
      run(inst(op, t), {kDst, kSrc0, l.params()});
      const bool per_block =
          op == Opcode::kVcgadd || op == Opcode::kVcgmax || op == Opcode::kVcgmin;
      std::vector<uint8_t> expected = before;
      for (uint64_t r = 0; r < l.repeat; ++r) {
        std::vector<float> group;
        auto flush = [&](uint64_t index) {
          if (group.empty()) return;
          uint32_t result;
          bool any_nan = false;
          for (float g : group) any_nan = any_nan || std::isnan(g);
          if (op == Opcode::kVcadd || op == Opcode::kVcgadd) {
            result = from_float(tree_sum(group), t);
          } else if (any_nan) {
            result = canonical_nan(t);
          } else {
            float best = group[0];
            for (float g : group) {
              const bool better = op == Opcode::kVcmax || op == Opcode::kVcgmax
                                      ? (g > best || (g == best && !std::signbit(g)))
                                      : (g < best || (g == best && std::signbit(g)));
              if (better) best = g;
            }
            result = from_float(best, t);
          }
          std::memcpy(&expected[kDst + index * es], &result, es);
          group.clear();
        };
        for (uint64_t b = 0; b < 8; ++b) {
          for (uint64_t e = 0; e < pb; ++e) {
            if (!active(epr, r, b * pb + e)) continue;
            const uint32_t bits =
                read(before, at(kSrc0, l.src0_blk, l.src0_rep, es, r, b * pb + e), es);
            group.push_back(static_cast<float>(value(bits, t)));
          }
          // Results: dst + (r * dst_rep_stride * 8 + b) * es per block, dst + r *
          // dst_rep_stride * es per repeat (the repeat stride counts results here).
          if (per_block) flush(r * l.dst_rep * 8 + b);
        }
        if (!per_block) flush(r * l.dst_rep);
      }
      ASSERT_EQ(0, std::memcmp(expected.data(), buf(Buffer::kUb), 65536))
          << isa::info(op).mnemonic << "." << isa::name(t);
    }
  }
}

TEST_F(VectorTest, DupCopyBroadcastGatherTranspose) {
  Random rng(800);
  state.mask_hi = 0x1111'2222'3333'4444ull;
  state.mask_lo = 0x5555'6666'7777'8888ull;
  Layout l;
  for (DataType t :
       {DataType::kF16, DataType::kBf16, DataType::kF32, DataType::kS16, DataType::kS32}) {
    const uint64_t es = isa::element_size(t);
    const uint64_t scalar = 0xDEAD'BEEF'1234'5678ull;
    auto keep_low = [es](uint64_t v) {
      return static_cast<uint32_t>(es == 2 ? v & 0xFFFF : v & 0xFFFFFFFF);
    };
    // vdup.
    {
      fill_random(buf(Buffer::kUb), 65536, rng);
      const std::vector<uint8_t> before(buf(Buffer::kUb), buf(Buffer::kUb) + 65536);
      run(inst(Opcode::kVdup, t), {kDst, scalar, l.params()});
      std::vector<uint8_t> expected = before;
      const uint64_t epr = 256 / es;
      for (uint64_t r = 0; r < l.repeat; ++r) {
        for (uint64_t k = 0; k < epr; ++k) {
          if (!active(epr, r, k)) continue;
          const uint32_t v = keep_low(scalar);
          std::memcpy(&expected[at(kDst, l.dst_blk, l.dst_rep, es, r, k)], &v, es);
        }
      }
      ASSERT_EQ(0, std::memcmp(expected.data(), buf(Buffer::kUb), 65536))
          << "vdup " << isa::name(t);
    }
    // vcopy.
    check_elementwise(
        inst(Opcode::kVcopy, t), false, ~0ull, l, [](uint32_t a, uint32_t, uint32_t) { return a; },
        801);
    // vbrcb: block b of repeat r is src[8 r + b]; the mask does not apply.
    {
      fill_random(buf(Buffer::kUb), 65536, rng);
      const std::vector<uint8_t> before(buf(Buffer::kUb), buf(Buffer::kUb) + 65536);
      run(inst(Opcode::kVbrcb, t), {kDst, kSrc0, l.params()});
      std::vector<uint8_t> expected = before;
      const uint64_t epr = 256 / es, pb = epr / 8;
      for (uint64_t r = 0; r < l.repeat; ++r) {
        for (uint64_t k = 0; k < epr; ++k) {
          std::memcpy(&expected[at(kDst, l.dst_blk, l.dst_rep, es, r, k)],
                      &before[kSrc0 + (r * 8 + k / pb) * es], es);
        }
      }
      ASSERT_EQ(0, std::memcmp(expected.data(), buf(Buffer::kUb), 65536))
          << "vbrcb " << isa::name(t);
    }
    // vgather: offsets are uint32 byte offsets from src, one per element.
    {
      fill_random(buf(Buffer::kUb), 65536, rng);
      const uint64_t epr = 256 / es;
      for (uint64_t k = 0; k < l.repeat * epr; ++k) {
        put<uint32_t>(Buffer::kUb, kAux + k * 4, static_cast<uint32_t>((rng.next() % 2048) * es));
      }
      const std::vector<uint8_t> before(buf(Buffer::kUb), buf(Buffer::kUb) + 65536);
      run(inst(Opcode::kVgather, t), {kDst, kSrc1, kAux, l.params()});
      std::vector<uint8_t> expected = before;
      for (uint64_t r = 0; r < l.repeat; ++r) {
        for (uint64_t k = 0; k < epr; ++k) {
          if (!active(epr, r, k)) continue;
          uint32_t off;
          std::memcpy(&off, &before[kAux + (r * epr + k) * 4], 4);
          std::memcpy(&expected[at(kDst, l.dst_blk, l.dst_rep, es, r, k)], &before[kSrc1 + off],
                      es);
        }
      }
      ASSERT_EQ(0, std::memcmp(expected.data(), buf(Buffer::kUb), 65536))
          << "vgather " << isa::name(t);
    }
  }
  // vtranspose, in place and out of place.
  for (uint64_t dst : {uint64_t{kDst}, uint64_t{kSrc0}}) {
    fill_random(buf(Buffer::kUb), 65536, rng);
    const std::vector<uint8_t> before(buf(Buffer::kUb), buf(Buffer::kUb) + 65536);
    const Work w = run(inst(Opcode::kVtranspose, DataType::kF16), {dst, kSrc0});
    EXPECT_EQ(w.accesses[0].bytes, 512u);
    for (uint64_t r = 0; r < 16; ++r) {
      for (uint64_t c = 0; c < 16; ++c) {
        ASSERT_EQ(get<uint16_t>(Buffer::kUb, dst + (c * 16 + r) * 2),
                  static_cast<uint16_t>(before[kSrc0 + (r * 16 + c) * 2] |
                                        before[kSrc0 + (r * 16 + c) * 2 + 1] << 8));
      }
    }
  }
}

TEST_F(VectorTest, InPlaceOperandsReadEachElementBeforeWritingIt) {
  state.mask_hi = state.mask_lo = ~0ull;
  for (uint64_t k = 0; k < 128; ++k) {
    put<uint16_t>(Buffer::kUb, k * 2, float16_bits(static_cast<_Float16>(static_cast<int>(k))));
  }
  Layout l;
  l = {1, 1, 1, 1, 8, 8, 8};
  run(inst(Opcode::kVadd, DataType::kF16), {0, 0, 0, l.params()});
  for (uint64_t k = 0; k < 128; ++k) {
    EXPECT_EQ(get<uint16_t>(Buffer::kUb, k * 2),
              float16_bits(static_cast<_Float16>(2 * static_cast<int>(k))));
  }
}

// dst one block after src inside the same repeat: every source element is read before the
// repeat writes, so the result is the original data shifted by one block, not block 0 smeared.
TEST_F(VectorTest, OverlapWithinARepeatReadsSourcesFirst) {
  state.mask_hi = state.mask_lo = ~0ull;
  for (uint64_t k = 0; k < 256; ++k) put<uint16_t>(Buffer::kUb, k * 2, static_cast<uint16_t>(k));
  Layout l;
  l = {2, 1, 1, 1, 8, 8, 8};
  run(inst(Opcode::kVcopy, DataType::kS16), {32, 0, l.params()});
  // Repeat 0 copies the original elements 0..127 to 16..143; repeat 1 then reads 128..255,
  // of which 128..143 were just written by repeat 0 (repeats run in order).
  for (uint64_t k = 0; k < 128; ++k) EXPECT_EQ(get<uint16_t>(Buffer::kUb, 32 + k * 2), k) << k;
  for (uint64_t k = 0; k < 16; ++k) {
    EXPECT_EQ(get<uint16_t>(Buffer::kUb, 32 + (128 + k) * 2), 112 + k) << k;
  }
  for (uint64_t k = 16; k < 128; ++k) {
    EXPECT_EQ(get<uint16_t>(Buffer::kUb, 32 + (128 + k) * 2), 128 + k) << k;
  }
}

}  // namespace
}  // namespace npu::sim::testing
