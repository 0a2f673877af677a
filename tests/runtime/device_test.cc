// The runtime Device: GM allocation, copies both ways, the host-link cost, launch errors.
#include <gtest/gtest.h>

#include <vector>

#include "base/error.h"
#include "config/loader.h"
#include "runtime/device.h"

namespace npu::runtime {
namespace {

config::ChipConfig tiny() {
  return config::load_chip_config(std::string(NPUSIM_SOURCE_DIR) + "/configs/chips/tiny.yaml").config;
}

TEST(DeviceTest, CopiesRoundTripAndChargeTheHostLink) {
  config::ChipConfig c = tiny();
  Device d = Device::simulated(c);
  uint64_t a = d.malloc(1000, "a");
  std::vector<uint8_t> in(1000);
  for (size_t i = 0; i < in.size(); ++i) in[i] = static_cast<uint8_t>(i * 7);
  d.copy_to_device(a, in);
  std::vector<uint8_t> out(1000, 0);
  d.copy_to_host(out, a);
  EXPECT_EQ(out, in);
  double per_copy = c.host_link.latency_us * 1e-6 + 1000.0 / (c.host_link.bandwidth_gbps * 1e9);
  EXPECT_DOUBLE_EQ(d.host_link_seconds(), 2 * per_copy);
  d.free(a);
}

TEST(DeviceTest, TimingOnlyDeviceHasNoData) {
  sim::SimOptions o;
  o.timing_only = true;
  Device d = Device::simulated(tiny(), o);
  EXPECT_FALSE(d.has_data());
  uint64_t a = d.malloc(64, "a");
  std::vector<uint8_t> in(64, 1);
  d.copy_to_device(a, in);  // ignored, but charged
  EXPECT_GT(d.host_link_seconds(), 0.0);
}

TEST(DeviceTest, LaunchWithoutBinaryIsUserError) {
  Device d = Device::simulated(tiny());
  try {
    d.launch("k", {}, 1);
    FAIL() << "no error";
  } catch (const UserError& e) {
    EXPECT_EQ(std::string(e.what()), "error: no binary loaded on the device");
  }
}

}  // namespace
}  // namespace npu::runtime
