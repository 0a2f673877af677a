#include "sim/memory/global_memory.h"

#include <fmt/format.h>

#include <utility>

#include "base/error.h"
#include "sim/fault.h"

namespace npu::sim {
namespace {

uint64_t round_up(uint64_t value, uint64_t alignment) {
  return (value + alignment - 1) / alignment * alignment;
}

}  // namespace

GlobalMemory::GlobalMemory(uint64_t capacity_bytes, bool backed)
    : m_capacity(capacity_bytes), m_backed(backed), m_next(kBase) {}

uint64_t GlobalMemory::allocate(uint64_t bytes, const std::string& name) {
  if (bytes == 0) throw UserError(fmt::format("cannot allocate 0 bytes of GM for '{}'", name));
  const uint64_t rounded = round_up(bytes, kAlignment);
  if (m_allocated + rounded > m_capacity) {
    throw UserError(fmt::format(
        "GM exhausted: allocating {} bytes for '{}' with {} of {} bytes in use", bytes, name,
        m_allocated, m_capacity));
  }
  const uint64_t address = m_next;
  m_next = round_up(address + rounded + kGuardBytes, kAlignment);
  Allocation allocation{bytes, name, {}};
  if (m_backed) allocation.data.assign(bytes, 0);
  m_allocations.emplace(address, std::move(allocation));
  m_allocated += rounded;
  return address;
}

void GlobalMemory::free(uint64_t address) {
  auto it = m_allocations.find(address);
  if (it == m_allocations.end()) {
    throw UserError(fmt::format("free of GM address {:#x}, which is not an allocation", address));
  }
  m_allocated -= round_up(it->second.bytes, kAlignment);
  m_allocations.erase(it);
}

const GlobalMemory::Allocation& GlobalMemory::find(uint64_t address, uint64_t bytes,
                                                   uint64_t& base) const {
  auto it = m_allocations.upper_bound(address);
  if (it == m_allocations.begin()) {
    throw AccessFault(fmt::format("GM access [{:#x}, +{}) is outside every allocation", address,
                                  bytes));
  }
  --it;
  base = it->first;
  const Allocation& a = it->second;
  if (address - base >= a.bytes || bytes > a.bytes - (address - base)) {
    if (address - base >= a.bytes) {
      throw AccessFault(fmt::format("GM access [{:#x}, +{}) is outside every allocation",
                                    address, bytes));
    }
    throw AccessFault(fmt::format(
        "GM access [{:#x}, +{}) runs past the end of allocation '{}' [{:#x}, +{}) by {} bytes",
        address, bytes, a.name, base, a.bytes, bytes - (a.bytes - (address - base))));
  }
  return a;
}

void GlobalMemory::check(uint64_t address, uint64_t bytes) const {
  uint64_t base = 0;
  find(address, bytes, base);
}

std::span<const uint8_t> GlobalMemory::span(uint64_t address, uint64_t bytes) const {
  uint64_t base = 0;
  const Allocation& a = find(address, bytes, base);
  NPU_CHECK(m_backed, "GM data accessed in timing-only mode");
  return {a.data.data() + (address - base), bytes};
}

std::span<uint8_t> GlobalMemory::span(uint64_t address, uint64_t bytes) {
  const auto view = std::as_const(*this).span(address, bytes);
  return {const_cast<uint8_t*>(view.data()), view.size()};  // NOLINT: same object, non-const
}

}  // namespace npu::sim
