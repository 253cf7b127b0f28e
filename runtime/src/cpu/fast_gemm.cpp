#include "cpu/fast_gemm.h"

#include <cblas.h>

#include <algorithm>
#include <barrier>
#include <charconv>
#include <cstdint>
#include <mutex>
#include <string>
#include <system_error>
#include <thread>
#include <utility>

#include "cpu/blas_threads.h"
#include "cpu/fast_gemm_profile.h"
#include "cpu/registry.h"
#include "cpu/team_affinity.h"
#include "cpu/workspace.h"

namespace lai::cpu {

namespace {

// ---- element-type plumbing --------------------------------------------------

template <class T>
struct Tab;
template <>
struct Tab<double> {
  using Tables = lai_block_tables_double;
  using Term = lai_block_term_double;
  static const Tables* get(const lai_scheme_kernels& s) { return s.blk_f64_tables ? s.blk_f64_tables() : nullptr; }
  static void gemm(bool ta, bool tb, int m, int n, int k, double alpha, const double* A, int lda, const double* B,
                   int ldb, double beta, double* C, int ldc) {
    cblas_dgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, m, n, k, alpha, A,
                lda, B, ldb, beta, C, ldc);
  }
};
template <>
struct Tab<float> {
  using Tables = lai_block_tables_float;
  using Term = lai_block_term_float;
  static const Tables* get(const lai_scheme_kernels& s) { return s.blk_f32_tables ? s.blk_f32_tables() : nullptr; }
  static void gemm(bool ta, bool tb, int m, int n, int k, float alpha, const float* A, int lda, const float* B,
                   int ldb, float beta, float* C, int ldc) {
    cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, m, n, k, alpha, A,
                lda, B, ldb, beta, C, ldc);
  }
};

// ---- row kernels: the additions, vectorized for the CPU at hand -------------
// target_clones builds each for AVX-512, AVX2 and baseline x86-64 and picks
// one at load time, so the library still runs on any x86-64.
// LAI_NO_TARGET_CLONES (as in the generated 4x4 kernels) turns them off for
// sanitizer builds: ThreadSanitizer's instrumented ifunc resolvers crash in
// the dynamic loader, before the sanitizer's runtime is up.

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && !defined(LAI_NO_TARGET_CLONES)
#define LAI_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define LAI_CLONES
#endif

#define LAI_ROW_KERNELS(T)                                                                                   \
  LAI_CLONES void row_set(T* __restrict d, const T* __restrict s, T c, std::ptrdiff_t n) {                   \
    for (std::ptrdiff_t j = 0; j < n; ++j) d[j] = c * s[j];                                                  \
  }                                                                                                          \
  LAI_CLONES void row_set2(T* __restrict d, const T* __restrict s0, T c0, const T* __restrict s1, T c1,      \
                           std::ptrdiff_t n) {                                                               \
    for (std::ptrdiff_t j = 0; j < n; ++j) d[j] = c0 * s0[j] + c1 * s1[j];                                   \
  }                                                                                                          \
  LAI_CLONES void row_axpy(T* __restrict d, const T* __restrict s, T c, std::ptrdiff_t n) {                  \
    for (std::ptrdiff_t j = 0; j < n; ++j) d[j] += c * s[j];                                                 \
  }                                                                                                          \
  LAI_CLONES void row_axpy2(T* __restrict d, const T* __restrict s0, T c0, const T* __restrict s1, T c1,     \
                            std::ptrdiff_t n) {                                                              \
    for (std::ptrdiff_t j = 0; j < n; ++j) d[j] += c0 * s0[j] + c1 * s1[j];                                  \
  }                                                                                                          \
  LAI_CLONES void row_scale(T* __restrict d, T c, std::ptrdiff_t n) {                                        \
    for (std::ptrdiff_t j = 0; j < n; ++j) d[j] *= c;                                                        \
  }

LAI_ROW_KERNELS(double)
LAI_ROW_KERNELS(float)
#undef LAI_ROW_KERNELS

// ---- one level -----------------------------------------------------------------

std::ptrdiff_t block_offset(int bi, int bj, int h, int w, int ld) {
  return static_cast<std::ptrdiff_t>(bi) * h * ld + static_cast<std::ptrdiff_t>(bj) * w;
}

