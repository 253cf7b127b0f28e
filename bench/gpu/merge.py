"""Merges lai-bench-gpu's JSON with the cuBLAS reference of the same run into
one results JSON and prints the summary table with the issue's targets."""
import json, os, sys

def main():
    ocl = json.load(open(sys.argv[1]))
    cub = json.load(open(sys.argv[2])) if os.path.exists(sys.argv[2]) else None
    res = {"opencl": ocl, "cublas": cub}
    lines = [f"device: {ocl['device']} | driver {ocl['driver']} | {ocl['timing']}"]
    copy = ocl["copy_GBs"]
    lines.append(f"copy bandwidth (OpenCL copy): {copy:.0f} GB/s" + (f"; torch copy {cub['copy_GBs']:.0f} GB/s" if cub else ""))
    summary = {}
    for dt in ("f64", "f32"):
        ks = [k for k in ocl.get(f"batched4x4_{dt}", {"kernels": []})["kernels"] if k["ok"]]  # absent with LAI_BENCH_GPU_ONLY
        if ks:
            b = max(ks, key=lambda k: k["Gproducts_s"])
            cb = next((x for x in cub["batched4x4"] if x["dtype"] == dt), None) if cub else None
            s = f"batched4x4 {dt}: best {b['scheme']} {b['layout']} {b['options']} {b['Gproducts_s']:.2f} Gprod/s = {100*b['fraction_of_copy']:.1f}% of copy"
            if cb:
                s += f" | cuBLAS bmm {cb['Gproducts_s']:.2f} Gprod/s -> {b['Gproducts_s']/cb['Gproducts_s']:.1f}x"
            lines.append(s)
            summary[f"batched4x4_{dt}"] = {"best": b, "cublas": cb}
    for dt in ("f64", "f32"):
        g = ocl.get(f"gemm_{dt}")
        if not g:
            continue
        for r in g["best"]:
            cb = next((x for x in cub["gemm"] if x["dtype"] == dt and x["n"] == r["n"]), None) if cub else None
            name = r['kernel'] + ("+tail" if r.get('variant', '').endswith('+tail') else "")
            s = f"gemm {dt} n={r['n']:<6} {name:<27} {r['TFLOPs']:7.2f} TFLOP/s err {r['max_rel_err']:.1e}"
            if cb:
                s += f" | cuBLAS {cb['TFLOPs']:7.2f} TFLOP/s err {cb['max_rel_err']:.1e} -> {100*r['TFLOPs']/cb['TFLOPs']:.0f}%"
            lines.append(s)
        for r in g["fast"]:
            cb = next((x for x in cub["gemm"] if x["dtype"] == dt and x["n"] == r["n"]), None) if cub else None
            s = (f"fast {dt} n={r['n']:<6} {r['scheme']:<20} effective {r['effective_TFLOPs']:7.2f} TFLOP/s "
                 f"(products {r['products_TFLOPs']:.2f} TFLOP/s, lin {r['lin_a_ms']+r['lin_b_ms']+r['lin_c_ms']:.2f} ms of {r['ms']:.2f}) err {r['max_rel_err']:.1e}")
            if cb:
                s += f" | vs cuBLAS {r['effective_TFLOPs']/cb['TFLOPs']:.2f}x, err ratio {r['max_rel_err']/max(cb['max_rel_err'],1e-300):.1f}"
            lines.append(s)
    res["summary_lines"] = lines
    json.dump(res, open(sys.argv[3], "w"), indent=1)
    print("\n".join(lines))

if __name__ == "__main__":
    main()
