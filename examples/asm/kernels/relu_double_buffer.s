# y = relu(x) over a long fp16 array (n a multiple of 4096) with double buffering.
#
# Two UB buffers, ping (event 0) and pong (event 1): while V works on one and MTE3 writes it
# out, MTE2 already fills the other, so the three pipes overlap. Event ids are immediates, so
# the loop body handles one ping tile and one pong tile (2 x 2048 elements). For each buffer b:
#   MTE3 -> MTE2 (b): buffer b is free again      MTE2 -> V (b): its input arrived
#   V -> MTE3 (b): its result is ready
.kernel relu_double_buffer
.arg x, gm
.arg y, gm
.arg n, s64
    ldg.s64 x2, 0(x1)          # x
    ldg.s64 x3, 8(x1)          # y
    ldg.s64 x5, 16(x1)         # n: elements left
    li x10, 0                  # UB: ping
    li x11, 4096               # UB: pong
    li x13, 4096               # bytes per tile
    set_flag mte3, mte2, 0     # both buffers start free
    set_flag mte3, mte2, 1
loop:
    # ping
    wait_flag mte3, mte2, 0
    copy_gm_to_ub x10, x2, burst_len=128
    set_flag mte2, v, 0
    wait_flag mte2, v, 0
    vrelu.f16 x10, x10, repeat=16
    set_flag v, mte3, 0
    wait_flag v, mte3, 0
    copy_ub_to_gm x3, x10, burst_len=128
    set_flag mte3, mte2, 0
    add x2, x2, x13
    add x3, x3, x13
    # pong
    wait_flag mte3, mte2, 1
    copy_gm_to_ub x11, x2, burst_len=128
    set_flag mte2, v, 1
    wait_flag mte2, v, 1
    vrelu.f16 x11, x11, repeat=16
    set_flag v, mte3, 1
    wait_flag v, mte3, 1
    copy_ub_to_gm x3, x11, burst_len=128
    set_flag mte3, mte2, 1
    add x2, x2, x13
    add x3, x3, x13
    addi x5, x5, -4096
    bnez x5, loop
    wait_flag mte3, mte2, 0    # consume the last sets
    wait_flag mte3, mte2, 1
    end
