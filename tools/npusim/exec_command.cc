// `npusim exec`: runs one kernel of a .npubin on a chip config, with GM buffers filled from
// files (raw bytes or .npy) or zeros, scalar arguments from the command line, and chosen
// buffers written back as .npy after the run; prints the summary table and writes report.json
// and trace.json. The flags are documented in docs/sim.md ("npusim exec").
#include <algorithm>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "base/error.h"
#include "config/loader.h"
#include "isa/npubin.h"
#include "numerics/convert.h"
#include "sim/core/chip.h"
#include "sim/core/report.h"
#include "tools/npusim/commands.h"
#include "tools/npusim/rtl_cube_option.h"
#include "tools/npusim/run_outputs.h"

namespace npu::cli {

namespace {

namespace fs = std::filesystem;
using isa::DataType;

struct ExecOptions {
  std::string chip;
  std::string program;
  std::string kernel;
  uint32_t cores = 1;
  bool timing_only = false;
  bool racecheck = false;
  bool rtl_cube = false;
  uint64_t cycle_limit = 100'000'000;
  TraceFlags trace;
  std::vector<std::string> args;
  std::vector<std::string> outputs;
  std::vector<std::string> overrides;
  std::string out;
};

// A GM buffer of the run: its bytes and how to write it back (.npy dtype and shape).
struct Buffer {
  std::string name;
  uint64_t address = 0;
  std::vector<uint8_t> bytes;
  DataType dtype = DataType::kU8;
  std::vector<uint64_t> shape;
};

// ---- .npy files (format version 1.0 / 2.0 / 3.0, little-endian, C order) ------------------

struct NpyType {
  std::string_view descr;
  DataType dtype;
};
// bf16 has no numpy type: it is read and written as raw uint16 ('<u2').
constexpr NpyType kNpyTypes[] = {
    {"<f2", DataType::kF16}, {"<f4", DataType::kF32}, {"|i1", DataType::kS8},
    {"|u1", DataType::kU8},  {"<i2", DataType::kS16}, {"<i4", DataType::kS32},
    {"<i8", DataType::kS64}, {"<u2", DataType::kBf16}};

std::string_view npy_descr(DataType t) {
  for (const NpyType& n : kNpyTypes) {
    if (n.dtype == t) return n.descr;
  }
  return "|u1";
}

std::vector<uint8_t> read_bytes(const std::string& path, const std::string& what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw UserError(fmt::format("{}: cannot read file '{}'", what, path));
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), {});
}

// The value of `key` in a .npy header dict, e.g. 'descr': '<f2' -> <f2.
std::optional<std::string> npy_field(const std::string& header, const std::string& key) {
  const size_t k = header.find("'" + key + "'");
  if (k == std::string::npos) return std::nullopt;
  size_t p = header.find(':', k);
  if (p == std::string::npos) return std::nullopt;
  ++p;
  while (p < header.size() && header[p] == ' ') ++p;
  if (p >= header.size()) return std::nullopt;
  if (header[p] == '\'') {
    const size_t end = header.find('\'', p + 1);
    if (end == std::string::npos) return std::nullopt;
    return header.substr(p + 1, end - p - 1);
  }
  if (header[p] == '(') {
    const size_t end = header.find(')', p);
    if (end == std::string::npos) return std::nullopt;
    return header.substr(p + 1, end - p - 1);
  }
  size_t end = p;
  while (end < header.size() && header[end] != ',' && header[end] != '}') ++end;
  return header.substr(p, end - p);
}

