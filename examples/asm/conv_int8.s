# 3 x 3 convolution, stride 1, padding 1, on an 8 x 8 x 32 int8 feature map (C1HWC0, C0 = 32)
# with 16 filters, as img2col + int8 mmad, requantised to int8 with ReLU on the way out.
.kernel conv3x3_int8
.arg fmap, gm                     # 1 x 8 x 8 x 32 int8
.arg weights, gm                  # 9 fractals of 32 x 16 int8, L0B layout
.arg out, gm                      # 64 x 16 int8, row-major
.arg scale, f32
    ldg.s64 x2, 0(x1)
    ldg.s64 x3, 8(x1)
    ldg.s64 x4, 16(x1)
    ldg.s32 x9, 24(x1)            # fp32 bits of the requantisation scale
    li x5, 0
    copy_gm_to_l1 x5, x2, burst_len=64
    copy_gm_to_l0b x5, x3, burst_len=144
    set_flag mte2, m, 1           # weights are in L0B
    set_fmatrix width=8, height=8, pad_left=1, pad_right=1, pad_top=1, pad_bottom=1
    set_padding x0
    set_flag mte2, mte1, 0
    wait_flag mte2, mte1, 0       # feature map is in L1
    load3d_l1_to_l0a.s8 x5, x5, k_extension=288, m_extension=64, filter_w=3, filter_h=3, channels=32
    set_flag mte1, m, 0
    wait_flag mte1, m, 0
    wait_flag mte2, m, 1
    mmad.s32.s8 x5, x5, x5, m=64, k=288, n=16, init=zero
    set_flag m, fix, 0
    wait_flag m, fix, 0
    fix_l0c_to_gm.s8.s32 x4, x5, x9, n=16, m=64, src_stride=4, dst_stride=16, relu=1, layout=nd
    end
