// Writing and validating .npubin files. The reader goes through a bounds-checked cursor, so an
// offset or count from the file can never make it read outside the buffer.
#include "isa/npubin.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <map>
#include <set>

#include "base/error.h"
#include "isa/instruction.h"

namespace npu::isa {
namespace {

constexpr std::array<uint8_t, 8> kMagic = {0x7f, 'N', 'P', 'U', 'B', 'I', 'N', 0};
constexpr uint8_t kNoDtype = 0xff;

constexpr HeaderField kHeader[] = {
    {"magic", 0, 8, "bytes 7f 4e 50 55 42 49 4e 00 (\"\\x7fNPUBIN\\0\")"},
    {"format_version", 8, 4, "container layout version, 1"},
    {"isa_version", 12, 4, "instruction-set version, 1"},
    {"flags", 16, 4, "reserved, 0"},
    {"header_size", 20, 4, "96"},
    {"file_size", 24, 8, "size of the whole file in bytes"},
    {"code_offset", 32, 4, "code section: 64-bit instruction words, 8-byte aligned"},
    {"code_size", 36, 4, "bytes, a multiple of 8"},
    {"rodata_offset", 40, 4, "read-only data section"},
    {"rodata_size", 44, 4, "bytes"},
    {"strings_offset", 48, 4, "string table: NUL-terminated names"},
    {"strings_size", 52, 4, "bytes"},
    {"symbols_offset", 56, 4, "symbol table, 4-byte aligned, 16 bytes per entry"},
    {"symbol_count", 60, 4, "entries"},
    {"kernels_offset", 64, 4, "kernel table, 4-byte aligned, 16 bytes per entry"},
    {"kernel_count", 68, 4, "entries"},
    {"args_offset", 72, 4, "kernel-argument table, 4-byte aligned, 8 bytes per entry"},
    {"arg_count", 76, 4, "entries"},
    {"checksum", 80, 8, "FNV-1a 64 of the whole file, these 8 bytes counted as zero"},
    {"reserved", 88, 8, "0"},
};

constexpr uint32_t kChecksumOffset = 80;

const HeaderField& header_field(std::string_view name) {
  for (const HeaderField& f : kHeader) {
    if (f.name == name) return f;
  }
  NPU_UNREACHABLE("unknown header field " + std::string(name));
}

std::string hex(uint64_t value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "0x%llx", static_cast<unsigned long long>(value));
  return buffer;
}

uint64_t read_le(std::span<const uint8_t> bytes, size_t offset, size_t size) {
  uint64_t value = 0;
  for (size_t i = 0; i < size; ++i) value |= uint64_t{bytes[offset + i]} << (8 * i);
  return value;
}

void put_le(std::vector<uint8_t>& out, size_t offset, uint64_t value, size_t size) {
  for (size_t i = 0; i < size; ++i) out[offset + i] = static_cast<uint8_t>(value >> (8 * i));
}

// Every problem is fatal: the reader stops at the first one.
class Reader {
 public:
  Reader(std::span<const uint8_t> bytes, const std::string& file) : m_bytes(bytes), m_file(file) {}

  [[noreturn]] void fail(const std::string& message) const {
    throw UserError(SourceLocation{m_file, 0, 0}, message);
  }

  uint64_t header(std::string_view name) const {
    const HeaderField& f = header_field(name);
    if (m_bytes.size() < uint64_t{f.offset} + f.size) {
      fail("truncated header: the file is " + std::to_string(m_bytes.size()) +
           " bytes and ends inside field '" + std::string(f.name) + "' (bytes " +
           std::to_string(f.offset) + ".." + std::to_string(f.offset + f.size - 1) + ")");
    }
    return read_le(m_bytes, f.offset, f.size);
  }

  // A table inside the file: checks that [offset, offset + count * entry) is in bounds.
  void check_range(const std::string& what, uint64_t offset, uint64_t count, uint64_t entry,
                   uint64_t alignment) const {
    const uint64_t size = count * entry;  // count, entry < 2^32: no overflow
    if (offset < kNpubinHeaderSize && size > 0) {
      fail(what + " at offset " + std::to_string(offset) + " overlaps the header");
    }
    if (offset > m_bytes.size() || size > m_bytes.size() - offset) {
      fail(what + " (offset " + std::to_string(offset) + ", " + std::to_string(size) +
           " bytes) extends past the end of the file (" + std::to_string(m_bytes.size()) +
           " bytes)");
    }
    if (offset % alignment != 0) {
      fail(what + " offset " + std::to_string(offset) + " is not " + std::to_string(alignment) +
           "-byte aligned");
    }
  }

