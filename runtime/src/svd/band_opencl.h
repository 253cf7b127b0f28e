// The two-stage reduction of lai_?gesvd's values-only GPU path (docs/svd.md,
// "Two-stage values-only path"): stage 1, M x N -> upper band of bandwidth B
// on the device (kernels generated from factors/svd/band_tsqr.json,
// lai_svd_band_<dtype>: TSQR panels, templates/opencl_svd_band.cl.in says
// how); the band (B + 1) N entries to the host; stage 2, band -> bidiagonal
// by bulge chasing on the host's threads (band_bidiag.h). The caller then
// takes the singular values of the bidiagonal by the device bisection.
//
// Why: the one-stage bidiagonalization streams the trailing matrix twice
// per column and makes four dependent launches per column; at n = 4096 on
// the H200 that is 0.18 s of a 0.20 s budget (docs/results.md, session 11).
// Stage 1 makes about a dozen launches per panel of B columns and moves the
// trailing matrix once per side and panel.
//
// Build options: LAI_SVD_BAND_OPTIONS if set, else the tuning table (kernel
// lai_svd_band_<dtype>), else the spec's defaults. MINN and GROUP in them are
// host choices: the smallest N for the two-stage route, and the sweeps each
// host thread of the chase takes at a time.
#pragma once

#include <vector>

#include "opencl/cl_api.h"

namespace lai::ocl {
struct Runtime;
}

namespace lai::svd {

struct TwoStageTimes {
  double stage1 = 0;    // device: dense -> band (enqueue and wait)
  double download = 0;  // band packing and its read to the host
  double stage2 = 0;    // host: band -> bidiagonal
  long long launches = 0;
  int band = 0;         // B
  int threads = 0;      // host threads of stage 2
};

// One level of a panel's TSQR tree, as the kernels take it: `groups`
// work-groups; stacked row s of group g is operand row g*gs + (s/ch)*cs + s%ch;
// tri: its chunks are the children's R factors; tofs, vofs: its groups' T
// and V in the side's T and V buffers (elements). Leaves first, then levels
// that stack RB/B children each, up to one group.
struct TsqrLevel {
  int groups, ch, cs, gs, tri, tofs, vofs;
};
std::vector<TsqrLevel> tsqr_levels(int nrows, int B, int RB);

// Whether the values-only GPU path takes the two-stage route for an M x N
// (M >= N) problem: LAI_SVD_TWO_STAGE=0 never, =1 always (tests, benchmark);
// otherwise N >= MINN of the stage's options (MINN 0: never). Throws what
// gpu_source does when the build lacks the kernels (never in this library).
template <class T>
bool two_stage_values_wanted(const lai::ocl::Runtime& rt, int M, int N);

// A (M x N, M >= N >= 1, column-major with leading dimension lda >= M, on
// the device) is overwritten; d[0..N) and e[0..N-1) receive an upper
// bidiagonal with A's singular values (signs not normalised). A's entries
// must be finite with max |A| within [sqrt(min)/eps, eps/sqrt(min)]
// (gesvd_opencl scales it so, as dgesvd does): the reflectors are not
// rescaled. Throws lai::Error on device failures (OPENCL_BUILD,
// OUT_OF_MEMORY, ...) before d and e are written.
template <class T>
void two_stage_bidiagonal(const lai::ocl::Runtime& rt, int M, int N, cl_mem A, int lda, T* d, T* e,
                          TwoStageTimes* times);

}  // namespace lai::svd
