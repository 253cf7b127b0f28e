// lai-bench-svd --zoo: the accuracy tests of tests/svd on the device (issue 6:
// "the accuracy tests on the device, the GPU path"), no GoogleTest needed.
//
// 1. lai_dgesvd_ex / lai_sgesvd_ex with options.backend = LAI_BACKEND_OPENCL
//    (the GPU path; lai_svd_last_path() must say "opencl:gebrd", or for values
//    only "opencl:two-stage(b=B)" where that route runs) on the matrix
//    zoo of tests/svd/test_svd_gpu.cpp and test_svd_cpu.cpp: random, graded
//    (singular values 1 .. 1e-15), rank-deficient (half of them zero), zero,
//    identity, near overflow (entries ~ max*ulp), near underflow (~ min/ulp);
//    jobs (jobu, jobvt) AA SS NN OS SO; lda = m+3 (the padding rows must stay
//    untouched), ldu = m+1, ldvt = rows+2, as the tests. Checks, bound 50
//    (ddrvbd's THRESH):
//      r_usv = ||A - U S VT||_1 / (||A||_1 max(m,n) ulp)
//      r_u   = ||I - U^T U||_1 / (m ulp)     (the columns of U computed)
//      r_vt  = ||I - VT VT^T||_1 / (n ulp)   (the rows of VT computed)
//      r_s   = max_i |s_i - s_i(LAPACK ?gesdd)| / (s_max min(m,n) ulp)
//    and s non-negative and descending, status LAI_SUCCESS, INFO 0.
//    Ratios: tests/svd/svd_check.h (long double) where the case is small
//    (m n k + ucols^2 m + vtrows^2 n <= kLongDoubleTerms); above, the same
//    formulas with OpenBLAS dgemm in double on A, U S scaled by the same
//    power of 2 (exact) so that near-overflow/underflow matrices are measured
//    at unit scale (f64: the GEMM's own rounding is O(1) in these ratios'
//    units; f32 results are measured in double, i.e. more than working
//    precision).
// 2. lai_dgesvd_batched / lai_sgesvd_batched, backend OPENCL (path
//    "opencl:jacobi"), batches of 5 matrix types (random, graded 1 .. 1e-15,
//    rank-deficient, zero, diagonal 1..k unsorted) x per_kind matrices, with
//    gaps between the matrices (strides larger than a matrix), vectors (U, VT)
//    and values only; per matrix against LAPACK ?gesdd: r_s = max_i |s_i -
//    s_i(LAPACK)| / (s_max max(m,n) ulp) (test_svd_batched.cpp's bound), the
//    three ratios above, sorted, A not modified. Bound 50.
//
// Output: a table per part, dtype and matrix type (worst of each ratio over
// shapes and jobs, the case of the worst, PASS/FAIL), every case in the JSON.
// Exit status of --zoo: 0 all passed, 1 a check failed (or an error), 3 none
// failed but the zoo's time budget left cases unrun (listed).
#pragma once

#include <cblas.h>
#include <lapacke.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <limits>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "../../tests/svd/svd_check.h"
#include "lapack_ai/lapack_ai.h"

namespace lai_zoo {

using svdtest::Mat;

inline double now_s() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

constexpr double kLongDoubleTerms = 2e6;  // svd_check.h's long double ratios up to this many terms

struct ZooArgs {
  std::string out = "zoo.json";
  std::vector<std::pair<int, int>> shapes;      // every matrix type
  std::vector<std::pair<int, int>> big_shapes;  // the types in big_kinds
  std::vector<std::string> big_kinds;
  std::vector<std::pair<int, int>> batched_shapes;
  std::vector<std::string> dtypes{"f64", "f32"};
  std::vector<std::string> jobs{"AA", "SS", "NN", "OS", "SO"};
  int per_kind = 3;        // batched: matrices of each type in a batch
  double budget_s = 60;    // cases past it are not run (listed)
};

const char* const kKinds[] = {"random", "graded", "rank-deficient", "zero", "identity", "near-overflow",
                              "near-underflow"};
const char* const kBatchKinds[] = {"random", "graded", "rank-deficient", "zero", "diagonal"};

// A = Q1(:, 1:k) diag(sv) Q2(:, 1:k)^T * scale, by dgemm (svd_check.h's
// with_singular_values in long double is O(m n k) scalar work: seconds at 1000).
template <class T>
Mat<T> with_singular_values(int m, int n, const std::vector<double>& sv, std::mt19937_64& g) {
  const int k = std::min(m, n);
  if (static_cast<double>(m) * n * k <= kLongDoubleTerms) return svdtest::with_singular_values<T>(m, n, sv, 1.0, g);
  std::vector<double> q1 = svdtest::random_orthogonal(m, g);
  const std::vector<double> q2 = svdtest::random_orthogonal(n, g);
  for (int p = 0; p < k; ++p)
    for (int i = 0; i < m; ++i) q1[i + static_cast<std::size_t>(p) * m] *= sv[p];
  std::vector<double> a(static_cast<std::size_t>(m) * n);
  cblas_dgemm(CblasColMajor, CblasNoTrans, CblasTrans, m, n, k, 1.0, q1.data(), m, q2.data(), n, 0.0, a.data(), m);
  Mat<T> A(m, n);
  for (std::size_t i = 0; i < a.size(); ++i) A.a[i] = static_cast<T>(a[i]);
  return A;
}

// The zoo of tests/svd (svdtest::zoo_matrix), with the dgemm-based builder.
template <class T>
Mat<T> make_dense(const std::string& kind, int m, int n, std::mt19937_64& g) {
  return svdtest::zoo_matrix<T>(kind, m, n, g,
                                [&](const std::vector<double>& sv) { return with_singular_values<T>(m, n, sv, g); });
}

template <class T>
Mat<T> make_batch_member(const std::string& kind, int m, int n, std::mt19937_64& g) {
  if (kind == "diagonal") {
    Mat<T> A(m, n);
    for (int i = 0; i < std::min(m, n); ++i) A(i, i) = static_cast<T>(i + 1);
    return A;
  }
  return make_dense<T>(kind, m, n, g);
}

template <class T>
std::vector<T> lapack_values(const Mat<T>& A0, int* info) {
  Mat<T> A = A0;
  std::vector<T> s(std::max(1, std::min(A.m, A.n)));
  if constexpr (sizeof(T) == 8)
    *info = LAPACKE_dgesdd(LAPACK_COL_MAJOR, 'N', A.m, A.n, A.a.data(), A.ld(), s.data(), nullptr, 1, nullptr, 1);
  else
    *info = LAPACKE_sgesdd(LAPACK_COL_MAJOR, 'N', A.m, A.n, A.a.data(), A.ld(), s.data(), nullptr, 1, nullptr, 1);
  return s;
}

inline double norm1(int m, int n, const double* a, int lda) {
  double best = 0;
  for (int j = 0; j < n; ++j) {
    double c = 0;
    for (int i = 0; i < m; ++i) c += std::fabs(a[i + static_cast<std::size_t>(j) * lda]);
    best = std::max(best, c);
  }
  return best;
}

// svd_check.h's ratios with dgemm in double (see the head of this file).
template <class T>
svdtest::Ratios ratios_blas(const Mat<T>& A, const T* s, const T* U, int ldu, int ucols, const T* VT, int ldvt,
                            int vtrows) {
  svdtest::Ratios r;
  const int m = A.m, n = A.n, k = std::min(m, n);
  const double eps = svdtest::ulp<T>();
  for (int i = 0; i < k; ++i) {
    if (!(s[i] >= 0)) r.sorted = false;
    if (i > 0 && s[i] > s[i - 1]) r.sorted = false;
  }
  if (U != nullptr && VT != nullptr && k > 0) {
    double amax = 0;
    for (T x : A.a) amax = std::max(amax, std::fabs(static_cast<double>(x)));
    int e = 0;
    if (amax > 0) std::frexp(amax, &e);
    const double sc = std::ldexp(1.0, -e);  // max |A| * sc in [0.5, 1)
    std::vector<double> a(static_cast<std::size_t>(m) * n), w(static_cast<std::size_t>(m) * k),
        vt(static_cast<std::size_t>(k) * n);
    for (int j = 0; j < n; ++j)
      for (int i = 0; i < m; ++i) a[i + static_cast<std::size_t>(j) * m] = static_cast<double>(A(i, j)) * sc;
    for (int p = 0; p < k; ++p)
      for (int i = 0; i < m; ++i)
        w[i + static_cast<std::size_t>(p) * m] =
            static_cast<double>(U[i + static_cast<std::size_t>(p) * ldu]) * (static_cast<double>(s[p]) * sc);
    for (int j = 0; j < n; ++j)
      for (int p = 0; p < k; ++p)
        vt[p + static_cast<std::size_t>(j) * k] = static_cast<double>(VT[p + static_cast<std::size_t>(j) * ldvt]);
    const double anorm = norm1(m, n, a.data(), m);
    cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, m, n, k, -1.0, w.data(), m, vt.data(), k, 1.0, a.data(), m);
    const double res = norm1(m, n, a.data(), m);
    r.usv = anorm == 0 ? (res == 0 ? 0.0 : 1e300) : res / (anorm * std::max(m, n) * eps);
  }
  if (U != nullptr && ucols > 0) {
    std::vector<double> u(static_cast<std::size_t>(m) * ucols), gm(static_cast<std::size_t>(ucols) * ucols);
    for (int p = 0; p < ucols; ++p)
      for (int i = 0; i < m; ++i) u[i + static_cast<std::size_t>(p) * m] = U[i + static_cast<std::size_t>(p) * ldu];
    cblas_dgemm(CblasColMajor, CblasTrans, CblasNoTrans, ucols, ucols, m, 1.0, u.data(), m, u.data(), m, 0.0,
                gm.data(), ucols);
    for (int i = 0; i < ucols; ++i) gm[i + static_cast<std::size_t>(i) * ucols] -= 1.0;
    r.u = norm1(ucols, ucols, gm.data(), ucols) / (std::max(1, m) * eps);
  }
  if (VT != nullptr && vtrows > 0) {
    std::vector<double> v(static_cast<std::size_t>(vtrows) * n), gm(static_cast<std::size_t>(vtrows) * vtrows);
    for (int j = 0; j < n; ++j)
      for (int p = 0; p < vtrows; ++p)
        v[p + static_cast<std::size_t>(j) * vtrows] = VT[p + static_cast<std::size_t>(j) * ldvt];
    cblas_dgemm(CblasColMajor, CblasNoTrans, CblasTrans, vtrows, vtrows, n, 1.0, v.data(), vtrows, v.data(), vtrows,
                0.0, gm.data(), vtrows);
    for (int i = 0; i < vtrows; ++i) gm[i + static_cast<std::size_t>(i) * vtrows] -= 1.0;
    r.vt = norm1(vtrows, vtrows, gm.data(), vtrows) / (std::max(1, n) * eps);
  }
  return r;
}

