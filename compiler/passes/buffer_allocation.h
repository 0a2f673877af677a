// Buffer allocation: gives every tile without a fixed offset a place in its buffer. Tiles whose
// live ranges (first to last use in program order, widened to the outermost loop that uses
// them) do not overlap may share bytes. Offsets respect the buffer's alignment from the chip
// config. A tile that cannot fit is a compile error naming the tile, the buffer, the sizes and
// the tiles live at that point.
#pragma once

#include "compiler/ir/kernel_ir.h"
#include "config/chip_config.h"

namespace npu::compiler {

// Size and alignment of a buffer on this chip (0 size: the core has no such buffer).
uint64_t buffer_bytes(const config::ChipConfig& chip, isa::Buffer buffer);
uint64_t buffer_align(const config::ChipConfig& chip, isa::Buffer buffer);

// Throws UserError when a tile does not fit.
void allocate_buffers(Kernel& kernel, const config::ChipConfig& chip);

}  // namespace npu::compiler
