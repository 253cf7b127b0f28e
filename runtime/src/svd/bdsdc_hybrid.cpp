// Divide and conquer bidiagonal SVD with GPU products (bdsdc_hybrid.h says
// what and why). LAPACK does the parts that decide accuracy: ?lasd0 on the
// small blocks, ?lasd4 (each secular root; on the device its own solver,
// dc_device.h, when the DcDevice solves the secular problem), ?lamrg; the deflation takes
// ?lasd2's decisions (dc_deflate.h) and applies them on all threads; this
// file organises the tree, runs the independent pieces in parallel, builds
// the K x K singular vectors from the roots (the Lowner construction that
// makes them orthogonal) and does the two products of each merge.
#include "svd/bdsdc_hybrid.h"

#include <cblas.h>

#include <algorithm>
#include <cctype>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <memory>
#include <mutex>
#include <numeric>
#include <optional>
#include <string>
#include <system_error>
#include <thread>
#include <type_traits>
#include <vector>

#include "cpu/blas_threads.h"
#include "diagnostics/error.h"
#include "dispatch/env.h"
#include "opencl/backend.h"
#include "svd/dc_deflate.h"
#include "svd/host_array.h"
#include "svd/parallel_for.h"

extern "C" {
void dlasd0_(const int* n, const int* sqre, double* d, double* e, double* u, const int* ldu, double* vt,
             const int* ldvt, const int* smlsiz, int* iwork, double* work, int* info);
void slasd0_(const int* n, const int* sqre, float* d, float* e, float* u, const int* ldu, float* vt, const int* ldvt,
             const int* smlsiz, int* iwork, float* work, int* info);
void dlasd4_(const int* n, const int* i, const double* d, const double* z, double* delta, const double* rho,
             double* sigma, double* work, int* info);
void slasd4_(const int* n, const int* i, const float* d, const float* z, float* delta, const float* rho, float* sigma,
             float* work, int* info);
void dlamrg_(const int* n1, const int* n2, const double* a, const int* dtrd1, const int* dtrd2, int* index);
void slamrg_(const int* n1, const int* n2, const float* a, const int* dtrd1, const int* dtrd2, int* index);
}

namespace lai::svd {

namespace {

using Clock = std::chrono::steady_clock;
double since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

constexpr int kSmlsiz = 25;  // LAPACK's ilaenv choice for ?bdsdc's leaves
constexpr int kParallelRows = 128;  // smaller nodes: too little work for a thread

template <class T>
struct Lapack;
template <>
struct Lapack<double> {
  static void lasd0(int n, int sqre, double* d, double* e, double* u, int ldu, double* vt, int ldvt, int* iw,
                    double* w, int* info) {
    dlasd0_(&n, &sqre, d, e, u, &ldu, vt, &ldvt, &kSmlsiz, iw, w, info);
  }
  static void lasd4(int n, int i, const double* d, const double* z, double* delta, double rho, double* sigma,
                    double* work, int* info) {
    dlasd4_(&n, &i, d, z, delta, &rho, sigma, work, info);
  }
  static void lamrg(int n1, int n2, const double* a, int s1, int s2, int* index) { dlamrg_(&n1, &n2, a, &s1, &s2, index); }
  static double nrm2(int n, const double* x) { return cblas_dnrm2(n, x, 1); }
  static void gemm(bool ta, int m, int n, int k, const double* a, int lda, const double* b, int ldb, double* c,
                   int ldc) {
    cblas_dgemm(CblasColMajor, ta ? CblasTrans : CblasNoTrans, CblasNoTrans, m, n, k, 1.0, a, lda, b, ldb, 0.0, c, ldc);
  }
};
template <>
struct Lapack<float> {
  static void lasd0(int n, int sqre, float* d, float* e, float* u, int ldu, float* vt, int ldvt, int* iw, float* w,
                    int* info) {
    slasd0_(&n, &sqre, d, e, u, &ldu, vt, &ldvt, &kSmlsiz, iw, w, info);
  }
  static void lasd4(int n, int i, const float* d, const float* z, float* delta, float rho, float* sigma, float* work,
                    int* info) {
    slasd4_(&n, &i, d, z, delta, &rho, sigma, work, info);
  }
  static void lamrg(int n1, int n2, const float* a, int s1, int s2, int* index) { slamrg_(&n1, &n2, a, &s1, &s2, index); }
  static float nrm2(int n, const float* x) { return cblas_snrm2(n, x, 1); }
  static void gemm(bool ta, int m, int n, int k, const float* a, int lda, const float* b, int ldb, float* c,
                   int ldc) {
    cblas_sgemm(CblasColMajor, ta ? CblasTrans : CblasNoTrans, CblasNoTrans, m, n, k, 1.0f, a, lda, b, ldb, 0.0f, c,
                ldc);
  }
};

// Work arrays of the merges, allocated (and their pages touched, by all
// threads) once per call instead of per merge: the merge of rows f..f+N-1
// takes each pool's elements from f * stride on, at most (N + 17) (N + 1),
// so the merges that run at the same time (disjoint rows, parents after
// children) never share any. Page faults of fresh arrays per merge had cost
// more than the merges' products.
//
// The touching runs on a few threads of its own while the leaves (which
// need no pool) are solved: merges wait for it (wait()). Nothing relies on
// the zeros: every user writes what it reads.
template <class T>
struct Pools {
  explicit Pools(int n)
      : stride(static_cast<std::size_t>(n) + 24),
        size(n > 0 ? stride * (static_cast<std::size_t>(n) + 1) : 0),
        u2(size), vt2(size), ql(size), qr(size) {}
  ~Pools() { wait(); }
  Pools(const Pools&) = delete;
  Pools& operator=(const Pools&) = delete;

