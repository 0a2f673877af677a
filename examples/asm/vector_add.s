# z = x + y in fp16 on every core of the launch: each core adds `n` elements (a multiple of
# 2048) starting at block_idx * n, in tiles of 2048 elements (4 KB) through UB. Event flags
# order GM -> UB (MTE2), the vector add (V) and UB -> GM (MTE3), and keep a tile from being
# overwritten while another pipe still reads it.
.kernel vadd_f16
.arg x, gm
.arg y, gm
.arg z, gm
.arg n, s64
    ldg.s64 x2, 0(x1)             # x
    ldg.s64 x3, 8(x1)             # y
    ldg.s64 x4, 16(x1)            # z
    ldg.s64 x5, 24(x1)            # n
    rdsr x6, block_idx
    mul x7, x6, x5
    slli x7, x7, 1                # byte offset of this core's first element
    add x2, x2, x7
    add x3, x3, x7
    add x4, x4, x7
    li x10, 0                     # UB: x tile
    li x11, 4096                  # UB: y tile
    li x12, 8192                  # UB: z tile
    set_flag v, mte2, 1           # x and y tiles start free
    set_flag mte3, v, 2           # z tile starts free
loop:
    beqz x5, done
    wait_flag v, mte2, 1
    copy_gm_to_ub x10, x2, burst_len=128
    copy_gm_to_ub x11, x3, burst_len=128
    set_flag mte2, v, 0
    wait_flag mte2, v, 0
    wait_flag mte3, v, 2
    vadd.f16 x12, x10, x11, repeat=16
    set_flag v, mte2, 1
    set_flag v, mte3, 0
    wait_flag v, mte3, 0
    copy_ub_to_gm x4, x12, burst_len=128
    set_flag mte3, v, 2
    addi x2, x2, 4096
    addi x3, x3, 4096
    addi x4, x4, 4096
    addi x5, x5, -2048
    j loop
done:
    wait_flag v, mte2, 1
    wait_flag mte3, v, 2
    end