template <class T>
svdtest::Ratios ratios(const Mat<T>& A, const T* s, const T* U, int ldu, int ucols, const T* VT, int ldvt, int vtrows,
                       const char** checker) {
  const double m = A.m, n = A.n, k = std::min(A.m, A.n);
  const double terms = m * n * k + double(ucols) * ucols * m + double(vtrows) * vtrows * n;
  if (terms <= kLongDoubleTerms) {
    *checker = "svd_check.h (long double)";
    return svdtest::ratios(A, s, U, ldu, ucols, VT, ldvt, vtrows);
  }
  *checker = "dgemm (double, power-of-2 prescaled)";
  return ratios_blas(A, s, U, ldu, ucols, VT, ldvt, vtrows);
}

// max that keeps a NaN (a NaN ratio fails and must show in the table).
inline double mx(double a, double b) { return std::isnan(a) || std::isnan(b) ? NAN : std::max(a, b); }

// ------------------------------------------------------------------ records
struct CaseRec {
  std::string part, dtype, kind, job, status = "ok", note, path, checker;
  int m = 0, n = 0, count = 1;
  double usv = 0, u = 0, vt = 0, sv = 0, seconds = 0;
  bool sorted = true, pass = true;
};

struct Row {
  int cases = 0, failed = 0, skipped = 0;
  double usv = 0, u = 0, vt = 0, sv = 0;
  bool sorted = true;
  double worst = -1;
  std::string worst_at, first_failure;
};

struct Zoo {
  std::vector<CaseRec> cases;
  std::map<std::string, Row> rows;  // "part|dtype|kind"
  std::vector<std::string> row_order;
  double t0 = 0, gpu_s = 0;
  double budget_s = 0;
  bool over_budget() const { return now_s() - t0 > budget_s; }

  void add(const CaseRec& c) {
    const std::string key = c.part + "|" + c.dtype + "|" + c.kind;
    if (rows.find(key) == rows.end()) row_order.push_back(key);
    Row& r = rows[key];
    if (c.status == "skipped") {
      ++r.skipped;
      cases.push_back(c);
      return;
    }
    ++r.cases;
    const std::string at = (c.part == "batched" ? std::to_string(c.count) + " x " : std::string()) +
                           std::to_string(c.m) + "x" + std::to_string(c.n) + " " + c.job;
    if (!c.pass) {
      ++r.failed;
      if (r.first_failure.empty()) r.first_failure = at + ": " + c.note;
    }
    r.usv = mx(r.usv, c.usv);
    r.u = mx(r.u, c.u);
    r.vt = mx(r.vt, c.vt);
    r.sv = mx(r.sv, c.sv);
    r.sorted = r.sorted && c.sorted;
    const double w = mx(mx(c.usv, c.u), mx(c.vt, c.sv));
    if (std::isnan(w) ? r.worst != INFINITY : w > r.worst) {
      r.worst = std::isnan(w) ? INFINITY : w;
      r.worst_at = at;
    }
    cases.push_back(c);
  }
};