// An operand as stored: grid of blocks of op(X), each h x w (see the
// generated cpp-block kernel, templates/cpp_block.cpp.in).
template <class T>
struct Operand {
  const T* base;
  int ld;
  int grid_cols;
  int h, w;
  bool transposed;
  int stored_rows() const { return transposed ? w : h; }
  int stored_cols() const { return transposed ? h : w; }
  const T* block(int index) const {
    const int i = index / grid_cols, j = index % grid_cols;
    return transposed ? base + block_offset(j, i, w, h, ld) : base + block_offset(i, j, h, w, ld);
  }
};

template <class T>
struct Level {
  const typename Tab<T>::Tables* t;
  int count(const int* begin, int r) const { return begin[r + 1] - begin[r]; }
  bool active(int r) const {
    return count(t->u_begin, r) > 0 && count(t->v_begin, r) > 0 && count(t->w_begin, r) > 0;
  }
  bool need_s(int r) const { return active(r) && count(t->u_begin, r) > 1; }
  bool need_t(int r) const { return active(r) && count(t->v_begin, r) > 1; }
  bool need_m(int r) const { return active(r) && count(t->w_begin, r) > 1; }
};

// The threads that share one top-level call. A lone caller is a team of one
// (blas, split2, every second level); par2 is a team of two running the same
// batch loop, each taking its share of the rows of every addition pass and of
// the leaf products, with a barrier between the phases that hand data over.
struct Team {
  int id = 0;
  int size = 1;
  std::barrier<>* barrier = nullptr;

  void sync() const {
    if (size > 1) barrier->arrive_and_wait();
  }
  // This thread's rows [first, second) of `rows`: consecutive halves, so each
  // thread streams its own contiguous part of every operand.
  std::pair<int, int> part(int rows) const {
    const auto lo = static_cast<long long>(rows) * id / size, hi = static_cast<long long>(rows) * (id + 1) / size;
    return {static_cast<int>(lo), static_cast<int>(hi)};
  }
};

// One leaf product of a batch as a thread runs it: rows [row_lo, row_hi) of
// its mb output rows (all of them unless a product was split to balance the
// team), and the beta for a product accumulated into C by the leaf.
template <class T>
struct LeafJob {
  int r;
  int row_lo, row_hi;
  T beta;
};

// C_z (+)= coef * M_r, one term of the pass that adds a batch's products into
// C; `set` where the term is the first to reach block z and beta was 0 (no
// separate pass zeroing C, and NaN/Inf in C never read).
template <class T>
struct AccOp {
  const T* src;
  std::ptrdiff_t dst;  // offset of block z in C
  T coef;
  bool set;
};

template <class T>
struct Engine {
  static constexpr int kMaxDepth = 2;
  const typename Tab<T>::Tables* levels[kMaxDepth] = {nullptr, nullptr};
  int depth = 0;
  int batch = 1;

  // Whether level 0 applies to an m x n x k product (every block dimension at
  // least 1); otherwise the engine passes the whole product to OpenBLAS.
  bool applies(int m, int n, int k) const {
    return m / levels[0]->m > 0 && n / levels[0]->n > 0 && k / levels[0]->k > 0;
  }

  // Temporaries of level l alone (the largest batch's S, T and M blocks).
  std::size_t own_workspace(int l, int m, int n, int k) const {
    if (l >= depth || l >= kMaxDepth || m <= 0 || n <= 0 || k <= 0) return 0;
    const Level<T> L{levels[l]};
    const std::size_t mb = static_cast<std::size_t>(m / L.t->m), kb = static_cast<std::size_t>(k / L.t->k),
                      nb = static_cast<std::size_t>(n / L.t->n);
    if (mb == 0 || kb == 0 || nb == 0) return 0;
    std::size_t most = 0;
    for (int r0 = 0; r0 < L.t->rank; r0 += batch) {
      std::size_t need = 0;
      for (int r = r0; r < std::min(L.t->rank, r0 + batch); ++r) {
        if (L.need_s(r)) need += mb * kb;
        if (L.need_t(r)) need += kb * nb;
        if (L.need_m(r)) need += mb * nb;
      }
      most = std::max(most, need);
    }
    return most;
  }

  // Workspace of level l and below, one thread (the next level runs inside a leaf).
  std::size_t workspace(int l, int m, int n, int k) const {
    if (l >= depth || l >= kMaxDepth || m <= 0 || n <= 0 || k <= 0) return 0;
    const Level<T> L{levels[l]};
    const int mb = m / L.t->m, kb = k / L.t->k, nb = n / L.t->n;
    if (mb == 0 || kb == 0 || nb == 0) return 0;
    return own_workspace(l, m, n, k) + workspace(l + 1, mb, nb, kb);
  }

