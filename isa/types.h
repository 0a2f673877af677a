// The enumerations of the ISA: pipes, buffers, data paths, timing classes, data types and the
// symbolic values instructions take (rounding modes, comparisons, special registers, ...).
//
// The numeric value of each enumerator is its encoding in instruction fields and in .npubin
// files; its name (EnumTraits<E>::kNames) is how assembly, disassembly, docs, JSON and the chip
// config spell it. Both are defined here and nowhere else.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace npu::isa {

// Version of the instruction set; .npubin files record it and the loader accepts only this one.
inline constexpr uint32_t kIsaVersion = 1;

// Execution pipes of an AI core (reference §3.1). kAll only appears in pipe_barrier.
enum class Pipe : uint8_t { kS, kV, kM, kMte1, kMte2, kMte3, kFix, kAll };

// On-chip buffers and memories. Addresses held in registers are byte offsets inside the
// buffer; GM addresses are 64-bit.
enum class Buffer : uint8_t { kGm, kL1, kL0a, kL0b, kL0c, kUb, kBt, kFb, kSmem };

// Data-movement paths. The chip config has a bandwidth/latency entry `paths.<name>` for each.
enum class DataPath : uint8_t {
  kGmToL1,
  kGmToUb,
  kGmToL0a,
  kGmToL0b,
  kL1ToL0a,
  kL1ToL0b,
  kL1ToUb,
  kL1ToBt,
  kL0cToGm,
  kL0cToL1,
  kL0cToUb,
  kUbToGm,
  kUbToL1,
  kUbToUb
};

// Vector timing classes. The chip config has `vector.<class>.*` for each.
enum class VectorClass : uint8_t {
  kSimple,
  kBinary,
  kTranscendental,
  kSqrt,
  kDivide,
  kMultiplyAdd,
  kReduce,
  kBlockReduce,
  kGather,
  kTranspose
};

// Scalar latency classes. The chip config has a latency for each.
enum class ScalarClass : uint8_t { kAlu, kMul, kSmemLoad, kGmLoad, kBranch, kSystem };

// How the timing model prices an instruction; selects which class field of InstructionInfo
// is meaningful.
enum class TimingKind : uint8_t {
  kScalar,   // scalar unit: ScalarClass latency
  kVector,   // vector unit: startup + repeats x cycles_per_repeat(VectorClass, dtype)
  kCube,     // cube: startup + fractals x cycles_per_fractal
  kMove,     // data movement: DataPath latency + bytes / bandwidth
  kControl,  // sets pipe state (mask, fmatrix, padding): one cycle in its pipe
  kSync,     // flags and barriers: no work, only ordering
};

// Element types. Scalar loads also use kS64.
enum class DataType : uint8_t { kF16, kBf16, kF32, kS8, kU8, kS16, kS32, kS64 };

// Rounding modes of vconv (suffixes r/f/c/a/z/o of the real vconv).
enum class RoundMode : uint8_t { kRint, kFloor, kCeil, kAway, kZero, kOdd };

// Conditions of vcmp / vcmps.
enum class CompareMode : uint8_t { kEq, kNe, kLt, kLe, kGt, kGe };

// Vector mask modes (reference §3.4).
enum class MaskMode : uint8_t { kNormal, kCounter };

// Special registers readable with rdsr.
enum class SpecialReg : uint8_t {
  kBlockIdx,
  kBlockDim,
  kCoreType,
  kSubBlockIdx,
  kSubBlockDim,
  kCycle,
  kArgsBase,
  kRodataBase
};

// Values of the core_type special register.
enum class CoreType : uint8_t { kCoupled = 0, kAic = 1, kAiv = 2 };

// Target sets of cross-core counter flags (reference §3.1 modes 0, 1, 2).
enum class CrossCoreMode : uint8_t { kSameType, kAivPair, kAicAiv };

// Output layout of fixpipe.
enum class FixLayout : uint8_t { kNz, kNd };

// Where mmad takes the initial value of C from.
enum class MmadInit : uint8_t { kAccumulate, kZero, kBias };

// Kinds of kernel arguments in a .npubin signature.
enum class ArgKind : uint8_t { kGmPointer, kInt, kFloat };

// Sections of a .npubin a symbol can point into.
enum class Section : uint8_t { kText, kRodata };

// Name tables. kNames[i] is the spelling of the enumerator with value i; kWhat names the
// enumeration in error messages ("expected a pipe: one of ...").
template <typename E>
struct EnumTraits;

#define NPU_ISA_ENUM_TRAITS(E, what, ...)                                          \
  template <>                                                                      \
  struct EnumTraits<E> {                                                           \
    static constexpr std::string_view kWhat = what;                                \
    static constexpr auto kNames = std::to_array<std::string_view>({__VA_ARGS__}); \
  }

