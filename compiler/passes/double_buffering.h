// Double buffering (ping-pong): a `for` loop that uses double-buffered tiles is unrolled by two
// so that even iterations use slot 0 and odd iterations slot 1 of each such tile. The odd copy
// is guarded by `if 2*i + 1 < count`, so odd trip counts need no remainder loop. With the sync
// insertion that follows, loads of iteration i+1 then overlap the compute of iteration i.
// Double-buffered tiles used outside any `for` loop get slot 0.
#pragma once

#include "compiler/ir/kernel_ir.h"

namespace npu::compiler {

void double_buffer(Kernel& kernel);

}  // namespace npu::compiler