  void start_touching(int threads) {
    if (size == 0) return;
    try {
      toucher_ = std::thread([this, threads] { touch(threads); });
    } catch (const std::system_error&) {
      touch(threads);  // no thread to be had: now, on this one
    }
  }
  // Seconds waited for the touching (0 once it is done).
  double wait() {
    std::lock_guard<std::mutex> lock(mu_);
    if (!toucher_.joinable()) return 0;
    const Clock::time_point t0 = Clock::now();
    toucher_.join();
    return since(t0);
  }
  T* at(HostArray<T>& a, int f) { return a.data() + static_cast<std::size_t>(f) * stride; }
  std::size_t stride, size;
  HostArray<T> u2, vt2, ql, qr;  // ql, qr: ?lasd4's DELTA and WORK, then the K x K vectors

 private:
  void touch(int threads) {
    for (HostArray<T>* a : {&u2, &vt2, &ql, &qr}) {
      T* p = a->data();
      const std::size_t chunk = std::size_t{1} << 18;
      const int nchunks = static_cast<int>((size + chunk - 1) / chunk);
      parallel_for(nchunks, threads, [&](int c) {
        const std::size_t b = static_cast<std::size_t>(c) * chunk;
        std::fill(p + b, p + std::min(size, b + chunk), T(0));
      });
    }
  }
  std::thread toucher_;
  std::mutex mu_;
};

template <class T>
class Solver {
 public:
  Solver(T* d, T* e, T* U, int ldu, T* VT, int ldvt, const HybridDcOptions& o, HybridDcStats& st, int n,
         Pools<T>& pools, int threads, DcDevice<T>* device)
      : d_(d), e_(e), U_(U), VT_(VT), ldu_(ldu), ldvt_(ldvt), o_(o), st_(st), idxq_(static_cast<std::size_t>(n)),
        pools_(pools), threads_(threads), device_(device), root_n_(n) {}

