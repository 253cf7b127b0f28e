"""cuBLAS reference timings through PyTorch for lai-bench-gpu, on the same
deterministic matrices (value(i, j, n, seed) of lai_bench_gpu.cpp) and the same
sampled-entry error measure. Usage: torch_ref.py OUT.json SIZES BATCH REPS
LAI_REF_ONLY=gemm_f64 (or gemm_f32): that GEMM alone, no copy or batched rows
(bench/gpu/paired_dgemm.sh)."""
import json, os, sys, time
import numpy as np

def value(i, j, n, seed):
    x = ((i * n + j) * 2654435761 + seed * 40503) % 4294967296
    return x / 2147483648.0 - 1.0

def main():
    out, sizes, batch, reps = sys.argv[1], [int(s) for s in sys.argv[2].split(",")], int(sys.argv[3]), int(sys.argv[4])
    import torch
    torch.backends.cuda.matmul.allow_tf32 = False
    dev = torch.device("cuda")
    res = {"device": torch.cuda.get_device_name(0), "torch": torch.__version__,
           "cuda": torch.version.cuda, "gemm": [], "batched4x4": []}
    def timed(fn):
        fn(); torch.cuda.synchronize()
        ts = []
        for _ in range(reps):
            s, e = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
            s.record(); fn(); e.record(); torch.cuda.synchronize(); ts.append(s.elapsed_time(e))
        timed.last = ts
        return sorted(ts)[len(ts) // 2]
    only = os.environ.get("LAI_REF_ONLY", "")
    dtypes = ((torch.float64, "f64"), (torch.float32, "f32"))
    if only:
        dtypes = tuple(d for d in dtypes if "gemm_" + d[1] == only)
        batch = 0
    # copy bandwidth
    if batch > 0:
        x = torch.empty(batch * 16, dtype=torch.float64, device=dev).uniform_()
        y = torch.empty_like(x)
        ms = timed(lambda: y.copy_(x))
        res["copy_GBs"] = 2 * x.numel() * 8 / (ms * 1e-3) / 1e9
        for dt, tname in dtypes:
            a = torch.empty(batch, 4, 4, dtype=dt, device=dev).uniform_(-1, 1)
            b = torch.empty_like(a).uniform_(-1, 1)
            ms = timed(lambda: torch.bmm(a, b))
            res["batched4x4"].append({"dtype": tname, "ms": ms, "Gproducts_s": batch / (ms * 1e-3) / 1e9})
            del a, b
        del x, y
    for n in sizes:
        idx = torch.arange(n, dtype=torch.int64, device=dev)
        def mat(seed):
            v = ((idx[:, None] * n + idx[None, :]) * 2654435761 + seed * 40503) % 4294967296
            return v.to(torch.float64) / 2147483648.0 - 1.0
        A64, B64 = mat(1), mat(2)
        for dt, tname in dtypes:
            A, B = A64.to(dt), B64.to(dt)
            C = torch.empty(n, n, dtype=dt, device=dev)
            ms = timed(lambda: torch.matmul(A, B, out=C))
            # sampled error, same positions as lai_bench_gpu (64 samples)
            worst = 0.0
            Ah, Bh = None, None
            for s in range(64):
                i = (s * 7919 + 13) % n; j = (s * 104729 + 7) % n
                a = A[i, :].double().cpu().numpy().astype(np.longdouble)
                b = B[:, j].double().cpu().numpy().astype(np.longdouble)
                ref = (a * b).sum(); mag = np.abs(a * b).sum()
                worst = max(worst, float(abs(np.longdouble(C[i, j].item()) - ref) / mag))
            runs = list(timed.last)
            res["gemm"].append({"dtype": tname, "n": n, "ms": ms, "runs_ms": runs, "TFLOPs": 2 * n**3 / (ms * 1e-3) / 1e12,
                                "max_rel_err": worst})
            print(f"cuBLAS {tname} n={n}: {ms:.3f} ms {2*n**3/(ms*1e-3)/1e12:.2f} TFLOP/s err {worst:.1e}", flush=True)
            del A, B, C
        del A64, B64
        torch.cuda.empty_cache()
    json.dump(res, open(out, "w"), indent=1)

if __name__ == "__main__":
    main()