  // dst_g = sum of coef * block over the forms of the batch's products that
  // need a copy, one pass over the source rows [row_lo, row_hi).
  static void combine(const Operand<T>& x, const typename Tab<T>::Term* const* forms, const int* nterms, T* const* dst,
                      int count, int row_lo, int row_hi) {
    const int cols = x.stored_cols();
    for (int i = row_lo; i < row_hi; ++i) {
      const std::ptrdiff_t so = static_cast<std::ptrdiff_t>(i) * x.ld, dofs = static_cast<std::ptrdiff_t>(i) * cols;
      for (int g = 0; g < count; ++g) {
        const auto* f = forms[g];
        T* d = dst[g] + dofs;
        int t = 0;
        if (nterms[g] >= 2) {
          row_set2(d, x.block(f[0].block) + so, f[0].coef, x.block(f[1].block) + so, f[1].coef, cols);
          t = 2;
        } else {
          row_set(d, x.block(f[0].block) + so, f[0].coef, cols);
          t = 1;
        }
        for (; t + 1 < nterms[g]; t += 2) {
          row_axpy2(d, x.block(f[t].block) + so, f[t].coef, x.block(f[t + 1].block) + so, f[t + 1].coef, cols);
        }
        if (t < nterms[g]) row_axpy(d, x.block(f[t].block) + so, f[t].coef, cols);
      }
    }
  }

  void leaf(int l, bool ta, bool tb, int m, int n, int k, T alpha, const T* A, int lda, const T* B, int ldb, T beta,
            T* C, int ldc, T* work) const {
    if (l >= depth) {
      Tab<T>::gemm(ta, tb, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc);
    } else {
      run(l, ta, tb, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc, work,
          work + own_workspace(l, m, n, k), Team{});
    }
  }

  static void scale(T* c, int ldc, int row_lo, int row_hi, int cols, T beta) {
    if (beta == T(1)) return;
    for (int i = row_lo; i < row_hi; ++i) {
      T* d = c + static_cast<std::ptrdiff_t>(i) * ldc;
      if (beta == T(0)) {
        std::fill(d, d + cols, T(0));
      } else {
        row_scale(d, beta, cols);
      }
    }
  }

  // The leaf products of batch [r0, r1) this thread runs, in product order.
  // A team of one runs them all. A team of two balances the count: a product
  // accumulated into C by its leaf shares its C block with no product on the
  // other thread (a group per block, so the two never write one block at the
  // same time), groups go largest first to the less loaded thread, and when
  // one product is left over it is split by rows between the two.
  // direct[g]: the batch's g-th product is accumulated into C by its leaf
  // (its block in target[g]); beta_of[g] the beta its leaf uses.
  static int plan_leaves(const Team& team, int r0, int r1, const bool* active, const bool* direct, const int* target,
                         const T* beta_of, int mb, LeafJob<T>* jobs) {
    const int count = r1 - r0;
    if (team.size == 1) {
      int n = 0;
      for (int g = 0; g < count; ++g) {
        if (active[g]) jobs[n++] = {r0 + g, 0, mb, beta_of[g]};
      }
      return n;
    }
    constexpr int kMax = 128;
    int group[kMax], size[kMax], owner[kMax], order[kMax];
    int groups = 0;
    for (int g = 0; g < count; ++g) {
      group[g] = -1;
      if (!active[g]) continue;
      if (direct[g]) {
        for (int h = 0; h < g; ++h) {
          if (active[h] && direct[h] && target[h] == target[g]) {
            group[g] = group[h];
            break;
          }
        }
      }
      if (group[g] < 0) {
        size[groups] = 0;
        group[g] = groups++;
      }
      ++size[group[g]];
    }
    for (int q = 0; q < groups; ++q) order[q] = q;
    std::stable_sort(order, order + groups, [&](int a, int b) { return size[a] > size[b]; });
    int load[2] = {0, 0};
    for (int q = 0; q < groups; ++q) {
      const int t = load[1] < load[0] ? 1 : 0;
      owner[order[q]] = t;
      load[t] += size[order[q]];
    }
    // Moving a single product to the lighter thread narrows the gap by 2; a
    // gap of 1 is closed by splitting one.
    auto single_on = [&](int t) {
      for (int q = groups - 1; q >= 0; --q) {
        if (owner[q] == t && size[q] == 1) return q;
      }
      return -1;
    };
    int split = -1;
    for (;;) {
      const int heavy = load[1] > load[0] ? 1 : 0, gap = load[heavy] - load[1 - heavy];
      const int q = gap >= 1 ? single_on(heavy) : -1;
      if (q < 0) break;
      if (gap >= 2) {
        owner[q] = 1 - heavy;
        --load[heavy];
        ++load[1 - heavy];
      } else {
        split = q;
        break;
      }
    }
    int n = 0;
    const int half = mb / 2;
    for (int g = 0; g < count; ++g) {
      if (group[g] < 0) continue;
      if (group[g] == split) {
        // The owner keeps the upper rows, the other thread takes the lower.
        if (owner[split] == team.id) {
          jobs[n++] = {r0 + g, 0, half, beta_of[g]};
        } else {
          jobs[n++] = {r0 + g, half, mb, beta_of[g]};
        }
      } else if (owner[group[g]] == team.id) {
        jobs[n++] = {r0 + g, 0, mb, beta_of[g]};
      }
    }
    return n;
  }

