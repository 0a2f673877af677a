// docs/config-reference.md, generated from the parameter declarations (`npusim config
// reference` prints it; a test fails when the checked-in file differs).
#pragma once

#include <string>

namespace npu::config {

std::string reference_markdown();

}  // namespace npu::config