  // The block of rows f..f+n-1 (n x (n+sqre)): its values into d_[f..],
  // vectors into the blocks of U_ and VT_, its sorting permutation (1-based,
  // ascending) into idxq_[f..]. Children of large blocks in parallel.
  //
  // With a device (DcDevice): the merges of blocks of at least gpu_min rows
  // run there (U and V = VT^T stay in its buffers); a block solved on the
  // host whose parent merges on the device starts from its own identity
  // (nothing else of the host's U and VT is set) and goes up when solved.
  void solve(int f, int n, int sqre, bool parent_on_device = false) {
    if (info_.load() != 0) return;
    const bool dev = device_ != nullptr && dc_merges_on_device(n, o_);
    if (!dev && parent_on_device) identity_block(f, n, n + sqre);
    if (n <= std::max(o_.leaf, 3)) {
      leaf(f, n, sqre);
      if (parent_on_device && info_.load() == 0) device_->put_block(f, n, n + sqre, block(U_, ldu_, f), ldu_, block(VT_, ldvt_, f), ldvt_);
      return;
    }
    const int nl = (n - 1) / 2, nr = n - nl - 1;
    const T alpha = d_[f + nl], beta = e_[f + nl];

    // Halves in parallel for every node of at least kParallelRows rows. (The
    // rule was n >= 2 leaf: a node of 2 leaf - 1 rows then solved its two
    // leaves one after the other, and at n = 2048 and 4096 with leaves of
    // 512 that pair was the critical path.)
    if (n >= kParallelRows && threads_ > 1) {
      // An exception (a failed device product, std::bad_alloc) must not
      // leave a thread: the left half's is carried to this thread, and
      // this thread's waits for the left half before it propagates.
      std::exception_ptr left_error;
      std::thread left;
      try {
        left = std::thread([&] {
          try {
            solve(f, nl, 1, dev);
          } catch (...) {
            left_error = std::current_exception();
            fail(-1);
          }
        });
      } catch (const std::system_error&) {
        solve(f, nl, 1, dev);  // no thread to be had: the halves one after the other
      }
      auto join = [&] {
        if (left.joinable()) left.join();
      };
      try {
        solve(f + nl + 1, nr, sqre, dev);
      } catch (...) {
        fail(-1);
        join();
        throw;
      }
      join();
      if (left_error) std::rethrow_exception(left_error);
    } else {
      solve(f, nl, 1, dev);
      solve(f + nl + 1, nr, sqre, dev);
    }
    if (info_.load() != 0) return;
    // U's column nl of the merge is e_nl. Set here, not before the children:
    // the device may still be busy with work queued before the call
    // (gesvd_opencl forms Q_B and P_B meanwhile), and the leaves need not
    // wait for it.
    if (dev) device_->set_unit(f + nl);
    merge(f, nl, nr, sqre, alpha, beta, dev);
    if (!dev && parent_on_device && info_.load() == 0)
      device_->put_block(f, n, n + sqre, block(U_, ldu_, f), ldu_, block(VT_, ldvt_, f), ldvt_);
  }

  // The final order of the root merged on the device (its W's columns) and
  // the sign flips of V's columns: d is sorted there, not afterwards.
  const std::vector<int>& root_order() const { return root_order_; }

  int info() const { return info_.load(); }

 private:
  void fail(int info) {
    int zero = 0;
    info_.compare_exchange_strong(zero, info);
  }

  static T* block(T* a, int ld, int f) { return a + f + static_cast<std::size_t>(f) * ld; }

  // U (n x n) and VT (m x m) of the block at (f, f) = I, the start ?lasd0
  // and the dense products of the host's merges need.
  void identity_block(int f, int n, int m) {
    parallel_for(m, threads_, [&](int j) {
      if (j < n) {
        T* u = block(U_, ldu_, f) + static_cast<std::size_t>(j) * ldu_;
        std::fill(u, u + n, T(0));
        u[j] = 1;
      }
      T* v = block(VT_, ldvt_, f) + static_cast<std::size_t>(j) * ldvt_;
      std::fill(v, v + m, T(0));
      v[j] = 1;
    });
  }

