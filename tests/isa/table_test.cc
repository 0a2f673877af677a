// The instruction table: coverage of the ISA families, row order, and the encoding checks that
// reject overlapping or ambiguous encodings (on synthetic tables built to break them).
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "isa/instruction.h"

namespace npu::isa {
namespace {

TEST(IsaTable, HasAtLeastSeventyInstructionsOneRowPerOpcodeInOrder) {
  const std::span<const InstructionInfo> table = instruction_table();
  EXPECT_EQ(table.size(), kOpcodeCount);
  EXPECT_GE(table.size(), 70u);
  for (size_t i = 0; i < table.size(); ++i) {
    EXPECT_EQ(static_cast<size_t>(table[i].opcode), i) << table[i].mnemonic;
    EXPECT_EQ(&info(table[i].opcode), &table[i]);
    EXPECT_EQ(find_mnemonic(table[i].mnemonic), &table[i]);
  }
  EXPECT_EQ(find_mnemonic("vaad"), nullptr);
}

TEST(IsaTable, RealTableHasNoEncodingProblems) {
  EXPECT_EQ(check_encodings(instruction_table()), std::vector<std::string>{});
}

TEST(IsaTable, CoversEveryFamilyTheIssueNames) {
  const std::vector<std::string> required = {
      // scalar
      "add", "sub", "mul", "sll", "srl", "sra", "and", "or", "xor", "slt", "min", "max", "addi",
      "lui", "lds", "sts", "ldg", "stg", "beq", "bne", "blt", "bge", "jal", "jalr", "rdsr", "end",
      // MTE2
      "copy_gm_to_l1", "copy_gm_to_ub", "copy_gm_to_l0a", "copy_gm_to_l0b", "copy_gm_to_l1_nd2nz",
      "copy_gm_to_ub_pad", "copy_gm_to_l1_pad",
      // MTE1
      "load2d_l1_to_l0a", "load2d_l1_to_l0b", "load3d_l1_to_l0a", "set_fmatrix", "set_padding",
      // cube, fixpipe
      "mmad", "fix_l0c_to_gm", "fix_l0c_to_l1", "fix_l0c_to_ub",
      // MTE3
      "copy_ub_to_gm", "copy_ub_to_gm_atomic_add", "copy_ub_to_l1", "copy_ub_to_ub",
      // vector
      "vadd", "vsub", "vmul", "vdiv", "vmax", "vmin", "vand", "vor", "vadds", "vmuls", "vmaxs",
      "vmins", "vshl", "vshr", "vlrelu", "vabs", "vexp", "vln", "vrec", "vsqrt", "vrsqrt", "vrelu",
      "vnot", "vcmp", "vcmps", "vsel", "vcadd", "vcmax", "vcmin", "vcgadd", "vcgmax", "vcgmin",
      "vconv", "vdup", "vbrcb", "vtranspose", "set_mask", "set_mask_mode",
      // sync
      "set_flag", "wait_flag", "pipe_barrier", "sync_all", "cross_core_set_flag",
      "cross_core_wait_flag"};
  for (const std::string& m : required) EXPECT_NE(find_mnemonic(m), nullptr) << m;
}

TEST(IsaTable, DataTypeCombinationsTheIssueNames) {
  const InstructionInfo& mmad = info(Opcode::kMmad);
  EXPECT_TRUE(mmad.allows(DataType::kF32, DataType::kF16));
  EXPECT_TRUE(mmad.allows(DataType::kF32, DataType::kBf16));
  EXPECT_TRUE(mmad.allows(DataType::kS32, DataType::kS8));
  EXPECT_FALSE(mmad.allows(DataType::kF16, DataType::kF16));
  const InstructionInfo& fix = info(Opcode::kFixL0cToGm);
  EXPECT_TRUE(fix.allows(DataType::kF16, DataType::kF32));
  EXPECT_TRUE(fix.allows(DataType::kBf16, DataType::kF32));
  EXPECT_TRUE(fix.allows(DataType::kF16, DataType::kS32));
  EXPECT_TRUE(fix.allows(DataType::kS8, DataType::kS32));
  const InstructionInfo& conv = info(Opcode::kVconv);
  for (auto [d, s] : std::vector<std::pair<DataType, DataType>>{{DataType::kF16, DataType::kF32},
                                                                {DataType::kF32, DataType::kF16},
                                                                {DataType::kBf16, DataType::kF32},
                                                                {DataType::kF32, DataType::kBf16},
                                                                {DataType::kS32, DataType::kF32},
                                                                {DataType::kF32, DataType::kS32},
                                                                {DataType::kS8, DataType::kF16},
                                                                {DataType::kF16, DataType::kS8}}) {
    EXPECT_TRUE(conv.allows(d, s)) << name(d) << "." << name(s);
  }
}

TEST(IsaTable, PipesPathsAndClasses) {
  EXPECT_EQ(info(Opcode::kCopyGmToL1).pipe, Pipe::kMte2);
  EXPECT_EQ(info(Opcode::kCopyGmToL1).path, DataPath::kGmToL1);
  EXPECT_EQ(info(Opcode::kLoad3dL1ToL0a).pipe, Pipe::kMte1);
  EXPECT_EQ(info(Opcode::kLoad3dL1ToL0a).path, DataPath::kL1ToL0a);
  EXPECT_EQ(info(Opcode::kMmad).pipe, Pipe::kM);
  EXPECT_EQ(info(Opcode::kMmad).timing, TimingKind::kCube);
  EXPECT_EQ(info(Opcode::kFixL0cToUb).pipe, Pipe::kFix);
  EXPECT_EQ(info(Opcode::kFixL0cToUb).path, DataPath::kL0cToUb);
  EXPECT_EQ(info(Opcode::kCopyUbToUb).pipe, Pipe::kMte3);
  EXPECT_EQ(info(Opcode::kVexp).vector_class, VectorClass::kTranscendental);
  EXPECT_EQ(info(Opcode::kVcgadd).vector_class, VectorClass::kBlockReduce);
  EXPECT_EQ(info(Opcode::kVgather).vector_class, VectorClass::kGather);
  EXPECT_EQ(info(Opcode::kLdg).scalar_class, ScalarClass::kGmLoad);
  EXPECT_EQ(info(Opcode::kMmad).reads, (1u << 2) | (1u << 3) | (1u << 4) | (1u << 6));
  // Every data path is used by at least one instruction.
  std::set<DataPath> used;
  for (const InstructionInfo& row : instruction_table()) {
    if (row.path) used.insert(*row.path);
  }
  EXPECT_EQ(used.size(), enum_count<DataPath>());
}

TEST(IsaTable, EveryRowHasSummaryExampleAndDocumentedFields) {
  for (const InstructionInfo& row : instruction_table()) {
    EXPECT_FALSE(row.summary.empty()) << row.mnemonic;
    EXPECT_EQ(row.example.rfind(row.mnemonic, 0), 0u) << row.mnemonic;
    for (const FieldSpec& f : row.fields)
      EXPECT_FALSE(f.doc.empty()) << row.mnemonic << "." << f.name;
  }
}

// ---- Synthetic tables that break the encoding rules. ----------------------------------------

InstructionInfo row(std::string_view mnemonic, uint8_t major) {
  InstructionInfo r = info(Opcode::kAdd);  // fields rd, rs1, rs2
  r.mnemonic = mnemonic;
  r.major = major;
  derive_mask_match(r);
  return r;
}

TEST(IsaTableChecks, SameMajorOpcodeIsAnOverlap) {
  const std::vector<InstructionInfo> rows = {row("aa", 0x10), row("bb", 0x10)};
  EXPECT_EQ(
      check_encodings(rows),
      std::vector<std::string>{"aa and bb: overlapping encodings (major opcode 0x10 and 0x10)"});
}

TEST(IsaTableChecks, DistinctMajorOpcodesDoNotOverlap) {
  const std::vector<InstructionInfo> rows = {row("aa", 0x10), row("bb", 0x11)};
  EXPECT_EQ(check_encodings(rows), std::vector<std::string>{});
}

TEST(IsaTableChecks, AFieldOverTheOpcodeByteIsRejected) {
  InstructionInfo r = row("aa", 0x10);
  r.fields[0].lo = 4;
  derive_mask_match(r);
  EXPECT_EQ(check_encodings(std::vector<InstructionInfo>{r}),
            std::vector<std::string>{"aa.rd: overlaps the opcode byte or another field"});
}

TEST(IsaTableChecks, OverlappingFieldsAreRejected) {
  InstructionInfo r = row("aa", 0x10);
  r.fields[1].lo = 10;  // rs1 over rd
  derive_mask_match(r);
  EXPECT_EQ(check_encodings(std::vector<InstructionInfo>{r}),
            std::vector<std::string>{"aa.rs1: overlaps the opcode byte or another field"});
}

TEST(IsaTableChecks, FieldOutsideTheWordIsRejected) {
  InstructionInfo r = row("aa", 0x10);
  r.fields[2].lo = 62;
  EXPECT_EQ(check_encodings(std::vector<InstructionInfo>{r})[0],
            "aa.rs2: bits 62+5 are outside the 64-bit word");
}

TEST(IsaTableChecks, TwoFieldsInOneSlotAreAmbiguous) {
  InstructionInfo r = row("aa", 0x10);
  r.fields[2].slot = Slot::kRs1;
  EXPECT_EQ(check_encodings(std::vector<InstructionInfo>{r}),
            std::vector<std::string>{"aa.rs2: a second field decodes into its slot"});
}

TEST(IsaTableChecks, DuplicateMnemonicAndOpcodeZero) {
  const std::vector<InstructionInfo> rows = {row("aa", 0x10), row("aa", 0x00)};
  EXPECT_EQ(check_encodings(rows),
            (std::vector<std::string>{"aa: duplicate mnemonic",
                                      "aa: major opcode 0 is reserved as illegal"}));
}

TEST(IsaTableChecks, MaskMatchMustFollowFromTheFields) {
  InstructionInfo r = row("aa", 0x10);
  r.fields.pop_back();  // drop rs2 without re-deriving: bits 22:18 should now be reserved
  EXPECT_EQ(check_encodings(std::vector<InstructionInfo>{r}),
            std::vector<std::string>{"aa: mask / match do not follow from the fields"});
}

TEST(IsaTableChecks, EnumFieldTooNarrowForItsValues) {
  InstructionInfo r = info(Opcode::kSetFlag);
  r.mnemonic = "ff";
  r.fields[0].width = 2;  // 8 pipe names do not fit in 2 bits
  derive_mask_match(r);
  EXPECT_EQ(check_encodings(std::vector<InstructionInfo>{r}),
            std::vector<std::string>{"ff.src_pipe: too narrow for its 8 values"});
}

TEST(IsaTableChecks, FormatLayoutsPlaceRegistersAtFixedBits) {
  for (Format f : {Format::kR, Format::kI, Format::kX}) {
    const std::optional<BitRange> rs1 = format_layout(f, Slot::kRs1);
    ASSERT_TRUE(rs1.has_value());
    EXPECT_EQ(rs1->lo, 13);
    EXPECT_EQ(rs1->width, 5);
  }
  EXPECT_FALSE(format_layout(Format::kR, Slot::kImm).has_value());
  EXPECT_EQ(format_name(Format::kSync), "SYNC");
}

}  // namespace
}  // namespace npu::isa
