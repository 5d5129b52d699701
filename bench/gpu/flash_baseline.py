#!/usr/bin/env python3
"""Causal flash-attention baseline for docs/BENCHMARKS.md, section "GPU".

PyTorch's scaled_dot_product_attention with the FlashAttention backend forced, causal, one
sequence and one head of dimension 64 (the value width of GpuBenchmark), at the same lengths as
GpuBenchmark: 64K, 256K, 1M and 4M tokens, in fp16 and bf16. Timing with CUDA events; warm-up
runs are discarded; min and median of the timed runs are reported, with the peak GPU memory.

Exact attention is O(n^2): at 4M tokens one call does about 2.2e15 multiply-adds, i.e. seconds on
an H100. A length or dtype that fails (out of memory, no flash kernel for the GPU) is reported as
failed with the error, never skipped silently.

Usage: python3 bench/gpu/flash_baseline.py [--lengths 65536,262144,1048576,4194304]
       [--dtypes fp16,bf16] [--head-dim 64] [--heads 1] [--warmup 2] [--runs 5] [--out FILE.md]
"""
import argparse
import statistics
import sys


def flash_context(torch):
    """A context manager that allows only the FlashAttention backend (new and old PyTorch APIs)."""
    try:
        from torch.nn.attention import SDPBackend, sdpa_kernel

        return sdpa_kernel([SDPBackend.FLASH_ATTENTION])
    except ImportError:
        return torch.backends.cuda.sdp_kernel(enable_flash=True, enable_math=False, enable_mem_efficient=False)


def time_one(torch, n, dtype, head_dim, heads, warmup, runs):
    import torch.nn.functional as F

    gen = torch.Generator(device="cuda").manual_seed(20250101)
    shape = (1, heads, n, head_dim)
    q = torch.randn(shape, device="cuda", dtype=dtype, generator=gen)
    k = torch.randn(shape, device="cuda", dtype=dtype, generator=gen)
    v = torch.randn(shape, device="cuda", dtype=dtype, generator=gen)
    times = []
    torch.cuda.reset_peak_memory_stats()
    with flash_context(torch):
        for i in range(warmup + runs):
            start = torch.cuda.Event(enable_timing=True)
            end = torch.cuda.Event(enable_timing=True)
            start.record()
            out = F.scaled_dot_product_attention(q, k, v, is_causal=True)
            end.record()
            torch.cuda.synchronize()
            if i >= warmup:
                times.append(start.elapsed_time(end))
            del out
    peak = torch.cuda.max_memory_allocated() / 2**30
    del q, k, v
    torch.cuda.empty_cache()
    return min(times), statistics.median(times), peak


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lengths", default="65536,262144,1048576,4194304")
    ap.add_argument("--dtypes", default="fp16,bf16")
    ap.add_argument("--head-dim", type=int, default=64)
    ap.add_argument("--heads", type=int, default=1)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--out")
    args = ap.parse_args()

    import torch

    if not torch.cuda.is_available():
        print("no CUDA device visible to PyTorch: flash baseline not measured", file=sys.stderr)
        return 1
    dtypes = {"fp16": torch.float16, "bf16": torch.bfloat16}
    lines = [
        "Flash attention baseline: PyTorch %s, CUDA %s, %s; causal SDPA (FlashAttention backend only), "
        "batch 1, %d head(s) of dim %d; CUDA-event ms, min / median of %d runs after %d warm-up"
        % (torch.__version__, torch.version.cuda, torch.cuda.get_device_name(0), args.heads, args.head_dim,
           args.runs, args.warmup),
        "",
        "| n | dtype | min ms | median ms | tokens/s (median) | peak GPU memory GiB |",
        "|---|---|---|---|---|---|",
    ]
    for line in lines:
        print(line)
    for n in (int(x) for x in args.lengths.split(",")):
        for name in args.dtypes.split(","):
            try:
                lo, med, peak = time_one(torch, n, dtypes[name], args.head_dim, args.heads, args.warmup, args.runs)
                row = "| %d | %s | %.2f | %.2f | %.3g | %.2f |" % (n, name, lo, med, n / (med / 1000.0), peak)
            except RuntimeError as e:  # out of memory or no flash kernel: report, do not hide
                torch.cuda.empty_cache()
                row = "| %d | %s | failed: %s | | | |" % (n, name, str(e).splitlines()[0][:120])
            print(row, flush=True)
            lines.append(row)
    if args.out:
        with open(args.out, "w", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