  void leaf(int f, int n, int sqre) {
    const Clock::time_point t0 = Clock::now();
    const int m = n + sqre;
    HostArray<int> iw(8 * static_cast<std::size_t>(n));
    HostArray<T> w(3 * static_cast<std::size_t>(m) * m + 2 * static_cast<std::size_t>(m));
    int info = 0;
    Lapack<T>::lasd0(n, sqre, d_ + f, e_ + f, U_ + f + static_cast<std::size_t>(f) * ldu_, ldu_,
                     VT_ + f + static_cast<std::size_t>(f) * ldvt_, ldvt_, iw.data(), w.data(), &info);
    if (info != 0) {
      fail(info);
      return;
    }
    int* iq = idxq_.data() + f;
    std::iota(iq, iq + n, 1);
    const T* d = d_ + f;
    std::sort(iq, iq + n, [d](int a, int b) { return d[a - 1] < d[b - 1]; });
    add([&](HybridDcStats& s) { s.seconds_leaves += since(t0); });
  }

  void merge(int f, int nl, int nr, int sqre, T alpha, T beta, bool dev) {
    Clock::time_point t0 = Clock::now();
    const int N = nl + nr + 1, M = N + sqre;
    T* D = d_ + f;
    T* Ub = block(U_, ldu_, f);
    T* VTb = block(VT_, ldvt_, f);
    int* iq = idxq_.data() + f;
    // Scale to max 1 as dlasd1 does (the secular solver's tolerances
    // assume it).
    T orgnrm = std::max(std::fabs(alpha), std::fabs(beta));
    D[nl] = 0;
    for (int i = 0; i < N; ++i) orgnrm = std::max(orgnrm, std::fabs(D[i]));
    if (orgnrm == T(0)) {
      // B's block is zero: its values are 0 and the children's vectors
      // (block diagonal, orthogonal) serve; every order is sorted. (Not
      // the root: bdsdc_hybrid returns before for B = 0.)
      std::iota(iq, iq + N, 1);
      return;
    }
    for (int i = 0; i < N; ++i) D[i] /= orgnrm;
    alpha /= orgnrm;
    beta /= orgnrm;
    if (const double w = pools_.wait(); w > 0) add([&](HybridDcStats& s) { s.seconds_pool_wait += w; });
    // ?lasd2's decisions (dc_deflate.h). z is read from VT's columns nl
    // and nl+1 of the block: on the device, two short reads.
    DeflationPlan<T> plan;
    if (dev) {
      std::vector<T> left(static_cast<std::size_t>(nl) + 1), right(static_cast<std::size_t>(M - nl - 1));
      device_->vt_column(f + nl, f, nl + 1, left.data());
      device_->vt_column(f + nl + 1, f + nl + 1, M - nl - 1, right.data());
      plan_deflation<T>(nl, nr, sqre, D, alpha, beta, left.data(), right.data(), iq, plan);
    } else {
      plan_deflation<T>(nl, nr, sqre, D, alpha, beta, VTb + static_cast<std::size_t>(nl) * ldvt_,
                        VTb + static_cast<std::size_t>(nl + 1) * ldvt_ + nl + 1, iq, plan);
    }
    const int K = plan.K;
    T* z = plan.z.data();
    // Host: U2 and VT2 gathered on all threads (on the device the plan goes
    // into the products' W instead).
    const int ldvt2 = padded_ld(M);  // <= M + 16
    T* U2 = pools_.at(pools_.u2, f);
    T* VT2 = pools_.at(pools_.vt2, f);
    if (!dev) {
      apply_deflation_u<T>(plan, nl, N, Ub, ldu_, U2, N, threads_);
      apply_deflation_vt<T>(plan, nl, N, M, VTb, ldvt_, VT2, ldvt2, threads_);
    }
    const double t_deflate = since(t0);
    t0 = Clock::now();
    double secular_s[3] = {0, 0, 0}, t_w = 0;  // roots, Lowner z, vectors; W (LAI_SVD_DC_TRACE)
    // QL (K x K, ld K) and QR^T: the secular problem's vectors.
    T* QL = pools_.at(pools_.ql, f);
    T* QRt = pools_.at(pools_.qr, f);
    // With a device that solves it (DcDevice::solves_secular) the secular
    // problem stays there: the roots come back, the vectors go into W_U and
    // W_V on the device. (The host's ?lasd4 roots, Lowner z, vectors, W and
    // W uploads were 64 ms of the top merge at n = 4096, run 26's trace.)
    std::unique_ptr<DcSecular> dsec;
    if (K == 1) {
      D[0] = std::fabs(z[0]);
      QL[0] = z[0] > 0 ? T(1) : T(-1);
      QRt[0] = 1;
    } else if (dev && device_->solves_secular()) {
      const Clock::time_point tr = Clock::now();
      const T rho = Lapack<T>::nrm2(K, z);
      for (int i = 0; i < K; ++i) z[i] /= rho;
      dsec = device_->secular_roots(plan, z, rho * rho, D);
      secular_s[0] = since(tr);
    } else if (!secular(K, D, z, plan.dsigma.data(), QL, QRt, trace_ ? secular_s : nullptr)) {
      return;
    }
    for (int i = 0; i < N; ++i) D[i] *= orgnrm;
    Lapack<T>::lamrg(K, N - K, D, 1, -1, iq);
    double t_products = 0;
    bool on_gpu = false;
    if (dev) {
      // W_U (N x N) and W_V (M x M) into the pools U2/VT2 would have used;
      // the root's columns in the final (descending) order.
      const int* order = nullptr;
      std::vector<unsigned char> negate;
      if (N == root_n_) {
        root_order_.resize(static_cast<std::size_t>(N));
        std::iota(root_order_.begin(), root_order_.end(), 0);
        std::stable_sort(root_order_.begin(), root_order_.end(),
                         [D](int a, int b) { return std::fabs(D[a]) > std::fabs(D[b]); });
        order = root_order_.data();
        negate.resize(static_cast<std::size_t>(M));
        for (int j = 0; j < N; ++j) negate[static_cast<std::size_t>(j)] = D[root_order_[static_cast<std::size_t>(j)]] < 0;
      }
      const unsigned char* neg = negate.empty() ? nullptr : negate.data();
      if (dsec) {
        const Clock::time_point tp = Clock::now();
        device_->secular_product(*dsec, plan, f, nl, N, M, order, neg);
        t_products = since(tp);
      } else {
        const Clock::time_point tw = Clock::now();
        merge_matrix<T>(plan, false, nl, N, M, QL, K, order, nullptr, U2, N, threads_);
        merge_matrix<T>(plan, true, nl, N, M, QRt, K, order, neg, VT2, M, threads_);
        t_w = since(tw);
        const Clock::time_point tp = Clock::now();
        device_->product(f, N, M, U2, N, VT2, M);
        t_products = since(tp);
      }
      on_gpu = true;
      add([&](HybridDcStats& s) { s.seconds_merge_matrix += t_w; });
    } else if (K == 1) {
      for (int j = 0; j < M; ++j) VTb[static_cast<std::size_t>(j) * ldvt_] = VT2[static_cast<std::size_t>(j) * ldvt2];
      for (int i = 0; i < N; ++i) Ub[i] = QL[0] * U2[i];
    } else {
      // U(:, 0:K) = U2(:, 0:K) QL; VT(0:K, :) = QR VT2(0:K, :).
      const Clock::time_point tp = Clock::now();
      on_gpu = K >= o_.gpu_min;
      if (on_gpu) {
        ocl::gemm_opencl<T>(false, 0, 0, N, K, K, T(1), U2, N, QL, K, T(0), Ub, ldu_);
        ocl::gemm_opencl<T>(false, 1, 0, K, M, K, T(1), QRt, K, VT2, ldvt2, T(0), VTb, ldvt_);
      } else {
        Lapack<T>::gemm(false, N, K, K, U2, N, QL, K, Ub, ldu_);
        Lapack<T>::gemm(true, K, M, K, QRt, K, VT2, ldvt2, VTb, ldvt_);
      }
      t_products = since(tp);
    }
    const double t_all = since(t0);
    if (trace_) {
      std::fprintf(stderr,
                   "lai dc merge f %d N %d K %d rotations %zu: deflate %.4f roots %.4f lowner %.4f vectors %.4f W %.4f "
                   "products %.4f (%s)\n",
                   f, N, K, plan.rotations.size(), t_deflate, secular_s[0], secular_s[1], secular_s[2], t_w,
                   t_products, dsec ? "device, secular on the device" : dev ? "device" : on_gpu ? "gpu from host" : "host");
    }
    add([&](HybridDcStats& s) {
      ++s.merges;
      s.gpu_merges += on_gpu ? 1 : 0;
      s.device_secular_merges += dsec ? 1 : 0;
      s.seconds_deflate += t_deflate;
      s.seconds_secular += t_all - t_products;
      s.seconds_products += t_products;
    });
  }

