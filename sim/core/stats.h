// The statistics of one core, declared once: every counter has a name, a unit and a
// description in the tables below (kPipeStats, kCoreStats), and the counters themselves are
// plain array members indexed by those tables, so the hot paths never look anything up by
// string. Dumps walk the tables, so the JSON tree mirrors the declarations in order.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "isa/types.h"

namespace npu::sim {

struct StatDecl {
  std::string_view name;
  std::string_view unit;
  std::string_view description;
};

// Counters kept per pipe of a core.
enum class PipeStat : uint8_t {
  kBusyCycles,       // cycles the pipe was occupied by an instruction
  kInstructions,     // instructions the pipe ran (sync instructions included)
  kFlagWaitCycles,   // cycles blocked in wait_flag / cross_core_wait_flag
  kBarrierCycles,    // cycles blocked draining for set_flag, pipe_barrier, sync_all
  kBandwidthCycles,  // cycles GM-facing transfers lost to L2 / HBM / port sharing
  kCount
};

inline constexpr std::array<StatDecl, static_cast<size_t>(PipeStat::kCount)> kPipeStats = {{
    {"busy_cycles", "cycles", "cycles the pipe was occupied by an instruction"},
    {"instructions", "instructions", "instructions the pipe ran, sync instructions included"},
    {"stall_flag_wait_cycles", "cycles", "cycles blocked in wait_flag or cross_core_wait_flag"},
    {"stall_barrier_cycles", "cycles",
     "cycles blocked draining earlier work (set_flag, pipe_barrier, sync_all)"},
    {"stall_bandwidth_cycles", "cycles",
     "extra cycles of GM-facing transfers caused by other transfers sharing L2, HBM or the port"},
}};

// Counters kept per core.
enum class CoreStat : uint8_t {
  kScalarInstructions,   // instructions the scalar unit issued (all of them)
  kQueueFullCycles,      // scalar stalled on a full pipe queue
  kDependencyCycles,     // scalar stalled waiting for a register
  kFetchCycles,          // scalar stalled on an instruction-cache miss
  kBranchCycles,         // cycles lost to taken-branch penalties
  kIcacheHits,
  kIcacheMisses,
  kCubeMacs,
  kCubeMacsFp16,  // kCubeMacs split by the cube input type, for utilization against its peak
  kCubeMacsBf16,
  kCubeMacsInt8,  // int8 and uint8 (one cube shape)
  kVectorElementOps,
  kCount
};

inline constexpr std::array<StatDecl, static_cast<size_t>(CoreStat::kCount)> kCoreStats = {{
    {"scalar_instructions", "instructions", "instructions issued by the scalar unit"},
    {"stall_queue_full_cycles", "cycles", "scalar unit stalled because a pipe queue was full"},
    {"stall_dependency_cycles", "cycles",
     "scalar unit stalled until a source register was ready"},
    {"stall_fetch_cycles", "cycles", "scalar unit stalled on instruction-cache misses"},
    {"branch_penalty_cycles", "cycles", "cycles lost to taken branches"},
    {"icache_hits", "lines", "instruction-cache line look-ups that hit"},
    {"icache_misses", "lines", "instruction-cache line look-ups that missed"},
    {"cube_macs", "MACs", "multiply-accumulates done by the cube (m x n x k per mmad)"},
    {"cube_macs_fp16", "MACs", "cube_macs of mmad.f32.f16"},
    {"cube_macs_bf16", "MACs", "cube_macs of mmad.f32.bf16"},
    {"cube_macs_int8", "MACs", "cube_macs of mmad.s32.s8 and mmad.s32.u8"},
    {"vector_element_ops", "ops", "active vector elements x repeats"},
}};

// The per-type MAC counter of an mmad with source type `src` (f16, bf16, s8 or u8).
inline CoreStat cube_macs_stat(isa::DataType src) {
  switch (src) {
    case isa::DataType::kBf16:
      return CoreStat::kCubeMacsBf16;
    case isa::DataType::kS8:
    case isa::DataType::kU8:
      return CoreStat::kCubeMacsInt8;
    default:
      return CoreStat::kCubeMacsFp16;  // the ISA's only other mmad source type
  }
}

inline constexpr StatDecl kPathBytesStat = {"bytes", "bytes",
                                            "bytes moved on the data path by this core"};

inline constexpr size_t kPipeCount = 7;  // isa::Pipe kS .. kFix (kAll is not a pipe)
inline constexpr size_t kPathCount = isa::enum_count<isa::DataPath>();

struct CoreStats {
  std::array<std::array<uint64_t, static_cast<size_t>(PipeStat::kCount)>, kPipeCount> pipe{};
  std::array<uint64_t, static_cast<size_t>(CoreStat::kCount)> core{};
  std::array<uint64_t, kPathCount> path_bytes{};

  uint64_t& operator()(isa::Pipe p, PipeStat s) {
    return pipe[static_cast<size_t>(p)][static_cast<size_t>(s)];
  }
  uint64_t operator()(isa::Pipe p, PipeStat s) const {
    return pipe[static_cast<size_t>(p)][static_cast<size_t>(s)];
  }
  uint64_t& operator[](CoreStat s) { return core[static_cast<size_t>(s)]; }
  uint64_t operator[](CoreStat s) const { return core[static_cast<size_t>(s)]; }
};

}  // namespace npu::sim
