// Test fixture for npu_sim_exec: a small coupled core (every buffer), backed GM, helpers to
// build instructions, run them through describe() + execute(), and read and write buffers.
// The host references of the tests live in the test files and never call npu_sim_exec.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "config/chip_config.h"
#include "isa/instruction.h"
#include "isa/packed.h"
#include "sim/exec/executor.h"
#include "sim/exec/local_buffers.h"
#include "sim/fault.h"
#include "sim/memory/global_memory.h"
#include "tests/numerics/reference.h"

namespace npu::sim::testing {

using isa::Buffer;
using isa::DataType;
using isa::Opcode;
using numerics::testing::Random;

inline config::ChipConfig test_config() {
  config::ChipConfig c;
  c.name = "exec-test";
  c.buffers.l1_bytes = 256 * 1024;
  c.buffers.l0a_bytes = 64 * 1024;
  c.buffers.l0b_bytes = 64 * 1024;
  c.buffers.l0c_bytes = 128 * 1024;
  c.buffers.ub_bytes = 64 * 1024;
  c.buffers.bt_bytes = 1024;
  c.buffers.fb_bytes = 2048;
  c.scalar.data_memory_bytes = 4096;
  return c;
}

inline isa::Instruction inst(Opcode opcode, DataType dtype = DataType::kF16,
                             DataType src_dtype = DataType::kF16) {
  isa::Instruction i;
  i.opcode = opcode;
  i.dtype = dtype;
  // Single-suffix rows keep src_dtype == dtype (isa/instruction.h).
  i.src_dtype = isa::info(opcode).dtype_arity() == 2 ? src_dtype : dtype;
  if (isa::info(opcode).dtype_arity() == 0) i.dtype = i.src_dtype = DataType::kF16;
  return i;
}

class ExecTest : public ::testing::Test {
 protected:
  explicit ExecTest(isa::CoreType type = isa::CoreType::kCoupled)
      : config(test_config()),
        buffers(config, type, true),
        gm(1ull << 26, true),
        executor(config, type) {}

  // describe() then execute(); returns the Work.
  Work run(const isa::Instruction& i, std::initializer_list<uint64_t> rs) {
    Operands op;
    op.inst = &i;
    size_t k = 0;
    for (uint64_t v : rs) op.rs[k++] = v;
    Work work;
    executor.describe(op, state, buffers, gm, work);
    executor.execute(op, state, buffers, gm);
    return work;
  }

  Work describe(const isa::Instruction& i, std::initializer_list<uint64_t> rs) {
    Operands op;
    op.inst = &i;
    size_t k = 0;
    for (uint64_t v : rs) op.rs[k++] = v;
    Work work;
    executor.describe(op, state, buffers, gm, work);
    return work;
  }

  // The AccessFault message describe() throws, or "" when it accepts.
  std::string fault_of(const isa::Instruction& i, std::initializer_list<uint64_t> rs) {
    try {
      describe(i, rs);
    } catch (const AccessFault& e) {
      return e.what();
    }
    return "";
  }

  uint8_t* buf(Buffer b) { return buffers.bytes(b).data(); }
  uint8_t* gm_ptr(uint64_t address, uint64_t bytes) { return gm.span(address, bytes).data(); }

  template <typename T>
  T get(Buffer b, uint64_t address) {
    T v;
    std::memcpy(&v, buf(b) + address, sizeof(T));
    return v;
  }
  template <typename T>
  void put(Buffer b, uint64_t address, T v) {
    std::memcpy(buf(b) + address, &v, sizeof(T));
  }

  void fill_random(uint8_t* p, uint64_t bytes, Random& rng) {
    for (uint64_t i = 0; i < bytes; ++i) p[i] = static_cast<uint8_t>(rng.next());
  }

  config::ChipConfig config;
  LocalBuffers buffers;
  GlobalMemory gm;
  Executor executor;
  PipeState state;
};

}  // namespace npu::sim::testing
