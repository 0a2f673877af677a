// Internal to npu_sim_exec: the checks and helpers every instruction family shares (operand
// bounds and alignment, GM allocation checks, packed-word checks, access bookkeeping, typed
// element access), and the entry points of the family files that executor.cc dispatches to.
// A family computes its parameters once in a small "plan" used by both describe() and
// execute(), so the two can never disagree about what an instruction touches.
#pragma once

#include <cstdint>
#include <cstring>
#include <span>
#include <string_view>

#include "config/chip_config.h"
#include "isa/instruction.h"
#include "isa/packed.h"
#include "sim/exec/cube_backend.h"
#include "sim/exec/executor.h"
#include "sim/exec/local_buffers.h"
#include "sim/memory/global_memory.h"

namespace npu::sim::exec {

// What every family function needs to know about the core it runs on.
struct Context {
  const config::ChipConfig& config;
  isa::CoreType type;
  CubeBackend* cube = nullptr;  // null: the C++ cube
};

// Throws AccessFault(message).
[[noreturn]] void fault(const std::string& message);

// "UB", "L0A", ...: how messages name a buffer.
std::string_view buffer_name(isa::Buffer buffer);

// Throws unless [address, address + bytes) lies inside `buffer` of this core and `address` is a
// multiple of `alignment` (0: the buffer's own alignment). `operand` names the field ("dst").
void check_local(const LocalBuffers& buffers, isa::Buffer buffer, std::string_view operand,
                 uint64_t address, uint64_t bytes, uint64_t alignment = 0);
// Throws unless [address, address + bytes) lies inside one GM allocation.
void check_gm(const GlobalMemory& gm, std::string_view operand, uint64_t address, uint64_t bytes);
// Checks a packed parameter word (reserved bits, field ranges); names the operand on failure.
void check_packed_word(const isa::PackedLayout& layout, std::string_view operand, uint64_t word);
// Throws when the data path is disabled in the chip config (e.g. l1_to_ub on a split chip).
void check_path(const Context& ctx, isa::DataPath path);
// Throws when the instruction's data-type suffixes are not an allowed combination.
void check_dtypes(const isa::Instruction& inst);

// Appends one operand's bounding interval to work.accesses.
inline void add_access(Work& work, isa::Buffer buffer, uint64_t address, uint64_t bytes,
                       bool write) {
  work.accesses[work.access_count++] = Access{buffer, address, bytes, write};
}

// Sets the GM side of a transfer.
inline void set_gm(Work& work, const GmPattern& pattern, bool write) {
  work.has_gm = true;
  work.gm = pattern;
  work.gm_write = write;
}

// The storage of `buffer` starting at `address` (bounds were checked by describe()).
inline uint8_t* local_ptr(LocalBuffers& buffers, isa::Buffer buffer, uint64_t address) {
  return buffers.bytes(buffer).data() + address;
}
inline const uint8_t* local_ptr(const LocalBuffers& buffers, isa::Buffer buffer, uint64_t address) {
  return buffers.bytes(buffer).data() + address;
}

// Unaligned typed loads and stores: buffers are plain bytes, and an element address is only
// as aligned as the instruction requires.
template <typename T>
inline T load(const uint8_t* p) {
  T value;
  std::memcpy(&value, p, sizeof(T));
  return value;
}
template <typename T>
inline void store(uint8_t* p, T value) {
  std::memcpy(p, &value, sizeof(T));
}

inline uint64_t ceil_div(uint64_t a, uint64_t b) { return (a + b - 1) / b; }
inline uint64_t round_up(uint64_t a, uint64_t b) { return ceil_div(a, b) * b; }

// ---- family entry points (one file each) ---------------------------------------------------

// mte_exec.cc: burst copies, pad copies, ND -> NZ, atomic add, L1 -> UB / BT, UB -> L1 / UB.
bool is_mte(isa::Opcode opcode);
void describe_mte(const Context& ctx, const Operands& op, const LocalBuffers& buffers,
                  const GlobalMemory& gm, Work& work);
void execute_mte(const Context& ctx, const Operands& op, LocalBuffers& buffers, GlobalMemory& gm);

// load_exec.cc: load2d and load3d (img2col) L1 -> L0A / L0B.
bool is_load(isa::Opcode opcode);
void describe_load(const Context& ctx, const Operands& op, const PipeState& state,
                   const LocalBuffers& buffers, Work& work);
void execute_load(const Context& ctx, const Operands& op, const PipeState& state,
                  LocalBuffers& buffers);

// cube_exec.cc: mmad.
void describe_mmad(const Context& ctx, const Operands& op, const LocalBuffers& buffers, Work& work);
void execute_mmad(const Context& ctx, const Operands& op, LocalBuffers& buffers);

// fixpipe_exec.cc: L0C -> GM / L1 / UB.
bool is_fixpipe(isa::Opcode opcode);
void describe_fixpipe(const Context& ctx, const Operands& op, const LocalBuffers& buffers,
                      const GlobalMemory& gm, Work& work);
void execute_fixpipe(const Context& ctx, const Operands& op, LocalBuffers& buffers,
                     GlobalMemory& gm);

// vector_exec.cc: every vector instruction but the mask set-up.
bool is_vector(isa::Opcode opcode);
void describe_vector(const Context& ctx, const Operands& op, const PipeState& state,
                     const LocalBuffers& buffers, Work& work);
void execute_vector(const Context& ctx, const Operands& op, const PipeState& state,
                    LocalBuffers& buffers);

}  // namespace npu::sim::exec