void read_npy(const std::string& path, const std::string& what, Buffer& b) {
  const std::vector<uint8_t> file = read_bytes(path, what);
  auto bad = [&](const std::string& why) {
    return UserError(fmt::format("{}: '{}' is not a usable .npy file: {}", what, path, why));
  };
  static constexpr char kMagic[] = "\x93NUMPY";
  if (file.size() < 10 || std::memcmp(file.data(), kMagic, 6) != 0) throw bad("no .npy magic");
  const uint8_t major = file[6];
  size_t header_len = 0;
  size_t offset = 0;
  if (major == 1) {
    header_len = file[8] | (static_cast<size_t>(file[9]) << 8);
    offset = 10;
  } else if (major == 2 || major == 3) {
    if (file.size() < 12) throw bad("truncated header");
    header_len = file[8] | (static_cast<size_t>(file[9]) << 8) |
                 (static_cast<size_t>(file[10]) << 16) | (static_cast<size_t>(file[11]) << 24);
    offset = 12;
  } else {
    throw bad(fmt::format("format version {} is not supported", major));
  }
  if (offset + header_len > file.size()) throw bad("truncated header");
  const std::string header(file.begin() + static_cast<std::ptrdiff_t>(offset),
                           file.begin() + static_cast<std::ptrdiff_t>(offset + header_len));
  const std::optional<std::string> descr = npy_field(header, "descr");
  const std::optional<std::string> order = npy_field(header, "fortran_order");
  const std::optional<std::string> shape = npy_field(header, "shape");
  if (!descr || !order || !shape) throw bad("header lacks descr, fortran_order or shape");
  if (*order != "False") throw bad("Fortran order is not supported (save it C-contiguous)");
  const NpyType* type = nullptr;
  for (const NpyType& n : kNpyTypes) {
    if (n.descr == *descr) type = &n;
  }
  if (type == nullptr) {
    throw bad(fmt::format("dtype '{}' is not supported (use <f2, <f4, |i1, |u1, <i2, <i4, <i8 "
                          "or <u2)",
                          *descr));
  }
  b.dtype = type->dtype;
  b.shape.clear();
  uint64_t elements = 1;
  size_t p = 0;
  while (p < shape->size()) {
    while (p < shape->size() && (shape->at(p) == ' ' || shape->at(p) == ',')) ++p;
    if (p >= shape->size()) break;
    uint64_t dim = 0;
    const auto [end, ec] = std::from_chars(shape->data() + p, shape->data() + shape->size(), dim);
    if (ec != std::errc()) throw bad("bad shape (" + *shape + ")");
    b.shape.push_back(dim);
    elements *= dim;
    p = static_cast<size_t>(end - shape->data());
  }
  const uint64_t bytes = elements * isa::element_size(b.dtype);
  const size_t data = offset + header_len;
  if (file.size() - data != bytes) {
    throw bad(fmt::format("shape ({}) needs {} bytes of data, the file has {}", *shape, bytes,
                          file.size() - data));
  }
  b.bytes.assign(file.begin() + static_cast<std::ptrdiff_t>(data), file.end());
}

void write_npy(const std::string& path, const Buffer& b, const std::vector<uint8_t>& data) {
  std::string shape;
  for (uint64_t d : b.shape) shape += std::to_string(d) + ", ";
  if (b.shape.size() > 1) shape.resize(shape.size() - 2);
  if (b.shape.size() == 1) shape.resize(shape.size() - 1);
  std::string header = fmt::format("{{'descr': '{}', 'fortran_order': False, 'shape': ({}), }}",
                                   npy_descr(b.dtype), shape);
  // Pad so that the data starts on a multiple of 64 bytes, ending the header with a newline.
  const size_t total = 10 + header.size() + 1;
  header.append((64 - total % 64) % 64, ' ');
  header += '\n';
  std::ofstream out(path, std::ios::binary);
  if (!out) throw UserError(fmt::format("--output: cannot write '{}'", path));
  out.write("\x93NUMPY\x01\x00", 8);
  const uint16_t len = static_cast<uint16_t>(header.size());
  const char len_bytes[2] = {static_cast<char>(len & 0xff), static_cast<char>(len >> 8)};
  out.write(len_bytes, 2);
  out.write(header.data(), static_cast<std::streamsize>(header.size()));
  out.write(reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(data.size()));
  if (!out) throw UserError(fmt::format("--output: cannot write '{}'", path));
}

// ---- Argument specs -------------------------------------------------------------------------

DataType parse_dtype(const std::string& text, const std::string& what) {
  if (const std::optional<DataType> t = isa::parse_enum<DataType>(text)) return *t;
  throw UserError(fmt::format("{}: unknown data type '{}' (expected {})", what, text,
                              isa::enum_choices<DataType>()));
}

uint64_t parse_u64(const std::string& text, const std::string& what) {
  uint64_t v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) {
    throw UserError(fmt::format("{}: '{}' is not a non-negative integer", what, text));
  }
  return v;
}

// A GM argument: zeros:SHAPE:DTYPE, FILE.npy, or FILE[:DTYPE] (raw bytes).
void parse_gm_spec(const std::string& spec, const std::string& what, Buffer& b) {
  if (spec.rfind("zeros:", 0) == 0) {
    const std::string rest = spec.substr(6);
    const size_t colon = rest.find(':');
    if (colon == std::string::npos) {
      throw UserError(fmt::format("{}: expected zeros:SHAPE:DTYPE (e.g. zeros:64x64:f16), got "
                                  "'{}'",
                                  what, spec));
    }
    b.dtype = parse_dtype(rest.substr(colon + 1), what);
    uint64_t elements = 1;
    std::string dims = rest.substr(0, colon);
    size_t p = 0;
    while (true) {
      const size_t x = dims.find('x', p);
      const uint64_t d = parse_u64(dims.substr(p, x == std::string::npos ? x : x - p), what);
      if (d == 0) throw UserError(fmt::format("{}: a dimension of 0 in '{}'", what, spec));
      b.shape.push_back(d);
      elements *= d;
      if (x == std::string::npos) break;
      p = x + 1;
    }
    b.bytes.assign(elements * isa::element_size(b.dtype), 0);
    return;
  }
  if (spec.size() > 4 && spec.compare(spec.size() - 4, 4, ".npy") == 0) {
    read_npy(spec, what, b);
    return;
  }
  std::string path = spec;
  const size_t colon = spec.rfind(':');
  if (colon != std::string::npos && isa::parse_enum<DataType>(spec.substr(colon + 1))) {
    b.dtype = *isa::parse_enum<DataType>(spec.substr(colon + 1));
    path = spec.substr(0, colon);
  }
  b.bytes = read_bytes(path, what);
  if (b.bytes.empty()) throw UserError(fmt::format("{}: file '{}' is empty", what, path));
  if (b.bytes.size() % isa::element_size(b.dtype) != 0) {
    throw UserError(fmt::format("{}: file '{}' has {} bytes, not a whole number of {} elements",
                                what, path, b.bytes.size(), isa::name(b.dtype)));
  }
  b.shape = {b.bytes.size() / isa::element_size(b.dtype)};
}

uint64_t parse_scalar(const isa::KernelArg& arg, const std::string& text,
                      const std::string& what) {
  const DataType t = *arg.dtype;
  if (arg.kind == isa::ArgKind::kFloat) {
    double v = 0;
    try {
      size_t used = 0;
      v = std::stod(text, &used);
      if (used != text.size()) throw std::invalid_argument(text);
    } catch (const std::exception&) {
      throw UserError(fmt::format("{}: '{}' is not a number", what, text));
    }
    if (t == DataType::kF16) return numerics::double_to_fp16(v).bits;
    if (t == DataType::kBf16) return numerics::double_to_bf16(v).bits;
    return numerics::fp32_bits(numerics::double_to_fp32(v));
  }
  int64_t v = 0;
  const bool hex = text.rfind("0x", 0) == 0;
  const char* first = text.data() + (hex ? 2 : 0);
  const auto [end, ec] = std::from_chars(first, text.data() + text.size(), v, hex ? 16 : 10);
  if (ec != std::errc() || end != text.data() + text.size() || first == end) {
    throw UserError(fmt::format("{}: '{}' is not an integer", what, text));
  }
  const uint32_t bits = 8 * isa::element_size(t);
  const bool is_unsigned = t == DataType::kU8;
  const int64_t min = is_unsigned ? 0 : bits == 64 ? INT64_MIN : -(int64_t{1} << (bits - 1));
  const int64_t max = bits == 64 ? INT64_MAX
                      : is_unsigned ? (int64_t{1} << bits) - 1
                                    : (int64_t{1} << (bits - 1)) - 1;
  if (v < min || v > max) {
    throw UserError(fmt::format("{}: {} is out of range for {} ({}..{})", what, v, isa::name(t),
                                min, max));
  }
  return static_cast<uint64_t>(v);  // sign-extended, as the ABI wants
}

