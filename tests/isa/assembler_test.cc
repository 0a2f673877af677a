// The assembler: what valid programs assemble to (pseudo-instruction expansions, named
// parameter forms, labels, directives, kernels), and the exact error, line and column for
// every kind of invalid input.
#include <gtest/gtest.h>

#include <random>

#include "isa/assembler.h"
#include "isa/disassembler.h"
#include "isa/instruction.h"
#include "tests/isa/test_util.h"

namespace npu::isa {
namespace {

using test::assemble_error;

std::vector<std::string> disassembled(const std::string& source) {
  std::vector<std::string> out;
  const Binary b = assemble(source, "t.s");
  for (size_t i = 0; i < b.code.size(); ++i) out.push_back(format_instruction(decode(b.code[i])));
  return out;
}

// The value an li expansion leaves in its register.
uint64_t run_li(const Binary& b) {
  uint64_t reg = 0;
  for (uint64_t word : b.code) {
    const Instruction inst = decode(word);
    if (inst.opcode == Opcode::kLui) reg = static_cast<uint64_t>(inst.imm) << 32;
    if (inst.opcode == Opcode::kAddi) {
      reg = (inst.rs1 == 0 ? 0 : reg) + static_cast<uint64_t>(inst.imm);
    }
  }
  return reg;
}

TEST(IsaAssembler, LiExpandsToOneOrTwoInstructions) {
  EXPECT_EQ(disassembled("li x5, 0"), std::vector<std::string>{"addi x5, x0, 0"});
  EXPECT_EQ(disassembled("li x5, -1"), std::vector<std::string>{"addi x5, x0, -1"});
  EXPECT_EQ(disassembled("li x5, 0xffffffffffffffff"), std::vector<std::string>{"addi x5, x0, -1"});
  EXPECT_EQ(disassembled("li x5, 2147483647"), std::vector<std::string>{"addi x5, x0, 2147483647"});
  EXPECT_EQ(disassembled("li x5, 0x80000000"),
            (std::vector<std::string>{"lui x5, 0x1", "addi x5, x5, -2147483648"}));
  EXPECT_EQ(disassembled("li x5, 0x100000000"), std::vector<std::string>{"lui x5, 0x1"});
  EXPECT_EQ(disassembled("li x5, 0x123456789abcdef0"),
            (std::vector<std::string>{"lui x5, 0x12345679", "addi x5, x5, -1698898192"}));
  EXPECT_EQ(disassembled("li x5, -9223372036854775808"),
            std::vector<std::string>{"lui x5, 0x80000000"});
}

TEST(IsaAssembler, LiLoadsEvery64BitConstant) {
  std::mt19937_64 rng(99);
  for (int i = 0; i < 2000; ++i) {
    uint64_t v = rng();
    if (i % 4 == 1) v &= 0xffffffffull;
    if (i % 4 == 2) v |= 0xffffffff00000000ull;
    if (i % 4 == 3) v = (v & 0xffffffff00000000ull) | 0x80000000ull;
    const Binary b = assemble("li x7, " + std::to_string(v), "t.s");
    EXPECT_LE(b.code.size(), 2u);
    EXPECT_EQ(run_li(b), v) << v;
  }
}

TEST(IsaAssembler, SimplePseudoInstructions) {
  EXPECT_EQ(disassembled("mv x1, x2\nnop\nneg x3, x4\nnot x5, x6"),
            (std::vector<std::string>{"addi x1, x2, 0", "addi x0, x0, 0", "sub x3, x0, x4",
                                      "xori x5, x6, -1"}));
  EXPECT_EQ(disassembled("a: beqz x1, a\nbnez x2, a\nbgt x1, x2, a\nble x1, x2, a\n"
                         "bgtu x3, x4, a\nbleu x3, x4, a\nj a"),
            (std::vector<std::string>{"beq x1, x0, 0", "bne x2, x0, -1", "blt x2, x1, -2",
                                      "bge x2, x1, -3", "bltu x4, x3, -4", "bgeu x4, x3, -5",
                                      "jal x0, -6"}));
}

TEST(IsaAssembler, BranchesResolveForwardAndBackward) {
  EXPECT_EQ(disassembled("top:\n  beq x1, x2, done\n  addi x1, x1, 1\n  j top\ndone: end"),
            (std::vector<std::string>{"beq x1, x2, 3", "addi x1, x1, 1", "jal x0, -2", "end"}));
  EXPECT_EQ(disassembled("bne x1, x2, -7"), std::vector<std::string>{"bne x1, x2, -7"});
}

TEST(IsaAssembler, LaAddsTheRodataOffsetToRodataBase) {
  const Binary b = assemble(".rodata\n.zero 24\ntable: .word 7\n.text\nla x9, table\nend", "t.s");
  ASSERT_EQ(b.code.size(), 3u);
  EXPECT_EQ(format_instruction(decode(b.code[0])), "rdsr x9, rodata_base");
  EXPECT_EQ(format_instruction(decode(b.code[1])), "addi x9, x9, 24");
}

TEST(IsaAssembler, NamedParameterFormBuildsThePackedWordInX31) {
  const Binary b = assemble("vadd.f16 x3, x4, x5, repeat=4, dst_rep_stride=16", "t.s");
  ASSERT_EQ(b.code.size(), 3u);
  EXPECT_EQ(run_li(Binary{{b.code[0], b.code[1]}, {}, {}, {}}),
            pack_vector_params({.repeat = 4, .dst_rep_stride = 16}));
  EXPECT_EQ(format_instruction(decode(b.code[2])), "vadd.f16 x3, x4, x5, x31");
}

TEST(IsaAssembler, NamedParameterFormWithTwoPackedRegistersUsesX31AndX30) {
  const Binary b = assemble(
      "load3d_l1_to_l0a.f16 x3, x4, k_extension=144, m_extension=64, filter_w=3, filter_h=3, "
      "channels=16, stride_w=2",
      "t.s");
  const Instruction last = decode(b.code.back());
  EXPECT_EQ(last.rs3, 31);
  EXPECT_EQ(last.rs4, 30);
  uint64_t x31 = 0;
  uint64_t x30 = 0;
  for (size_t i = 0; i + 1 < b.code.size(); ++i) {
    const Instruction inst = decode(b.code[i]);
    uint64_t& reg = inst.rd == 31 ? x31 : x30;
    if (inst.opcode == Opcode::kLui) reg = static_cast<uint64_t>(inst.imm) << 32;
    if (inst.opcode == Opcode::kAddi)
      reg = (inst.rs1 == 0 ? 0 : reg) + static_cast<uint64_t>(inst.imm);
  }
  EXPECT_EQ(x31, pack_load3d_pos({.k_extension = 144, .m_extension = 64}));
  EXPECT_EQ(x30, pack_load3d_geom({.stride_w = 2, .filter_w = 3, .filter_h = 3, .channels = 16}));
}

TEST(IsaAssembler, NamedParameterFormKeepsLaterPositionalOperands) {
  // fixpipe's params register is followed by the scale register.
  const Binary b = assemble(
      "fix_l0c_to_gm.f16.s32 x3, x4, x7, n=16, m=16, src_stride=1, dst_stride=16, layout=nd",
      "t.s");
  const Instruction fix = decode(b.code.back());
  EXPECT_EQ(fix.rs3, 31);
  EXPECT_EQ(fix.rs4, 7);
  EXPECT_EQ(fix.layout, FixLayout::kNd);
  EXPECT_EQ(run_li(Binary{{b.code.begin(), b.code.end() - 1}, {}, {}, {}}),
            pack_fixpipe_params({16, 16, 1, 16}));
}

TEST(IsaAssembler, PackedFieldsAcceptSymbols) {
  const Binary b = assemble("mmad.f32.bf16 x3, x4, x5, m=16, k=16, n=16, init=zero", "t.s");
  EXPECT_EQ(run_li(Binary{{b.code.begin(), b.code.end() - 1}, {}, {}, {}}),
            pack_mmad_params({.m = 16, .k = 16, .n = 16, .init = MmadInit::kZero}));
}

TEST(IsaAssembler, DataDirectivesLayOutBytesLittleEndian) {
  const Binary b = assemble(
      ".rodata\n"
      "a: .byte 1, -1, 255\n"
      ".half 0x1234\n"
      ".align 8\n"
      "b: .word -2\n"
      ".dword 0x0102030405060708\n"
      ".float 1.5\n"
      ".ascii \"hi\\n\"\n"
      ".asciz \"A\", \"\\x42\"\n"
      ".zero 2\n"
      "end_of_data:\n",
      "t.s");
  const std::vector<uint8_t> expected = {
      1,    0xff, 0xff, 0x34, 0x12, 0,   0, 0,      // .byte .half .align
      0xfe, 0xff, 0xff, 0xff,                       // .word -2
      8,    7,    6,    5,    4,    3,   2, 1,      // .dword
      0,    0,    0xc0, 0x3f,                       // .float 1.5
      'h',  'i',  '\n', 'A',  0,    'B', 0, 0, 0};  // strings, zero
  EXPECT_EQ(b.rodata, expected);
  EXPECT_EQ(b.find_symbol("a")->offset, 0u);
  EXPECT_EQ(b.find_symbol("b")->offset, 8u);
  EXPECT_EQ(b.find_symbol("end_of_data")->offset, expected.size());
  EXPECT_EQ(b.find_symbol("b")->section, Section::kRodata);
}

TEST(IsaAssembler, KernelsArgumentsAndSortedSymbols) {
  const Binary b = assemble(
      "# two kernels\r\n"
      ".kernel first\r\n"
      ".arg x, gm\r\n"
      ".arg n, s32\r\n"
      ".arg alpha, f32\r\n"
      "zeta: alpha_label: end   // a comment\r\n"
      ".kernel second\r\n"
      "  end\r\n",
      "t.s");
  ASSERT_EQ(b.kernels.size(), 2u);
  EXPECT_EQ(b.kernels[0].name, "first");
  EXPECT_EQ(b.kernels[0].entry, 0u);
  ASSERT_EQ(b.kernels[0].args.size(), 3u);
  EXPECT_EQ(b.kernels[0].args[1].name, "n");
  EXPECT_EQ(b.kernels[0].args[1].kind, ArgKind::kInt);
  EXPECT_EQ(b.kernels[0].args[1].dtype, DataType::kS32);
  EXPECT_EQ(b.kernels[0].args[1].size(), 4u);
  EXPECT_EQ(b.kernels[0].args[2].kind, ArgKind::kFloat);
  EXPECT_EQ(b.kernels[0].args[0].kind, ArgKind::kGmPointer);
  EXPECT_EQ(b.kernels[0].args[0].size(), 8u);
  EXPECT_EQ(b.kernels[1].entry, 8u);
  ASSERT_EQ(b.symbols.size(), 4u);
  EXPECT_EQ(b.symbols[0].name, "alpha_label");  // offset 0, then by name
  EXPECT_EQ(b.symbols[1].name, "first");
  EXPECT_EQ(b.symbols[2].name, "zeta");
  EXPECT_EQ(b.symbols[3].name, "second");
}

// ---- Invalid input: exact message, line and column. -----------------------------------------

struct BadCase {
  const char* source;
  const char* error;
};

// Shows the source of a failing case instead of its bytes.
void PrintTo(const BadCase& c, std::ostream* os) { *os << '"' << c.source << '"'; }

class IsaAssemblerErrors : public ::testing::TestWithParam<BadCase> {};

TEST_P(IsaAssemblerErrors, ReportsExactMessageLineAndColumn) {
  EXPECT_EQ(assemble_error(GetParam().source), GetParam().error) << GetParam().source;
}

const BadCase kBadCases[] = {
    // Unknown mnemonic, suffixes.
    {"vaad.f16 x1, x2, x3, x4", "t.s:1:1: error: unknown instruction 'vaad'"},
    {"    frobnicate", "t.s:1:5: error: unknown instruction 'frobnicate'"},
    {"vadd.f64 x1, x2, x3, x4",
     "t.s:1:5: error: unknown data type '.f64' (expected f16, bf16, f32, s8, u8, s16, s32 or s64)"},
    {"vadd x1, x2, x3, x4",
     "t.s:1:5: error: 'vadd' needs a data-type suffix (one of .f16, .f32, .s16, .s32)"},
    {"vadd.f16.f32 x1, x2, x3, x4",
     "t.s:1:9: error: 'vadd' needs a data-type suffix (one of .f16, .f32, .s16, .s32)"},
    {"add.s32 x1, x2, x3", "t.s:1:4: error: 'add' takes no data-type suffix"},
    {"vdiv.s32 x1, x2, x3, x4",
     "t.s:1:5: error: 'vdiv' does not support .s32 (it supports .f16, .f32)"},
    {"mmad.f16.f16 x1, x2, x3, x4",
     "t.s:1:5: error: 'mmad' does not support .f16.f16 (it supports .f32.f16, .f32.bf16, "
     ".s32.s8, .s32.u8)"},
    {"mmad.f32 x1, x2, x3, x4",
     "t.s:1:9: error: 'mmad' needs 2 data-type suffixes (one of .f32.f16, .f32.bf16, .s32.s8, "
     ".s32.u8)"},
    // Operand counts and kinds.
    {"add x1, x2", "t.s:1:11: error: 'add' expects 3 operands (rd, rs1, rs2), got 2"},
    {"add x1, x2, x3, x4", "t.s:1:17: error: 'add' expects 3 operands (rd, rs1, rs2), got 4"},
    {"end x1", "t.s:1:5: error: 'end' expects 0 operands (), got 1"},
    {"add x1, 5, x3", "t.s:1:9: error: expected a register (x0..x31), got '5'"},
    {"add x1, x32, x3", "t.s:1:9: error: register 'x32' does not exist (x0..x31)"},
    {"add x1, x2, \"x3\"", "t.s:1:13: error: expected a register (x0..x31), got a string"},
    {"addi x1, x2, x3", "t.s:1:14: error: immediate must be an integer, got 'x3'"},
    {"li x1, foo", "t.s:1:8: error: immediate must be an integer, got 'foo'"},
    {"lds.s32 x1, x2", "t.s:1:13: error: expected a memory operand offset(xN), got 'x2'"},
    {"lds.s32 x1, 8(x2", "t.s:1:17: error: expected ')' after the base register"},
    {"lds.s32 x1, 8(5)", "t.s:1:15: error: expected a base register after '('"},
    {"stg.s32 x1, 8(x40)", "t.s:1:15: error: register 'x40' does not exist (x0..x31)"},
    {"vadd.f16 x1, x2, x3, x4, x5",
     "t.s:1:26: error: 'vadd' expects 4 operands (dst, src0, src1, params) or 3 with the "
     "parameters as named fields (dst, src0, src1, repeat=...), got 5"},
    {"vadd.f16 x1, x2",
     "t.s:1:16: error: 'vadd' expects 4 operands (dst, src0, src1, params) or 3 with the "
     "parameters as named fields (dst, src0, src1, repeat=...), got 2"},
    // Immediates.
    {"addi x1, x2, 5000000000",
     "t.s:1:14: error: immediate 5000000000 is out of range -2147483648..2147483647"},
    {"slli x1, x2, 64", "t.s:1:14: error: immediate 64 is out of range 0..63"},
    {"lui x1, -1", "t.s:1:9: error: immediate -1 is out of range 0..4294967295"},
    {"addi x1, x2, 0x1g", "t.s:1:14: error: invalid integer '0x1g'"},
    {"li x1, 0x10000000000000000",
     "t.s:1:8: error: integer '0x10000000000000000' does not fit in 64 bits"},
    // Labels.
    {"beq x1, x2, nowhere", "t.s:1:13: error: unknown label 'nowhere'"},
    {"a: nop\na: nop", "t.s:2:1: error: duplicate label 'a' (first defined on line 1)"},
    {"1abc: nop",
     "t.s:1:1: error: invalid label name '1abc' (expected a letter or '_' followed by letters, "
     "digits or '_')"},
    {"x5: nop", "t.s:1:1: error: 'x5' is a register name and cannot be a label"},
    {".rodata\nd: .byte 1\n.text\nbeq x0, x0, d",
     "t.s:4:13: error: label 'd' is in .rodata; a branch target must be a .text label"},
    {"l: la x1, l", "t.s:1:11: error: 'la' needs a .rodata label; 'l' is in .text"},
    // Directives and sections.
    {".foo",
     "t.s:1:1: error: unknown directive '.foo' (expected .text, .rodata, .kernel, .arg, .byte, "
     ".half, .word, .dword, .float, .ascii, .asciz, .zero or .align)"},
    {".rodata\n.ascii \"abc", "t.s:2:8: error: unterminated string: missing closing '\"'"},
    {".rodata\n.ascii \"a\\q\"", "t.s:2:10: error: unknown escape sequence '\\q'"},
    {".byte 1",
     "t.s:1:1: error: data directive '.byte' is only allowed in .rodata (instructions live in "
     ".text)"},
    {".rodata\nnop",
     "t.s:2:1: error: instructions are only allowed in .text (the current section is .rodata)"},
    {".rodata\n.byte 256", "t.s:2:7: error: value 256 is out of range -128..255"},
    {".rodata\n.half -32769", "t.s:2:7: error: value -32769 is out of range -32768..65535"},
    {".rodata\n.align 3", "t.s:2:8: error: alignment 3 is not a power of two"},
    {".rodata\n.float abc", "t.s:2:8: error: expected a floating-point number, got 'abc'"},
    {".rodata\n.byte a=1", "t.s:2:7: error: directives take no named fields"},
    {".rodata\n.zero", "t.s:2:6: error: '.zero' expects 1 operand (a byte count), got 0 operands"},
    {".text x1", "t.s:1:7: error: unexpected operand after no operands of '.text'"},
    {".rodata\n.kernel k", "t.s:2:1: error: '.kernel' is only allowed in .text"},
    // Kernels and arguments.
    {".arg n, s32", "t.s:1:1: error: '.arg' outside a kernel: put it after '.kernel NAME'"},
    {".kernel k\nnop\n.arg n, s32",
     "t.s:3:1: error: '.arg' must come before the first instruction of kernel 'k'"},
    {".kernel k\n.arg n, int\nend",
     "t.s:2:9: error: unknown argument type 'int' (expected gm, s8, u8, s16, s32, s64, f16, bf16 "
     "or f32)"},
    {".kernel k\n.arg a, gm\n.arg a, s32\nend",
     "t.s:3:6: error: duplicate argument 'a' of kernel 'k'"},
    {".kernel k\nend\n.kernel k\nend",
     "t.s:3:9: error: duplicate kernel 'k' (first defined on line 1)"},
    {".kernel k", "t.s:1:1: error: kernel 'k' has no instructions"},
    {".kernel 9k\nend", "t.s:1:9: error: invalid kernel name '9k'"},
    {"5 x1", "t.s:1:1: error: expected an instruction, a directive or a label, got '5'"},
    // Pipes, events, symbolic operands.
    {"set_flag mte4, v, 0",
     "t.s:1:10: error: unknown pipe 'mte4' (expected s, v, m, mte1, mte2, mte3 or fix)"},
    {"set_flag all, v, 0",
     "t.s:1:10: error: pipe 'all' is not allowed in 'set_flag' (expected s, v, m, mte1, mte2, "
     "mte3 or fix)"},
    {"pipe_barrier s",
     "t.s:1:14: error: pipe 's' is not allowed in 'pipe_barrier' (expected v, m, mte1, mte2, "
     "mte3, fix or all)"},
    {"set_flag 4, v, 0",
     "t.s:1:10: error: expected a pipe (s, v, m, mte1, mte2, mte3 or fix), got '4'"},
    {"wait_flag mte2, v, 64", "t.s:1:20: error: event id 64 is out of range 0..63"},
    {"cross_core_wait_flag v, -1", "t.s:1:25: error: flag id -1 is out of range 0..63"},
    {"cross_core_set_flag v, all_cores, 1",
     "t.s:1:24: error: unknown cross-core mode 'all_cores' (expected same_type, aiv_pair or "
     "aic_aiv)"},
    {"rdsr x1, blockidx",
     "t.s:1:10: error: unknown special register 'blockidx' (expected block_idx, block_dim, "
     "core_type, sub_block_idx, sub_block_dim, cycle, args_base or rodata_base)"},
    {"vcmp.f16 x1, x2, x3, x4, lessthan",
     "t.s:1:26: error: unknown comparison 'lessthan' (expected eq, ne, lt, le, gt or ge)"},
    {"vconv.f16.f32 x1, x2, x3, round=nearest",
     "t.s:1:33: error: unknown rounding mode 'nearest' (expected rint, floor, ceil, away, zero "
     "or odd)"},
    // Named fields and named-parameter forms.
    {"vadd.f16 x1, x2, x3, x4, foo=1", "t.s:1:26: error: 'vadd' has no field named 'foo'"},
    {"fix_l0c_to_l1.f16.f32 x1, x2, x3, x0, atomic=1",
     "t.s:1:39: error: 'fix_l0c_to_l1' has no field named 'atomic' (expected relu, layout)"},
    {"fix_l0c_to_gm.f16.f32 x1, x2, x3, x0, relu=2",
     "t.s:1:44: error: relu 2 is out of range 0..1"},
    {"vadd.f16 x1, x2, x3, x4, repeat=2",
     "t.s:1:26: error: 'repeat' is a field of the params register; name it only when the params "
     "register operand is left out"},
    {"copy_gm_to_ub x1, x2, nburst=2",
     "t.s:1:31: error: missing field 'burst_len' ('copy_gm_to_ub' without its params register "
     "needs burst_len=...)"},
    {"vadd.f16 x1, x2, x3, repeat=256", "t.s:1:29: error: repeat 256 is out of range 0..255"},
    {"vadd.f16 x1, x2, x3, repeat=many", "t.s:1:29: error: repeat must be an integer, got 'many'"},
    {"vadd.f16 x31, x2, x3, repeat=1",
     "t.s:1:10: error: x31 is clobbered by this instruction's expansion (it carries the params "
     "word); use another register"},
    {"copy_gm_to_ub_pad.f16 x1, x30, nburst=1, burst_bytes=64",
     "t.s:1:27: error: x30 is clobbered by this instruction's expansion (it carries the pad "
     "word); use another register"},
    {"vadd.f16 x1, x2, x3, repeat=1, repeat=2", "t.s:1:32: error: field 'repeat' given twice"},
    {"vconv.f16.f32 x1, x2, round=floor, x3",
     "t.s:1:36: error: positional operand after a named field"},
    {"vadd.f16 x1, x2, x3, repeat=", "t.s:1:28: error: expected a value after '='"},
    {"mmad.f32.f16 x1, x2, x3, m=1, k=1, n=1, init=maybe",
     "t.s:1:46: error: unknown init 'maybe' (expected acc, zero or bias)"},
    // Lexical problems.
    {"add x1,, x3", "t.s:1:8: error: expected an operand before ','"},
    {"add x1, x2, x3,", "t.s:1:15: error: expected an operand after ','"},
    {"add x1 x2, x3", "t.s:1:8: error: expected ',' before 'x2'"},
    {"add x1, x2, @x3", "t.s:1:13: error: unexpected character '@'"},
    {"add x1, (x2), x3", "t.s:1:9: error: unexpected memory operand"},
};

INSTANTIATE_TEST_SUITE_P(Cases, IsaAssemblerErrors, ::testing::ValuesIn(kBadCases));

TEST(IsaAssemblerErrorsAll, AtLeastFortyCases) { EXPECT_GE(std::size(kBadCases), 40u); }

TEST(IsaAssemblerErrorsAll, EveryErrorOfAFileIsReportedInLineOrder) {
  const std::string source =
      "start:\n"
      "  add x1, x2\n"  // 2: missing operand
      "  vadd.f16 x1, x2, x3, x4\n"
      "  set_flag mte2, q, 0\n"  // 4: bad pipe
      "  beq x1, x2, nowhere\n"  // 5: unknown label (found in pass two)
      "start:\n"                 // 6: duplicate label
      "  end\n";
  EXPECT_EQ(assemble_error(source, "prog.s"),
            "prog.s:2:13: error: 'add' expects 3 operands (rd, rs1, rs2), got 2\n"
            "prog.s:4:18: error: unknown pipe 'q' (expected s, v, m, mte1, mte2, mte3 or fix)\n"
            "prog.s:5:15: error: unknown label 'nowhere'\n"
            "prog.s:6:1: error: duplicate label 'start' (first defined on line 1)");
}

TEST(IsaAssemblerErrorsAll, UnreadableFileIsAUserError) {
  try {
    assemble_file("/nonexistent/dir/k.s");
    FAIL() << "expected a UserError";
  } catch (const UserError& e) {
    EXPECT_STREQ(e.what(), "/nonexistent/dir/k.s: error: cannot open file");
  }
}

}  // namespace
}  // namespace npu::isa
