// The runtime: a Device made from a chip config, as a host program sees it (DESIGN.md section
// 7): GM malloc / free, host <-> device copies with the host-link cost (`host_link.*`), loading
// a binary, launching one of its kernels with arguments on block_dim cores, synchronizing, and
// the report of the last launch.
//
// The chip is behind a small back-end interface (DeviceBackend); SimBackend runs the SystemC
// chip model. Launches are synchronous: launch() returns when the kernel finished, so
// synchronize() only exists for the API's shape (and for asynchronous back ends later).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "config/chip_config.h"
#include "isa/npubin.h"
#include "sim/core/chip.h"
#include "sim/core/sim_options.h"

namespace npu::runtime {

// What a back end must provide. Addresses are device GM addresses.
class DeviceBackend {
 public:
  virtual ~DeviceBackend() = default;
  virtual const config::ChipConfig& config() const = 0;
  // Throws UserError when GM is exhausted.
  virtual uint64_t allocate(uint64_t bytes, const std::string& name) = 0;
  virtual void free(uint64_t address) = 0;
  // Data copies; a back end without data (timing-only) ignores them.
  virtual void write(uint64_t address, std::span<const uint8_t> bytes) = 0;
  virtual void read(uint64_t address, std::span<uint8_t> bytes) = 0;
  virtual bool has_data() const = 0;
  // Runs the kernel to completion; ProgramError when the program fails.
  virtual sim::RunResult launch(const isa::Binary& binary, const std::string& kernel,
                                std::span<const uint64_t> args, uint32_t block_dim) = 0;
};

// The SystemC chip model as a back end.
class SimBackend : public DeviceBackend {
 public:
  SimBackend(const config::ChipConfig& config, const sim::SimOptions& options);
  const config::ChipConfig& config() const override { return m_chip.config(); }
  uint64_t allocate(uint64_t bytes, const std::string& name) override;
  void free(uint64_t address) override;
  void write(uint64_t address, std::span<const uint8_t> bytes) override;
  void read(uint64_t address, std::span<uint8_t> bytes) override;
  bool has_data() const override { return !m_chip.options().timing_only; }
  sim::RunResult launch(const isa::Binary& binary, const std::string& kernel,
                        std::span<const uint64_t> args, uint32_t block_dim) override;
  const sim::SimOptions& options() const { return m_chip.options(); }

 private:
  sim::Chip m_chip;
};

class Device {
 public:
  explicit Device(std::unique_ptr<DeviceBackend> backend);
  // A device on the SystemC chip model.
  static Device simulated(const config::ChipConfig& config, const sim::SimOptions& options = {});

  const config::ChipConfig& config() const { return m_backend->config(); }
  bool has_data() const { return m_backend->has_data(); }

  uint64_t malloc(uint64_t bytes, const std::string& name);
  void free(uint64_t address);
  void copy_to_device(uint64_t address, std::span<const uint8_t> bytes);
  void copy_to_host(std::span<uint8_t> bytes, uint64_t address);
  // Modelled host-link time of every copy so far: latency + bytes / bandwidth per copy.
  double host_link_seconds() const { return m_link_seconds; }

  void load(isa::Binary binary);
  // Launches `kernel` of the loaded binary; returns when it finished.
  const sim::RunResult& launch(const std::string& kernel, std::span<const uint64_t> args,
                               uint32_t block_dim);
  void synchronize() {}
  const sim::RunResult& last_run() const { return m_last; }

 private:
  void charge_link(uint64_t bytes);

  std::unique_ptr<DeviceBackend> m_backend;
  std::optional<isa::Binary> m_binary;
  sim::RunResult m_last;
  double m_link_seconds = 0;
};

}  // namespace npu::runtime
