// The .npubin container: round trips, every kind of corruption rejected with its exact
// message, and a randomized mutation test (the loader must answer every mutated file with a
// UserError or a valid binary, never a crash; run it under the Sanitize build).
#include <gtest/gtest.h>

#include <chrono>
#include <random>

#include "base/error.h"
#include "isa/assembler.h"
#include "isa/npubin.h"
#include "tests/support/run_command.h"

namespace npu::isa {
namespace {

const char* const kSource = R"(
.kernel scale
.arg x, gm
.arg n, s32
.arg alpha, f32
    ldg.s64 x2, 0(x1)
loop:
    addi x2, x2, -1
    bnez x2, loop
    la x3, table
    end
.kernel second
.arg y, gm
    end
.rodata
table: .word 1, 2, 3
)";

std::vector<uint8_t> valid_bytes() { return write_npubin(assemble(kSource, "k.s")); }

uint64_t get(const std::vector<uint8_t>& b, size_t offset, size_t size = 4) {
  uint64_t v = 0;
  for (size_t i = 0; i < size; ++i) v |= uint64_t{b[offset + i]} << (8 * i);
  return v;
}

void put(std::vector<uint8_t>& b, size_t offset, uint64_t value, size_t size = 4) {
  for (size_t i = 0; i < size; ++i) b[offset + i] = static_cast<uint8_t>(value >> (8 * i));
}

void fix_checksum(std::vector<uint8_t>& b) { put(b, 80, npubin_checksum(b), 8); }

std::string load_error(const std::vector<uint8_t>& bytes) {
  try {
    read_npubin(bytes, "k.npubin");
  } catch (const UserError& e) {
    return e.what();
  }
  return "";
}

// Applies `edit`, fixes the checksum so the deeper checks run, returns the error.
template <typename Edit>
std::string error_after(Edit edit) {
  std::vector<uint8_t> b = valid_bytes();
  edit(b);
  fix_checksum(b);
  return load_error(b);
}

// Header offsets of the section fields.
constexpr size_t kCodeOffset = 32, kCodeSize = 36, kRodataOffset = 40, kStringsOffset = 48,
                 kStringsSize = 52, kSymbolsOffset = 56, kKernelsOffset = 64, kArgsOffset = 72;

TEST(IsaNpubin, RoundTripsExactly) {
  const Binary b = assemble(kSource, "k.s");
  const std::vector<uint8_t> bytes = write_npubin(b);
  EXPECT_EQ(bytes.size() % 4, 0u);
  const Binary back = read_npubin(bytes, "k.npubin");
  EXPECT_EQ(back, b);
  EXPECT_EQ(write_npubin(back), bytes);
  EXPECT_EQ(get(bytes, 0, 8), 0x004e494255504e7full);  // "\x7fNPUBIN\0"
  EXPECT_EQ(get(bytes, 8), kNpubinFormatVersion);
  EXPECT_EQ(get(bytes, 12), kIsaVersion);
  EXPECT_EQ(get(bytes, 24, 8), bytes.size());
  EXPECT_EQ(get(bytes, kCodeOffset), kNpubinHeaderSize);
  EXPECT_EQ(get(bytes, kCodeSize), b.code.size() * 8);
}

TEST(IsaNpubin, EmptyBinaryRoundTrips) {
  const Binary empty;
  EXPECT_EQ(read_npubin(write_npubin(empty), "e.npubin"), empty);
}

TEST(IsaNpubin, FileHelpersRoundTripAndReportMissingFiles) {
  const std::string dir = test::make_temp_dir();
  const Binary b = assemble(kSource, "k.s");
  save_npubin(b, dir + "/k.npubin");
  EXPECT_EQ(load_npubin(dir + "/k.npubin"), b);
  try {
    load_npubin(dir + "/missing.npubin");
    FAIL();
  } catch (const UserError& e) {
    EXPECT_EQ(std::string(e.what()), dir + "/missing.npubin: error: cannot open file");
  }
}

TEST(IsaNpubinCorrupt, TruncatedInsideEveryHeaderField) {
  const std::vector<uint8_t> full = valid_bytes();
  for (const HeaderField& f : npubin_header_fields()) {
    for (uint32_t cut = f.offset; cut<f.offset + f.size; cut += f.size - 1> 0 ? f.size - 1 : 1) {
      const std::vector<uint8_t> b(full.begin(), full.begin() + cut);
      EXPECT_EQ(load_error(b), "k.npubin: error: truncated header: the file is " +
                                   std::to_string(cut) + " bytes and ends inside field '" +
                                   std::string(f.name) + "' (bytes " + std::to_string(f.offset) +
                                   ".." + std::to_string(f.offset + f.size - 1) + ")")
          << f.name << " cut at " << cut;
    }
  }
}

TEST(IsaNpubinCorrupt, BadMagic) {
  std::vector<uint8_t> b = valid_bytes();
  b[1] = 'X';
  EXPECT_EQ(load_error(b), "k.npubin: error: not a .npubin file (bad magic number)");
  EXPECT_EQ(load_error({'#', '!', '/', 'b', 'i', 'n', '/', 's', 'h', '\n'}),
            "k.npubin: error: not a .npubin file (bad magic number)");
}

TEST(IsaNpubinCorrupt, WrongFormatVersion) {
  EXPECT_EQ(error_after([](auto& b) { put(b, 8, 2); }),
            "k.npubin: error: unsupported .npubin format version 2 (this npusim reads version 1)");
}

TEST(IsaNpubinCorrupt, WrongIsaVersion) {
  EXPECT_EQ(error_after([](auto& b) { put(b, 12, 9); }),
            "k.npubin: error: the binary targets ISA version 9, this npusim implements ISA "
            "version 1");
}

TEST(IsaNpubinCorrupt, UnknownFlags) {
  EXPECT_EQ(error_after([](auto& b) { put(b, 16, 4); }),
            "k.npubin: error: unknown flags 0x4 (no flags are defined)");
}

TEST(IsaNpubinCorrupt, WrongHeaderSize) {
  EXPECT_EQ(error_after([](auto& b) { put(b, 20, 64); }),
            "k.npubin: error: header_size is 64, expected 96");
}

TEST(IsaNpubinCorrupt, ReservedHeaderField) {
  EXPECT_EQ(error_after([](auto& b) { put(b, 88, 1, 8); }),
            "k.npubin: error: reserved header field is not zero");
}

TEST(IsaNpubinCorrupt, TruncatedBody) {
  std::vector<uint8_t> b = valid_bytes();
  const size_t size = b.size();
  b.resize(size - 8);
  EXPECT_EQ(load_error(b), "k.npubin: error: file_size says " + std::to_string(size) +
                               " bytes but the file has " + std::to_string(size - 8) +
                               " (truncated or padded)");
}

TEST(IsaNpubinCorrupt, BadChecksum) {
  std::vector<uint8_t> b = valid_bytes();
  const uint64_t stored = get(b, 80, 8);
  b[kNpubinHeaderSize + 3] ^= 0x10;  // one bit of the first instruction
  char expected[200];
  std::snprintf(expected, sizeof expected,
                "k.npubin: error: bad checksum: the header says 0x%llx, the contents give 0x%llx "
                "(the file is corrupted)",
                static_cast<unsigned long long>(stored),
                static_cast<unsigned long long>(npubin_checksum(b)));
  EXPECT_EQ(load_error(b), expected);
}

TEST(IsaNpubinCorrupt, CodeSizeNotAMultipleOfEight) {
  EXPECT_EQ(error_after([](auto& b) { put(b, kCodeSize, 12); }),
            "k.npubin: error: code_size 12 is not a multiple of 8");
}

TEST(IsaNpubinCorrupt, SectionPastTheEndOfTheFile) {
  std::vector<uint8_t> b = valid_bytes();
  put(b, kCodeSize, 800000);
  fix_checksum(b);
  EXPECT_EQ(load_error(b),
            "k.npubin: error: code section (offset 96, 800000 bytes) extends past "
            "the end of the file (" +
                std::to_string(b.size()) + " bytes)");
  std::vector<uint8_t> c = valid_bytes();
  put(c, kStringsOffset, 0xffffffff);
  fix_checksum(c);
  EXPECT_EQ(load_error(c), "k.npubin: error: string table (offset 4294967295, " +
                               std::to_string(get(c, kStringsSize)) +
                               " bytes) extends past the end of the file (" +
                               std::to_string(c.size()) + " bytes)");
}

TEST(IsaNpubinCorrupt, SectionOverlappingTheHeader) {
  EXPECT_EQ(error_after([](auto& b) { put(b, kRodataOffset, 10); }),
            "k.npubin: error: rodata section at offset 10 overlaps the header");
}

TEST(IsaNpubinCorrupt, SectionsOverlappingEachOther) {
  EXPECT_EQ(error_after([](auto& b) { put(b, kRodataOffset, get(b, kCodeOffset) + 8); }),
            "k.npubin: error: code section and rodata section overlap");
}

TEST(IsaNpubinCorrupt, MisalignedTable) {
  EXPECT_EQ(error_after([](auto& b) { put(b, kKernelsOffset, get(b, kKernelsOffset) + 1); }),
            "k.npubin: error: kernel table offset " +
                std::to_string(get(valid_bytes(), kKernelsOffset) + 1) + " is not 4-byte aligned");
}

TEST(IsaNpubinCorrupt, IllegalInstructionWord) {
  EXPECT_EQ(error_after([](auto& b) { put(b, kNpubinHeaderSize + 8, 0, 8); }),
            "k.npubin: error: code offset 0x8: illegal encoding 0x0000000000000000: unknown "
            "opcode 0x00");
  // Bit 30 of ldg is in no field (dtype is 25:23, the offset 63:32).
  EXPECT_EQ(error_after([](auto& b) { b[kNpubinHeaderSize + 3] |= 0x40; }),
            "k.npubin: error: code offset 0x0: illegal encoding 0x000000004380222a: 'ldg' has "
            "reserved bits set (0x0000000040000000)");
}

TEST(IsaNpubinCorrupt, SymbolNameOutsideTheStringTable) {
  const std::vector<uint8_t> v = valid_bytes();
  EXPECT_EQ(error_after([](auto& b) { put(b, get(b, kSymbolsOffset), 9999); }),
            "k.npubin: error: symbol 0: name offset 9999 is outside the string table (" +
                std::to_string(get(v, kStringsSize)) + " bytes)");
}

TEST(IsaNpubinCorrupt, NameNotTerminated) {
  // The last string of the table is the argument name "y"; overwrite its NUL.
  EXPECT_EQ(
      error_after([](auto& b) { b[get(b, kStringsOffset) + get(b, kStringsSize) - 1] = 'z'; }),
      "k.npubin: error: kernel 1 'second' argument 0: name at string offset 35 is not "
      "NUL-terminated");
}

TEST(IsaNpubinCorrupt, InvalidName) {
  EXPECT_EQ(error_after([](auto& b) {
              const uint64_t name = get(b, get(b, kSymbolsOffset));
              b[get(b, kStringsOffset) + name] = '-';
            }),
            "k.npubin: error: symbol 0: invalid name '-cale'");
}

TEST(IsaNpubinCorrupt, SymbolOffsetAndSectionOutOfRange) {
  const std::vector<uint8_t> v = valid_bytes();
  EXPECT_EQ(error_after([](auto& b) { put(b, get(b, kSymbolsOffset) + 8, 4096); }),
            "k.npubin: error: symbol 0 'scale': offset 4096 is out of range for .text (" +
                std::to_string(get(v, kCodeSize)) + " bytes, 8-byte aligned)");
  EXPECT_EQ(error_after([](auto& b) { put(b, get(b, kSymbolsOffset) + 4, 5); }),
            "k.npubin: error: symbol 0 'scale': unknown section 5");
  EXPECT_EQ(error_after([](auto& b) { put(b, get(b, kSymbolsOffset) + 12, 1); }),
            "k.npubin: error: symbol 0 'scale': reserved field is not zero");
}

TEST(IsaNpubinCorrupt, DuplicateSymbol) {
  EXPECT_EQ(error_after([](auto& b) {
              const uint64_t table = get(b, kSymbolsOffset);
              put(b, table + 16, get(b, table));  // symbol 1 gets symbol 0's name
              put(b, table + 20, get(b, table + 4));
              put(b, table + 24, get(b, table + 8));
            }),
            "k.npubin: error: duplicate symbol 'scale'");
}

TEST(IsaNpubinCorrupt, KernelEntryOutOfRange) {
  const std::vector<uint8_t> v = valid_bytes();
  EXPECT_EQ(error_after([](auto& b) { put(b, get(b, kKernelsOffset) + 4, 4); }),
            "k.npubin: error: kernel 0 'scale': entry offset 4 is not an instruction of the code "
            "section (" +
                std::to_string(get(v, kCodeSize)) + " bytes)");
}

TEST(IsaNpubinCorrupt, KernelArgumentRangeInconsistent) {
  EXPECT_EQ(error_after([](auto& b) { put(b, get(b, kKernelsOffset) + 16 + 8, 0); }),
            "k.npubin: error: kernel 1 'second': arguments 0+1 do not follow the previous "
            "kernel's in the argument table (expected first argument 3 of 4)");
}

TEST(IsaNpubinCorrupt, BadArgumentKindTypeAndSize) {
  EXPECT_EQ(error_after([](auto& b) { b[get(b, kArgsOffset) + 4] = 9; }),
            "k.npubin: error: kernel 0 'scale' argument 0 'x': unknown kind 9");
  EXPECT_EQ(error_after([](auto& b) { b[get(b, kArgsOffset) + 8 + 5] = 2; }),
            "k.npubin: error: kernel 0 'scale' argument 1 'n': data type 2 is not valid for an "
            "argument of kind int");
  EXPECT_EQ(error_after([](auto& b) { b[get(b, kArgsOffset) + 6] = 4; }),
            "k.npubin: error: kernel 0 'scale' argument 0 'x': size 4 does not match its type "
            "(8)");
  EXPECT_EQ(error_after([](auto& b) { b[get(b, kArgsOffset) + 7] = 1; }),
            "k.npubin: error: kernel 0 'scale' argument 0: reserved byte is not zero");
}

TEST(IsaNpubinCorrupt, UnusedArgumentEntries) {
  EXPECT_EQ(error_after([](auto& b) {
              put(b, get(b, kKernelsOffset) + 16 + 12, 0);  // "second" claims no arguments
            }),
            "k.npubin: error: argument table has 4 entries but the kernels use 3");
}

// ---- Randomized mutation test --------------------------------------------------------------

TEST(IsaNpubinMutation, ThousandsOfMutatedFilesNeverCrash) {
  const std::vector<uint8_t> base = valid_bytes();
  std::mt19937_64 rng(12345);
  int rejected = 0;
  int accepted = 0;
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 20000; ++i) {
    std::vector<uint8_t> b = base;
    const int edits = 1 + static_cast<int>(rng() % 3);
    for (int e = 0; e < edits; ++e) {
      switch (b.empty() ? 3 : rng() % 6) {
        case 0:
          b[rng() % b.size()] ^= static_cast<uint8_t>(1u << (rng() % 8));
          break;
        case 1:
          b[rng() % b.size()] = static_cast<uint8_t>(rng());
          break;
        case 2:
          b.resize(rng() % (b.size() + 1));
          break;
        case 3:
          b.push_back(static_cast<uint8_t>(rng()));
          break;
        case 4: {  // a header field set to a boundary value
          if (b.size() < kNpubinHeaderSize) break;
          const uint64_t values[] = {
              0, 1, 7, 8, 95, 96, b.size(), b.size() + 1, 0xffffffff, rng() & 0xffffffff};
          put(b, 8 + 4 * (rng() % 20), values[rng() % std::size(values)]);
          break;
        }
        default:  // a table field set to a random value
          if (b.size() > kNpubinHeaderSize + 4) {
            put(b, kNpubinHeaderSize + 4 * (rng() % ((b.size() - kNpubinHeaderSize) / 4)),
                rng() % 4 == 0 ? 0xffffffff : rng() % 512);
          }
      }
    }
    // Most mutations would only hit the checksum check; fix it in most cases so every later
    // check is exercised too.
    if (rng() % 4 != 0 && b.size() >= 88) fix_checksum(b);
    try {
      const Binary binary = read_npubin(b, "m.npubin");
      ++accepted;
      EXPECT_EQ(read_npubin(write_npubin(binary), "m2.npubin"), binary);
    } catch (const UserError& e) {
      ++rejected;
      EXPECT_EQ(std::string(e.what()).rfind("m.npubin: error: ", 0), 0u) << e.what();
    }
  }
  EXPECT_GT(rejected, 14000);
  EXPECT_GT(accepted, 0);  // e.g. mutations inside rodata or padding
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(20));
}

}  // namespace
}  // namespace npu::isa
