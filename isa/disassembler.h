// The disassembler: prints what is really encoded, in the assembler's own syntax, so that its
// output assembles back to the identical binary (code, read-only data, symbols and kernels).
// Pseudo-instructions are not reconstructed: `li x31, ...` shows as the lui / addi it became.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "isa/instruction.h"
#include "isa/npubin.h"

namespace npu::isa {

// Returns the label to print for a branch target (a byte offset in .text), or nullopt to print
// the numeric offset.
using LabelLookup = std::function<std::optional<std::string>(uint64_t target)>;

// One instruction in assembly syntax, e.g. "vconv.f16.f32 x3, x4, x6, round=floor". `pc` is the
// instruction's byte offset, used to turn branch offsets into targets for `labels`.
std::string format_instruction(const Instruction& inst, uint64_t pc = 0,
                               const LabelLookup& labels = {});

struct DisassemblyOptions {
  // Append "# OFFSET: WORD" to every instruction line (comments; the assembler ignores them).
  bool show_encoding = true;
};

// The whole binary: kernels with their arguments, labels, instructions, read-only data.
std::string disassemble(const Binary& binary, const DisassemblyOptions& options = {});

}  // namespace npu::isa