// Judges a case: every ratio < bound (NaN fails), sorted; the note says what failed.
inline void judge(CaseRec& c) {
  std::string why;
  auto chk = [&](const char* name, double v) {
    if (!(v < svdtest::kThreshold)) why += std::string(why.empty() ? "" : "; ") + name + " = " + std::to_string(v) + " >= 50";
  };
  chk("r_usv", c.usv);
  chk("r_u", c.u);
  chk("r_vt", c.vt);
  chk("r_s", c.sv);
  if (!c.sorted) why += std::string(why.empty() ? "" : "; ") + "s not non-negative and descending";
  if (!why.empty()) {
    c.pass = false;
    c.note = c.note.empty() ? why : c.note + "; " + why;
  }
}

template <class T>
lai_status gesvd(char ju, char jv, int m, int n, T* A, int lda, T* s, T* U, int ldu, T* VT, int ldvt, int* info) {
  const lai_svd_options gpu{LAI_BACKEND_OPENCL, LAI_SVD_DRIVER_AUTO};
  if constexpr (sizeof(T) == 8) return lai_dgesvd_ex(ju, jv, m, n, A, lda, s, U, ldu, VT, ldvt, info, &gpu);
  else return lai_sgesvd_ex(ju, jv, m, n, A, lda, s, U, ldu, VT, ldvt, info, &gpu);
}

// One matrix, every job (tests/svd/test_svd_gpu.cpp's loop body).
template <class T>
void dense_matrix(Zoo& z, const ZooArgs& a, const std::string& kind, int m, int n, std::mt19937_64& g) {
  const char* dt = sizeof(T) == 8 ? "f64" : "f32";
  const int k = std::min(m, n);
  auto base = [&](const std::string& job) {
    CaseRec c;
    c.part = "gesvd";
    c.dtype = dt;
    c.kind = kind;
    c.job = job;
    c.m = m;
    c.n = n;
    return c;
  };
  if (z.over_budget()) {
    for (const std::string& job : a.jobs) {
      CaseRec c = base(job);
      c.status = "skipped";
      c.note = "zoo time budget used up";
      z.add(c);
    }
    return;
  }
  const Mat<T> A0 = make_dense<T>(kind, m, n, g);
  int rinfo = 0;
  const std::vector<T> s_ref = lapack_values(A0, &rinfo);
  for (const std::string& job : a.jobs) {
    const char ju = job[0], jv = job[1];
    CaseRec c = base(job);
    const int lda = m + 3;
    std::vector<T> Ap(static_cast<std::size_t>(lda) * n, T(-7));
    for (int j = 0; j < n; ++j)
      for (int i = 0; i < m; ++i) Ap[i + static_cast<std::size_t>(j) * lda] = A0(i, j);
    const int ucols = ju == 'A' ? m : k, vtrows = jv == 'A' ? n : k;
    const int ldu = m + 1, ldvt = vtrows + 2;
    std::vector<T> s(std::max(1, k), T(-1)), U(static_cast<std::size_t>(ldu) * ucols, T(-9)),
        VT(static_cast<std::size_t>(ldvt) * n, T(-9));
    int info = -99;
    const double t = now_s();
    const lai_status st = gesvd<T>(ju, jv, m, n, Ap.data(), lda, s.data(), U.data(), ldu, VT.data(), ldvt, &info);
    c.seconds = now_s() - t;
    z.gpu_s += c.seconds;
    c.path = lai_svd_last_path();
    if (st != LAI_SUCCESS || info != 0) {
      c.status = "error";
      c.pass = false;
      c.note = std::string(lai_status_string(st)) + " info=" + std::to_string(info) + ": " + lai_last_error();
      z.add(c);
      continue;
    }
    const bool two_stage = c.path.rfind("opencl:two-stage(", 0) == 0;
    if (c.path != "opencl:gebrd" && !(two_stage && job == "NN")) {
      c.pass = false;
      c.note = "path " + c.path + ", not the GPU path opencl:gebrd (or, values only, opencl:two-stage)";
    }
    bool pad_ok = true;
    for (int j = 0; j < n && pad_ok; ++j)
      for (int i = m; i < lda; ++i)
        if (Ap[i + static_cast<std::size_t>(j) * lda] != T(-7)) pad_ok = false;
    if (!pad_ok) {
      c.pass = false;
      c.note += std::string(c.note.empty() ? "" : "; ") + "rows m..lda-1 of A were written";
    }
    const T* u = ju == 'A' || ju == 'S' ? U.data() : ju == 'O' ? Ap.data() : nullptr;
    const int lu = ju == 'O' ? lda : ldu;
    const T* vt = jv == 'A' || jv == 'S' ? VT.data() : jv == 'O' ? Ap.data() : nullptr;
    const int lv = jv == 'O' ? lda : ldvt;
    const char* checker = "";
    const svdtest::Ratios r = ratios(A0, s.data(), u, lu, ju == 'N' ? 0 : ucols, vt, lv, jv == 'N' ? 0 : vtrows, &checker);
    c.checker = checker;
    c.usv = r.usv;
    c.u = r.u;
    c.vt = r.vt;
    c.sorted = r.sorted;
    if (rinfo != 0) {
      c.pass = false;
      c.note += std::string(c.note.empty() ? "" : "; ") + "LAPACK ?gesdd INFO=" + std::to_string(rinfo);
    } else {
      const double smax = k > 0 ? std::max<double>(s_ref[0], std::numeric_limits<T>::min()) : 1;
      double ds = 0;
      for (int i = 0; i < k; ++i) ds = mx(ds, std::fabs(double(s[i]) - double(s_ref[i])) / (smax * k * svdtest::ulp<T>()));
      c.sv = ds;
    }
    judge(c);
    z.add(c);
  }
}