void run_exec(const ExecOptions& o) {
  const config::ChipConfig config = config::load_chip_config(o.chip, o.overrides).config;
  const isa::Binary binary = isa::load_npubin(o.program);
  std::string kernel_name = o.kernel;
  if (kernel_name.empty()) {
    if (binary.kernels.size() != 1) {
      std::string names;
      for (const isa::Kernel& k : binary.kernels) names += (names.empty() ? "" : ", ") + k.name;
      throw UserError(fmt::format("{} has {} kernels ({}): choose one with --kernel", o.program,
                                  binary.kernels.size(), names));
    }
    kernel_name = binary.kernels[0].name;
  }
  const isa::Kernel* kernel = binary.find_kernel(kernel_name);
  if (kernel == nullptr) {
    std::string names;
    for (const isa::Kernel& k : binary.kernels) names += (names.empty() ? "" : ", ") + k.name;
    throw UserError(fmt::format("--kernel: no kernel named '{}' in {} (it has: {})",
                                kernel_name, o.program, names));
  }

  // --arg NAME=SPEC, one per kernel argument.
  std::map<std::string, std::string> specs;
  for (const std::string& a : o.args) {
    const size_t eq = a.find('=');
    if (eq == std::string::npos || eq == 0) {
      throw UserError(fmt::format("--arg: expected NAME=VALUE, got '{}'", a));
    }
    const std::string name = a.substr(0, eq);
    const bool known = std::any_of(kernel->args.begin(), kernel->args.end(),
                                   [&](const isa::KernelArg& k) { return k.name == name; });
    if (!known) {
      std::string names;
      for (const isa::KernelArg& k : kernel->args) names += (names.empty() ? "" : ", ") + k.name;
      throw UserError(fmt::format("--arg: kernel '{}' has no argument '{}' (it has: {})",
                                  kernel->name, name, names.empty() ? "none" : names));
    }
    if (!specs.emplace(name, a.substr(eq + 1)).second) {
      throw UserError(fmt::format("--arg: argument '{}' given twice", name));
    }
  }
  for (const isa::KernelArg& k : kernel->args) {
    if (!specs.contains(k.name)) {
      throw UserError(fmt::format("--arg: argument '{}' of kernel '{}' is missing ({})", k.name,
                                  kernel->name,
                                  k.kind == isa::ArgKind::kGmPointer
                                      ? "a GM buffer: zeros:SHAPE:DTYPE, FILE.npy or FILE[:DTYPE]"
                                      : fmt::format("a {} value", isa::name(*k.dtype))));
    }
  }
  // --output NAME[=FILE].
  std::map<std::string, std::string> outputs;
  for (const std::string& spec : o.outputs) {
    const size_t eq = spec.find('=');
    const std::string name = spec.substr(0, eq);
    const auto arg = std::find_if(kernel->args.begin(), kernel->args.end(),
                                  [&](const isa::KernelArg& k) { return k.name == name; });
    if (arg == kernel->args.end() || arg->kind != isa::ArgKind::kGmPointer) {
      throw UserError(fmt::format("--output: '{}' is not a GM argument of kernel '{}'", name,
                                  kernel->name));
    }
    outputs[name] = eq == std::string::npos ? name + ".npy" : spec.substr(eq + 1);
  }
  if (!outputs.empty() && o.timing_only) {
    throw UserError("--output: a timing-only run computes no data; drop --timing-only");
  }

  sim::SimOptions options;
  options.timing_only = o.timing_only;
  options.racecheck = o.racecheck;
  o.trace.apply(options);
  options.cycle_limit = o.cycle_limit;
  if (o.rtl_cube) options.cube_backend = rtl_cube_backend(config, o.timing_only);
  sim::Chip chip(config, options);

  std::vector<Buffer> buffers;
  std::vector<uint64_t> values;
  for (const isa::KernelArg& k : kernel->args) {
    const std::string what = fmt::format("--arg {}", k.name);
    if (k.kind != isa::ArgKind::kGmPointer) {
      values.push_back(parse_scalar(k, specs[k.name], what));
      continue;
    }
    Buffer b;
    b.name = k.name;
    parse_gm_spec(specs[k.name], what, b);
    b.address = chip.gm().allocate(b.bytes.size(), k.name);
    if (chip.gm().backed()) {
      std::memcpy(chip.gm().span(b.address, b.bytes.size()).data(), b.bytes.data(),
                  b.bytes.size());
    }
    values.push_back(b.address);
    buffers.push_back(std::move(b));
  }

  const fs::path out_dir = prepare_out_dir(o.out, "exec");

  const sim::RunResult run = chip.launch(binary, kernel->name, values, o.cores);
  std::fputs(sim::summary_table(config, run).c_str(), stdout);
  std::string written = write_run_reports(out_dir, config, options, run);
  for (const Buffer& b : buffers) {
    const auto it = outputs.find(b.name);
    if (it == outputs.end()) continue;
    const fs::path path = fs::path(it->second).is_absolute() ? fs::path(it->second)
                                                              : out_dir / it->second;
    const std::span<const uint8_t> data = std::as_const(chip.gm()).span(b.address, b.bytes.size());
    write_npy(path.string(), b, std::vector<uint8_t>(data.begin(), data.end()));
    written += ", " + path.string();
  }
  std::printf("wrote %s\n", written.c_str());
}

}  // namespace

