# Scalar unit tour: ALU, immediates, 64-bit constants, loads and stores, branches, special
# registers and the pseudo-instructions that expand to them.
.kernel scalar_ops
.arg out, gm                  # 8 x int64 results
.arg count, s32
    ldg.s64 x2, 0(x1)         # out
    ldg.s32 x3, 8(x1)         # count
    rdsr x4, block_idx
    rdsr x5, block_dim
    rdsr x6, core_type
    rdsr x7, cycle
    li x8, 0x123456789abcdef0 # lui + addi
    li x9, -42                # one addi
    li x10, 0x100000000       # lui only
    add x11, x8, x9
    sub x12, x8, x9
    mul x13, x4, x5
    div x14, x9, x3
    divu x15, x8, x3
    rem x16, x9, x3
    remu x17, x8, x3
    and x18, x8, x10
    or x19, x8, x9
    xor x20, x8, x8
    sll x21, x9, x3
    srl x22, x8, x3
    sra x23, x9, x3
    slt x24, x9, x8
    sltu x25, x9, x8
    min x26, x8, x9
    max x27, x8, x9
    minu x28, x8, x9
    maxu x29, x8, x9
    addi x11, x11, 100
    muli x12, x12, -3
    andi x13, x13, 0xff
    ori x14, x14, 1
    xori x15, x15, -1
    slli x16, x16, 63
    srli x17, x17, 1
    srai x18, x18, 7
    slti x19, x9, -41
    sltiu x20, x9, 5
    lui x21, 0xffffffff
    mv x22, x8
    neg x23, x9
    not x24, x9
    nop
# Sum 1..count into x25 with a countdown loop.
    li x25, 0
    mv x26, x3
sum:
    beqz x26, sum_done
    add x25, x25, x26
    addi x26, x26, -1
    j sum
sum_done:
    sts.s64 x25, 0(x0)        # SMEM scratch
    lds.s64 x27, 0(x0)
    sts.s8 x9, 8(x0)
    lds.u8 x28, 8(x0)         # zero-extended
    lds.s8 x29, 8(x0)         # sign-extended
    stg.s64 x27, 0(x2)
    stg.s64 x28, 8(x2)
    stg.s32 x29, 16(x2)
    blt x4, x5, in_range
    bge x4, x5, out_of_range
in_range:
    bltu x4, x5, 2
    bgeu x4, x5, out_of_range
    bne x4, x5, tail
    beq x4, x4, tail
out_of_range:
    bgt x4, x5, tail
    ble x4, x5, tail
    bgtu x4, x5, tail
    bleu x4, x5, tail
tail:
    jal x29, helper
    end
helper:
    jalr x0, x29, 0