NPU_ISA_ENUM_TRAITS(Pipe, "pipe", "s", "v", "m", "mte1", "mte2", "mte3", "fix", "all");
NPU_ISA_ENUM_TRAITS(Buffer, "buffer", "gm", "l1", "l0a", "l0b", "l0c", "ub", "bt", "fb", "smem");
NPU_ISA_ENUM_TRAITS(DataPath, "data path", "gm_to_l1", "gm_to_ub", "gm_to_l0a", "gm_to_l0b",
                    "l1_to_l0a", "l1_to_l0b", "l1_to_ub", "l1_to_bt", "l0c_to_gm", "l0c_to_l1",
                    "l0c_to_ub", "ub_to_gm", "ub_to_l1", "ub_to_ub");
NPU_ISA_ENUM_TRAITS(VectorClass, "vector class", "simple", "binary", "transcendental", "sqrt",
                    "divide", "multiply_add", "reduce", "block_reduce", "gather", "transpose");
NPU_ISA_ENUM_TRAITS(ScalarClass, "scalar class", "alu", "mul", "smem_load", "gm_load", "branch",
                    "system");
NPU_ISA_ENUM_TRAITS(TimingKind, "timing kind", "scalar", "vector", "cube", "move", "control",
                    "sync");
NPU_ISA_ENUM_TRAITS(DataType, "data type", "f16", "bf16", "f32", "s8", "u8", "s16", "s32", "s64");
NPU_ISA_ENUM_TRAITS(RoundMode, "rounding mode", "rint", "floor", "ceil", "away", "zero", "odd");
NPU_ISA_ENUM_TRAITS(CompareMode, "comparison", "eq", "ne", "lt", "le", "gt", "ge");
NPU_ISA_ENUM_TRAITS(MaskMode, "mask mode", "normal", "counter");
NPU_ISA_ENUM_TRAITS(SpecialReg, "special register", "block_idx", "block_dim", "core_type",
                    "sub_block_idx", "sub_block_dim", "cycle", "args_base", "rodata_base");
NPU_ISA_ENUM_TRAITS(CoreType, "core type", "coupled", "aic", "aiv");
NPU_ISA_ENUM_TRAITS(CrossCoreMode, "cross-core mode", "same_type", "aiv_pair", "aic_aiv");
NPU_ISA_ENUM_TRAITS(FixLayout, "layout", "nz", "nd");
NPU_ISA_ENUM_TRAITS(MmadInit, "mmad init", "acc", "zero", "bias");
NPU_ISA_ENUM_TRAITS(ArgKind, "argument kind", "gm", "int", "float");
NPU_ISA_ENUM_TRAITS(Section, "section", "text", "rodata");

#undef NPU_ISA_ENUM_TRAITS

template <typename E>
constexpr size_t enum_count() {
  return EnumTraits<E>::kNames.size();
}

template <typename E>
constexpr std::string_view name(E value) {
  const auto index = static_cast<size_t>(value);
  return index < enum_count<E>() ? EnumTraits<E>::kNames[index] : std::string_view("?");
}

template <typename E>
constexpr std::optional<E> parse_enum(std::string_view text) {
  for (size_t i = 0; i < enum_count<E>(); ++i) {
    if (EnumTraits<E>::kNames[i] == text) return static_cast<E>(i);
  }
  return std::nullopt;
}

// "a, b or c": the names of the enumerators whose bit is set in `allowed` (all by default),
// for error messages and docs.
template <typename E>
std::string enum_choices(uint32_t allowed = ~0u) {
  std::string out;
  size_t remaining = 0;
  for (size_t i = 0; i < enum_count<E>(); ++i) remaining += (allowed >> i) & 1u;
  for (size_t i = 0; i < enum_count<E>(); ++i) {
    if (((allowed >> i) & 1u) == 0) continue;
    --remaining;
    if (!out.empty()) out += remaining == 0 ? " or " : ", ";
    out += EnumTraits<E>::kNames[i];
  }
  return out;
}

// Size of one element in bytes.
constexpr uint32_t element_size(DataType type) {
  constexpr std::array<uint32_t, 8> kSizes = {2, 2, 4, 1, 1, 2, 4, 8};
  return kSizes[static_cast<size_t>(type)];
}

// Long names used in prose, JSON and the config: fp16, bf16, fp32, int8, uint8, int16, ...
constexpr std::string_view long_name(DataType type) {
  constexpr std::array<std::string_view, 8> kLong = {"fp16",  "bf16",  "fp32",  "int8",
                                                     "uint8", "int16", "int32", "int64"};
  return kLong[static_cast<size_t>(type)];
}

constexpr bool is_float(DataType type) {
  return type == DataType::kF16 || type == DataType::kBf16 || type == DataType::kF32;
}

// C0: elements of this type in one 32-byte fractal row (16 for fp16, 32 for int8, 8 for fp32).
constexpr uint32_t c0_elements(DataType type) { return 32 / element_size(type); }

// Bit of an enumerator in an "allowed values" mask.
template <typename E>
constexpr uint32_t bit(E value) {
  return 1u << static_cast<uint32_t>(value);
}

}  // namespace npu::isa
