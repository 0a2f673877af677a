// LocalBuffers: sizes and alignments from the chip config by core type, storage when backed.
#include "sim/exec/local_buffers.h"

#include "base/error.h"

namespace npu::sim {
namespace {

size_t index(isa::Buffer buffer) { return static_cast<size_t>(buffer); }

}  // namespace

LocalBuffers::LocalBuffers(const config::ChipConfig& config, isa::CoreType type, bool backed) {
  using isa::Buffer;
  const config::BuffersSection& b = config.buffers;
  const bool cube_side = type != isa::CoreType::kAiv;    // coupled core or AIC
  const bool vector_side = type != isa::CoreType::kAic;  // coupled core or AIV
  auto set = [&](Buffer buffer, bool present, uint64_t bytes, uint64_t alignment) {
    m_size[index(buffer)] = present ? bytes : 0;
    m_alignment[index(buffer)] = alignment;
  };
  set(Buffer::kL1, cube_side, b.l1_bytes, b.l1_align_bytes);
  set(Buffer::kL0a, cube_side, b.l0a_bytes, b.l0a_align_bytes);
  set(Buffer::kL0b, cube_side, b.l0b_bytes, b.l0b_align_bytes);
  set(Buffer::kL0c, cube_side, b.l0c_bytes, b.l0c_align_bytes);
  set(Buffer::kBt, cube_side, b.bt_bytes, 1);
  set(Buffer::kFb, cube_side, b.fb_bytes, 1);
  set(Buffer::kUb, vector_side, b.ub_bytes, b.ub_align_bytes);
  set(Buffer::kSmem, true, config.scalar.data_memory_bytes, 8);
  if (backed) {
    for (size_t i = 1; i < kCount; ++i) {
      m_data[i].assign(m_size[i], 0);
    }
  }
}

uint64_t LocalBuffers::size(isa::Buffer buffer) const {
  NPU_CHECK(buffer != isa::Buffer::kGm, "LocalBuffers::size(kGm)");
  return m_size[index(buffer)];
}

uint64_t LocalBuffers::alignment(isa::Buffer buffer) const {
  NPU_CHECK(buffer != isa::Buffer::kGm, "LocalBuffers::alignment(kGm)");
  return m_alignment[index(buffer)];
}

std::span<uint8_t> LocalBuffers::bytes(isa::Buffer buffer) { return m_data[index(buffer)]; }

std::span<const uint8_t> LocalBuffers::bytes(isa::Buffer buffer) const {
  return m_data[index(buffer)];
}

}  // namespace npu::sim
