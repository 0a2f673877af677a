// Encoding and decoding: every instruction round-trips encode -> decode -> disassemble ->
// assemble to identical bits, for its example, for every data-type combination and for random
// field values; illegal words are rejected with exact messages.
#include <gtest/gtest.h>

#include <random>

#include "isa/assembler.h"
#include "isa/disassembler.h"
#include "isa/instruction.h"
#include "tests/isa/test_util.h"

namespace npu::isa {
namespace {

uint64_t assemble_one(const std::string& text) {
  const Binary b = assemble(text, "rt.s");
  EXPECT_EQ(b.code.size(), 1u) << text;
  return b.code.empty() ? 0 : b.code[0];
}

// encode -> decode -> format -> assemble, all identical.
void expect_round_trip(const Instruction& inst) {
  ASSERT_EQ(validate(inst), std::nullopt) << info(inst.opcode).mnemonic;
  const uint64_t word = encode(inst);
  Instruction decoded;
  ASSERT_EQ(try_decode(word, decoded), DecodeStatus::kOk) << decode_error(word);
  Instruction expected = inst;
  if (info(inst.opcode).dtype_arity() == 1) expected.src_dtype = expected.dtype;
  EXPECT_EQ(decoded, expected) << format_instruction(decoded);
  const std::string text = format_instruction(decoded);
  EXPECT_EQ(assemble_one(text), word) << text;
}

TEST(IsaEncoding, EveryExampleRoundTrips) {
  for (const InstructionInfo& row : instruction_table()) {
    const Binary b = assemble(row.example, "example.s");
    ASSERT_EQ(b.code.size(), 1u) << row.example;
    const Instruction inst = decode(b.code[0]);
    EXPECT_EQ(inst.opcode, row.opcode) << row.example;
    EXPECT_EQ(format_instruction(inst), row.example) << "the example is the canonical text";
    expect_round_trip(inst);
  }
}

TEST(IsaEncoding, EveryDataTypeCombinationRoundTrips) {
  std::mt19937_64 rng(7);
  for (const InstructionInfo& row : instruction_table()) {
    for (const TypeSig& sig : row.dtypes) {
      Instruction inst = test::random_instruction(row, rng);
      inst.dtype = sig.dst;
      inst.src_dtype = sig.src;
      expect_round_trip(inst);
    }
  }
}

TEST(IsaEncoding, RandomFieldValuesRoundTrip) {
  std::mt19937_64 rng(20240611);
  for (const InstructionInfo& row : instruction_table()) {
    for (int i = 0; i < 60; ++i) expect_round_trip(test::random_instruction(row, rng));
  }
}

TEST(IsaEncoding, ExtremeImmediatesRoundTrip) {
  for (int64_t imm : {int64_t{INT32_MIN}, int64_t{-1}, int64_t{0}, int64_t{INT32_MAX}}) {
    Instruction addi;
    addi.opcode = Opcode::kAddi;
    addi.rd = 31;
    addi.rs1 = 31;
    addi.imm = imm;
    expect_round_trip(addi);
    Instruction beq;
    beq.opcode = Opcode::kBeq;
    beq.imm = imm;
    expect_round_trip(beq);
  }
  Instruction lui;
  lui.opcode = Opcode::kLui;
  lui.imm = 0xffffffff;
  expect_round_trip(lui);
}

TEST(IsaEncoding, KnownWordsBitForBit) {
  // add x3, x1, x2: opcode 0x01, rd 3 at bit 8, rs1 1 at bit 13, rs2 2 at bit 18.
  EXPECT_EQ(assemble_one("add x3, x1, x2"), 0x01ull | 3ull << 8 | 1ull << 13 | 2ull << 18);
  // addi x3, x1, -16: imm in bits 63:32, two's complement.
  EXPECT_EQ(assemble_one("addi x3, x1, -16"),
            0x18ull | 3ull << 8 | 1ull << 13 | 0xfffffff0ull << 32);
  // lds.s32 x3, 8(x2): format LD, dtype s32 (code 6) at bits 25:23.
  EXPECT_EQ(assemble_one("lds.s32 x3, 8(x2)"),
            0x28ull | 3ull << 8 | 2ull << 13 | 6ull << 23 | 8ull << 32);
  // set_flag mte2, v, 3: pipe 4 at 42:40, dst_pipe 1 at 45:43, event 3 at 53:48.
  EXPECT_EQ(assemble_one("set_flag mte2, v, 3"), 0x40ull | 4ull << 40 | 1ull << 43 | 3ull << 48);
  // vconv.f16.f32 x3, x4, x6, round=floor: dtype 0, src_dtype 2 at 43:41, mode 1 at 47:44.
  EXPECT_EQ(assemble_one("vconv.f16.f32 x3, x4, x6, round=floor"),
            0xe0ull | 3ull << 13 | 4ull << 18 | 6ull << 23 | 2ull << 41 | 1ull << 44);
  // fix_l0c_to_gm.f16.f32 ..., relu=1, layout=nd, atomic=1: bits 48, 49, 50.
  EXPECT_EQ(assemble_one("fix_l0c_to_gm.f16.f32 x3, x4, x5, x0, relu=1, layout=nd, atomic=1"),
            0x78ull | 3ull << 13 | 4ull << 18 | 5ull << 23 | 2ull << 41 | 7ull << 48);
  EXPECT_EQ(assemble_one("end"), 0x3full);
}

TEST(IsaDecoding, UnknownOpcode) {
  Instruction inst;
  EXPECT_EQ(try_decode(0, inst), DecodeStatus::kUnknownOpcode);
  EXPECT_EQ(decode_error(0), "illegal encoding 0x0000000000000000: unknown opcode 0x00");
  EXPECT_EQ(decode_error(0xff), "illegal encoding 0x00000000000000ff: unknown opcode 0xff");
}

TEST(IsaDecoding, ReservedBits) {
  Instruction inst;
  const uint64_t word = 0x01ull | 1ull << 63;  // add with bit 63 set
  EXPECT_EQ(try_decode(word, inst), DecodeStatus::kReservedBits);
  EXPECT_EQ(
      decode_error(word),
      "illegal encoding 0x8000000000000001: 'add' has reserved bits set (0x8000000000000000)");
  EXPECT_EQ(try_decode(0x3full | 1ull << 8, inst), DecodeStatus::kReservedBits);  // end with rd
}

TEST(IsaDecoding, PipeValueNotAllowed) {
  Instruction inst;
  const uint64_t word = 0x40ull | 7ull << 40 | 1ull << 43;  // set_flag all, v, 0
  EXPECT_EQ(try_decode(word, inst), DecodeStatus::kBadField);
  EXPECT_EQ(decode_error(word),
            "illegal encoding 0x00000f0000000040: 'set_flag' field src_pipe holds 7, which is "
            "not a pipe allowed there");
  // pipe_barrier s is not allowed; pipe_barrier all is.
  EXPECT_EQ(try_decode(0x42ull, inst), DecodeStatus::kBadField);
  EXPECT_EQ(try_decode(0x42ull | 7ull << 40, inst), DecodeStatus::kOk);
  EXPECT_EQ(execution_pipe(inst), Pipe::kAll);
}

TEST(IsaDecoding, EnumValueOutOfRange) {
  Instruction inst;
  const uint64_t word = 0xe0ull | 2ull << 41 | 9ull << 44;  // vconv.f16.f32 round=9
  EXPECT_EQ(try_decode(word, inst), DecodeStatus::kBadField);
  EXPECT_EQ(decode_error(word),
            "illegal encoding 0x00009400000000e0: 'vconv' field round holds 9, which is not a "
            "rounding mode allowed there");
}

TEST(IsaDecoding, UnsupportedDataType) {
  Instruction inst;
  const uint64_t word = 0xa3ull | 6ull << 38;  // vdiv.s32
  EXPECT_EQ(try_decode(word, inst), DecodeStatus::kBadDataType);
  EXPECT_EQ(decode_error(word),
            "illegal encoding 0x00000180000000a3: 'vdiv' does not support data type .s32");
  const uint64_t mmad = 0x70ull | 0ull << 38 | 0ull << 41;  // mmad.f16.f16
  EXPECT_EQ(decode_error(mmad),
            "illegal encoding 0x0000000000000070: 'mmad' does not support data type .f16.f16");
}

TEST(IsaDecoding, DecodeThrowsUserError) {
  EXPECT_THROW(decode(0), UserError);
  EXPECT_EQ(decode(0x3f).opcode, Opcode::kEnd);
}

TEST(IsaValidate, ReportsTheFirstProblem) {
  Instruction inst;
  inst.opcode = Opcode::kAdd;
  inst.rd = 32;
  EXPECT_EQ(validate(inst), "'add' rd: register x32 does not exist");
  inst.rd = 1;
  inst.imm = 5;
  EXPECT_EQ(validate(inst), "'add' has no operand in slot 6, but it is set");
  Instruction addi;
  addi.opcode = Opcode::kAddi;
  addi.imm = int64_t{1} << 31;
  EXPECT_EQ(validate(addi), "'addi' imm: 2147483648 is out of range -2147483648..2147483647");
  Instruction vdiv;
  vdiv.opcode = Opcode::kVdiv;
  vdiv.dtype = DataType::kS16;
  EXPECT_EQ(validate(vdiv), "'vdiv' does not support data type .s16");
  Instruction flag;
  flag.opcode = Opcode::kWaitFlag;
  flag.pipe = Pipe::kAll;
  EXPECT_EQ(validate(flag),
            "'wait_flag' field src_pipe holds 7, which is not a pipe allowed there");
}

TEST(IsaExecutionPipe, ComesFromTheTableOrTheOperand) {
  Instruction vadd = decode(assemble("vadd.f16 x1, x2, x3, x4", "t.s").code[0]);
  EXPECT_EQ(execution_pipe(vadd), Pipe::kV);
  Instruction set = decode(assemble("set_flag mte2, v, 1", "t.s").code[0]);
  EXPECT_EQ(execution_pipe(set), Pipe::kMte2);
  Instruction wait = decode(assemble("wait_flag mte2, v, 1", "t.s").code[0]);
  EXPECT_EQ(execution_pipe(wait), Pipe::kV);
  Instruction cc = decode(assemble("cross_core_wait_flag fix, 2", "t.s").code[0]);
  EXPECT_EQ(execution_pipe(cc), Pipe::kFix);
  EXPECT_EQ(cc.event, 2);
}

TEST(IsaInstruction, TypedAccessors) {
  const Instruction conv = decode(assemble("vconv.s32.f32 x1, x2, x3, round=away", "t.s").code[0]);
  EXPECT_EQ(conv.round_mode(), RoundMode::kAway);
  EXPECT_EQ(conv.dtype, DataType::kS32);
  EXPECT_EQ(conv.src_dtype, DataType::kF32);
  const Instruction cmp = decode(assemble("vcmp.f32 x1, x2, x3, x4, ge", "t.s").code[0]);
  EXPECT_EQ(cmp.compare(), CompareMode::kGe);
  const Instruction sr = decode(assemble("rdsr x9, sub_block_idx", "t.s").code[0]);
  EXPECT_EQ(sr.special_reg(), SpecialReg::kSubBlockIdx);
  EXPECT_EQ(sr.rd, 9);
  const Instruction cc = decode(assemble("cross_core_set_flag mte3, aiv_pair, 63", "t.s").code[0]);
  EXPECT_EQ(cc.cross_core_mode(), CrossCoreMode::kAivPair);
  EXPECT_EQ(cc.event, 63);
  const Instruction mm = decode(assemble("set_mask_mode counter", "t.s").code[0]);
  EXPECT_EQ(mm.mask_mode(), MaskMode::kCounter);
}

}  // namespace
}  // namespace npu::isa
