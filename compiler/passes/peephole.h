// Peephole clean-up of the generated assembly, after code generation: removes instructions
// that provably change nothing.
//  * `li xN, V` when xN already holds V: values loaded by `li` are tracked within a basic block
//    (a label starts a new one; an instruction that writes registers forgets every register it
//    names; pseudo-instructions other than li count as writing);
//  * `addi xN, xN, 0`;
//  * `j L` directly followed by label L (labels only in between);
//  * a second flag pair between the same two pipes inside one run of flag instructions:
//    `set_flag P, Q, a` ... `set_flag P, Q, b` ... `wait_flag P, Q, a` ... `wait_flag P, Q, b`
//    where nothing of pipe P runs between the two sets and b is used nowhere else in the run:
//    the second set takes effect at the same moment as the first (the same earlier P
//    instructions), and Q, in order, has already waited for the first.
// It does not touch a set_flag / wait_flag pair on its own (it orders the two pipes) nor
// barriers (code generation emits none).
#pragma once

#include <cstddef>
#include <string>

namespace npu::compiler {

struct PeepholeCounts {
  size_t loads = 0;       // redundant li
  size_t adds = 0;        // addi x, x, 0
  size_t jumps = 0;       // jumps to the next instruction
  size_t flag_pairs = 0;  // redundant set_flag / wait_flag pairs
};

// The assembly with those instructions removed; `counts` (optional) says how many of each.
std::string remove_redundant_instructions(const std::string& assembly,
                                          PeepholeCounts* counts = nullptr);

}  // namespace npu::compiler