  // C = alpha*op(A)*op(B) + beta*C with level l of the scheme (row-major).
  // `work` holds this level's temporaries (shared by the team), `sub` this
  // thread's workspace for the next level. Every member of the team calls
  // this with the same arguments but its own `sub` and `team.id`.
  void run(int l, bool ta, bool tb, int m, int n, int k, T alpha, const T* A, int lda, const T* B, int ldb, T beta,
           T* C, int ldc, T* work, T* sub, const Team& team) const {
    const Level<T> L{levels[l]};
    const auto* tt = L.t;
    const bool prof = l == 0 && profile::enabled();
    auto t0 = prof ? std::chrono::steady_clock::now() : std::chrono::steady_clock::time_point{};
    const int mb = m / tt->m, kb = k / tt->k, nb = n / tt->n;
    if (mb == 0 || kb == 0 || nb == 0) {
      if (team.id == 0) Tab<T>::gemm(ta, tb, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc);
      return;
    }
    const int m0 = mb * tt->m, k0 = kb * tt->k, n0 = nb * tt->n;
    // Rows of the fringes and of the scaling, split like the passes.
    auto rows_of_a = [&](int i) { return ta ? A + i : A + static_cast<std::ptrdiff_t>(i) * lda; };
    auto rows_of_c = [&](int i) { return C + static_cast<std::ptrdiff_t>(i) * ldc; };
    if (n0 < n) {
      const auto [lo, hi] = team.part(m0);
      if (hi > lo) {
        Tab<T>::gemm(ta, tb, hi - lo, n - n0, k, alpha, rows_of_a(lo), lda,
                     tb ? B + static_cast<std::ptrdiff_t>(n0) * ldb : B + n0, ldb, beta, rows_of_c(lo) + n0, ldc);
      }
    }
    if (m0 < m) {
      const auto [lo, hi] = team.part(m - m0);
      if (hi > lo) {
        Tab<T>::gemm(ta, tb, hi - lo, n, k, alpha, rows_of_a(m0 + lo), lda, B, ldb, beta, rows_of_c(m0 + lo), ldc);
      }
    }
    // The pass adding a batch's products into C runs from a list of its terms
    // (ops below); a scheme with more terms in a batch than the list holds
    // (far beyond 4x4) takes a plain loop instead.
    constexpr int kMaxOps = 1024;
    int max_terms = 0;
    for (int r0 = 0; r0 < tt->rank; r0 += batch) {
      int terms = 0;
      for (int r = r0; r < std::min(tt->rank, r0 + batch); ++r) {
        if (L.need_m(r)) terms += L.count(tt->w_begin, r);
      }
      max_terms = std::max(max_terms, terms);
    }
    const bool ops_fit = max_terms <= kMaxOps;
    // beta = 0: no zeroing pass; the first product to reach a C block sets it.
    constexpr int kMaxBlocks = 1024;
    const int blocks = tt->m * tt->n;
    const bool first_sets = beta == T(0) && blocks <= kMaxBlocks && ops_fit;
    bool touched[kMaxBlocks];
    std::fill(touched, touched + std::min(blocks, kMaxBlocks), !first_sets);
    if (!first_sets) {
      const auto [lo, hi] = team.part(m0);
      scale(C, ldc, lo, hi, n0, beta);
    }

    const Operand<T> opa{A, lda, tt->k, mb, kb, ta};
    const Operand<T> opb{B, ldb, tt->n, kb, nb, tb};
    const auto [a_lo, a_hi] = team.part(opa.stored_rows());
    const auto [b_lo, b_hi] = team.part(opb.stored_rows());
    const auto [c_lo, c_hi] = team.part(mb);
    constexpr int kMaxBatch = 128;
    const typename Tab<T>::Term* fs[kMaxBatch];
    const typename Tab<T>::Term* ft[kMaxBatch];
    int ns[kMaxBatch], nt[kMaxBatch], target[kMaxBatch];
    T* ds[kMaxBatch];
    T* dt[kMaxBatch];
    T* slot_s[kMaxBatch];
    T* slot_t[kMaxBatch];
    T* slot_m[kMaxBatch];
    bool act[kMaxBatch], direct[kMaxBatch];
    T beta_of[kMaxBatch];
    LeafJob<T> jobs[kMaxBatch];
    AccOp<T> ops[kMaxOps];
    const std::size_t es = static_cast<std::size_t>(mb) * kb, et = static_cast<std::size_t>(kb) * nb,
                      em = static_cast<std::size_t>(mb) * nb;
    const int g_max = std::min(batch, kMaxBatch);
    auto c_block = [&](int z) { return block_offset(z / tt->n, z % tt->n, mb, nb, ldc); };
    for (int r0 = 0; r0 < tt->rank; r0 += g_max) {
      const int r1 = std::min(tt->rank, r0 + g_max);
      T* p = work;
      int cs = 0, ct = 0;
      for (int r = r0; r < r1; ++r) {
        const int g = r - r0;
        slot_s[g] = slot_t[g] = slot_m[g] = nullptr;
        act[g] = L.active(r);
        direct[g] = act[g] && !L.need_m(r);
        target[g] = direct[g] ? tt->w[tt->w_begin[r]].block : -1;
        if (L.need_s(r)) {
          slot_s[g] = p;
          p += es;
          fs[cs] = tt->u + tt->u_begin[r];
          ns[cs] = L.count(tt->u_begin, r);
          ds[cs++] = slot_s[g];
        }
        if (L.need_t(r)) {
          slot_t[g] = p;
          p += et;
          ft[ct] = tt->v + tt->v_begin[r];
          nt[ct] = L.count(tt->v_begin, r);
          dt[ct++] = slot_t[g];
        }
        if (L.need_m(r)) {
          slot_m[g] = p;
          p += em;
        }
      }
      // First touches, in the order the batch reaches C: the leaves that
      // accumulate into it (product order), then the pass adding the rest.
      for (int g = 0; g < r1 - r0; ++g) {
        beta_of[g] = T(1);
        if (!direct[g]) continue;
        const int z = target[g];
        if (z < kMaxBlocks && !touched[z]) {
          beta_of[g] = T(0);
          touched[z] = true;
        }
      }
      int nops = 0;
      for (int r = r0; r < r1 && ops_fit; ++r) {
        if (slot_m[r - r0] == nullptr) continue;
        const auto* w = tt->w + tt->w_begin[r];
        for (int q = 0; q < L.count(tt->w_begin, r); ++q) {
          const int z = w[q].block;
          const bool set = z < kMaxBlocks && !touched[z];
          if (z < kMaxBlocks) touched[z] = true;
          ops[nops++] = {slot_m[r - r0], c_block(z), w[q].coef, set};
        }
      }
      if (prof) t0 = profile::add(profile::kOther, t0);
      if (cs > 0) combine(opa, fs, ns, ds, cs, a_lo, a_hi);
      if (ct > 0) combine(opb, ft, nt, dt, ct, b_lo, b_hi);
      if (prof) t0 = profile::add(profile::kCombine, t0);
      team.sync();  // the temporaries are complete (and the previous batch's C pass done)
      if (prof) t0 = profile::add(profile::kOther, t0);
      const int njobs = plan_leaves(team, r0, r1, act, direct, target, beta_of, mb, jobs);
      for (int j = 0; j < njobs; ++j) {
        const LeafJob<T>& job = jobs[j];
        const int r = job.r, g = r - r0, rows = job.row_hi - job.row_lo;
        if (rows <= 0) continue;
        const auto* u = tt->u + tt->u_begin[r];
        const auto* v = tt->v + tt->v_begin[r];
        const auto* w = tt->w + tt->w_begin[r];
        T a = alpha;
        const T* s_ptr = slot_s[g];
        int lds = opa.stored_cols();
        if (s_ptr == nullptr) {
          s_ptr = opa.block(u[0].block);
          lds = lda;
          a *= u[0].coef;
        }
        // Rows of op(S): rows of S, or columns where S is stored transposed.
        s_ptr += ta ? job.row_lo : static_cast<std::ptrdiff_t>(job.row_lo) * lds;
        const T* t_ptr = slot_t[g];
        int ldt = opb.stored_cols();
        if (t_ptr == nullptr) {
          t_ptr = opb.block(v[0].block);
          ldt = ldb;
          a *= v[0].coef;
        }
        if (slot_m[g] == nullptr) {
          T* cb = C + c_block(w[0].block) + static_cast<std::ptrdiff_t>(job.row_lo) * ldc;
          leaf(l + 1, ta, tb, rows, nb, kb, a * w[0].coef, s_ptr, lds, t_ptr, ldt, job.beta, cb, ldc, sub);
        } else {
          leaf(l + 1, ta, tb, rows, nb, kb, a, s_ptr, lds, t_ptr, ldt, T(0),
               slot_m[g] + static_cast<std::ptrdiff_t>(job.row_lo) * nb, nb, sub);
        }
      }
      if (prof) t0 = profile::add(profile::kLeaf, t0);
      team.sync();  // the products are complete; the temporaries are no longer read
      if (prof) t0 = profile::add(profile::kOther, t0);
      if (ops_fit) {
        // Row-interleaved: each C row is read and written while it is in
        // cache for all the batch's products.
        for (int i = c_lo; i < c_hi; ++i) {
          const std::ptrdiff_t ci = static_cast<std::ptrdiff_t>(i) * ldc, mi = static_cast<std::ptrdiff_t>(i) * nb;
          for (int o = 0; o < nops; ++o) {
            if (ops[o].set) {
              row_set(C + ops[o].dst + ci, ops[o].src + mi, ops[o].coef, nb);
            } else {
              row_axpy(C + ops[o].dst + ci, ops[o].src + mi, ops[o].coef, nb);
            }
          }
        }
      } else {
        // More terms than the op list holds: C was scaled, add them all.
        for (int i = c_lo; i < c_hi; ++i) {
          for (int r = r0; r < r1; ++r) {
            const T* src = slot_m[r - r0];
            if (src == nullptr) continue;
            const auto* w = tt->w + tt->w_begin[r];
            for (int q = 0; q < L.count(tt->w_begin, r); ++q) {
              row_axpy(C + c_block(w[q].block) + static_cast<std::ptrdiff_t>(i) * ldc,
                       src + static_cast<std::ptrdiff_t>(i) * nb, w[q].coef, nb);
            }
          }
        }
      }
      if (prof) t0 = profile::add(profile::kAccumulate, t0);
      // The next batch's temporaries overwrite this batch's products, which
      // the other thread may still be adding into C.
      if (r1 < tt->rank) team.sync();
      if (prof) t0 = profile::add(profile::kOther, t0);
    }
    // A block no product reached (a scheme with a zero C block) still owes beta = 0.
    if (first_sets) {
      for (int z = 0; z < blocks; ++z) {
        if (!touched[z]) scale(C + c_block(z), ldc, c_lo, c_hi, nb, T(0));
      }
    }
    if (k0 < k) {
      team.sync();  // the k fringe adds to rows the other thread's C pass wrote
      const auto [lo, hi] = team.part(m0);
      if (hi > lo) {
        Tab<T>::gemm(ta, tb, hi - lo, n0, k - k0, alpha,
                     ta ? A + static_cast<std::ptrdiff_t>(k0) * lda + lo : A + static_cast<std::ptrdiff_t>(lo) * lda + k0,
                     lda, tb ? B + k0 : B + static_cast<std::ptrdiff_t>(k0) * ldb, ldb, T(1), rows_of_c(lo), ldc);
      }
    }
    if (prof) profile::add(profile::kOther, t0);
  }
};

