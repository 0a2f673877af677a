// A kernel binary as the cores run it: every instruction word decoded once, up front, with
// what the scalar unit needs precomputed (registers read and written, pipe, timing kind), and
// the device addresses where the chip placed code, read-only data and the argument block.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "isa/instruction.h"
#include "isa/npubin.h"

namespace npu::sim {

struct DecodedInst {
  isa::Instruction inst;
  const isa::InstructionInfo* info = nullptr;  // nullptr: the word does not decode
  uint64_t word = 0;
  uint32_t read_mask = 0;  // bit r: reads register x r (x0 excluded)
  uint8_t rd = 0;          // written register, 0 for none
  isa::Pipe pipe = isa::Pipe::kS;  // execution_pipe()
  bool valid() const { return info != nullptr; }
};

struct Program {
  std::vector<DecodedInst> code;  // index = byte pc / 8
  const isa::Kernel* kernel = nullptr;
  uint64_t code_base = 0;    // GM address of the code section
  uint64_t rodata_base = 0;  // GM address of read-only data (0 when there is none)
  uint64_t args_base = 0;    // GM address of the argument block (x1 at entry)
  std::vector<uint8_t> args;    // the argument block's bytes (timing-only mode reads them)
  std::vector<uint8_t> rodata;  // a copy of the read-only data (likewise)

  // Instruction text for messages and the trace ("vadd.f16 x3, x4, x5, x6", or the illegal
  // word).
  std::string text(uint64_t pc) const;
};

// Decodes every word of `binary.code`.
std::vector<DecodedInst> decode_program(const isa::Binary& binary);

}  // namespace npu::sim
