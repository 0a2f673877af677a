// Internal to npu_isa: the rows of the instruction table (isa/instruction_table.cc), before the
// start-up checks of isa/encoding.cc. Other layers use instruction_table() / info() instead.
#pragma once

#include <vector>

#include "isa/instruction.h"

namespace npu::isa::table {

std::vector<InstructionInfo> build_rows();

}  // namespace npu::isa::table
