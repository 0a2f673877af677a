// The runtime's Device and the simulator back end (see device.h).
#include "runtime/device.h"

#include <algorithm>

#include "base/error.h"

namespace npu::runtime {

SimBackend::SimBackend(const config::ChipConfig& config, const sim::SimOptions& options)
    : m_chip(config, options) {}

uint64_t SimBackend::allocate(uint64_t bytes, const std::string& name) {
  return m_chip.gm().allocate(bytes, name);
}

void SimBackend::free(uint64_t address) { m_chip.gm().free(address); }

void SimBackend::write(uint64_t address, std::span<const uint8_t> bytes) {
  if (!has_data() || bytes.empty()) return;
  auto dst = m_chip.gm().span(address, bytes.size());
  std::copy(bytes.begin(), bytes.end(), dst.begin());
}

void SimBackend::read(uint64_t address, std::span<uint8_t> bytes) {
  if (!has_data() || bytes.empty()) return;
  auto src = m_chip.gm().span(address, bytes.size());
  std::copy(src.begin(), src.end(), bytes.begin());
}

sim::RunResult SimBackend::launch(const isa::Binary& binary, const std::string& kernel,
                                  std::span<const uint64_t> args, uint32_t block_dim) {
  return m_chip.launch(binary, kernel, args, block_dim);
}

Device::Device(std::unique_ptr<DeviceBackend> backend) : m_backend(std::move(backend)) {}

Device Device::simulated(const config::ChipConfig& config, const sim::SimOptions& options) {
  return Device(std::make_unique<SimBackend>(config, options));
}

uint64_t Device::malloc(uint64_t bytes, const std::string& name) {
  return m_backend->allocate(bytes, name);
}

void Device::free(uint64_t address) { m_backend->free(address); }

void Device::charge_link(uint64_t bytes) {
  const auto& link = config().host_link;
  m_link_seconds += link.latency_us * 1e-6 + static_cast<double>(bytes) / (link.bandwidth_gbps * 1e9);
}

void Device::copy_to_device(uint64_t address, std::span<const uint8_t> bytes) {
  m_backend->write(address, bytes);
  charge_link(bytes.size());
}

void Device::copy_to_host(std::span<uint8_t> bytes, uint64_t address) {
  m_backend->read(address, bytes);
  charge_link(bytes.size());
}

void Device::load(isa::Binary binary) { m_binary = std::move(binary); }

const sim::RunResult& Device::launch(const std::string& kernel, std::span<const uint64_t> args,
                                     uint32_t block_dim) {
  if (!m_binary) throw UserError("no binary loaded on the device");
  m_last = m_backend->launch(*m_binary, kernel, args, block_dim);
  return m_last;
}

}  // namespace npu::runtime