template <class T>
bool make_engine(const Variant& v, Engine<T>& e) {
  if (v.scheme < 0 || v.scheme >= scheme_count()) return false;
  e.levels[0] = Tab<T>::get(scheme_at(v.scheme));
  if (e.levels[0] == nullptr) return false;
  e.depth = 1;
  if (v.scheme2 >= 0) {
    if (v.scheme2 >= scheme_count()) return false;
    e.levels[1] = Tab<T>::get(scheme_at(v.scheme2));
    if (e.levels[1] == nullptr) return false;
    e.depth = 2;
  }
  e.batch = std::max(1, v.batch);
  return true;
}

// Rows of the first half for split2: a multiple of the scheme's block rows
// when possible so both halves use the scheme fully.
int split_rows(int m, int sm) {
  const int half = m / 2;
  const int unit = sm;
  const int rounded = (half / unit) * unit;
  return rounded > 0 ? rounded : half;
}

// par2's workspace: the top level's temporaries, shared by the two threads,
// and one next-level workspace per thread (each runs its own leaves).
struct Par2Workspace {
  std::size_t own = 0, sub = 0;
  std::size_t total() const { return own + 2 * sub; }
};

template <class T>
Par2Workspace par2_workspace(const Engine<T>& e, int m, int n, int k) {
  Par2Workspace w;
  if (!e.applies(m, n, k)) return w;
  w.own = e.own_workspace(0, m, n, k);
  const auto* t = e.levels[0];
  w.sub = e.workspace(1, m / t->m, n / t->n, k / t->k);
  return w;
}

}  // namespace

