// mmad against a plain reference: the matrix product written as three loops over logical
// (row, column) indices, accumulating in fp32 (int32) in the contract's order k = 0, 1, ...,
// with the operands placed in and the result read from the fractal layouts by formula.
#include <chrono>
#include <cmath>

#include "tests/sim_exec/exec_test_util.h"

namespace npu::sim::testing {
namespace {

using numerics::testing::float16_bits;
using numerics::testing::float16_from_bits;
using numerics::testing::float_bits;
using numerics::testing::float_from_bits;

class CubeTest : public ExecTest {
 protected:
  static constexpr uint64_t kA = 1024, kB = 2048, kC = 4096;

  struct Shape {
    uint32_t m, k, n;
  };

  // Element (r, kk) of A in L0A (ZZ) and (kk, c) of B in L0B (ZN); k0 elements per fractal row.
  static uint64_t a_offset(const Shape& s, uint64_t k0, uint64_t es, uint64_t r, uint64_t kk) {
    const uint64_t k1 = (s.k + k0 - 1) / k0;
    return ((r / 16) * k1 + kk / k0) * 512 + ((r % 16) * k0 + kk % k0) * es;
  }
  static uint64_t b_offset(const Shape& s, uint64_t k0, uint64_t es, uint64_t kk, uint64_t c) {
    const uint64_t n1 = (s.n + 15) / 16;
    return ((kk / k0) * n1 + c / 16) * 512 + ((c % 16) * k0 + kk % k0) * es;
  }
  // Element (r, c) of C in L0C (NZ).
  static uint64_t c_offset(const Shape& s, uint64_t r, uint64_t c) {
    const uint64_t m1 = (s.m + 15) / 16;
    return ((c / 16) * m1 + r / 16) * 1024 + ((r % 16) * 16 + c % 16) * 4;
  }

  static uint64_t m1(const Shape& s) { return (s.m + 15) / 16; }
  static uint64_t n1(const Shape& s) { return (s.n + 15) / 16; }

