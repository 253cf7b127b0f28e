#include "cpu/fast_gemm.h"

#include <cblas.h>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <mutex>
#include <string>
#include <system_error>
#include <thread>

#include "cpu/fast_gemm_profile.h"
#include "cpu/registry.h"
#include "cpu/workspace.h"

// OpenBLAS's thread control (cblas.h of Debian's OpenBLAS declares them).
extern "C" {
void openblas_set_num_threads(int num_threads);
int openblas_get_num_threads(void);
}

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

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
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

template <class T>
struct Engine {
  const typename Tab<T>::Tables* levels[2] = {nullptr, nullptr};
  int depth = 0;
  int batch = 1;

  // Workspace elements of level l and below for a row-major m x n x k product.
  std::size_t workspace(int l, int m, int n, int k) const {
    if (l >= depth || m <= 0 || n <= 0 || k <= 0) return 0;
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
    return most + workspace(l + 1, static_cast<int>(mb), static_cast<int>(nb), static_cast<int>(kb));
  }

  // dst_g = sum of coef * block over the forms of the batch's products that
  // need a copy, one pass over the source rows.
  static void combine(const Operand<T>& x, const typename Tab<T>::Term* const* forms, const int* nterms, T* const* dst,
                      int count) {
    const int rows = x.stored_rows(), cols = x.stored_cols();
    for (int i = 0; i < rows; ++i) {
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
      run(l, ta, tb, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc, work);
    }
  }

  static void scale(T* c, int ldc, int rows, int cols, T beta) {
    if (beta == T(1)) return;
    for (int i = 0; i < rows; ++i) {
      T* d = c + static_cast<std::ptrdiff_t>(i) * ldc;
      if (beta == T(0)) {
        std::fill(d, d + cols, T(0));
      } else {
        row_scale(d, beta, cols);
      }
    }
  }

