# Read-only data and the byte-granular copies: a lookup table in .rodata found with `la`,
# GM -> UB with left / right padding, and UB -> GM of an exact byte count.
.kernel padded_rows
.arg src, gm                      # 7 rows of 100 bytes (50 fp16) with a 28-byte gap
.arg dst, gm
    ldg.s64 x2, 0(x1)
    ldg.s64 x3, 8(x1)
    la x4, table
    ldg.s64 x5, 0(x4)             # first table entry
    li x6, 0
    copy_gm_to_ub_pad.f16 x6, x2, nburst=7, burst_bytes=100, gm_gap=28, value=0x7c00, left_pad=2, right_pad=3
    set_flag mte2, mte3, 0
    wait_flag mte2, mte3, 0
    copy_ub_to_gm_pad x3, x6, nburst=7, burst_bytes=100
    li x7, 4096
    copy_ub_to_ub x7, x6, burst_len=1, nburst=1, src_gap=0, dst_gap=0
    copy_ub_to_l1 x7, x6, burst_len=4
    copy_l1_to_ub x6, x7, burst_len=4
    copy_l1_to_bt x0, x7, burst_len=2
    copy_gm_to_l1_pad.s8 x7, x2, burst_bytes=33
    copy_gm_to_l0a x0, x2, burst_len=16
    end
.rodata
table:
    .dword 0x0123456789abcdef, -1
greeting:
    .asciz "npusim"
    .align 8
weights:
    .half 0x3c00, 0x4000, 0xc000
    .float 0.5, -1.25
    .zero 3
end_of_data:
