// lai-probe-two-stage: a prototype of the planned two-stage values-only SVD
// (docs/svd.md, "Planned"), timed stage by stage, to decide whether it can
// beat the one-stage path before its kernels move into templates and specs.
//
//   stage 1 (device): dense -> upper band of bandwidth B. For each panel of
//     B columns: QR of the column panel by TSQR (leaf blocks of RB rows
//     factored in local memory, their R factors combined by a tree of nodes
//     that each stack RB/B of them), the trailing matrix updated by each
//     level's compact-WY block (I - V T V^T)^T; then the same for the row
//     panel (LQ, the kernels on the transposed view) and the trailing matrix
//     from the right. Two launches per tree level and side: about 12 per
//     panel of 16 columns at n = 4096 instead of the one-stage path's 4 per
//     column (docs/results.md, session 11).
//   download of the band ((B + 1) n entries);
//   stage 2 (host): band -> bidiagonal by bulge chasing (svd/band_bidiag.h);
//   singular values of the bidiagonal on the device by the library's
//     bisection (svd/bisect_opencl.h), as the one-stage values-only path does.
// Check: the values against LAPACK ?gesdd on the same matrix, max |s - s_ref|
// / (s_max n ulp) < 50 (LAPACK's ddrvbd bound); exit 1 if it fails.
// f64 only; no scaling of huge or tiny matrices yet (a prototype: uniform
// [-1, 1] entries). The kernels here are hand-written on purpose: if the
// numbers hold they become templates/opencl_svd_band.cl.in under a spec.
//   lai-probe-two-stage [--sizes 1024,2048,4096] [--bands 16] [--threads 0]
//                       [--group 1] [--reps 3] [--tile 16] [--rb 128]
//                       [--check-max-n 4096] [--json FILE] [--profile]
// (--profile: one more stage-1 call with kernel events, device time per kernel kind.)
#define CL_TARGET_OPENCL_VERSION 120
#include <CL/cl.h>
#include <lapacke.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <limits>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "svd/band_bidiag.h"
#include "svd/bisect_opencl.h"