  // The K x K secular problem (K >= 2): roots into D[0..K-1] (ascending),
  // its left vectors into QL's columns and its right vectors into QRt's
  // columns (QR^T), ld K. False when a root failed.
  bool secular(int K, T* D, T* z, const T* dsigma, T* del, T* sum, double* times) {
    Clock::time_point tp = Clock::now();
    auto lap = [&](int i) {
      if (times != nullptr) times[i] = since(tp);
      tp = Clock::now();
    };
    std::vector<T> zsign(z, z + K);
    const T rho = Lapack<T>::nrm2(K, z);
    for (int i = 0; i < K; ++i) z[i] /= rho;
    const T rho2 = rho * rho;
    // Column j of del/sum: dsigma - sigma_j and dsigma + sigma_j (?lasd4's
    // DELTA and WORK for root j).
    auto col = [K](T* a, int j) { return a + static_cast<std::size_t>(j) * K; };
    std::atomic<int> bad{0};
    parallel_for(K, threads_, [&](int j) {
      int info = 0;
      Lapack<T>::lasd4(K, j + 1, dsigma, z, col(del, j), rho2, &D[j], col(sum, j), &info);
      if (info != 0) bad.store(info);
    });
    if (bad.load() != 0) {
      fail(bad.load());
      return false;
    }
    lap(0);
    // z recomputed from the roots (Lowner): the exact updating vector of a
    // matrix with these singular values, so the vectors below come out
    // orthogonal. dsigma_i^2 - sigma_j^2 = del(i, j) sum(i, j).
    std::vector<T> zh(static_cast<std::size_t>(K));
    parallel_for(K, threads_, [&](int i) {
      auto ds = [&](int j) { return col(del, j)[i] * col(sum, j)[i]; };
      T p = ds(K - 1);
      for (int j = 0; j < i; ++j) p *= ds(j) / (dsigma[i] - dsigma[j]) / (dsigma[i] + dsigma[j]);
      for (int j = i; j < K - 1; ++j) p *= ds(j) / (dsigma[i] - dsigma[j + 1]) / (dsigma[i] + dsigma[j + 1]);
      zh[static_cast<std::size_t>(i)] = std::copysign(std::sqrt(std::fabs(p)), zsign[static_cast<std::size_t>(i)]);
    });
    lap(1);
    // Singular vectors of the K x K problem for root i: right v_j = zh_j /
    // (dsigma_j^2 - sigma_i^2), left u = (-1, dsigma_j v_j); normalised
    // (U2's columns are in dsigma's order, dc_deflate.h). In place: column
    // i of del becomes column i of QL, column i of sum row i of QR.
    parallel_for(K, threads_, [&](int i) {
      T* u = col(del, i);
      T* v = col(sum, i);
      for (int j = 0; j < K; ++j) v[j] = zh[static_cast<std::size_t>(j)] / u[j] / v[j];
      u[0] = -1;
      for (int j = 1; j < K; ++j) u[j] = dsigma[j] * v[j];
      // Scaled by the norms' reciprocals: half the divisions of this loop
      // (the top merge's vectors took 14 ms at n = 4096, LAI_SVD_DC_TRACE),
      // at most one more rounding per entry.
      const T ru = T(1) / Lapack<T>::nrm2(K, u), rv = T(1) / Lapack<T>::nrm2(K, v);
      for (int j = 0; j < K; ++j) {
        u[j] *= ru;
        v[j] *= rv;
      }
    });
    lap(2);
    return true;
  }

