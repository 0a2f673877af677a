// The assembler: assembly text -> Binary (then write_npubin for the file).
//
// Syntax (docs/isa.md, "Assembly language"): one statement per line; `#` or `//` starts a
// comment; `name:` defines a label; directives .text .rodata .kernel .arg .byte .half .word
// .dword .float .ascii .asciz .zero .align; instructions are the table's mnemonics with
// data-type suffixes (vadd.f16), positional operands, then optional `name=value` fields.
// Pseudo-instructions (li, la, mv, nop, j, neg, not, beqz, bnez, bgt, ble, bgtu, bleu, and the
// named-parameter forms of heavy instructions) expand to real instructions; the named forms
// build their packed parameter words in x31 (and x30), the assembler temporaries.
//
// Errors: every problem of the file is collected and thrown at the end as one UserError whose
// diagnostics read "FILE:LINE:COL: error: message".
#pragma once

#include <string>
#include <string_view>

#include "isa/npubin.h"

namespace npu::isa {

// Assembles `source`; `file_name` is used in error locations.
Binary assemble(std::string_view source, const std::string& file_name);

// Reads and assembles a file. A file that cannot be read is a UserError.
Binary assemble_file(const std::string& path);

}  // namespace npu::isa