const char* threads_name(Threads t) noexcept {
  switch (t) {
    case Threads::kSplit2:
      return "split2";
    case Threads::kPar2:
      return "par2";
    case Threads::kBlas:
      break;
  }
  return "blas";
}

std::string Variant::name() const {
  if (is_blas()) return "blas";
  std::string s = scheme_at(scheme).name;
  if (scheme2 >= 0) s += std::string("+") + scheme_at(scheme2).name;
  s += "/g" + std::to_string(batch) + "/" + threads_name(threads);
  return s;
}

std::optional<Variant> parse_variant(std::string_view text, std::string* error) {
  auto fail = [&](const std::string& why) -> std::optional<Variant> {
    if (error != nullptr) *error = "variant '" + std::string(text) + "': " + why;
    return std::nullopt;
  };
  Variant v;
  if (text == "blas") return v;
  const std::size_t s1 = text.find('/');
  if (s1 == std::string_view::npos) return fail("expected blas or <scheme>[+<scheme2>]/g<G>/<blas|split2|par2>");
  const std::size_t s2 = text.find('/', s1 + 1);
  if (s2 == std::string_view::npos) return fail("expected blas or <scheme>[+<scheme2>]/g<G>/<blas|split2|par2>");
  const std::string_view schemes = text.substr(0, s1), g = text.substr(s1 + 1, s2 - s1 - 1),
                         th = text.substr(s2 + 1);
  const std::size_t plus = schemes.find('+');
  const std::string first(schemes.substr(0, plus));
  v.scheme = find_scheme(first.c_str());
  if (v.scheme < 0) return fail("no scheme '" + first + "' in this build (built: " + scheme_names_joined() + ")");
  if (plus != std::string_view::npos) {
    const std::string second(schemes.substr(plus + 1));
    v.scheme2 = find_scheme(second.c_str());
    if (v.scheme2 < 0) return fail("no scheme '" + second + "' in this build (built: " + scheme_names_joined() + ")");
  }
  if (g.size() < 2 || g[0] != 'g') return fail("batch must be g<1..128>");
  int batch = 0;
  const auto [ptr, ec] = std::from_chars(g.data() + 1, g.data() + g.size(), batch);
  if (ec != std::errc() || ptr != g.data() + g.size() || batch < 1 || batch > 128) {
    return fail("batch must be g<1..128>");
  }
  v.batch = batch;
  bool known = false;
  for (Threads t : {Threads::kBlas, Threads::kSplit2, Threads::kPar2}) {
    if (th == threads_name(t)) {
      v.threads = t;
      known = true;
    }
  }
  if (!known) return fail("threads must be blas, split2 or par2");
  return v;
}