  uint64_t at(uint64_t offset, size_t size) const { return read_le(m_bytes, offset, size); }

 private:
  std::span<const uint8_t> m_bytes;
  const std::string& m_file;
};

struct Sections {
  uint64_t code_offset, code_size, rodata_offset, rodata_size, strings_offset, strings_size;
  uint64_t symbols_offset, symbol_count, kernels_offset, kernel_count, args_offset, arg_count;
};

// A name from the string table: in bounds, NUL-terminated, and a valid name.
std::string read_name(const Reader& r, std::span<const uint8_t> bytes, const Sections& s,
                      uint64_t name_offset, const std::string& what) {
  if (name_offset >= s.strings_size) {
    r.fail(what + ": name offset " + std::to_string(name_offset) +
           " is outside the string table (" + std::to_string(s.strings_size) + " bytes)");
  }
  const auto* begin = bytes.data() + s.strings_offset + name_offset;
  const auto* end = bytes.data() + s.strings_offset + s.strings_size;
  const auto* nul = std::find(begin, end, uint8_t{0});
  if (nul == end)
    r.fail(what + ": name at string offset " + std::to_string(name_offset) +
           " is not NUL-terminated");
  std::string name(begin, nul);
  if (!is_valid_name(name)) {
    r.fail(what + ": invalid name '" + name.substr(0, 40) + "'");
  }
  return name;
}

std::optional<DataType> arg_dtype(ArgKind kind, uint8_t raw, bool& ok) {
  ok = true;
  if (kind == ArgKind::kGmPointer) {
    ok = raw == kNoDtype;
    return std::nullopt;
  }
  if (raw >= enum_count<DataType>()) {
    ok = false;
    return std::nullopt;
  }
  const auto type = static_cast<DataType>(raw);
  ok = (kind == ArgKind::kFloat) == is_float(type);
  return type;
}

}  // namespace

std::span<const HeaderField> npubin_header_fields() { return kHeader; }

bool is_valid_name(std::string_view name) {
  if (name.empty() || name.size() > kMaxNameLength) return false;
  const auto alpha = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
  };
  const auto digit = [](char c) { return c >= '0' && c <= '9'; };
  if (!alpha(name[0])) return false;
  for (char c : name) {
    if (!alpha(c) && !digit(c)) return false;
  }
  // x0..x31 (and x followed by any digits) read as registers in operands.
  return name.size() < 2 || name[0] != 'x' || !std::all_of(name.begin() + 1, name.end(), digit);
}

uint64_t npubin_checksum(std::span<const uint8_t> bytes) {
  uint64_t hash = 0xcbf29ce484222325ull;
  for (size_t i = 0; i < bytes.size(); ++i) {
    const bool in_checksum = i >= kChecksumOffset && i < kChecksumOffset + 8;
    hash ^= in_checksum ? 0 : bytes[i];
    hash *= 0x100000001b3ull;
  }
  return hash;
}

const Kernel* Binary::find_kernel(std::string_view name) const {
  for (const Kernel& k : kernels) {
    if (k.name == name) return &k;
  }
  return nullptr;
}