namespace {

const char* kSource = R"CLC(
#pragma OPENCL EXTENSION cl_khr_fp64 : enable
// B: band width and panel width; RB: rows of a leaf block = work-group size;
// a tree node stacks F = RB / B children's B x B R factors.
#define F (RB / B)
#define LDL (RB + 1)

// Operand element (row, col): A(r0 + row, c0 + col), or on the transposed
// view (trans: the row panel and the right update) A(c0 + col, r0 + row).
inline size_t aidx(const int trans, const int r0, const int c0, const int row, const int col, const int lda) {
  return trans ? (size_t)(c0 + col) + (size_t)(r0 + row) * (size_t)lda
               : (size_t)(r0 + row) + (size_t)(c0 + col) * (size_t)lda;
}
// Stacked row s of group g: chunks of ch rows, child c at g*gs + c*cs.
inline int srow(const int s, const int g, const int ch, const int cs, const int gs, const int nrows) {
  const int row = g * gs + (s / ch) * cs + (s % ch);
  return row < nrows ? row : -1;
}

// Element e of a RB x W block as (stacked row, column), so that consecutive
// items read consecutive addresses of A in both orientations.
#define ROW_OF(e, W) (trans ? (e) / (W) : (e) % RB)
#define COL_OF(e, W) (trans ? (e) % (W) : (e) / RB)

// Householder QR of one group's RB x B stacked rows (tri: each chunk of B rows
// is an R factor, only its upper triangle is read). Writes R on and above
// the diagonal back to A (V below it), V (unit diagonal, zeros above) to
// Vbuf + vofs + g RB B (column-major, contiguous for the update) and T
// (forward, columnwise: Q = I - V T V^T, row-major) to Tbuf + tofs + g B^2.
__kernel __attribute__((reqd_work_group_size(RB, 1, 1)))
void tsqr_qr(__global double* A, const int lda, const int trans, const int r0, const int c0, const int nrows,
             const int ncols, const int ch, const int cs, const int gs, const int tri, __global double* Tbuf,
             const int tofs, __global double* Vbuf, const int vofs) {
  __local double P[B * LDL];
  __local double red[RB];
  __local double w[B];
  __local double T[B * B];
  const int s = get_local_id(0), g = get_group_id(0);
  for (int e = s; e < RB * B; e += RB) {
    const int ss = ROW_OF(e, B), k = COL_OF(e, B);
    const int row = srow(ss, g, ch, cs, gs, nrows);
    double x = 0.0;
    if (row >= 0 && k < ncols && (tri == 0 || k >= ss % ch)) x = A[aidx(trans, r0, c0, row, k, lda)];
    P[k * LDL + ss] = x;
  }
  barrier(CLK_LOCAL_MEM_FENCE);
  // Column k: one reduction gives the norm below the diagonal (c = k), the
  // products x^T P(:, c) with the columns to its right (c > k, from which
  // v^T P(:, c) = P(k, c) + scal x^T P(:, c), v = (1; scal x)) and x^T V(:, c)
  // with the reflectors to its left (c < k, for T's column k): four
  // barriers per column.
  for (int k = 0; k < B; ++k) {
    {
      const int c = s % B, q = s / B;
      double acc = 0.0;
      for (int r = max(q * B, k + 1); r < q * B + B; ++r) acc += P[k * LDL + r] * P[c * LDL + r];
      red[s] = acc;
    }
    barrier(CLK_LOCAL_MEM_FENCE);
    if (s < B) {
      double acc = 0.0;
      for (int q = 0; q < F; ++q) acc += red[q * B + s];
      w[s] = acc;
    }
    barrier(CLK_LOCAL_MEM_FENCE);
    // Every item derives the same reflector from w[k] and P(k, k).
    const double alpha = P[k * LDL + k], ssq = w[k];
    double tau = 0.0, scal = 0.0, beta = alpha;
    if (ssq > 0.0) {
      beta = -copysign(sqrt(alpha * alpha + ssq), alpha);
      tau = (beta - alpha) / beta;
      scal = 1.0 / (alpha - beta);
    }
    double wc[B];
    for (int c = 0; c < B; ++c) wc[c] = c > k ? tau * (P[c * LDL + k] + scal * w[c]) : 0.0;
    // T(j, k) = -tau sum_{l = j}^{k-1} T(j, l) (V(:, l)^T v), V(:, l)^T v = V(k, l) + scal x^T V(:, l).
    double tk = 0.0;
    if (s < k) {
      for (int l = s; l < k; ++l) tk += T[s * B + l] * (P[l * LDL + k] + scal * w[l]);
      tk *= -tau;
    }
    const double xs = P[k * LDL + s];
    barrier(CLK_LOCAL_MEM_FENCE);
    if (s < B) T[s * B + k] = s < k ? tk : (s == k ? tau : 0.0);
    if (s >= k) {
      const double v = s == k ? 1.0 : scal * xs;
      for (int c = k + 1; c < B; ++c) P[c * LDL + s] -= v * wc[c];
      P[k * LDL + s] = s == k ? beta : v;
    }
    barrier(CLK_LOCAL_MEM_FENCE);
  }
  for (int e = s; e < RB * B; e += RB) {
    const int ss = ROW_OF(e, B), k = COL_OF(e, B);
    const int row = srow(ss, g, ch, cs, gs, nrows);
    if (row >= 0 && k < ncols) A[aidx(trans, r0, c0, row, k, lda)] = P[k * LDL + ss];
  }
  for (int e = s; e < RB * B; e += RB) {
    const int ss = e % RB, k = e / RB;
    const int row = srow(ss, g, ch, cs, gs, nrows);
    Vbuf[vofs + g * RB * B + e] = (row >= 0 && k < ncols) ? (ss == k ? 1.0 : (ss > k ? P[k * LDL + ss] : 0.0)) : 0.0;
  }
  for (int e = s; e < B * B; e += RB) Tbuf[tofs + g * B * B + e] = T[e];
}

// C <- (I - V T V^T)^T C on one group's stacked rows and one tile of TILE
// columns of C (C's rows are the panel's rows: same stacking).
__kernel __attribute__((reqd_work_group_size(RB, 1, 1)))
void tsqr_apply(__global double* A, const int lda, const int trans, const int nrows, const int cr0, const int cc0,
                const int ccols, const int ch, const int cs, const int gs, __global const double* Tbuf, const int tofs,
                __global const double* Vbuf, const int vofs) {
  __local double V[B * LDL];
  __local double C[TILE * LDL];
  __local double T[B * B];
  __local double W[2 * B * TILE];
  __local double W2[B * TILE];
  const int s = get_local_id(0), g = get_group_id(0), t0 = get_group_id(1) * TILE;
  for (int e = s; e < RB * B; e += RB) V[(e / RB) * LDL + e % RB] = Vbuf[vofs + g * RB * B + e];
  for (int e = s; e < RB * TILE; e += RB) {
    const int ss = ROW_OF(e, TILE), t = COL_OF(e, TILE);
    const int rr = srow(ss, g, ch, cs, gs, nrows);
    double x = 0.0;
    if (rr >= 0 && t0 + t < ccols) x = A[aidx(trans, cr0, cc0, rr, t0 + t, lda)];
    C[t * LDL + ss] = x;
  }
  for (int e = s; e < B * B; e += RB) T[e] = Tbuf[tofs + g * B * B + e];
  barrier(CLK_LOCAL_MEM_FENCE);
  // W = V^T C in 2 x 2 blocks, each over one half of the rows (B TILE / 4
  // blocks x 2 halves <= RB items when B TILE <= 2 RB), halves summed after.
  {
    const int nblk = (B / 2) * (TILE / 2);
    for (int e = s; e < 2 * nblk; e += RB) {
      const int blk = e % nblk, h = e / nblk;
      const int k = (blk % (B / 2)) * 2, t = (blk / (B / 2)) * 2;
      double a00 = 0.0, a01 = 0.0, a10 = 0.0, a11 = 0.0;
      for (int r = h * (RB / 2); r < (h + 1) * (RB / 2); ++r) {
        const double v0 = V[k * LDL + r], v1 = V[(k + 1) * LDL + r];
        const double c0v = C[t * LDL + r], c1v = C[(t + 1) * LDL + r];
        a00 += v0 * c0v;
        a01 += v0 * c1v;
        a10 += v1 * c0v;
        a11 += v1 * c1v;
      }
      __local double* Wh = W + h * B * TILE;
      Wh[k * TILE + t] = a00;
      Wh[k * TILE + t + 1] = a01;
      Wh[(k + 1) * TILE + t] = a10;
      Wh[(k + 1) * TILE + t + 1] = a11;
    }
  }
  barrier(CLK_LOCAL_MEM_FENCE);
  for (int e = s; e < B * TILE; e += RB) {
    const int k = e / TILE, t = e % TILE;
    double acc = 0.0;
    for (int l = 0; l <= k; ++l) acc += T[l * B + k] * (W[l * TILE + t] + W[B * TILE + l * TILE + t]);
    W2[k * TILE + t] = acc;
  }
  barrier(CLK_LOCAL_MEM_FENCE);
  {
    double vr[B];
    for (int k = 0; k < B; ++k) vr[k] = V[k * LDL + s];
    for (int t = 0; t < TILE; ++t) {
      double acc = 0.0;
      for (int k = 0; k < B; ++k) acc += vr[k] * W2[k * TILE + t];
      C[t * LDL + s] -= acc;
    }
  }
  barrier(CLK_LOCAL_MEM_FENCE);
  for (int e = s; e < RB * TILE; e += RB) {
    const int ss = ROW_OF(e, TILE), t = COL_OF(e, TILE);
    const int rr = srow(ss, g, ch, cs, gs, nrows);
    if (rr >= 0 && t0 + t < ccols) A[aidx(trans, cr0, cc0, rr, t0 + t, lda)] = C[t * LDL + ss];
  }
}

// The upper band of A (bandwidth B) in LAPACK band storage, ld B + 1.
__kernel void pack_band(__global const double* A, const int lda, const int n, __global double* band) {
  const int i = get_global_id(0), c = get_global_id(1);
  if (i > B || c >= n) return;
  const int r = c - B + i;
  band[i + c * (B + 1)] = r >= 0 ? A[r + (size_t)c * lda] : 0.0;
}
)CLC";

