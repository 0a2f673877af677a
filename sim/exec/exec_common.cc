// The shared checks of npu_sim_exec. Every message names the operand and the offending values,
// because the core prefixes it with core, pipe, pc and instruction text and shows it to a user.
#include "sim/exec/exec_common.h"

#include <fmt/format.h>

#include <string>

#include "base/error.h"
#include "sim/fault.h"
#include "sim/memory/data_paths.h"

namespace npu::sim::exec {

void fault(const std::string& message) { throw AccessFault(message); }

std::string_view buffer_name(isa::Buffer buffer) {
  switch (buffer) {
    case isa::Buffer::kGm:
      return "GM";
    case isa::Buffer::kL1:
      return "L1";
    case isa::Buffer::kL0a:
      return "L0A";
    case isa::Buffer::kL0b:
      return "L0B";
    case isa::Buffer::kL0c:
      return "L0C";
    case isa::Buffer::kUb:
      return "UB";
    case isa::Buffer::kBt:
      return "BT";
    case isa::Buffer::kFb:
      return "FB";
    case isa::Buffer::kSmem:
      return "SMEM";
  }
  return "?";
}

void check_local(const LocalBuffers& buffers, isa::Buffer buffer, std::string_view operand,
                 uint64_t address, uint64_t bytes, uint64_t alignment) {
  const uint64_t size = buffers.size(buffer);
  const std::string_view name = buffer_name(buffer);
  if (size == 0) {
    fault(fmt::format("{} {}: this core has no {}", operand, name, name));
  }
  if (alignment == 0) {
    alignment = buffers.alignment(buffer);
  }
  if (address % alignment != 0) {
    fault(fmt::format("{} {} address {:#x} is not aligned to {} bytes", operand, name, address,
                      alignment));
  }
  if (address > size || bytes > size - address) {
    fault(fmt::format("{} {} address {:#x} + {} bytes exceeds {} ({} bytes)", operand, name,
                      address, bytes, name, size));
  }
}

void check_gm(const GlobalMemory& gm, std::string_view operand, uint64_t address, uint64_t bytes) {
  try {
    gm.check(address, bytes);
  } catch (const AccessFault& e) {
    fault(fmt::format("{} {}", operand, e.what()));
  }
}

void check_packed_word(const isa::PackedLayout& layout, std::string_view operand, uint64_t word) {
  if (auto problem = isa::check_packed(layout, word)) {
    fault(fmt::format("{} ({:#x}): {}", operand, word, *problem));
  }
}

void check_path(const Context& ctx, isa::DataPath path) {
  if (!path_config(ctx.config, path).enabled) {
    fault(fmt::format("data path {} is disabled on this chip (paths.{}.enabled = false)",
                      isa::name(path), isa::name(path)));
  }
}

void check_dtypes(const isa::Instruction& inst) {
  const isa::InstructionInfo& info = isa::info(inst.opcode);
  if (info.dtypes.empty()) {
    return;
  }
  if (!info.allows(inst.dtype, inst.src_dtype)) {
    if (info.dtype_arity() == 2) {
      fault(fmt::format("{} does not allow data types {}.{}", info.mnemonic, isa::name(inst.dtype),
                        isa::name(inst.src_dtype)));
    }
    fault(fmt::format("{} does not allow data type {}", info.mnemonic, isa::name(inst.dtype)));
  }
}

}  // namespace npu::sim::exec