const Symbol* Binary::find_symbol(std::string_view name) const {
  for (const Symbol& s : symbols) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

std::vector<uint8_t> write_npubin(const Binary& binary) {
  // String table: offset 0 is the empty string; equal names share one entry.
  std::vector<uint8_t> strings = {0};
  std::map<std::string, uint32_t> string_offsets;
  const auto intern = [&](const std::string& name) -> uint32_t {
    NPU_CHECK(is_valid_name(name), "write_npubin: invalid name '" + name + "'");
    const auto [it, inserted] = string_offsets.emplace(name, static_cast<uint32_t>(strings.size()));
    if (inserted) {
      strings.insert(strings.end(), name.begin(), name.end());
      strings.push_back(0);
    }
    return it->second;
  };
  for (const Symbol& s : binary.symbols) intern(s.name);
  size_t arg_count = 0;
  for (const Kernel& k : binary.kernels) {
    intern(k.name);
    for (const KernelArg& a : k.args) intern(a.name);
    arg_count += k.args.size();
  }

  const auto align8 = [](size_t v) { return (v + 7) & ~size_t{7}; };
  const size_t code_offset = kNpubinHeaderSize;
  const size_t code_size = binary.code.size() * 8;
  const size_t rodata_offset = code_offset + code_size;
  const size_t strings_offset = align8(rodata_offset + binary.rodata.size());
  const size_t symbols_offset = align8(strings_offset + strings.size());
  const size_t kernels_offset = symbols_offset + binary.symbols.size() * kSymbolEntrySize;
  const size_t args_offset = kernels_offset + binary.kernels.size() * kKernelEntrySize;
  const size_t file_size = args_offset + arg_count * kArgEntrySize;
  NPU_CHECK(file_size <= 0xffffffffull, "write_npubin: binary larger than 4 GiB");

  std::vector<uint8_t> out(file_size, 0);
  std::copy(kMagic.begin(), kMagic.end(), out.begin());
  const auto set = [&](std::string_view field, uint64_t value) {
    const HeaderField& f = header_field(field);
    put_le(out, f.offset, value, f.size);
  };
  set("format_version", kNpubinFormatVersion);
  set("isa_version", kIsaVersion);
  set("header_size", kNpubinHeaderSize);
  set("file_size", file_size);
  set("code_offset", code_offset);
  set("code_size", code_size);
  set("rodata_offset", rodata_offset);
  set("rodata_size", binary.rodata.size());
  set("strings_offset", strings_offset);
  set("strings_size", strings.size());
  set("symbols_offset", symbols_offset);
  set("symbol_count", binary.symbols.size());
  set("kernels_offset", kernels_offset);
  set("kernel_count", binary.kernels.size());
  set("args_offset", args_offset);
  set("arg_count", arg_count);

  for (size_t i = 0; i < binary.code.size(); ++i)
    put_le(out, code_offset + 8 * i, binary.code[i], 8);
  std::copy(binary.rodata.begin(), binary.rodata.end(),
            out.begin() + static_cast<std::ptrdiff_t>(rodata_offset));
  std::copy(strings.begin(), strings.end(),
            out.begin() + static_cast<std::ptrdiff_t>(strings_offset));
  for (size_t i = 0; i < binary.symbols.size(); ++i) {
    const Symbol& s = binary.symbols[i];
    const size_t at = symbols_offset + i * kSymbolEntrySize;
    put_le(out, at, string_offsets.at(s.name), 4);
    put_le(out, at + 4, static_cast<uint32_t>(s.section), 4);
    put_le(out, at + 8, s.offset, 4);
  }
  uint32_t first_arg = 0;
  size_t arg_index = 0;
  for (size_t i = 0; i < binary.kernels.size(); ++i) {
    const Kernel& k = binary.kernels[i];
    const size_t at = kernels_offset + i * kKernelEntrySize;
    put_le(out, at, string_offsets.at(k.name), 4);
    put_le(out, at + 4, k.entry, 4);
    put_le(out, at + 8, first_arg, 4);
    put_le(out, at + 12, k.args.size(), 4);
    first_arg += static_cast<uint32_t>(k.args.size());
    for (const KernelArg& a : k.args) {
      const size_t arg_at = args_offset + arg_index++ * kArgEntrySize;
      put_le(out, arg_at, string_offsets.at(a.name), 4);
      out[arg_at + 4] = static_cast<uint8_t>(a.kind);
      out[arg_at + 5] = a.dtype ? static_cast<uint8_t>(*a.dtype) : kNoDtype;
      out[arg_at + 6] = static_cast<uint8_t>(a.size());
    }
  }
  set("checksum", npubin_checksum(out));
  return out;
}

Binary read_npubin(std::span<const uint8_t> bytes, const std::string& file_name) {
  const Reader r(bytes, file_name);
  if (bytes.size() < kMagic.size() || !std::equal(kMagic.begin(), kMagic.end(), bytes.begin())) {
    if (bytes.size() < kMagic.size() && std::equal(bytes.begin(), bytes.end(), kMagic.begin())) {
      r.header("magic");  // a truncated but otherwise right magic: report the truncation
    }
    r.fail("not a .npubin file (bad magic number)");
  }
  const uint64_t format_version = r.header("format_version");
  if (format_version != kNpubinFormatVersion) {
    r.fail("unsupported .npubin format version " + std::to_string(format_version) +
           " (this npusim reads version " + std::to_string(kNpubinFormatVersion) + ")");
  }
  const uint64_t isa_version = r.header("isa_version");
  if (isa_version != kIsaVersion) {
    r.fail("the binary targets ISA version " + std::to_string(isa_version) +
           ", this npusim implements ISA version " + std::to_string(kIsaVersion));
  }
  const uint64_t flags = r.header("flags");
  if (flags != 0) r.fail("unknown flags " + hex(flags) + " (no flags are defined)");
  const uint64_t header_size = r.header("header_size");
  if (header_size != kNpubinHeaderSize) {
    r.fail("header_size is " + std::to_string(header_size) + ", expected " +
           std::to_string(kNpubinHeaderSize));
  }
  const uint64_t file_size = r.header("file_size");
  Sections s{};
  s.code_offset = r.header("code_offset");
  s.code_size = r.header("code_size");
  s.rodata_offset = r.header("rodata_offset");
  s.rodata_size = r.header("rodata_size");
  s.strings_offset = r.header("strings_offset");
  s.strings_size = r.header("strings_size");
  s.symbols_offset = r.header("symbols_offset");
  s.symbol_count = r.header("symbol_count");
  s.kernels_offset = r.header("kernels_offset");
  s.kernel_count = r.header("kernel_count");
  s.args_offset = r.header("args_offset");
  s.arg_count = r.header("arg_count");
  const uint64_t checksum = r.header("checksum");
  if (r.header("reserved") != 0) r.fail("reserved header field is not zero");
  if (file_size != bytes.size()) {
    r.fail("file_size says " + std::to_string(file_size) + " bytes but the file has " +
           std::to_string(bytes.size()) + " (truncated or padded)");
  }
  const uint64_t actual = npubin_checksum(bytes);
  if (checksum != actual) {
    r.fail("bad checksum: the header says " + hex(checksum) + ", the contents give " + hex(actual) +
           " (the file is corrupted)");
  }

  if (s.code_size % 8 != 0) {
    r.fail("code_size " + std::to_string(s.code_size) + " is not a multiple of 8");
  }
  r.check_range("code section", s.code_offset, s.code_size, 1, 8);
  r.check_range("rodata section", s.rodata_offset, s.rodata_size, 1, 1);
  r.check_range("string table", s.strings_offset, s.strings_size, 1, 1);
  r.check_range("symbol table", s.symbols_offset, s.symbol_count, kSymbolEntrySize, 4);
  r.check_range("kernel table", s.kernels_offset, s.kernel_count, kKernelEntrySize, 4);
  r.check_range("argument table", s.args_offset, s.arg_count, kArgEntrySize, 4);
  // Sections may not overlap one another.
  struct Extent {
    std::string_view what;
    uint64_t begin, end;
  };
  std::vector<Extent> extents = {
      {"code section", s.code_offset, s.code_offset + s.code_size},
      {"rodata section", s.rodata_offset, s.rodata_offset + s.rodata_size},
      {"string table", s.strings_offset, s.strings_offset + s.strings_size},
      {"symbol table", s.symbols_offset, s.symbols_offset + s.symbol_count * kSymbolEntrySize},
      {"kernel table", s.kernels_offset, s.kernels_offset + s.kernel_count * kKernelEntrySize},
      {"argument table", s.args_offset, s.args_offset + s.arg_count * kArgEntrySize}};
  std::erase_if(extents, [](const Extent& e) { return e.begin == e.end; });
  std::sort(extents.begin(), extents.end(),
            [](const Extent& a, const Extent& b) { return a.begin < b.begin; });
  for (size_t i = 1; i < extents.size(); ++i) {
    if (extents[i].begin < extents[i - 1].end) {
      r.fail(std::string(extents[i - 1].what) + " and " + std::string(extents[i].what) +
             " overlap");
    }
  }

  Binary binary;
  binary.code.resize(s.code_size / 8);
  for (size_t i = 0; i < binary.code.size(); ++i) {
    const uint64_t word = r.at(s.code_offset + 8 * i, 8);
    Instruction inst;
    if (try_decode(word, inst) != DecodeStatus::kOk) {
      r.fail("code offset " + hex(8 * i) + ": " + decode_error(word));
    }
    binary.code[i] = word;
  }
  const auto rodata_begin = bytes.begin() + static_cast<std::ptrdiff_t>(s.rodata_offset);
  binary.rodata.assign(rodata_begin, rodata_begin + static_cast<std::ptrdiff_t>(s.rodata_size));

  std::set<std::string> symbol_names;
  for (uint64_t i = 0; i < s.symbol_count; ++i) {
    const uint64_t at = s.symbols_offset + i * kSymbolEntrySize;
    const std::string what = "symbol " + std::to_string(i);
    Symbol sym;
    sym.name = read_name(r, bytes, s, r.at(at, 4), what);
    const uint64_t section = r.at(at + 4, 4);
    const uint64_t offset = r.at(at + 8, 4);
    if (r.at(at + 12, 4) != 0) r.fail(what + " '" + sym.name + "': reserved field is not zero");
    if (section >= enum_count<Section>()) {
      r.fail(what + " '" + sym.name + "': unknown section " + std::to_string(section));
    }
    sym.section = static_cast<Section>(section);
    const uint64_t limit = sym.section == Section::kText ? s.code_size : s.rodata_size;
    if (offset > limit || (sym.section == Section::kText && offset % 8 != 0)) {
      r.fail(what + " '" + sym.name + "': offset " + std::to_string(offset) +
             " is out of range for ." + std::string(name(sym.section)) + " (" +
             std::to_string(limit) + " bytes" +
             (sym.section == Section::kText ? ", 8-byte aligned" : "") + ")");
    }
    sym.offset = static_cast<uint32_t>(offset);
    if (!symbol_names.insert(sym.name).second) r.fail("duplicate symbol '" + sym.name + "'");
    binary.symbols.push_back(std::move(sym));
  }

  std::set<std::string> kernel_names;
  uint64_t next_arg = 0;
  for (uint64_t i = 0; i < s.kernel_count; ++i) {
    const uint64_t at = s.kernels_offset + i * kKernelEntrySize;
    const std::string what = "kernel " + std::to_string(i);
    Kernel kernel;
    kernel.name = read_name(r, bytes, s, r.at(at, 4), what);
    const uint64_t entry = r.at(at + 4, 4);
    const uint64_t first_arg = r.at(at + 8, 4);
    const uint64_t count = r.at(at + 12, 4);
    if (entry >= s.code_size || entry % 8 != 0) {
      r.fail(what + " '" + kernel.name + "': entry offset " + std::to_string(entry) +
             " is not an instruction of the code section (" + std::to_string(s.code_size) +
             " bytes)");
    }
    kernel.entry = static_cast<uint32_t>(entry);
    if (first_arg != next_arg || count > s.arg_count - next_arg) {
      r.fail(what + " '" + kernel.name + "': arguments " + std::to_string(first_arg) + "+" +
             std::to_string(count) +
             " do not follow the previous kernel's in the argument "
             "table (expected first argument " +
             std::to_string(next_arg) + " of " + std::to_string(s.arg_count) + ")");
    }
    next_arg += count;
    std::set<std::string> arg_names;
    for (uint64_t a = first_arg; a < first_arg + count; ++a) {
      const uint64_t arg_at = s.args_offset + a * kArgEntrySize;
      const std::string arg_what =
          what + " '" + kernel.name + "' argument " + std::to_string(a - first_arg);
      KernelArg arg;
      arg.name = read_name(r, bytes, s, r.at(arg_at, 4), arg_what);
      const uint64_t kind = r.at(arg_at + 4, 1);
      const uint64_t raw_dtype = r.at(arg_at + 5, 1);
      const uint64_t size = r.at(arg_at + 6, 1);
      if (r.at(arg_at + 7, 1) != 0) r.fail(arg_what + ": reserved byte is not zero");
      if (kind >= enum_count<ArgKind>()) {
        r.fail(arg_what + " '" + arg.name + "': unknown kind " + std::to_string(kind));
      }
      arg.kind = static_cast<ArgKind>(kind);
      bool ok = false;
      arg.dtype = arg_dtype(arg.kind, static_cast<uint8_t>(raw_dtype), ok);
      if (!ok) {
        r.fail(arg_what + " '" + arg.name + "': data type " + std::to_string(raw_dtype) +
               " is not valid for an argument of kind " + std::string(name(arg.kind)));
      }
      if (size != arg.size()) {
        r.fail(arg_what + " '" + arg.name + "': size " + std::to_string(size) +
               " does not match its type (" + std::to_string(arg.size()) + ")");
      }
      if (!arg_names.insert(arg.name).second) {
        r.fail(arg_what + ": duplicate argument name '" + arg.name + "'");
      }
      kernel.args.push_back(std::move(arg));
    }
    if (!kernel_names.insert(kernel.name).second) {
      r.fail("duplicate kernel '" + kernel.name + "'");
    }
    binary.kernels.push_back(std::move(kernel));
  }
  if (next_arg != s.arg_count) {
    r.fail("argument table has " + std::to_string(s.arg_count) + " entries but the kernels use " +
           std::to_string(next_arg));
  }
  return binary;
}

Binary load_npubin(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw UserError(SourceLocation{path, 0, 0}, "cannot open file");
  const std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                                   std::istreambuf_iterator<char>());
  return read_npubin(bytes, path);
}

void save_npubin(const Binary& binary, const std::string& path) {
  const std::vector<uint8_t> bytes = write_npubin(binary);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) throw UserError(SourceLocation{path, 0, 0}, "cannot open file for writing");
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
  if (!out) throw UserError(SourceLocation{path, 0, 0}, "write failed");
}

}  // namespace npu::isa