  // C = alpha*op(A)*op(B) + beta*C with level l of the scheme (row-major).
  void run(int l, bool ta, bool tb, int m, int n, int k, T alpha, const T* A, int lda, const T* B, int ldb, T beta,
           T* C, int ldc, T* work) const {
    const Level<T> L{levels[l]};
    const auto* tt = L.t;
    const bool prof = l == 0 && profile::enabled();
    auto t0 = prof ? std::chrono::steady_clock::now() : std::chrono::steady_clock::time_point{};
    const int mb = m / tt->m, kb = k / tt->k, nb = n / tt->n;
    if (mb == 0 || kb == 0 || nb == 0) {
      Tab<T>::gemm(ta, tb, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc);
      return;
    }
    const int m0 = mb * tt->m, k0 = kb * tt->k, n0 = nb * tt->n;
    if (n0 < n) {
      Tab<T>::gemm(ta, tb, m0, n - n0, k, alpha, A, lda, tb ? B + static_cast<std::ptrdiff_t>(n0) * ldb : B + n0,
                   ldb, beta, C + n0, ldc);
    }
    if (m0 < m) {
      Tab<T>::gemm(ta, tb, m - m0, n, k, alpha, ta ? A + m0 : A + static_cast<std::ptrdiff_t>(m0) * lda, lda, B,
                   ldb, beta, C + static_cast<std::ptrdiff_t>(m0) * ldc, ldc);
    }
    scale(C, ldc, m0, n0, beta);

    const Operand<T> opa{A, lda, tt->k, mb, kb, ta};
    const Operand<T> opb{B, ldb, tt->n, kb, nb, tb};
    const std::size_t own = workspace(l, m, n, k) - workspace(l + 1, mb, nb, kb);
    T* const sub = work + own;  // the next level's workspace
    constexpr int kMaxBatch = 128;
    const typename Tab<T>::Term* fs[kMaxBatch];
    const typename Tab<T>::Term* ft[kMaxBatch];
    int ns[kMaxBatch], nt[kMaxBatch];
    T* ds[kMaxBatch];
    T* dt[kMaxBatch];
    T* slot_s[kMaxBatch];
    T* slot_t[kMaxBatch];
    T* slot_m[kMaxBatch];
    const std::size_t es = static_cast<std::size_t>(mb) * kb, et = static_cast<std::size_t>(kb) * nb,
                      em = static_cast<std::size_t>(mb) * nb;
    const int g_max = std::min(batch, kMaxBatch);
    for (int r0 = 0; r0 < tt->rank; r0 += g_max) {
      const int r1 = std::min(tt->rank, r0 + g_max);
      T* p = work;
      int cs = 0, ct = 0;
      for (int r = r0; r < r1; ++r) {
        const int g = r - r0;
        slot_s[g] = slot_t[g] = slot_m[g] = nullptr;
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
      if (prof) t0 = profile::add(profile::kOther, t0);
      if (cs > 0) combine(opa, fs, ns, ds, cs);
      if (ct > 0) combine(opb, ft, nt, dt, ct);
      if (prof) t0 = profile::add(profile::kCombine, t0);
      bool any_m = false;
      for (int r = r0; r < r1; ++r) {
        if (!L.active(r)) continue;
        const int g = r - r0;
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
        const T* t_ptr = slot_t[g];
        int ldt = opb.stored_cols();
        if (t_ptr == nullptr) {
          t_ptr = opb.block(v[0].block);
          ldt = ldb;
          a *= v[0].coef;
        }
        if (slot_m[g] == nullptr) {
          T* cb = C + block_offset(w[0].block / tt->n, w[0].block % tt->n, mb, nb, ldc);
          leaf(l + 1, ta, tb, mb, nb, kb, a * w[0].coef, s_ptr, lds, t_ptr, ldt, T(1), cb, ldc, sub);
        } else {
          leaf(l + 1, ta, tb, mb, nb, kb, a, s_ptr, lds, t_ptr, ldt, T(0), slot_m[g], nb, sub);
          any_m = true;
        }
      }
      if (prof) t0 = profile::add(profile::kLeaf, t0);
      if (any_m) {
        // C_z += w * M_r for the batch, row-interleaved: each C row is read
        // and written while it is in cache for all the batch's products.
        for (int i = 0; i < mb; ++i) {
          for (int r = r0; r < r1; ++r) {
            const T* src = slot_m[r - r0];
            if (src == nullptr) continue;
            src += static_cast<std::ptrdiff_t>(i) * nb;
            const auto* w = tt->w + tt->w_begin[r];
            const int nw = L.count(tt->w_begin, r);
            for (int q = 0; q < nw; ++q) {
              T* d = C + block_offset(w[q].block / tt->n, w[q].block % tt->n, mb, nb, ldc) +
                     static_cast<std::ptrdiff_t>(i) * ldc;
              row_axpy(d, src, w[q].coef, nb);
            }
          }
        }
      }
      if (prof) t0 = profile::add(profile::kAccumulate, t0);
    }
    if (k0 < k) {
      Tab<T>::gemm(ta, tb, m0, n0, k - k0, alpha, ta ? A + static_cast<std::ptrdiff_t>(k0) * lda : A + k0, lda,
                   tb ? B + k0 : B + static_cast<std::ptrdiff_t>(k0) * ldb, ldb, T(1), C, ldc);
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

// openblas_set_num_threads is process-wide: concurrent split2 calls share
// one "single-threaded" period, and the last one out restores the setting.
std::mutex g_blas_threads_mutex;
int g_blas_threads_users = 0;
int g_blas_threads_saved = 1;

struct SingleThreadedBlas {
  SingleThreadedBlas() {
    std::lock_guard<std::mutex> lock(g_blas_threads_mutex);
    if (g_blas_threads_users++ == 0) {
      g_blas_threads_saved = openblas_get_num_threads();
      openblas_set_num_threads(1);
    }
  }
  ~SingleThreadedBlas() {
    std::lock_guard<std::mutex> lock(g_blas_threads_mutex);
    if (--g_blas_threads_users == 0) openblas_set_num_threads(g_blas_threads_saved);
  }
  SingleThreadedBlas(const SingleThreadedBlas&) = delete;
  SingleThreadedBlas& operator=(const SingleThreadedBlas&) = delete;
};

}  // namespace

std::string Variant::name() const {
  if (is_blas()) return "blas";
  std::string s = scheme_at(scheme).name;
  if (scheme2 >= 0) s += std::string("+") + scheme_at(scheme2).name;
  s += "/g" + std::to_string(batch) + (split2 ? "/split2" : "/blas");
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
  if (s1 == std::string_view::npos) return fail("expected blas or <scheme>[+<scheme2>]/g<G>/<blas|split2>");
  const std::size_t s2 = text.find('/', s1 + 1);
  if (s2 == std::string_view::npos) return fail("expected blas or <scheme>[+<scheme2>]/g<G>/<blas|split2>");
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
  if (th == "split2") {
    v.split2 = true;
  } else if (th != "blas") {
    return fail("threads must be blas or split2");
  }
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
  if (!v.split2) return e.workspace(0, m, n, k);
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
  if (!v.split2 || r.m < 2) {
    T* work = static_cast<T*>(thread_workspace(e.workspace(0, r.m, r.n, r.k) * sizeof(T)));
    e.run(0, r.trans_a, r.trans_b, r.m, r.n, r.k, r.alpha, r.A, r.lda, r.B, r.ldb, r.beta, r.C, r.ldc, work);
    return;
  }
  const int m1 = split_rows(r.m, e.levels[0]->m), m2 = r.m - m1;
  const std::size_t w1 = e.workspace(0, m1, r.n, r.k), w2 = e.workspace(0, m2, r.n, r.k);
  T* work = static_cast<T*>(thread_workspace((w1 + w2) * sizeof(T)));
  const T* a2 = r.trans_a ? r.A + m1 : r.A + static_cast<std::ptrdiff_t>(m1) * r.lda;
  T* c2 = r.C + static_cast<std::ptrdiff_t>(m1) * r.ldc;
  SingleThreadedBlas single;
  auto second = [&] { e.run(0, r.trans_a, r.trans_b, m2, r.n, r.k, r.alpha, a2, r.lda, r.B, r.ldb, r.beta, c2, r.ldc, work + w1); };
  std::thread helper;
  try {
    helper = std::thread(second);
  } catch (const std::system_error&) {
    second();  // no thread to be had: run both halves here
  }
  e.run(0, r.trans_a, r.trans_b, m1, r.n, r.k, r.alpha, r.A, r.lda, r.B, r.ldb, r.beta, r.C, r.ldc, work);
  if (helper.joinable()) helper.join();
}

template bool variant_available<double>(const Variant&) noexcept;
template bool variant_available<float>(const Variant&) noexcept;
template std::size_t variant_workspace_elements<double>(const Variant&, int, int, int) noexcept;
template std::size_t variant_workspace_elements<float>(const Variant&, int, int, int) noexcept;
template void gemm_variant<double>(const Variant&, const GemmCall<double>&);
template void gemm_variant<float>(const Variant&, const GemmCall<float>&);

}  // namespace lai::cpu
