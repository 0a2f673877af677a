#include "config/value_parser.h"

#include <fmt/format.h>

#include <bit>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <string_view>

namespace npu::config {
namespace {

std::string quoted(std::string_view text) { return "'" + std::string(text) + "'"; }

std::string kind_of(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Null: return "nothing";
    case YAML::NodeType::Sequence: return "a list";
    case YAML::NodeType::Map: return "a mapping";
    case YAML::NodeType::Scalar: return quoted(node.Scalar());
    case YAML::NodeType::Undefined: break;
  }
  return "nothing";
}

ParsedValue fail(std::string message) { return ParsedValue{std::nullopt, std::move(message)}; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Plain decimal or 0x-hex integer, optionally signed; for byte counts also a binary suffix
// ("64 KiB", "32MiB").
std::optional<int64_t> parse_integer(std::string_view text, bool allow_size_suffix) {
  text = trim(text);
  int64_t multiplier = 1;
  if (allow_size_suffix) {
    static constexpr std::pair<std::string_view, int64_t> kSuffixes[] = {
        {"KiB", int64_t{1} << 10}, {"MiB", int64_t{1} << 20}, {"GiB", int64_t{1} << 30},
        {"TiB", int64_t{1} << 40}};
    for (const auto& [suffix, factor] : kSuffixes) {
      if (text.ends_with(suffix)) {
        multiplier = factor;
        text = trim(text.substr(0, text.size() - suffix.size()));
        break;
      }
    }
  }
  bool negative = false;
  if (!text.empty() && (text.front() == '-' || text.front() == '+')) {
    negative = text.front() == '-';
    text.remove_prefix(1);
  }
  int base = 10;
  if (text.starts_with("0x") || text.starts_with("0X")) {
    base = 16;
    text.remove_prefix(2);
  }
  if (text.empty()) return std::nullopt;
  uint64_t magnitude = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), magnitude, base);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  if (magnitude > static_cast<uint64_t>(INT64_MAX) / static_cast<uint64_t>(multiplier)) {
    return std::nullopt;
  }
  const int64_t value = static_cast<int64_t>(magnitude) * multiplier;
  return negative ? -value : value;
}

std::optional<double> parse_number(std::string_view text) {
  text = trim(text);
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  double value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  if (!std::isfinite(value)) return std::nullopt;
  return value;
}

std::optional<bool> parse_bool(std::string_view text) {
  if (text == "true" || text == "True" || text == "TRUE") return true;
  if (text == "false" || text == "False" || text == "FALSE") return false;
  return std::nullopt;
}

std::string number_text(double v) { return fmt::format("{}", v); }

// Range rules shared by integer and float parameters; empty string when the value is fine.
std::string check_range(const ParamDecl& decl, double v) {
  if (decl.min) {
    if (decl.min_exclusive && !(v > *decl.min)) {
      return fmt::format("must be greater than {}, got {}", number_text(*decl.min), number_text(v));
    }
    if (!decl.min_exclusive && v < *decl.min) {
      return fmt::format("must be at least {}, got {}", number_text(*decl.min), number_text(v));
    }
  }
  if (decl.max && v > *decl.max) {
    return fmt::format("must be at most {}, got {}", number_text(*decl.max), number_text(v));
  }
  if (decl.power_of_two && !std::has_single_bit(static_cast<uint64_t>(v))) {
    return fmt::format("must be a power of two, got {}", number_text(v));
  }
  return {};
}

ParsedValue parse_curve(const ParamDecl& decl, const YAML::Node& node) {
  const std::string expected = "expected " + describe_type(decl) + ", got ";
  if (!node.IsSequence() || node.size() == 0) return fail(expected + kind_of(node));
  Curve curve;
  for (size_t i = 0; i < node.size(); ++i) {
    const YAML::Node& point = node[i];
    if (!point.IsSequence() || point.size() != 2 || !point[0].IsScalar() ||
        !point[1].IsScalar()) {
      return fail(fmt::format("point {}: expected [bytes, fraction]", i + 1));
    }
    auto x = parse_number(point[0].Scalar());
    auto y = parse_number(point[1].Scalar());
    if (!x || !y) return fail(fmt::format("point {}: expected two numbers", i + 1));
    if (*x <= 0) return fail(fmt::format("point {}: bytes must be greater than 0", i + 1));
    if (*y <= 0 || *y > 1) {
      return fail(fmt::format("point {}: fraction must be in (0, 1], got {}", i + 1,
                              number_text(*y)));
    }
    if (!curve.points.empty() && *x <= curve.points.back().first) {
      return fail(fmt::format("point {}: bytes must increase from point to point", i + 1));
    }
    curve.points.emplace_back(*x, *y);
  }
  return ParsedValue{ParamValue(std::move(curve)), {}};
}

}  // namespace

std::string describe_type(const ParamDecl& decl) {
  switch (decl.type) {
    case ParamType::kInt: return "an integer";
    case ParamType::kFloat: return "a number";
    case ParamType::kBool: return "true or false";
    case ParamType::kString: return "a string";
    case ParamType::kEnum: {
      std::string out = "one of ";
      for (size_t i = 0; i < decl.choices.size(); ++i) {
        if (i != 0) out += ", ";
        out += decl.choices[i];
      }
      return out;
    }
    case ParamType::kCurve: return "a list of [bytes, fraction] points";
  }
  return "a value";
}

ParsedValue parse_value(const ParamDecl& decl, const YAML::Node& node) {
  if (decl.type == ParamType::kCurve) return parse_curve(decl, node);
  const std::string expected = "expected " + describe_type(decl) + ", got ";
  if (!node.IsScalar()) return fail(expected + kind_of(node));
  const std::string& text = node.Scalar();
  switch (decl.type) {
    case ParamType::kInt: {
      auto v = parse_integer(text, decl.unit == "bytes");
      if (!v) return fail(expected + quoted(text));
      std::string rule = check_range(decl, static_cast<double>(*v));
      if (!rule.empty()) return fail(rule);
      return ParsedValue{ParamValue(*v), {}};
    }
    case ParamType::kFloat: {
      auto v = parse_number(text);
      if (!v) return fail(expected + quoted(text));
      std::string rule = check_range(decl, *v);
      if (!rule.empty()) return fail(rule);
      return ParsedValue{ParamValue(*v), {}};
    }
    case ParamType::kBool: {
      auto v = parse_bool(text);
      if (!v) return fail(expected + quoted(text));
      return ParsedValue{ParamValue(*v), {}};
    }
    case ParamType::kString:
      return ParsedValue{ParamValue(text), {}};
    case ParamType::kEnum:
      for (const std::string& choice : decl.choices) {
        if (choice == text) return ParsedValue{ParamValue(text), {}};
      }
      return fail("must be " + describe_type(decl) + "; got " + quoted(text));
    case ParamType::kCurve:
      break;
  }
  return fail(expected + quoted(text));
}

}  // namespace npu::config
