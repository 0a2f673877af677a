#!/usr/bin/env python3
"""Random op specs through `npusim run --check --racecheck` on the shipped chips.

Every spec is drawn from the op library's documented keys (docs/ops.md) with shapes biased
towards the awkward ones: 1-sized dimensions, primes, sizes just off a power of two, and now and
then a size that fits no buffer. A run is
  ok        exit 0 and "check passed": the output matched the host reference, no race;
  rejected  exit 2 (a user error: the spec or the chip cannot do it), with its one-line message;
  FAIL      anything else: a mismatch, a race, a program error, a crash, a timeout.
The same seed gives the same specs. Exit status 1 when any run failed.

  scripts/fuzz_ops.py --seed 4 --count 300 [--npusim build/bin/npusim] [--ops matmul,conv2d]
"""
import argparse
import collections
import random
import subprocess
import sys
import time

CHIPS = ["configs/chips/tiny.yaml", "configs/chips/ascend910.yaml",
         "configs/chips/ascend910b.yaml"]
FLOAT = ["fp16", "bf16", "fp32"]
CUBE_OPS = ("matmul", "batch_matmul", "attention")  # bf16 needs a bf16 cube (not the 910's)


class Gen:
    def __init__(self, rng):
        self.rng = rng

    def dim(self, lo=1, hi=300):
        r = self.rng.random()
        if r < 0.05:
            return self.rng.randint(hi, 4 * hi)  # past most buffers
        if r < 0.25:
            return self.rng.choice([1, 2, 3, 16, 17, 31, 32, 33, 64, 77, 127, 128, 129])
        return self.rng.randint(lo, hi)

    def shape(self, rank=None, max_elements=200000):
        rank = rank or self.rng.randint(1, 4)
        while True:
            s = [self.dim(1, 64) for _ in range(rank)]
            n = 1
            for d in s:
                n *= d
            if n <= max_elements:
                return s

    @staticmethod
    def text(s):
        return "x".join(map(str, s))

    def matmul(self):
        r = self.rng
        dt = r.choice(["fp16", "bf16", "int8"])
        s = f"matmul m={self.dim()} n={self.dim()} k={self.dim()} dtype={dt}"
        s += " trans_a=1" * (r.random() < .5) + " trans_b=1" * (r.random() < .5)
        s += " bias=1" * (r.random() < .3)
        if dt == "int8" and r.random() < .3:
            s += " out_dtype=fp16 scale=0.01"
        elif dt != "int8" and r.random() < .3:
            s += " out_dtype=fp32"
        return s

    def batch_matmul(self):
        r = self.rng
        return (f"batch_matmul b={r.randint(1, 5)} m={self.dim(1, 100)} n={self.dim(1, 100)} "
                f"k={self.dim(1, 100)} dtype={r.choice(['fp16', 'bf16', 'int8'])}"
                + " broadcast_b=1" * (r.random() < .3))

    def conv2d(self):
        r = self.rng
        if r.random() < .15:  # each core's block of output channels in L1 (k / tile_n blocks)
            tn = 16 * r.randint(1, 3)
            return (f"conv2d n={r.randint(1, 4)} c={r.randint(1, 64)} h={r.randint(3, 20)} "
                    f"w={r.randint(3, 20)} k={tn * r.choice([2, 4, 8])} r=3 s=3 "
                    f"stride={r.randint(1, 2)} pad=1 dtype={r.choice(['fp16', 'int8'])}"
                    + " bias=1" * (r.random() < .3) + " layout=nchw" * (r.random() < .2)
                    + f" slab=double weights=l1 tile_rows={r.randint(1, 3)} tile_n={tn}")
        fr, fs, dil = r.randint(1, 5), r.randint(1, 5), r.choice([1, 1, 1, 2])
        h, w = r.randint((fr - 1) * dil + 1, 40), r.randint((fs - 1) * dil + 1, 40)
        g = r.choice([1, 1, 1, 2, 4])
        c, k = g * r.randint(1, 24), g * r.randint(1, 24)
        if r.random() < .15:
            g = k = c  # depthwise
        pad = r.randint(0, min(fr - 1, fs - 1) * dil)
        s = (f"conv2d n={r.randint(1, 3)} c={c} h={h} w={w} k={k} r={fr} s={fs} "
             f"stride={r.randint(1, 3)} pad={pad} dilation={dil} groups={g} "
             f"dtype={r.choice(['fp16', 'int8'])}")
        s += " layout=nchw" * (r.random() < .3) + " bias=1" * (r.random() < .3)
        u = r.random()
        if u < .3:  # a forced double slab, maybe with each core's channel block in L1
            s += f" slab=double weights=l1 tile_rows={r.randint(1, 4)}"
            if r.random() < .5:
                s += f" tile_n={16 * r.randint(1, 4)}"
        elif u < .55:  # the slab in pieces, maybe of a given size, K steps in load3d pairs
            s = s.replace(f" c={c} ", f" c={g * r.randint(17, 90)} ") + " slab=pieces"
            if r.random() < .5:
                s += f" slab_blocks={r.randint(1, 2)}"
            if r.random() < .4:
                s += f" tile_k={r.choice([16, 32, 64, 128, 256])}"
        return s

    def pool(self):
        r = self.rng
        op = r.choice(["maxpool", "avgpool", "global_avgpool"])
        n, c = r.randint(1, 3), self.dim(1, 200)
        dtype = r.choice(FLOAT + ["int8", "uint8"] * (op == "maxpool"))
        tail = f" dtype={dtype}" + " layout=nchw" * (r.random() < .4)
        if op == "global_avgpool":
            return f"{op} n={n} c={c} h={r.randint(1, 20)} w={r.randint(1, 20)}" + tail
        kh, kw = r.randint(1, 5), r.randint(1, 5)
        return (f"{op} n={n} c={c} h={r.randint(kh, 40)} w={r.randint(kw, 40)} kernel_h={kh} "
                f"kernel_w={kw} stride_h={r.randint(1, 4)} stride_w={r.randint(1, 4)} "
                f"pad_h={r.randint(0, kh // 2)} pad_w={r.randint(0, kw // 2)}"
                + " count_include_pad=0" * (op == "avgpool" and r.random() < .4) + tail)

    def rows(self):
        r = self.rng
        op = r.choice(["softmax", "layernorm", "rmsnorm"])
        return f"{op} rows={self.dim(1, 500)} cols={self.dim(1, 5000)} dtype={r.choice(FLOAT)}"

    def reduce(self):
        r = self.rng
        s = self.shape()
        return (f"{r.choice(['reduce_sum', 'reduce_max', 'reduce_mean'])} shape={self.text(s)} "
                f"axis={r.randint(-len(s), len(s) - 1)} dtype={r.choice(FLOAT)}")

    def unary(self):
        r = self.rng
        op = r.choice("relu abs neg sqrt rsqrt exp sigmoid silu tanh gelu".split())
        s = f"{op} shape={self.text(self.shape())} dtype={r.choice(FLOAT)}"
        return s + " approx=tanh" * (op == "gelu" and r.random() < .5)

    def binary(self):
        r = self.rng
        a = self.shape()
        b = [d if r.random() < .6 else 1 for d in a[r.randint(0, len(a) - 1):]]
        if r.random() < .5:
            a, b = b, a
        return (f"{r.choice('add sub mul div max min'.split())} a={self.text(a)} "
                f"b={self.text(b)} dtype={r.choice(FLOAT)}")

    def cast(self):
        r = self.rng
        types = ["fp16", "bf16", "fp32", "int8", "uint8", "int32"]
        a, b = r.sample(types, 2)
        return (f"cast shape={self.text(self.shape())} dtype={a} to={b} "
                f"round={r.choice(['rint', 'floor', 'ceil', 'away', 'zero', 'odd'])}")

    def transpose(self):
        r = self.rng
        s = self.shape(r.randint(1, 5))
        perm = list(range(len(s)))
        r.shuffle(perm)
        return (f"transpose shape={self.text(s)} perm={','.join(map(str, perm))} "
                f"dtype={r.choice(['fp16', 'bf16', 'int16', 'fp32', 'int8', 'uint8', 'int32'])}")

    def concat(self):
        r = self.rng
        s = self.shape()
        axis = r.randint(0, len(s) - 1)
        parts = []
        for _ in range(r.randint(1, 8)):
            t = list(s)
            t[axis] = self.dim(1, 40)
            parts.append(self.text(t))
        return (f"concat shapes={','.join(parts)} axis={axis} "
                f"dtype={r.choice(['fp16', 'bf16', 'fp32', 'int8', 'int32'])}")

    def attention(self):
        r = self.rng
        return (f"attention b={r.randint(1, 2)} h={r.randint(1, 3)} s={self.dim(1, 300)} "
                f"d={r.choice([16, 32, 48, 64, 80, 128])} dtype={r.choice(['fp16', 'bf16'])}"
                + " causal=1" * (r.random() < .5))


FAMILIES = ["matmul", "batch_matmul", "conv2d", "pool", "rows", "reduce", "unary", "binary",
            "cast", "transpose", "concat", "attention"]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--count", type=int, default=100)
    ap.add_argument("--npusim", default="build/bin/npusim")
    ap.add_argument("--ops", default=",".join(FAMILIES), help="families: " + ",".join(FAMILIES))
    ap.add_argument("--timeout", type=float, default=300)
    args = ap.parse_args()
    families = args.ops.split(",")
    for f in families:
        if f not in FAMILIES:
            sys.exit(f"fuzz_ops: unknown family '{f}' (expected {', '.join(FAMILIES)})")
    rng = random.Random(args.seed)
    gen = Gen(rng)
    tally = collections.Counter()
    rejections = collections.Counter()
    for _ in range(args.count):
        spec = getattr(gen, rng.choice(families))()
        chip = rng.choice(CHIPS)
        if chip.endswith("ascend910.yaml") and "bf16" in spec and spec.split()[0] in CUBE_OPS:
            chip = CHIPS[2]
        cmd = [args.npusim, "run", "--chip", chip, "--op", spec, "--check", "--racecheck",
               "--no-trace", "--out", "/tmp/npusim-fuzz-out"]
        start = time.time()
        try:
            p = subprocess.run(cmd, capture_output=True, text=True, timeout=args.timeout)
            rc, out = p.returncode, (p.stdout + p.stderr).strip()
        except subprocess.TimeoutExpired:
            rc, out = "timeout", ""
        seconds = time.time() - start
        if rc == 0 and "check passed" in out:
            tag = "ok"
        elif rc == 2:
            tag = "rejected"
            rejections[out.splitlines()[-1] if out else ""] += 1
        else:
            tag = "FAIL"
        tally[tag] += 1
        print(f"{tag:8} {seconds:6.1f}s {chip.rsplit('/', 1)[-1]:16} {spec}", flush=True)
        if tag != "ok":
            for line in out.splitlines()[-3:]:
                print("         " + line, flush=True)
    print(f"\n{tally['ok']} ok, {tally['rejected']} rejected, {tally['FAIL']} failed")
    for message, n in rejections.most_common():
        print(f"  rejected x{n}: {message}")
    return 1 if tally["FAIL"] else 0


if __name__ == "__main__":
    sys.exit(main())
