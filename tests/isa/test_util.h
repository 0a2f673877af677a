// Helpers shared by the ISA tests: random valid instructions and error capture.
#pragma once

#include <random>
#include <string>

#include "base/error.h"
#include "isa/assembler.h"
#include "isa/instruction.h"

namespace npu::isa::test {

// A random instruction of `row` with every field within its legal values.
inline Instruction random_instruction(const InstructionInfo& row, std::mt19937_64& rng) {
  Instruction inst;
  inst.opcode = row.opcode;
  if (!row.dtypes.empty()) {
    const TypeSig sig = row.dtypes[rng() % row.dtypes.size()];
    inst.dtype = sig.dst;
    inst.src_dtype = sig.src;
  }
  for (const FieldSpec& f : row.fields) {
    switch (f.kind) {
      case FieldKind::kDType:
        break;
      case FieldKind::kPipe:
      case FieldKind::kEnum: {
        int64_t v = 0;
        do {
          v = static_cast<int64_t>(rng() % f.enum_names.size());
        } while (((f.allowed >> v) & 1u) == 0);
        set_slot(inst, f.slot, v);
        break;
      }
      default: {
        const auto span = static_cast<uint64_t>(f.max_value() - f.min_value());
        const uint64_t offset = span == ~0ull ? rng() : rng() % (span + 1);
        set_slot(inst, f.slot, f.min_value() + static_cast<int64_t>(offset));
      }
    }
  }
  return inst;
}

// The text of the UserError `assemble` throws, or "" if it succeeds.
inline std::string assemble_error(const std::string& source, const std::string& file = "t.s") {
  try {
    assemble(source, file);
  } catch (const UserError& e) {
    return e.what();
  }
  return "";
}

}  // namespace npu::isa::test
