// GM: the device memory that the host allocates and kernels read and write. Only allocated
// ranges exist; every access is checked against the allocation it starts in, so a kernel
// reading past its tensor is a program error rather than a silent read of a neighbour.
//
// Addresses are 64-bit device addresses starting at kBase; allocations are aligned to 512
// bytes (the L2 line, reference §1.4) and separated by an unmapped guard gap. Storage is
// allocated only when `backed` (functional mode); in timing-only mode the ranges exist for
// bounds checks but hold no bytes.
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <vector>

namespace npu::sim {

class GlobalMemory {
 public:
  static constexpr uint64_t kBase = 0x1000'0000;
  static constexpr uint64_t kAlignment = 512;
  static constexpr uint64_t kGuardBytes = 4096;

  GlobalMemory(uint64_t capacity_bytes, bool backed);

  // Returns the device address of a new zero-filled allocation. Throws UserError when the
  // capacity is exhausted (the host program asked for more than the chip has).
  uint64_t allocate(uint64_t bytes, const std::string& name);
  // Throws UserError for an address that is not the start of a live allocation.
  void free(uint64_t address);

  // The bytes [address, address + bytes) as one span inside one allocation; throws
  // AccessFault naming the allocation (or the lack of one) when the range leaves it.
  std::span<uint8_t> span(uint64_t address, uint64_t bytes);
  std::span<const uint8_t> span(uint64_t address, uint64_t bytes) const;
  // The same check without touching data (timing-only mode uses it too).
  void check(uint64_t address, uint64_t bytes) const;

  bool backed() const { return m_backed; }
  uint64_t capacity() const { return m_capacity; }
  uint64_t allocated_bytes() const { return m_allocated; }

 private:
  struct Allocation {
    uint64_t bytes = 0;
    std::string name;
    std::vector<uint8_t> data;  // empty unless backed
  };
  const Allocation& find(uint64_t address, uint64_t bytes, uint64_t& base) const;

  uint64_t m_capacity;
  bool m_backed;
  uint64_t m_next;
  uint64_t m_allocated = 0;
  std::map<uint64_t, Allocation> m_allocations;  // by base address
};

}  // namespace npu::sim
