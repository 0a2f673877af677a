// Artifacts generated from the instruction table: the generated blocks of docs/isa.md and the
// SystemVerilog package rtl/generated/npu_isa_pkg.sv. The npu_isa_gen tool writes them; a test
// regenerates them and fails if the checked-in files differ.
//
// docs/isa.md is prose written by hand with generated blocks between
//   <!-- BEGIN GENERATED: NAME ... -->  and  <!-- END GENERATED: NAME -->
// markers; update_doc() replaces the inside of every block and leaves the prose alone.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "isa/instruction.h"

namespace npu::isa {

// The assembly syntax of an instruction, e.g. "vadd.<dtype> dst, src0, src1, params".
std::string syntax(const InstructionInfo& row);

// The syntax of its named-parameter form, e.g. "vadd.<dtype> dst, src0, src1, repeat=...,
// [dst_blk_stride=...], ...", or empty if it has no packed register.
std::string named_form_syntax(const InstructionInfo& row);

// Names of the generated blocks of docs/isa.md.
std::span<const std::string_view> doc_block_names();

// The Markdown of one generated block (without its markers).
std::string render_doc_block(std::string_view block);

// `doc` with the inside of every generated block replaced by its current contents. Throws
// UserError if a block's markers are missing, unbalanced or unknown.
std::string update_doc(std::string_view doc);

// The whole SystemVerilog package.
std::string render_sv_package();

}  // namespace npu::isa