  uint64_t mmad_params(const Shape& s, isa::MmadInit init, uint32_t bias = 0) {
    return isa::pack_mmad_params({s.m, s.k, s.n, init, bias});
  }
};

// A random fp16 value in about [-4, 4], or a special value now and then.
uint16_t random_fp16(Random& rng, bool specials) {
  const uint64_t r = rng.next();
  if (specials && r % 97 == 0) return 0x7C00;  // Inf
  if (specials && r % 89 == 0) return 0x0003;  // subnormal
  return float16_bits(static_cast<_Float16>((static_cast<double>(r >> 11) * 0x1p-53 - 0.5) * 8));
}

uint16_t random_bf16(Random& rng) {
  const float f = static_cast<float>((static_cast<double>(rng.next() >> 11) * 0x1p-53 - 0.5) * 8);
  return static_cast<uint16_t>(float_bits(f) >> 16);
}

uint32_t canonical(float f) { return std::isnan(f) ? 0x7FC00000u : float_bits(f); }

TEST_F(CubeTest, Fp16AndBf16AllInitModesWithRaggedShapes) {
  Random rng(11);
  const Shape shapes[] = {{20, 37, 19}, {16, 16, 16}, {1, 1, 1}, {33, 64, 47}};
  for (DataType type : {DataType::kF16, DataType::kBf16}) {
    for (const Shape& s : shapes) {
      for (isa::MmadInit init :
           {isa::MmadInit::kZero, isa::MmadInit::kAccumulate, isa::MmadInit::kBias}) {
        // Padding of A and B holds NaN: a padded k must never be added.
        std::memset(buf(Buffer::kL0a) + kA, 0xFF, 16384);
        std::memset(buf(Buffer::kL0b) + kB, 0xFF, 16384);
        std::vector<float> a(s.m * s.k), b(s.k * s.n);
        auto widen = [type](uint16_t bits) {
          return type == DataType::kF16 ? static_cast<float>(float16_from_bits(bits))
                                        : float_from_bits(uint32_t{bits} << 16);
        };
        for (uint64_t r = 0; r < s.m; ++r) {
          for (uint64_t kk = 0; kk < s.k; ++kk) {
            const uint16_t v = type == DataType::kF16 ? random_fp16(rng, true) : random_bf16(rng);
            put<uint16_t>(Buffer::kL0a, kA + a_offset(s, 16, 2, r, kk), v);
            a[r * s.k + kk] = widen(v);
          }
        }
        for (uint64_t kk = 0; kk < s.k; ++kk) {
          for (uint64_t c = 0; c < s.n; ++c) {
            const uint16_t v = type == DataType::kF16 ? random_fp16(rng, true) : random_bf16(rng);
            put<uint16_t>(Buffer::kL0b, kB + b_offset(s, 16, 2, kk, c), v);
            b[kk * s.n + c] = widen(v);
          }
        }
        fill_random(buf(Buffer::kL0c) + kC, 32768, rng);
        std::vector<uint8_t> before(buf(Buffer::kL0c), buf(Buffer::kL0c) + 65536);
        for (uint64_t c = 0; c < 16 * n1(s); ++c) {
          put<float>(Buffer::kBt, 64 + c * 4, static_cast<float>(c) * 0.25f - 3.0f);
        }
        const Work w =
            run(inst(Opcode::kMmad, DataType::kF32, type), {kC, kA, kB, mmad_params(s, init, 64)});
        EXPECT_EQ(w.macs, uint64_t{s.m} * s.n * s.k);
        EXPECT_EQ(w.fractals, ((s.m + 15) / 16) * ((s.n + 15) / 16) * ((s.k + 15) / 16));
        // Whole C fractals are written: rows >= m and columns >= n come from the padding
        // rows of A and columns of B (NaN here), read from the buffers.
        auto a_at = [&](uint64_t r, uint64_t kk) {
          return r < s.m ? a[r * s.k + kk]
                         : widen(get<uint16_t>(Buffer::kL0a, kA + a_offset(s, 16, 2, r, kk)));
        };
        auto b_at = [&](uint64_t kk, uint64_t c) {
          return c < s.n ? b[kk * s.n + c]
                         : widen(get<uint16_t>(Buffer::kL0b, kB + b_offset(s, 16, 2, kk, c)));
        };
        std::vector<uint8_t> expected = before;
        for (uint64_t r = 0; r < 16 * m1(s); ++r) {
          for (uint64_t c = 0; c < 16 * n1(s); ++c) {
            float acc = 0.0f;
            if (init == isa::MmadInit::kBias) acc = static_cast<float>(c) * 0.25f - 3.0f;
            if (init == isa::MmadInit::kAccumulate) {
              std::memcpy(&acc, &before[kC + c_offset(s, r, c)], 4);
            }
            for (uint64_t kk = 0; kk < s.k; ++kk) {
              const float product = a_at(r, kk) * b_at(kk, c);
              acc = acc + product;
            }
            const uint32_t bits = canonical(acc);
            std::memcpy(&expected[kC + c_offset(s, r, c)], &bits, 4);
          }
        }
        ASSERT_EQ(0, std::memcmp(expected.data(), buf(Buffer::kL0c), 65536))
            << isa::name(type) << " m=" << s.m << " k=" << s.k << " n=" << s.n
            << " init=" << isa::name(init);
      }
    }
  }
}

TEST_F(CubeTest, Int8AndUint8WrapAroundInt32) {
  Random rng(12);
  const Shape shapes[] = {{17, 45, 33}, {16, 32, 16}, {3, 100, 5}};
  for (DataType type : {DataType::kS8, DataType::kU8}) {
    for (const Shape& s : shapes) {
      for (isa::MmadInit init :
           {isa::MmadInit::kZero, isa::MmadInit::kAccumulate, isa::MmadInit::kBias}) {
        fill_random(buf(Buffer::kL0a) + kA, 16384, rng);
        fill_random(buf(Buffer::kL0b) + kB, 16384, rng);
        fill_random(buf(Buffer::kL0c) + kC, 32768, rng);
        // Large accumulators so the sum wraps.
        for (uint64_t i = 0; i < 32768; i += 4) {
          put<int32_t>(Buffer::kL0c, kC + i, INT32_MAX - static_cast<int32_t>(i));
        }
        std::vector<uint8_t> before(buf(Buffer::kL0c), buf(Buffer::kL0c) + 65536);
        for (uint64_t c = 0; c < 16 * n1(s); ++c) {
          put<int32_t>(Buffer::kBt, c * 4, INT32_MIN + int32_t(c));
        }
        run(inst(Opcode::kMmad, DataType::kS32, type), {kC, kA, kB, mmad_params(s, init, 0)});
        std::vector<uint8_t> expected = before;
        for (uint64_t r = 0; r < 16 * m1(s); ++r) {
          for (uint64_t c = 0; c < 16 * n1(s); ++c) {
            int64_t acc = 0;
            if (init == isa::MmadInit::kBias) acc = INT32_MIN + int64_t(c);
            if (init == isa::MmadInit::kAccumulate) {
              int32_t v;
              std::memcpy(&v, &before[kC + c_offset(s, r, c)], 4);
              acc = v;
            }
            for (uint64_t kk = 0; kk < s.k; ++kk) {
              const uint8_t av = buf(Buffer::kL0a)[kA + a_offset(s, 32, 1, r, kk)];
              const uint8_t bv = buf(Buffer::kL0b)[kB + b_offset(s, 32, 1, kk, c)];
              const int64_t x = type == DataType::kS8 ? int64_t{static_cast<int8_t>(av)} : av;
              const int64_t y = type == DataType::kS8 ? int64_t{static_cast<int8_t>(bv)} : bv;
              acc += x * y;
            }
            const uint32_t bits = static_cast<uint32_t>(static_cast<uint64_t>(acc));
            std::memcpy(&expected[kC + c_offset(s, r, c)], &bits, 4);
          }
        }
        ASSERT_EQ(0, std::memcmp(expected.data(), buf(Buffer::kL0c), 65536))
            << isa::name(type) << " m=" << s.m << " k=" << s.k << " n=" << s.n;
      }
    }
  }
}

TEST_F(CubeTest, ZeroSizeIsANoOp) {
  std::memset(buf(Buffer::kL0c), 0x5A, 4096);
  const Work w = run(inst(Opcode::kMmad, DataType::kF32, DataType::kF16),
                     {0, 0, 0, mmad_params({0, 16, 16}, isa::MmadInit::kZero)});
  EXPECT_EQ(w.macs, 0u);
  EXPECT_EQ(w.fractals, 0u);
  EXPECT_EQ(w.access_count, 0);
  EXPECT_EQ(buf(Buffer::kL0c)[0], 0x5A);
}

TEST_F(CubeTest, FractalCountUsesTheConfiguredShape) {
  config.cube.fp16.m0 = 32;
  config.cube.fp16.k0 = 8;
  config.cube.int8.k0 = 64;
  const Work w = describe(inst(Opcode::kMmad, DataType::kF32, DataType::kF16),
                          {0, 0, 0, mmad_params({40, 20, 16}, isa::MmadInit::kZero)});
  EXPECT_EQ(w.fractals, 2u * 1 * 3);
  const Work wi = describe(inst(Opcode::kMmad, DataType::kS32, DataType::kS8),
                           {0, 0, 0, mmad_params({16, 65, 16}, isa::MmadInit::kZero)});
  EXPECT_EQ(wi.fractals, 2u);
  ASSERT_EQ(w.access_count, 3);
  EXPECT_EQ(w.accesses[0].buffer, Buffer::kL0a);
  EXPECT_EQ(w.accesses[0].bytes, 3u * 2 * 512);
  EXPECT_EQ(w.accesses[2].buffer, Buffer::kL0c);
  EXPECT_EQ(w.accesses[2].bytes, 3u * 1 * 1024);
  EXPECT_TRUE(w.accesses[2].write);
}

// Not a unit test: the host time of the mmad work of a 1024 x 1024 x 1024 fp16 matmul
// (262144 fractal products), in 128 x 256 x 128 instructions. Run with
// --gtest_also_run_disabled_tests --gtest_filter='*Throughput*'.
TEST_F(CubeTest, DISABLED_Throughput) {
  Random rng(13);
  fill_random(buf(Buffer::kL0a), 65536, rng);
  fill_random(buf(Buffer::kL0b), 65536, rng);
  for (uint64_t i = 0; i < 65536; i += 2) {
    put<uint16_t>(Buffer::kL0a, i, random_fp16(rng, false));
    put<uint16_t>(Buffer::kL0b, i, random_fp16(rng, false));
  }
  const isa::Instruction i = inst(Opcode::kMmad, DataType::kF32, DataType::kF16);
  const uint64_t params = mmad_params({128, 256, 128}, isa::MmadInit::kAccumulate);
  const auto start = std::chrono::steady_clock::now();
  const int count = 262144 / (8 * 16 * 8);
  for (int n = 0; n < count; ++n) run(i, {0, 0, 0, params});
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("%d mmad 128x256x128: %.3f s\n", count, seconds);
}

}  // namespace
}  // namespace npu::sim::testing