template <class T>
bool variant_available(const Variant& v) noexcept {
  if (v.is_blas()) return true;
  Engine<T> e;
  return make_engine(v, e);
}

template <class T>
std::size_t variant_workspace_elements(const Variant& v, int m, int n, int k) noexcept {
  Engine<T> e;
  if (v.is_blas() || !make_engine(v, e)) return 0;
  if (v.threads == Threads::kBlas) return e.workspace(0, m, n, k);
  if (v.threads == Threads::kPar2) return par2_workspace(e, m, n, k).total();
  const int m1 = split_rows(m, e.levels[0]->m);
  return e.workspace(0, m1, n, k) + e.workspace(0, m - m1, n, k);
}

template <class T>
void gemm_variant(const Variant& v, const GemmCall<T>& c) {
  GemmCall<T> r = c;
  if (!c.row_major) {  // C^T = op(B)^T op(A)^T, as in cpu/block.cpp
    std::swap(r.A, r.B);
    std::swap(r.lda, r.ldb);
    std::swap(r.trans_a, r.trans_b);
    std::swap(r.m, r.n);
  }
  Engine<T> e;
  if (v.is_blas() || !make_engine(v, e)) {
    Tab<T>::gemm(r.trans_a, r.trans_b, r.m, r.n, r.k, r.alpha, r.A, r.lda, r.B, r.ldb, r.beta, r.C, r.ldc);
    return;
  }
  if (v.threads == Threads::kBlas || (v.threads == Threads::kSplit2 && r.m < 2) || !e.applies(r.m, r.n, r.k)) {
    // One thread (below the scheme's block size: OpenBLAS with its threads).
    const std::size_t own = e.own_workspace(0, r.m, r.n, r.k);
    T* work = static_cast<T*>(thread_workspace(e.workspace(0, r.m, r.n, r.k) * sizeof(T)));
    e.run(0, r.trans_a, r.trans_b, r.m, r.n, r.k, r.alpha, r.A, r.lda, r.B, r.ldb, r.beta, r.C, r.ldc, work,
          work + own, Team{});
    return;
  }
  if (v.threads == Threads::kPar2) {
    const Par2Workspace pw = par2_workspace(e, r.m, r.n, r.k);
    T* work = static_cast<T*>(thread_workspace(pw.total() * sizeof(T)));
    SingleThreadedBlas single;
    const TeamPlacement placement;  // one member per core while OpenBLAS's idle worker spins
    std::barrier<> phases(2);
    auto member = [&](int id, int size) {
      if (id == 1) placement.place_helper();
      e.run(0, r.trans_a, r.trans_b, r.m, r.n, r.k, r.alpha, r.A, r.lda, r.B, r.ldb, r.beta, r.C, r.ldc, work,
            work + pw.own + static_cast<std::size_t>(id) * pw.sub, Team{id, size, &phases});
    };
    std::thread helper;
    try {
      helper = std::thread(member, 1, 2);
    } catch (const std::system_error&) {
      member(0, 1);  // no thread to be had: a team of one does it all
      return;
    }
    member(0, 2);
    helper.join();
    return;
  }
  const int m1 = split_rows(r.m, e.levels[0]->m), m2 = r.m - m1;
  const std::size_t w1 = e.workspace(0, m1, r.n, r.k), w2 = e.workspace(0, m2, r.n, r.k);
  T* work = static_cast<T*>(thread_workspace((w1 + w2) * sizeof(T)));
  const T* a2 = r.trans_a ? r.A + m1 : r.A + static_cast<std::ptrdiff_t>(m1) * r.lda;
  T* c2 = r.C + static_cast<std::ptrdiff_t>(m1) * r.ldc;
  SingleThreadedBlas single;
  const TeamPlacement placement;  // as for par2: one half per core
  auto half = [&](int m_half, const T* a_half, T* c_half, T* w) {
    e.run(0, r.trans_a, r.trans_b, m_half, r.n, r.k, r.alpha, a_half, r.lda, r.B, r.ldb, r.beta, c_half, r.ldc, w,
          w + e.own_workspace(0, m_half, r.n, r.k), Team{});
  };
  auto second = [&] { half(m2, a2, c2, work + w1); };
  std::thread helper;
  try {
    helper = std::thread([&] {
      placement.place_helper();
      second();
    });
  } catch (const std::system_error&) {
    second();  // no thread to be had: run both halves here
  }
  half(m1, r.A, r.C, work);
  if (helper.joinable()) helper.join();
}

template bool variant_available<double>(const Variant&) noexcept;
template bool variant_available<float>(const Variant&) noexcept;
template std::size_t variant_workspace_elements<double>(const Variant&, int, int, int) noexcept;
template std::size_t variant_workspace_elements<float>(const Variant&, int, int, int) noexcept;
template void gemm_variant<double>(const Variant&, const GemmCall<double>&);
template void gemm_variant<float>(const Variant&, const GemmCall<float>&);

}  // namespace lai::cpu
