// The on-chip buffers of one core (L1, L0A, L0B, L0C, UB, BT, FB and the scalar data memory),
// sized from the chip config for the core's type: an AIC has no UB, an AIV only UB and the
// scalar memory, a coupled core all of them. Plain bytes; bounds and alignment are checked by
// the executor before any access.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "config/chip_config.h"
#include "isa/types.h"

namespace npu::sim {

class LocalBuffers {
 public:
  // `backed`: allocate storage (functional mode); otherwise sizes only (timing-only mode).
  LocalBuffers(const config::ChipConfig& config, isa::CoreType type, bool backed);

  // Size in bytes; 0 for a buffer this core type does not have. Never called with kGm.
  uint64_t size(isa::Buffer buffer) const;
  // Required address alignment in bytes (from buffers.*_align_bytes; 8 for SMEM, 1 for FB/BT).
  uint64_t alignment(isa::Buffer buffer) const;
  // The whole buffer. Empty when not backed.
  std::span<uint8_t> bytes(isa::Buffer buffer);
  std::span<const uint8_t> bytes(isa::Buffer buffer) const;

 private:
  static constexpr size_t kCount = static_cast<size_t>(isa::Buffer::kSmem) + 1;
  std::array<uint64_t, kCount> m_size{};
  std::array<uint64_t, kCount> m_alignment{};
  std::array<std::vector<uint8_t>, kCount> m_data;
};

}  // namespace npu::sim