template <class T>
lai_status batched_call(std::size_t count, int m, int n, const T* A, int lda, std::size_t sa, T* s, std::size_t ss,
                        T* U, int ldu, std::size_t su, T* VT, int ldvt, std::size_t svt) {
  lai_jacobi_options o{0.0, 0, LAI_BACKEND_OPENCL};
  if constexpr (sizeof(T) == 8) return lai_dgesvd_batched(count, m, n, A, lda, sa, s, ss, U, ldu, su, VT, ldvt, svt, &o);
  else return lai_sgesvd_batched(count, m, n, A, lda, sa, s, ss, U, ldu, su, VT, ldvt, svt, &o);
}

// One batch shape: per_kind matrices of every type, vectors and values only.
template <class T>
void batched_shape(Zoo& z, const ZooArgs& a, int m, int n) {
  const char* dt = sizeof(T) == 8 ? "f64" : "f32";
  const int k = std::min(m, n);
  const int nk = static_cast<int>(std::size(kBatchKinds));
  const std::size_t count = static_cast<std::size_t>(nk) * a.per_kind;
  for (const char* job : {"S", "N"}) {
    if (z.over_budget()) {
      for (const char* kind : kBatchKinds) {
        CaseRec c;
        c.part = "batched";
        c.dtype = dt;
        c.kind = kind;
        c.job = job;
        c.m = m;
        c.n = n;
        c.count = a.per_kind;
        c.status = "skipped";
        c.note = "zoo time budget used up";
        z.add(c);
      }
      continue;
    }
    const bool vec = job[0] == 'S';
    std::mt19937_64 g(static_cast<unsigned>(m * 1000 + n));
    const int lda = m + 2, ldu = m + 1, ldvt = k + 1;
    const std::size_t sa = static_cast<std::size_t>(lda) * n + 3, ss = k + 1,
                      su = static_cast<std::size_t>(ldu) * k + 1, svt = static_cast<std::size_t>(ldvt) * n + 2;
    std::vector<Mat<T>> mats;
    std::vector<std::string> kinds;
    std::vector<T> A(sa * count, T(0));
    for (std::size_t b = 0; b < count; ++b) {
      kinds.push_back(kBatchKinds[b % nk]);  // types interleaved: neighbours differ
      mats.push_back(make_batch_member<T>(kinds.back(), m, n, g));
      for (int j = 0; j < n; ++j)
        for (int i = 0; i < m; ++i) A[b * sa + i + static_cast<std::size_t>(j) * lda] = mats.back()(i, j);
    }
    const std::vector<T> A_before = A;
    std::vector<T> s(ss * count, T(-3)), U(vec ? su * count : 0, T(-3)), VT(vec ? svt * count : 0, T(-3));
    const double t = now_s();
    const lai_status st = batched_call<T>(count, m, n, A.data(), lda, sa, s.data(), ss, vec ? U.data() : nullptr, ldu,
                                          su, vec ? VT.data() : nullptr, ldvt, svt);
    const double secs = now_s() - t;
    z.gpu_s += secs;
    const std::string path = lai_svd_last_path();
    std::string batch_note;
    if (st != LAI_SUCCESS) batch_note = std::string(lai_status_string(st)) + ": " + lai_last_error();
    else if (path != "opencl:jacobi") batch_note = "path " + path + ", not opencl:jacobi";
    else if (A != A_before) batch_note = "A modified";
    // One record per matrix type: the worst over its matrices.
    std::map<std::string, CaseRec> per;
    for (std::size_t b = 0; b < count; ++b) {
      CaseRec& c = per[kinds[b]];
      if (c.part.empty()) {
        c.part = "batched";
        c.dtype = dt;
        c.kind = kinds[b];
        c.job = job;
        c.m = m;
        c.n = n;
        c.count = a.per_kind;
        c.seconds = secs / nk;
        c.path = path;
        if (!batch_note.empty()) {
          c.pass = false;
          c.status = st != LAI_SUCCESS ? "error" : "ok";
          c.note = batch_note;
        }
      }
      if (st != LAI_SUCCESS) continue;
      if (b + 1 < count && s[b * ss + k] != T(-3)) {
        c.pass = false;
        c.note += std::string(c.note.empty() ? "" : "; ") + "gap after s of matrix " + std::to_string(b) + " written";
      }
      int rinfo = 0;
      const std::vector<T> sl = lapack_values(mats[b], &rinfo);
      const T* sb = s.data() + b * ss;
      const double smax = std::max<double>(sl[0], std::numeric_limits<double>::min());
      for (int i = 0; i < k; ++i) {
        const double e = std::fabs(double(sb[i]) - double(sl[i])) / (smax * std::max(m, n) * svdtest::ulp<T>());
        c.sv = mx(c.sv, e);
      }
      if (rinfo != 0) {
        c.pass = false;
        c.note += std::string(c.note.empty() ? "" : "; ") + "LAPACK ?gesdd INFO=" + std::to_string(rinfo);
      }
      const char* checker = "";
      const svdtest::Ratios r = ratios(mats[b], sb, vec ? U.data() + b * su : nullptr, ldu, vec ? k : 0,
                                       vec ? VT.data() + b * svt : nullptr, ldvt, vec ? k : 0, &checker);
      c.checker = checker;
      c.usv = mx(c.usv, r.usv);
      c.u = mx(c.u, r.u);
      c.vt = mx(c.vt, r.vt);
      c.sorted = c.sorted && r.sorted;
    }
    for (const char* kind : kBatchKinds) {
      CaseRec& c = per[kind];
      judge(c);
      z.add(c);
    }
  }
}

