# z = x + y over n fp16 elements on one core (n a multiple of 2048).
#
# Each trip of the loop moves one 4 KiB tile (2048 elements) of x and y into UB (MTE2), adds
# them (V, 16 repeats of 128 elements) and writes the sum back (MTE3). The flags chain the
# three pipes: MTE2 -> V (inputs arrived), V -> MTE3 (sum ready), MTE3 -> MTE2 (the tile's
# buffers may be reused). Run:
#   npusim asm examples/asm/kernels/vector_add.s -o vadd.npubin
#   npusim exec --chip configs/chips/tiny.yaml vadd.npubin --arg x=x.npy --arg y=y.npy \
#       --arg z=zeros:4096:f16 --arg n=4096 --output z
.kernel vector_add
.arg x, gm
.arg y, gm
.arg z, gm
.arg n, s64
    ldg.s64 x2, 0(x1)          # x
    ldg.s64 x3, 8(x1)          # y
    ldg.s64 x4, 16(x1)         # z
    ldg.s64 x5, 24(x1)         # n: elements left
    li x10, 0                  # UB: tile of x
    li x11, 4096               # UB: tile of y
    li x12, 8192               # UB: tile of z
    li x13, 4096               # bytes per tile
    set_flag mte3, mte2, 0     # the buffers start free
loop:
    wait_flag mte3, mte2, 0    # previous tile written out: buffers free
    copy_gm_to_ub x10, x2, burst_len=128
    copy_gm_to_ub x11, x3, burst_len=128
    set_flag mte2, v, 0
    wait_flag mte2, v, 0
    vadd.f16 x12, x10, x11, repeat=16
    set_flag v, mte3, 0
    wait_flag v, mte3, 0
    copy_ub_to_gm x4, x12, burst_len=128
    set_flag mte3, mte2, 0
    add x2, x2, x13
    add x3, x3, x13
    add x4, x4, x13
    addi x5, x5, -2048
    bnez x5, loop
    wait_flag mte3, mte2, 0    # consume the last set: every flag ends clear
    end