  template <class F>
  void add(F&& f) {
    std::lock_guard<std::mutex> lock(stats_mu_);
    f(st_);
  }

  T* d_;
  T* e_;
  T* U_;
  T* VT_;
  int ldu_, ldvt_;
  const HybridDcOptions& o_;
  HybridDcStats& st_;
  std::vector<int> idxq_;
  std::atomic<int> info_{0};
  std::mutex stats_mu_;
  Pools<T>& pools_;
  int threads_ = 1;
  DcDevice<T>* device_ = nullptr;
  int root_n_ = 0;
  // LAI_SVD_DC_TRACE=1: one line per merge on stderr (the probes' view of
  // where a merge's time goes).
  const bool trace_ = env_int("LAI_SVD_DC_TRACE").value_or(0) == 1;
  std::vector<int> root_order_;
};

}  // namespace

template <class T>
int bdsdc_hybrid(int n, T* d, T* e, T* U, int ldu, T* VT, int ldvt, const HybridDcOptions& opt,
                 HybridDcStats* stats, DcDevice<T>* device) {
  HybridDcStats local;
  HybridDcStats& st = stats != nullptr ? *stats : local;
  if (n <= 0) return 0;
  if (device != nullptr && !dc_merges_on_device(n, opt)) {
    fail(LAI_ERROR_INTERNAL, "bdsdc_hybrid: n = " + std::to_string(n) +
                                 " does not merge on the device with these options (dc_merges_on_device)");
  }
  const int threads =
      opt.threads > 0 ? opt.threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  T orgnrm = 0;
  for (int i = 0; i < n; ++i) orgnrm = std::max(orgnrm, std::fabs(d[i]));
  for (int i = 0; i + 1 < n; ++i) orgnrm = std::max(orgnrm, std::fabs(e[i]));
  // U = VT = I on the host: the blocks' off-diagonal parts stay exact
  // zeros, which the dense products of the merges rely on. With a device
  // each block solved on the host sets its own (Solver::solve).
  auto identity = [&] {
    parallel_for(n, threads, [&](int j) {
      T* u = U + static_cast<std::size_t>(j) * ldu;
      T* v = VT + static_cast<std::size_t>(j) * ldvt;
      std::fill(u, u + n, T(0));
      std::fill(v, v + n, T(0));
      u[j] = v[j] = 1;
    });
  };
  if (device == nullptr || orgnrm == T(0)) identity();
  if (orgnrm == T(0)) {
    std::fill(d, d + n, T(0));
    if (device != nullptr) device->put_block(0, n, n, U, ldu, VT, ldvt);
    return 0;
  }
  for (int i = 0; i < n; ++i) d[i] /= orgnrm;
  for (int i = 0; i + 1 < n; ++i) e[i] /= orgnrm;
  // OpenBLAS's threads would oversubscribe the cores the leaves and the
  // merges' loops use, and its idle ones spin after each call (4096^2 thin
  // SVD: 0.59 -> 0.48-0.53 s with OPENBLAS_NUM_THREADS=1, probe of run 25).
  std::optional<cpu::SingleThreadedBlas> single_blas;
  if (opt.single_threaded_blas) single_blas.emplace();
  Pools<T> pools(n > std::max(opt.leaf, 3) ? n : 0);
  // When every merge runs on the device with its secular problem there, the
  // pools serve only the rare merges with K = 1 (their W is built on the
  // host): they are not touched beforehand, so that zeroing 4 n^2 elements
  // does not compete with the leaves for the cores and memory (the merges
  // of the 2048^2 thin SVD waited 22 ms for it, run 27).
  const bool all_device_secular = device != nullptr && device->solves_secular() && opt.gpu_min <= opt.leaf + 1;
  if (!all_device_secular) pools.start_touching(std::max(1, threads / 4));
  Solver<T> solver(d, e, U, ldu, VT, ldvt, opt, st, n, pools, threads, device);
  solver.solve(0, n, 0);
  if (solver.info() != 0) return solver.info();
  for (int i = 0; i < n; ++i) d[i] *= orgnrm;
  if (device != nullptr) {
    // The root's products wrote the vectors in this order (and V's columns
    // of negative values negated).
    const std::vector<int>& order = solver.root_order();
    std::vector<T> ds(d, d + n);
    for (int i = 0; i < n; ++i) d[i] = std::fabs(ds[static_cast<std::size_t>(order[static_cast<std::size_t>(i)])]);
    return 0;
  }
  // Descending order, vectors with them; a negative value (none expected)
  // becomes positive with its right vector negated.
  std::vector<int> perm(static_cast<std::size_t>(n));
  std::iota(perm.begin(), perm.end(), 0);
  std::stable_sort(perm.begin(), perm.end(), [d](int a, int b) { return std::fabs(d[a]) > std::fabs(d[b]); });
  std::vector<T> ds(d, d + n);
  for (int i = 0; i < n; ++i) d[i] = ds[static_cast<std::size_t>(perm[static_cast<std::size_t>(i)])];
  // U's columns: through a scratch copy (a pool when there is one).
  HostArray<T> scratch;
  T* tmpu = nullptr;
  pools.wait();  // the first touch of the pools (no merge may have waited for it)
  if (pools.size >= static_cast<std::size_t>(n) * n) {
    tmpu = pools.u2.data();
  } else {
    scratch = HostArray<T>(static_cast<std::size_t>(n) * n);
    tmpu = scratch.data();
  }
  parallel_for(n, threads, [&](int j) {
    std::copy_n(U + static_cast<std::size_t>(perm[static_cast<std::size_t>(j)]) * ldu, n,
                tmpu + static_cast<std::size_t>(j) * n);
  });
  parallel_for(n, threads, [&](int j) {
    std::copy_n(tmpu + static_cast<std::size_t>(j) * n, n, U + static_cast<std::size_t>(j) * ldu);
  });
  // VT's rows: gather within each column (contiguous).
  parallel_for(n, threads, [&](int j) {
    T* c = VT + static_cast<std::size_t>(j) * ldvt;
    std::vector<T> tmp(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) tmp[static_cast<std::size_t>(i)] = c[perm[static_cast<std::size_t>(i)]];
    std::copy_n(tmp.data(), n, c);
  });
  for (int i = 0; i < n; ++i) {
    if (d[i] < 0) {
      d[i] = -d[i];
      for (int j = 0; j < n; ++j) VT[i + static_cast<std::size_t>(j) * ldvt] = -VT[i + static_cast<std::size_t>(j) * ldvt];
    }
  }
  return 0;
}

bool dc_merges_on_device(int n, const HybridDcOptions& opt) { return n > std::max(opt.leaf, 3) && n >= opt.gpu_min; }

HybridDcOptions hybrid_dc_options_from_env() {
  HybridDcOptions o;
  if (const std::optional<int> v = env_int("LAI_SVD_DC_LEAF"); v && *v >= 1) o.leaf = *v;
  if (const std::optional<int> v = env_int("LAI_SVD_DC_GPU_MIN"); v && *v >= 0) o.gpu_min = *v;
  if (const std::optional<int> v = env_int("LAI_SVD_DC_BLAS1"); v && (*v == 0 || *v == 1)) o.single_threaded_blas = *v == 1;
  return o;
}

DcChoice dc_choice_from_env() {
  const char* e = std::getenv("LAI_SVD_DC");
  if (e == nullptr || *e == '\0') return DcChoice::automatic;
  std::string v(e);
  std::transform(v.begin(), v.end(), v.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (v == "hybrid") return DcChoice::hybrid;
  if (v == "lapack") return DcChoice::lapack;
  fail(LAI_ERROR_INVALID_ARGUMENT, std::string("environment variable LAI_SVD_DC=\"") + e +
                                       "\" must be hybrid or lapack; unset it or correct its value");
}

template int bdsdc_hybrid<double>(int, double*, double*, double*, int, double*, int, const HybridDcOptions&,
                                  HybridDcStats*, DcDevice<double>*);
template int bdsdc_hybrid<float>(int, float*, float*, float*, int, float*, int, const HybridDcOptions&,
                                 HybridDcStats*, DcDevice<float>*);

}  // namespace lai::svd
