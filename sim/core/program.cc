// Decoding a binary once for the whole launch (DESIGN.md section 11: no per-instruction decode).
#include "sim/core/program.h"

#include <fmt/format.h>

#include "isa/disassembler.h"

namespace npu::sim {

std::vector<DecodedInst> decode_program(const isa::Binary& binary) {
  std::vector<DecodedInst> out(binary.code.size());
  for (size_t i = 0; i < binary.code.size(); ++i) {
    DecodedInst& d = out[i];
    d.word = binary.code[i];
    if (isa::try_decode(d.word, d.inst) != isa::DecodeStatus::kOk) continue;
    d.info = &isa::info(d.inst.opcode);
    for (const isa::FieldSpec& f : d.info->fields) {
      if (f.kind != isa::FieldKind::kReg) continue;
      const auto reg = static_cast<uint8_t>(isa::get_slot(d.inst, f.slot));
      if (f.written) {
        d.rd = reg;
      } else if (reg != 0) {
        d.read_mask |= 1u << reg;
      }
    }
    d.pipe = isa::execution_pipe(d.inst);
  }
  return out;
}

std::string Program::text(uint64_t pc) const {
  const uint64_t index = pc / 8;
  if (index >= code.size()) return fmt::format("<pc 0x{:x} outside the code>", pc);
  const DecodedInst& d = code[index];
  if (!d.valid()) return fmt::format(".dword 0x{:016x}", d.word);
  return isa::format_instruction(d.inst, pc);
}

}  // namespace npu::sim
