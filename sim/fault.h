// A program error found while describing or executing one instruction (out-of-bounds or
// misaligned access, GM outside an allocation, bad parameter). The unit that finds it knows
// only the instruction; the core catches it and rethrows a ProgramError naming core, pipe, pc
// and instruction text (DESIGN.md section 4, "program errors").
#pragma once

#include <stdexcept>
#include <string>

namespace npu::sim {

class AccessFault : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace npu::sim