struct Fail {
  std::string what;
};
void ck(cl_int rc, const char* what) {
  if (rc != CL_SUCCESS) throw Fail{std::string(what) + " returned " + std::to_string(rc)};
}

double now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}
double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t h = v.size() / 2;
  return v.size() % 2 ? v[h] : 0.5 * (v[h - 1] + v[h]);
}

std::vector<int> parse_list(const char* arg, const char* name) {
  std::vector<int> out;
  std::stringstream ss(arg);
  std::string tok;
  while (std::getline(ss, tok, ',')) {
    char* end = nullptr;
    const long v = std::strtol(tok.c_str(), &end, 10);
    if (tok.empty() || *end != '\0' || v < 0 || v > 1000000) {
      std::fprintf(stderr, "lai-probe-two-stage: %s: '%s' is not a count in [0, 1000000]\n", name, tok.c_str());
      std::exit(2);
    }
    out.push_back(static_cast<int>(v));
  }
  if (out.empty()) {
    std::fprintf(stderr, "lai-probe-two-stage: %s: empty list\n", name);
    std::exit(2);
  }
  return out;
}

struct Cl {
  cl_device_id dev = nullptr;
  cl_context ctx = nullptr;
  cl_command_queue q = nullptr;
  std::string name, driver;
  ~Cl() {
    if (q) clReleaseCommandQueue(q);
    if (ctx) clReleaseContext(ctx);
  }
};