inline std::string jnum(double d) {
  if (!std::isfinite(d)) return "null";
  char b[64];
  std::snprintf(b, sizeof b, "%.6g", d);
  return b;
}

inline std::string jstr(const std::string& v) {
  std::string o = "\"";
  for (char ch : v) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '"' || c == '\\') {
      o += '\\';
      o += ch;
    } else if (c < 0x20 || c == 0x7f) {
      char b[8];
      std::snprintf(b, sizeof b, "\\u%04x", c);
      o += b;
    } else {
      o += ch;
    }
  }
  return o + "\"";
}

inline std::string shapes_str(const std::vector<std::pair<int, int>>& v) {
  std::string s;
  for (const auto& [m, n] : v) s += (s.empty() ? "" : ",") + std::to_string(m) + "x" + std::to_string(n);
  return s.empty() ? "none" : s;
}

inline std::string ratio_cell(double v) {
  char b[32];
  if (std::isnan(v)) return "NaN";
  std::snprintf(b, sizeof b, v >= 1e4 ? "%.2e" : "%.3f", v);
  return b;
}

// Runs the zoo, prints the table, writes a.out; returns the exit status.
inline int run(const ZooArgs& a, const std::string& device_line) {
  Zoo z;
  z.t0 = now_s();
  z.budget_s = a.budget_s;
  std::string jobs;
  for (const std::string& j : a.jobs) jobs += (jobs.empty() ? "" : " ") + j;
  std::string big_kinds;
  for (const std::string& kd : a.big_kinds) big_kinds += (big_kinds.empty() ? "" : ",") + kd;
  std::printf("zoo: %s\n", device_line.c_str());
  std::printf("zoo: gesvd shapes %s (every type), %s (types %s); batched %s x %d per type; dtypes", shapes_str(a.shapes).c_str(),
              shapes_str(a.big_shapes).c_str(), big_kinds.c_str(), shapes_str(a.batched_shapes).c_str(), a.per_kind);
  for (const auto& d : a.dtypes) std::printf(" %s", d.c_str());
  std::printf("; jobs %s; budget %.0f s\n", jobs.c_str(), a.budget_s);
  std::fflush(stdout);
  // Dense: shape, dtype, type, job (a budget overrun skips the last shapes of both dtypes).
  std::vector<std::pair<std::pair<int, int>, bool>> all;  // (shape, every type)
  for (const auto& p : a.shapes) all.push_back({p, true});
  for (const auto& p : a.big_shapes) all.push_back({p, false});
  for (const auto& [shape, every] : all) {
    const auto [m, n] = shape;
    const double t = now_s();
    for (const std::string& dt : a.dtypes) {
      std::mt19937_64 g(20261122 + m * 7919 + n);
      for (const char* kind : kKinds) {
        if (!every && std::find(a.big_kinds.begin(), a.big_kinds.end(), kind) == a.big_kinds.end()) continue;
        if (dt == "f64") dense_matrix<double>(z, a, kind, m, n, g);
        else dense_matrix<float>(z, a, kind, m, n, g);
      }
    }
    std::printf("zoo: gesvd %dx%d done (%.1f s)\n", m, n, now_s() - t);
    std::fflush(stdout);
  }
  const double t_dense = now_s() - z.t0;
  for (const auto& [m, n] : a.batched_shapes) {
    for (const std::string& dt : a.dtypes) {
      if (dt == "f64") batched_shape<double>(z, a, m, n);
      else batched_shape<float>(z, a, m, n);
    }
  }
  const double elapsed = now_s() - z.t0;
  int failed = 0, skipped = 0, run_cases = 0;
  for (const auto& c : z.cases) {
    if (c.status == "skipped") ++skipped;
    else {
      ++run_cases;
      if (!c.pass) ++failed;
    }
  }
  // The table.
  std::vector<std::string> lines;
  char buf[512];
  lines.push_back("accuracy zoo on the device (lai-bench-svd --zoo): gesvd = lai_?gesvd_ex backend=OPENCL (GPU path "
                  "opencl:gebrd; values only opencl:two-stage where it runs), jobs " + jobs + ", shapes " + shapes_str(a.shapes) + " (every type) and " +
                  shapes_str(a.big_shapes) + " (types " + big_kinds + "); batched = lai_?gesvd_batched backend=OPENCL, " +
                  std::to_string(a.per_kind) + " matrices per type in one batch per shape " +
                  shapes_str(a.batched_shapes) + ", vectors (S) and values only (N)");
  lines.push_back("ratios (LAPACK ddrvbd): |A-USV'| = ||A-USV^T||_1/(||A||_1 max(m,n) ulp), |I-U'U| = ||I-U^TU||_1/(m ulp), "
                  "|I-VV'| = ||I-VV^T||_1/(n ulp); |s-s_ref| = max|s-s_gesdd|/(s_max k ulp), k = min(m,n) for gesvd, "
                  "max(m,n) for batched; s >= 0 and descending; bound 50; worst over shapes and jobs");
  std::snprintf(buf, sizeof buf, "%-8s %-4s %-15s %6s %10s %10s %10s %10s %7s %-7s %s", "part", "dt", "matrix type",
                "cases", "|A-USV'|", "|I-U'U|", "|I-VV'|", "|s-s_ref|", "sorted", "result", "worst at");
  lines.push_back(buf);
  for (const std::string& key : z.row_order) {
    const Row& r = z.rows[key];
    const std::string part = key.substr(0, key.find('|'));
    const std::string rest = key.substr(key.find('|') + 1);
    const std::string dt = rest.substr(0, rest.find('|')), kind = rest.substr(rest.find('|') + 1);
    const char* res = r.failed ? "FAIL" : r.cases == 0 ? "SKIPPED" : "PASS";
    std::snprintf(buf, sizeof buf, "%-8s %-4s %-15s %6d %10s %10s %10s %10s %7s %-7s %s%s", part.c_str(), dt.c_str(),
                  kind.c_str(), r.cases, ratio_cell(r.usv).c_str(), ratio_cell(r.u).c_str(), ratio_cell(r.vt).c_str(),
                  ratio_cell(r.sv).c_str(), r.sorted ? "yes" : "NO", res, r.worst_at.c_str(),
                  r.skipped ? (" (" + std::to_string(r.skipped) + " not run: budget)").c_str() : "");
    lines.push_back(buf);
    if (r.failed) lines.push_back("         " + std::to_string(r.failed) + " failed, first: " + r.first_failure.substr(0, 300));
  }
  std::snprintf(buf, sizeof buf,
                "zoo: %d cases, %d failed, %d not run (budget %.0f s); %.1f s (gesvd %.1f s, batched %.1f s; library "
                "calls %.1f s): %s",
                run_cases, failed, skipped, a.budget_s, elapsed, t_dense, elapsed - t_dense, z.gpu_s,
                failed ? "FAIL" : skipped ? "INCOMPLETE" : "PASS");
  lines.push_back(buf);
  for (const auto& l : lines) std::printf("%s\n", l.c_str());
  std::fflush(stdout);
  // The JSON.
  std::ostringstream o;
  o << "{\"tool\": \"lai-bench-svd --zoo\", \"device\": " << jstr(device_line) << ", \"bound\": " << svdtest::kThreshold
    << ", \"jobs\": " << jstr(jobs) << ", \"shapes\": " << jstr(shapes_str(a.shapes)) << ", \"big_shapes\": "
    << jstr(shapes_str(a.big_shapes)) << ", \"big_kinds\": " << jstr(big_kinds) << ", \"batched_shapes\": "
    << jstr(shapes_str(a.batched_shapes)) << ", \"batched_per_kind\": " << a.per_kind << ", \"budget_s\": "
    << jnum(a.budget_s) << ", \"elapsed_s\": " << jnum(elapsed) << ", \"library_calls_s\": " << jnum(z.gpu_s)
    << ", \"cases_run\": " << run_cases << ", \"failed\": " << failed << ", \"not_run\": " << skipped
    << ", \"result\": " << jstr(failed ? "FAIL" : skipped ? "INCOMPLETE" : "PASS") << ",\n\"table\": [";
  for (std::size_t i = 0; i < lines.size(); ++i) o << (i ? ",\n " : "") << jstr(lines[i]);
  o << "],\n\"types\": [";
  bool first = true;
  for (const std::string& key : z.row_order) {
    const Row& r = z.rows[key];
    const std::string part = key.substr(0, key.find('|'));
    const std::string rest = key.substr(key.find('|') + 1);
    o << (first ? "\n" : ",\n") << "{\"part\": " << jstr(part) << ", \"dtype\": " << jstr(rest.substr(0, rest.find('|')))
      << ", \"kind\": " << jstr(rest.substr(rest.find('|') + 1)) << ", \"cases\": " << r.cases << ", \"failed\": "
      << r.failed << ", \"not_run\": " << r.skipped << ", \"r_usv\": " << jnum(r.usv) << ", \"r_u\": " << jnum(r.u)
      << ", \"r_vt\": " << jnum(r.vt) << ", \"r_s\": " << jnum(r.sv) << ", \"sorted\": " << (r.sorted ? "true" : "false")
      << ", \"pass\": " << (r.failed == 0 && r.cases > 0 ? "true" : "false") << ", \"worst_at\": " << jstr(r.worst_at)
      << ", \"first_failure\": " << jstr(r.first_failure) << "}";
    first = false;
  }
  o << "],\n\"cases\": [";
  for (std::size_t i = 0; i < z.cases.size(); ++i) {
    const CaseRec& c = z.cases[i];
    o << (i ? ",\n" : "\n") << "{\"part\": " << jstr(c.part) << ", \"dtype\": " << jstr(c.dtype) << ", \"kind\": "
      << jstr(c.kind) << ", \"m\": " << c.m << ", \"n\": " << c.n << ", \"count\": " << c.count << ", \"job\": "
      << jstr(c.job) << ", \"status\": " << jstr(c.status) << ", \"pass\": " << (c.pass ? "true" : "false")
      << ", \"r_usv\": " << jnum(c.usv) << ", \"r_u\": " << jnum(c.u) << ", \"r_vt\": " << jnum(c.vt)
      << ", \"r_s\": " << jnum(c.sv) << ", \"sorted\": " << (c.sorted ? "true" : "false") << ", \"seconds\": "
      << jnum(c.seconds) << ", \"path\": " << jstr(c.path) << ", \"checker\": " << jstr(c.checker) << ", \"note\": "
      << jstr(c.note.substr(0, 400)) << "}";
  }
  o << "]}\n";
  std::ofstream f(a.out);
  f << o.str();
  if (!f) {
    std::fprintf(stderr, "lai-bench-svd --zoo: cannot write %s\n", a.out.c_str());
    return 1;
  }
  std::printf("zoo JSON: %s\n", a.out.c_str());
  return failed ? 1 : skipped ? 3 : 0;
}

}  // namespace lai_zoo
