// The calibration microbenchmark kernels and how their cycles are read (see
// calibration_benchmarks.h).
#include "tools/npusim/calibration_benchmarks.h"

#include <fmt/format.h>

#include <string_view>
#include <vector>

#include "base/error.h"
#include "isa/assembler.h"
#include "sim/core/chip.h"

namespace npu::cli {
namespace {

// Which core of a launch runs the benchmark: the one with the unit.
enum class Side { kCube, kVector };

// The kernel `bench` with one GM argument `buf` (its address in x2 on entry to `body`): only the
// core that owns `side`'s units runs `body`, every other core ends.
std::string kernel(const config::ChipConfig& chip, Side side, std::string_view body) {
  const isa::CoreType type = !chip.split()          ? isa::CoreType::kCoupled
                             : side == Side::kCube ? isa::CoreType::kAic
                                                   : isa::CoreType::kAiv;
  return fmt::format(R"(.kernel bench
.arg buf, gm
    rdsr x2, core_type
    li x3, {}
    bne x2, x3, skip
    rdsr x2, sub_block_idx
    bnez x2, skip
    ldg.s64 x2, 0(x1)
{}
skip:
    end
)",
                     static_cast<int>(type), body);
}

// Runs `source` on one AI core of `chip` (timing-only, traced) with a GM buffer of `gm_bytes`
// and returns the cycles, start to completion, of the last instruction whose text starts with
// `mnemonic` (followed by a space or a type suffix).
uint64_t run_and_measure(const config::ChipConfig& chip, const std::string& source,
                         uint64_t gm_bytes, std::string_view mnemonic) {
  sim::SimOptions options;
  options.timing_only = true;
  options.trace = true;
  sim::Chip device(chip, options);
  const uint64_t buf = device.gm().allocate(std::max<uint64_t>(gm_bytes, 512), "buf");
  const isa::Binary binary = isa::assemble(source, "calibration.s");
  const std::vector<uint64_t> args = {buf};
  const sim::RunResult run = device.launch(binary, "bench", args, 1);
  const sim::TraceSlice* last = nullptr;
  for (const sim::TraceSlice& s : run.trace.slices) {
    const std::string& text = run.instruction_text.at(s.pc / 8);
    const bool match = text.rfind(mnemonic, 0) == 0 &&
                       (text.size() == mnemonic.size() || text[mnemonic.size()] == ' ' ||
                        text[mnemonic.size()] == '.');
    if (match && s.pipe != static_cast<uint8_t>(isa::Pipe::kS)) last = &s;
  }
  NPU_CHECK(last != nullptr, fmt::format("calibration kernel has no {} slice", mnemonic));
  return last->duration;
}

}  // namespace

uint64_t measure_gm_copy(const config::ChipConfig& chip, isa::DataPath path, uint64_t bytes) {
  NPU_CHECK(bytes % 32 == 0, "calibration copies are whole 32-byte blocks");
  const uint64_t blocks = bytes / 32;
  std::string body;
  std::string_view mnemonic;
  Side side = Side::kCube;
  switch (path) {
    case isa::DataPath::kGmToL1:
      mnemonic = "copy_gm_to_l1";
      body = fmt::format(
          "    li x4, 0\n"
          "    copy_gm_to_l1 x4, x2, burst_len={0}\n"
          "    pipe_barrier mte2\n"
          "    copy_gm_to_l1 x4, x2, burst_len={0}\n",
          blocks);
      break;
    case isa::DataPath::kUbToGm:
      side = Side::kVector;
      mnemonic = "copy_ub_to_gm";
      body = fmt::format(
          "    li x4, 0\n"
          "    copy_ub_to_gm x2, x4, burst_len={0}\n"
          "    pipe_barrier mte3\n"
          "    copy_ub_to_gm x2, x4, burst_len={0}\n",
          blocks);
      break;
    case isa::DataPath::kL0cToGm: {
      // An fp32 m x n tile written as ND rows: 16 rows of bytes / 64 elements each.
      NPU_CHECK(bytes % (16 * 64) == 0, "L0C -> GM calibration needs 16 x (a multiple of 16) fp32");
      const uint64_t n = bytes / 64;
      mnemonic = "fix_l0c_to_gm";
      body = fmt::format(
          "    li x4, 0\n"
          "    li x5, 0\n"
          "    fix_l0c_to_gm.f32.f32 x2, x4, x5, n={0}, m=16, src_stride=1, dst_stride={0}, layout=nd\n"
          "    pipe_barrier fix\n"
          "    fix_l0c_to_gm.f32.f32 x2, x4, x5, n={0}, m=16, src_stride=1, dst_stride={0}, layout=nd\n",
          n);
      break;
    }
    default: NPU_UNREACHABLE("no calibration kernel for this path");
  }
  return run_and_measure(chip, kernel(chip, side, body), bytes, mnemonic);
}

uint64_t measure_load2d(const config::ChipConfig& chip, isa::DataPath path, uint64_t bytes) {
  NPU_CHECK(bytes % 512 == 0, "load2d moves whole 512-byte fractals");
  const std::string_view mnemonic =
      path == isa::DataPath::kL1ToL0a ? "load2d_l1_to_l0a" : "load2d_l1_to_l0b";
  const std::string body = fmt::format(
      "    li x4, 0\n"
      "    {}.f16 x4, x4, repeat={}\n",
      mnemonic, bytes / 512);
  return run_and_measure(chip, kernel(chip, Side::kCube, body), 0, mnemonic);
}

uint64_t measure_mmad(const config::ChipConfig& chip, uint64_t m, uint64_t k, uint64_t n) {
  const std::string body = fmt::format(
      "    li x4, 0\n"
      "    mmad.f32.f16 x4, x4, x4, m={}, k={}, n={}\n",
      m, k, n);
  return run_and_measure(chip, kernel(chip, Side::kCube, body), 0, "mmad");
}

uint64_t measure_vector(const config::ChipConfig& chip, const std::string& instruction,
                        uint64_t repeats) {
  // x4: dst and sources at UB 0; x5: the scalar operand (0); x6: vgather's offsets, after
  // the data of 128 repeats of 256 bytes.
  const std::string_view mnemonic = std::string_view(instruction).substr(0, instruction.find('.'));
  std::string operands = "x4, x4";
  if (mnemonic == "vadd" || mnemonic == "vdiv" || mnemonic == "vmla") operands = "x4, x4, x4";
  if (mnemonic == "vadds") operands = "x4, x4, x5";
  if (mnemonic == "vgather") operands = "x4, x4, x6";
  const std::string body = fmt::format(
      "    li x4, 0\n"
      "    li x5, 0\n"
      "    li x6, 32768\n"
      "    {} {}, repeat={}\n",
      instruction, operands, repeats);
  return run_and_measure(chip, kernel(chip, Side::kVector, body), 0, mnemonic);
}

}  // namespace npu::cli
