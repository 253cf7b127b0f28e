// lai-probe-two-stage: the two-stage values-only SVD (docs/svd.md,
// "Two-stage values-only route") taken apart, stage by stage, with the
// library's stage-1 kernels (lai_svd_band_f64, generated from
// factors/svd/band_tsqr.json) built under this probe's -D options, to time
// and profile them outside lai_?gesvd. It began (session 14, runs 72-74) as
// the prototype that decided the design, with its own copy of the kernels;
// runtime/src/svd/band_opencl.cpp is the library's driver of the same steps.
//
//   stage 1 (device): dense -> upper band of bandwidth B. For each panel of
//     B columns: QR of the column panel by TSQR (leaf blocks of RB rows
//     factored in local memory, their R factors combined by a tree of nodes
//     that each stack RB/B of them), the trailing matrix updated by each
//     level's compact-WY block (I - V T V^T)^T; then the same for the row
//     panel (LQ, the kernels on the transposed view) and the trailing matrix
//     from the right. Two launches per tree level and side.
//   download of the band ((B + 1) n entries);
//   stage 2 (host): band -> bidiagonal by bulge chasing (svd/band_bidiag.h);
//   singular values of the bidiagonal on the device by the library's
//     bisection (svd/bisect_opencl.h).
// Check: the values against LAPACK ?gesdd on the same matrix, max |s - s_ref|
// / (s_max n ulp) < 50 (LAPACK's ddrvbd bound); exit 1 if it fails.
// f64, uniform [-1, 1] entries (no scaling: lai_?gesvd scales A first). The
// upload is a plain pageable write (the library's is staged and faster).
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

#include "opencl/gpu.h"
#include "probe_util.h"
#include "svd/band_bidiag.h"
#include "svd/band_opencl.h"
#include "svd/bisect_opencl.h"

namespace {

// The library's stage-1 kernels (generated from factors/svd/band_tsqr.json,
// templates/opencl_svd_band*.cl.in), built here with this probe's -D options.
const char* kProgram = "lai_svd_band_f64";

struct Fail {
  std::string what;
};
void ck(cl_int rc, const char* what) {
  if (rc != CL_SUCCESS) throw Fail{std::string(what) + " returned " + std::to_string(rc)};
}

std::vector<int> parse_list(const char* arg, const char* name) {
  return lai_probe::parse_list("lai-probe-two-stage", arg, name);
}
using lai_probe::median;
using lai_probe::now;

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
  const size_t wg = static_cast<size_t>(RB);
  // One side: QR of the panel (nrows x ncols at pr0/pc0) and the update of C.
  auto side = [&](int trans, int pr0, int pc0, int nrows, int ncols, int cr0, int cc0, int ccols) {
    for (const lai::svd::TsqrLevel& l : lai::svd::tsqr_levels(nrows, B, RB)) {
      set_args(pr.qr, A, lda, trans, pr0, pc0, nrows, ncols, l.ch, l.cs, l.gs, l.tri, Tbuf, l.tofs, Vbuf, l.vofs);
      const size_t gq = static_cast<size_t>(l.groups) * wg;
      ck(clEnqueueNDRangeKernel(cl.q, pr.qr, 1, nullptr, &gq, &wg, 0, nullptr, prof ? prof->next(l.tri) : nullptr),
         "enqueue qr");
      ++launches;
      if (ccols > 0) {
        set_args(pr.apply, A, lda, trans, nrows, cr0, cc0, ccols, l.ch, l.cs, l.gs, Tbuf, l.tofs, Vbuf, l.vofs);
        const size_t ga[2] = {static_cast<size_t>(l.groups) * wg, static_cast<size_t>((ccols + TILE - 1) / TILE)};
        const size_t la[2] = {wg, 1};
        ck(clEnqueueNDRangeKernel(cl.q, pr.apply, 2, nullptr, ga, la, 0, nullptr, prof ? prof->next(2 + l.tri) : nullptr),
           "enqueue apply");
        ++launches;
      }
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
      const char* src = lai::ocl::gpu_source(kProgram);
      pr.p = clCreateProgramWithSource(cl.ctx, 1, &src, nullptr, &rc);
      ck(rc, "clCreateProgramWithSource");
      const double tb = now();
      rc = clBuildProgram(pr.p, 1, &cl.dev, opts.c_str(), nullptr, nullptr);
      if (rc != CL_SUCCESS) {
        std::vector<char> log(1 << 16);
        clGetProgramBuildInfo(pr.p, cl.dev, CL_PROGRAM_BUILD_LOG, log.size() - 1, log.data(), nullptr);
        throw Fail{std::string("clBuildProgram: ") + log.data()};
      }
      pr.qr = clCreateKernel(pr.p, (std::string(kProgram) + "_tsqr_qr").c_str(), &rc);
      ck(rc, "clCreateKernel qr");
      pr.apply = clCreateKernel(pr.p, (std::string(kProgram) + "_tsqr_apply").c_str(), &rc);
      ck(rc, "clCreateKernel apply");
      pr.pack = clCreateKernel(pr.p, (std::string(kProgram) + "_tsqr_pack").c_str(), &rc);
      ck(rc, "clCreateKernel pack");
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
