// The .npubin container: what the assembler and the compiler write and the runtime loads.
//
// A little-endian file: a 96-byte header (magic, format and ISA versions, flags, the offset and
// size of every section, a checksum), then the sections: code (64-bit instruction words),
// read-only data, a string table, symbols, kernels and kernel arguments. The layout is
// documented field by field in docs/isa.md, generated from npubin_header_fields().
//
// The reader trusts nothing: every offset, size, count, name, enum value and instruction word
// is checked against the buffer it came in, and a bad file is a UserError naming the file and
// the problem ("prog.npubin: error: bad checksum ..."). It never reads past the buffer.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "isa/types.h"

namespace npu::isa {

// Version of the container layout; the reader accepts only this one.
inline constexpr uint32_t kNpubinFormatVersion = 1;
inline constexpr uint32_t kNpubinHeaderSize = 96;
inline constexpr size_t kMaxNameLength = 255;

struct KernelArg {
  std::string name;
  ArgKind kind = ArgKind::kGmPointer;
  std::optional<DataType> dtype;  // int / float arguments only

  // Bytes of the value in its 8-byte slot of the argument block: 8 for GM pointers, the data
  // type's size otherwise.
  uint32_t size() const { return dtype ? element_size(*dtype) : 8; }
  bool operator==(const KernelArg&) const = default;
};

struct Kernel {
  std::string name;
  uint32_t entry = 0;  // byte offset of the first instruction in the code section
  std::vector<KernelArg> args;
  bool operator==(const Kernel&) const = default;
};

struct Symbol {
  std::string name;
  Section section = Section::kText;
  uint32_t offset = 0;  // byte offset inside the section
  bool operator==(const Symbol&) const = default;
};

struct Binary {
  std::vector<uint64_t> code;
  std::vector<uint8_t> rodata;
  std::vector<Symbol> symbols;  // the assembler sorts them by section, offset, name
  std::vector<Kernel> kernels;  // in definition order

  const Kernel* find_kernel(std::string_view name) const;
  const Symbol* find_symbol(std::string_view name) const;
  bool operator==(const Binary&) const = default;
};

// Serialises a binary. The binary must be well formed (what read_npubin accepts): the
// assembler and the compiler only build such binaries, so a violation is an NPU_CHECK.
std::vector<uint8_t> write_npubin(const Binary& binary);

// Parses and validates a .npubin image. `file_name` is only used in error messages.
// Throws UserError on any problem.
Binary read_npubin(std::span<const uint8_t> bytes, const std::string& file_name);

// Reads / writes a file. Throws UserError if the file cannot be read or written.
Binary load_npubin(const std::string& path);
void save_npubin(const Binary& binary, const std::string& path);

// The header layout, for docs and for the "truncated inside field X" messages.
struct HeaderField {
  std::string_view name;
  uint32_t offset;
  uint32_t size;
  std::string_view doc;
};
std::span<const HeaderField> npubin_header_fields();

// Sizes of the table entries that follow the header.
inline constexpr uint32_t kSymbolEntrySize = 16;
inline constexpr uint32_t kKernelEntrySize = 16;
inline constexpr uint32_t kArgEntrySize = 8;

// FNV-1a (64-bit) over `bytes`, with the 8 checksum bytes of the header counted as zero.
uint64_t npubin_checksum(std::span<const uint8_t> bytes);

// True for names the assembler accepts as labels, kernels and arguments:
// [A-Za-z_][A-Za-z0-9_]*, at most kMaxNameLength characters, and not a register name.
bool is_valid_name(std::string_view name);

}  // namespace npu::isa