struct Prog {
  cl_program p = nullptr;
  cl_kernel qr = nullptr, apply = nullptr, pack = nullptr;
  ~Prog() {
    for (cl_kernel k : {qr, apply, pack})
      if (k) clReleaseKernel(k);
    if (p) clReleaseProgram(p);
  }
};

template <class... Args>
void set_args(cl_kernel k, const Args&... args) {
  cl_uint i = 0;
  (ck(clSetKernelArg(k, i++, sizeof(args), &args), "clSetKernelArg"), ...);
}

// Kernel events of a profiled call, by kind: 0 QR of the leaves, 1 QR of
// the tree's upper levels, 2 update by the leaves, 3 update by upper levels.
struct Events {
  std::vector<std::pair<int, cl_event>> ev;
  cl_event* next(int kind) {
    ev.emplace_back(kind, nullptr);
    return &ev.back().second;
  }
};

// Stage 1 on A (n x n, ld lda, on the device): enqueues every launch; returns their number.
int dense_to_band(const Cl& cl, const Prog& pr, cl_mem A, int n, int lda, int B, int RB, int TILE, cl_mem Tbuf,
                  cl_mem Vbuf, Events* prof = nullptr) {
  int launches = 0;
  const int F = RB / B;
  const size_t wg = static_cast<size_t>(RB);
  // One side: QR of the panel (nrows x ncols at pr0/pc0) and the update of C.
  auto side = [&](int trans, int pr0, int pc0, int nrows, int ncols, int cr0, int cc0, int ccols) {
    int groups = (nrows + RB - 1) / RB, ch = RB, cs = RB, gs = RB, tri = 0, tofs = 0, vofs = 0;
    for (;;) {
      set_args(pr.qr, A, lda, trans, pr0, pc0, nrows, ncols, ch, cs, gs, tri, Tbuf, tofs, Vbuf, vofs);
      const size_t gq = static_cast<size_t>(groups) * wg;
      ck(clEnqueueNDRangeKernel(cl.q, pr.qr, 1, nullptr, &gq, &wg, 0, nullptr, prof ? prof->next(tri) : nullptr),
         "enqueue tsqr_qr");
      ++launches;
      if (ccols > 0) {
        set_args(pr.apply, A, lda, trans, nrows, cr0, cc0, ccols, ch, cs, gs, Tbuf, tofs, Vbuf, vofs);
        const size_t ga[2] = {static_cast<size_t>(groups) * wg, static_cast<size_t>((ccols + TILE - 1) / TILE)};
        const size_t la[2] = {wg, 1};
        ck(clEnqueueNDRangeKernel(cl.q, pr.apply, 2, nullptr, ga, la, 0, nullptr, prof ? prof->next(2 + tri) : nullptr),
           "enqueue tsqr_apply");
        ++launches;
      }
      if (groups == 1) break;
      tofs += groups * B * B;
      vofs += groups * RB * B;
      cs = gs;
      gs = cs * F;
      ch = B;
      tri = 1;
      groups = (groups + F - 1) / F;
    }
  };
  for (int j = 0; j < n; j += B) {
    const int w = std::min(B, n - j);
    side(0, j, j, n - j, w, j, j + B, n - j - B);
    if (n - j - B <= 0) break;
    side(1, j + B, j, n - j - B, w, j + B, j + B, n - j - B);
  }
  return launches;
}