void add_exec_command(CLI::App& app) {
  auto options = std::make_shared<ExecOptions>();
  CLI::App* cmd = app.add_subcommand(
      "exec", "Run a kernel of a .npubin on a chip: GM buffers from files, results back to .npy");
  cmd->add_option("--chip", options->chip, "Chip config (YAML)")->required();
  cmd->add_option("program", options->program, "The .npubin to run")->required();
  cmd->add_option("--kernel", options->kernel, "Kernel to run (default: the only one)");
  cmd->add_option("--cores", options->cores, "block_dim: AI cores to run on")
      ->check(CLI::Range(1u, 1u << 20));
  cmd->add_flag("--timing-only", options->timing_only, "Skip the data work (no outputs)");
  cmd->add_flag("--racecheck", options->racecheck,
                "Report unordered overlapping accesses of two pipes (functional mode)");
  cmd->add_option("--arg", options->args,
                  "NAME=VALUE for each kernel argument. GM buffers: zeros:SHAPE:DTYPE "
                  "(zeros:64x64:f16), FILE.npy, or FILE[:DTYPE] (raw bytes). Scalars: a number");
  cmd->add_option("--output", options->outputs,
                  "NAME[=FILE]: write GM argument NAME after the run as .npy (default "
                  "OUT/NAME.npy)");
  cmd->add_option("--out", options->out,
                  "Directory for report.json, trace.json and outputs (default: a new out/exec-N)");
  cmd->add_option("--set", options->overrides, "Override a config key, e.g. --set cube.m0=32");
  cmd->add_option("--cycle-limit", options->cycle_limit,
                  "Stop with an error when the kernel runs longer (cycles)")
      ->check(CLI::Range(uint64_t{1}, uint64_t{1} << 50));
  options->trace.add_to(*cmd);
  cmd->add_flag("--rtl-cube", options->rtl_cube,
                "Compute mmad with the Verilated RTL cube in the loop (docs/rtl.md)");
  cmd->callback([options] { run_exec(*options); });
}

}  // namespace npu::cli