struct Row {
  int n, b, launches;
  double upload, stage1, download, stage2, bisect, total, ratio;
};

}  // namespace

int main(int argc, char** argv) {
  std::vector<int> sizes{1024, 2048, 4096}, bands{16};
  int threads = 0, group = 1, reps = 3, tile = 16, rb = 128, check_max_n = 4096;
  bool profile = false;
  std::string json;
  for (int a = 1; a < argc; ++a) {
    auto val = [&](const char* name) {
      if (a + 1 >= argc) {
        std::fprintf(stderr, "lai-probe-two-stage: %s needs a value\n", name);
        std::exit(2);
      }
      return argv[++a];
    };
    auto one = [&](const char* name) { return parse_list(val(name), name)[0]; };
    if (!std::strcmp(argv[a], "--sizes")) sizes = parse_list(val("--sizes"), "--sizes");
    else if (!std::strcmp(argv[a], "--bands")) bands = parse_list(val("--bands"), "--bands");
    else if (!std::strcmp(argv[a], "--threads")) threads = one("--threads");
    else if (!std::strcmp(argv[a], "--group")) group = std::max(1, one("--group"));
    else if (!std::strcmp(argv[a], "--reps")) reps = std::max(1, one("--reps"));
    else if (!std::strcmp(argv[a], "--tile")) tile = one("--tile");
    else if (!std::strcmp(argv[a], "--rb")) rb = one("--rb");
    else if (!std::strcmp(argv[a], "--check-max-n")) check_max_n = one("--check-max-n");
    else if (!std::strcmp(argv[a], "--json")) json = val("--json");
    else if (!std::strcmp(argv[a], "--profile")) profile = true;
    else {
      std::fprintf(stderr, "lai-probe-two-stage: unknown argument '%s' (see the top of band_reduce_probe.cpp)\n",
                   argv[a]);
      return 2;
    }
  }
  if (rb < 2 || rb > 256 || (rb & (rb - 1)) != 0 || tile < 2 || tile > 64 || tile % 2 != 0) {
    std::fprintf(stderr, "lai-probe-two-stage: --rb must be a power of 2 in [2, 256] and --tile even in [2, 64]\n");
    return 2;
  }
  for (int b : bands)
    if (b < 2 || b % 2 != 0 || rb % b != 0 || rb / b < 2) {
      std::fprintf(stderr, "lai-probe-two-stage: --bands: %d must be even and divide --rb %d at least twice\n", b, rb);
      return 2;
    }
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  std::vector<Row> rows;
  bool ok = true;
  try {
    Cl cl;
    cl_uint np = 0;
    ck(clGetPlatformIDs(0, nullptr, &np), "clGetPlatformIDs");
    std::vector<cl_platform_id> plats(np);
    ck(clGetPlatformIDs(np, plats.data(), nullptr), "clGetPlatformIDs");
    bool found = false;
    for (cl_device_type type : {cl_device_type{CL_DEVICE_TYPE_GPU}, cl_device_type{CL_DEVICE_TYPE_ALL}})
      for (cl_platform_id p : plats)
        if (!found && clGetDeviceIDs(p, type, 1, &cl.dev, nullptr) == CL_SUCCESS) found = true;
    if (!found) throw Fail{"no OpenCL device"};
    char buf[256] = {0};
    clGetDeviceInfo(cl.dev, CL_DEVICE_NAME, sizeof buf - 1, buf, nullptr);
    cl.name = buf;
    std::memset(buf, 0, sizeof buf);
    clGetDeviceInfo(cl.dev, CL_DRIVER_VERSION, sizeof buf - 1, buf, nullptr);
    cl.driver = buf;
    cl_int rc = CL_SUCCESS;
    cl.ctx = clCreateContext(nullptr, 1, &cl.dev, nullptr, nullptr, &rc);
    ck(rc, "clCreateContext");
    cl.q = clCreateCommandQueue(cl.ctx, cl.dev, profile ? CL_QUEUE_PROFILING_ENABLE : 0, &rc);
    ck(rc, "clCreateCommandQueue");
    const int hw = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    const int nthreads = threads > 0 ? threads : hw;
    std::printf("device: %s, driver %s | host threads for stage 2: %d (group %d) | RB %d, TILE %d\n", cl.name.c_str(),
                cl.driver.c_str(), nthreads, group, rb, tile);
    std::printf("seconds, median of %d after a warm-up call; total = upload + stage 1 + download + stage 2 + "
                "bisection (each synchronised); ratio: max|s - s_gesdd| / (s_max n ulp)\n",
                reps);
    std::printf("| n | B | launches | upload | stage 1 | band download | stage 2 | bisection | total | ratio |\n");
    std::printf("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n");
    for (int B : bands) {
      Prog pr;
      const std::string opts =
          "-DB=" + std::to_string(B) + " -DRB=" + std::to_string(rb) + " -DTILE=" + std::to_string(tile);
      pr.p = clCreateProgramWithSource(cl.ctx, 1, &kSource, nullptr, &rc);
      ck(rc, "clCreateProgramWithSource");
      const double tb = now();
      rc = clBuildProgram(pr.p, 1, &cl.dev, opts.c_str(), nullptr, nullptr);
      if (rc != CL_SUCCESS) {
        std::vector<char> log(1 << 16);
        clGetProgramBuildInfo(pr.p, cl.dev, CL_PROGRAM_BUILD_LOG, log.size() - 1, log.data(), nullptr);
        throw Fail{std::string("clBuildProgram: ") + log.data()};
      }
      pr.qr = clCreateKernel(pr.p, "tsqr_qr", &rc);
      ck(rc, "clCreateKernel tsqr_qr");
      pr.apply = clCreateKernel(pr.p, "tsqr_apply", &rc);
      ck(rc, "clCreateKernel tsqr_apply");
      pr.pack = clCreateKernel(pr.p, "pack_band", &rc);
      ck(rc, "clCreateKernel pack_band");
      std::fprintf(stderr, "build B=%d: %.1f s\n", B, now() - tb);
      for (int n : sizes) {
        const int lda = n;
        std::mt19937_64 rng(static_cast<unsigned>(n * 7 + B));
        std::uniform_real_distribution<double> uni(-1, 1);
        std::vector<double> A(static_cast<std::size_t>(n) * n);
        for (double& x : A) x = uni(rng);
        const std::size_t bytes = A.size() * sizeof(double);
        cl_mem dA = clCreateBuffer(cl.ctx, CL_MEM_READ_WRITE, bytes, nullptr, &rc);
        ck(rc, "clCreateBuffer A");
        const int leaves = (n + rb - 1) / rb;
        cl_mem dT = clCreateBuffer(cl.ctx, CL_MEM_READ_WRITE, sizeof(double) * B * B * (2 * leaves + 2), nullptr, &rc);
        ck(rc, "clCreateBuffer T");
        cl_mem dV = clCreateBuffer(cl.ctx, CL_MEM_READ_WRITE, sizeof(double) * rb * B * (2 * leaves + 2), nullptr, &rc);
        ck(rc, "clCreateBuffer V");
        const std::size_t band_elems = static_cast<std::size_t>(B + 1) * n;
        cl_mem dBand = clCreateBuffer(cl.ctx, CL_MEM_READ_WRITE, band_elems * sizeof(double), nullptr, &rc);
        ck(rc, "clCreateBuffer band");
        std::vector<double> band(band_elems), d(n), e(n), s(n);
        std::vector<double> tu, t1, tdl, t2, tbis, tt;
        int launches = 0;
        for (int rep = 0; rep <= reps; ++rep) {
          const double a0 = now();
          ck(clEnqueueWriteBuffer(cl.q, dA, CL_TRUE, 0, bytes, A.data(), 0, nullptr, nullptr), "upload");
          const double a1 = now();
          launches = dense_to_band(cl, pr, dA, n, lda, B, rb, tile, dT, dV);
          ck(clFinish(cl.q), "clFinish stage 1");
          const double a2 = now();
          set_args(pr.pack, dA, lda, n, dBand);
          const size_t gp[2] = {static_cast<size_t>(B + 1), static_cast<size_t>(n)};
          ck(clEnqueueNDRangeKernel(cl.q, pr.pack, 2, nullptr, gp, nullptr, 0, nullptr, nullptr), "enqueue pack");
          ck(clEnqueueReadBuffer(cl.q, dBand, CL_TRUE, 0, band_elems * sizeof(double), band.data(), 0, nullptr, nullptr),
             "download band");
          const double a3 = now();
          if (lai::svd::band_to_bidiagonal(n, B, band.data(), B + 1, d.data(), e.data(), nthreads, group) != 0)
            throw Fail{"band_to_bidiagonal refused its arguments"};
          const double a4 = now();
          lai::svd::bidiag_values_opencl<double>(n, d.data(), e.data(), s.data());
          const double a5 = now();
          if (rep == 0) continue;  // warm-up: program builds
          tu.push_back(a1 - a0);
          t1.push_back(a2 - a1);
          tdl.push_back(a3 - a2);
          t2.push_back(a4 - a3);
          tbis.push_back(a5 - a4);
          tt.push_back(a5 - a0);
        }
        if (profile) {
          // One more call of stage 1 with kernel events: device time per kind.
          Events ev;
          ck(clEnqueueWriteBuffer(cl.q, dA, CL_TRUE, 0, bytes, A.data(), 0, nullptr, nullptr), "upload");
          const double p0 = now();
          dense_to_band(cl, pr, dA, n, lda, B, rb, tile, dT, dV, &ev);
          ck(clFinish(cl.q), "clFinish profiled stage 1");
          const double p1 = now();
          double sum[4] = {0, 0, 0, 0};
          int cnt[4] = {0, 0, 0, 0};
          for (auto& [kind, e] : ev.ev) {
            cl_ulong t0 = 0, t1 = 0;
            clGetEventProfilingInfo(e, CL_PROFILING_COMMAND_START, sizeof t0, &t0, nullptr);
            clGetEventProfilingInfo(e, CL_PROFILING_COMMAND_END, sizeof t1, &t1, nullptr);
            sum[kind] += (t1 - t0) * 1e-9;
            ++cnt[kind];
            clReleaseEvent(e);
          }
          std::printf("  profile n %d B %d (stage 1 %.4f s with events): QR leaves %.4f s / %d, QR upper %.4f s / %d, "
                      "update leaves %.4f s / %d, update upper %.4f s / %d (event start..end)\n",
                      n, B, p1 - p0, sum[0], cnt[0], sum[1], cnt[1], sum[2], cnt[2], sum[3], cnt[3]);
        }
        double ratio = -1;
        if (n <= check_max_n) {
          std::vector<double> a = A, sref(n);
          if (LAPACKE_dgesdd(LAPACK_COL_MAJOR, 'N', n, n, a.data(), n, sref.data(), nullptr, 1, nullptr, 1) != 0)
            throw Fail{"LAPACKE_dgesdd failed"};
          double worst = 0;
          for (int i = 0; i < n; ++i) worst = std::max(worst, std::abs(s[i] - sref[i]));
          ratio = worst / (sref[0] * n * std::numeric_limits<double>::epsilon());
          ok = ok && ratio < 50;
        }
        clReleaseMemObject(dA);
        clReleaseMemObject(dT);
        clReleaseMemObject(dV);
        clReleaseMemObject(dBand);
        Row r{n, B, launches, median(tu), median(t1), median(tdl), median(t2), median(tbis), median(tt), ratio};
        rows.push_back(r);
        std::printf("| %d | %d | %d | %.4f | %.4f | %.4f | %.4f | %.4f | %.4f | %s |\n", n, B, launches, r.upload,
                    r.stage1, r.download, r.stage2, r.bisect, r.total,
                    ratio < 0 ? "-" : std::to_string(ratio).substr(0, 7).c_str());
      }
    }
    if (!json.empty()) {
      std::ofstream f(json + ".tmp");
      f << "{\n  \"tool\": \"lai-probe-two-stage\",\n  \"device\": \"" << cl.name << "\",\n  \"driver\": \"" << cl.driver
        << "\",\n  \"host_threads\": " << nthreads << ",\n  \"group\": " << group << ",\n  \"rb\": " << rb
        << ",\n  \"tile\": " << tile << ",\n  \"reps\": " << reps << ",\n  \"rows\": [\n";
      for (std::size_t i = 0; i < rows.size(); ++i) {
        const Row& r = rows[i];
        f << "    {\"n\": " << r.n << ", \"b\": " << r.b << ", \"launches\": " << r.launches << ", \"upload_s\": "
          << r.upload << ", \"stage1_s\": " << r.stage1 << ", \"band_download_s\": " << r.download
          << ", \"stage2_s\": " << r.stage2 << ", \"bisection_s\": " << r.bisect << ", \"total_s\": " << r.total
          << ", \"ratio_vs_gesdd\": " << (r.ratio < 0 ? std::string("null") : std::to_string(r.ratio)) << "}"
          << (i + 1 < rows.size() ? ",\n" : "\n");
      }
      f << "  ],\n  \"ok\": " << (ok ? "true" : "false") << "\n}\n";
      f.close();
      if (!f || std::rename((json + ".tmp").c_str(), json.c_str()) != 0) {
        std::fprintf(stderr, "lai-probe-two-stage: cannot write %s\n", json.c_str());
        return 2;
      }
    }
  } catch (const Fail& f) {
    std::fprintf(stderr, "lai-probe-two-stage: %s\n", f.what.c_str());
    return 2;
  } catch (const std::exception& ex) {
    std::fprintf(stderr, "lai-probe-two-stage: %s\n", ex.what());
    return 2;
  }
  std::printf("%s\n", ok ? "all checks passed" : "SOME CHECKS FAILED");
  return ok ? 0 : 1;
}
