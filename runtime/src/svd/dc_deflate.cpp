// Deflation plan of a divide-and-conquer merge and its application on the
// host (dc_deflate.h says what and why). plan_deflation follows the
// decisions of LAPACK 3.x ?lasd2 step by step (the same tolerance, the same
// order of tests, ?lamrg's merge and ?lapy2's norms), on 1-based scratch
// arrays so that its index arithmetic reads as ?lasd2's does; only the
// columns' order differs: ?lasd2 groups U2's columns by their zero
// structure for ?lasd3's blockwise products, the plan keeps them in the
// order of dsigma (the dense products need no grouping).
#include "svd/dc_deflate.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>

#include "svd/parallel_for.h"

extern "C" {
void dlamrg_(const int* n1, const int* n2, const double* a, const int* dtrd1, const int* dtrd2, int* index);
void slamrg_(const int* n1, const int* n2, const float* a, const int* dtrd1, const int* dtrd2, int* index);
double dlapy2_(const double* x, const double* y);
float slapy2_(const float* x, const float* y);
}

namespace lai::svd {

namespace {

void lamrg(int n1, int n2, const double* a, int* index) {
  const int one = 1;
  dlamrg_(&n1, &n2, a, &one, &one, index);
}
void lamrg(int n1, int n2, const float* a, int* index) {
  const int one = 1;
  slamrg_(&n1, &n2, a, &one, &one, index);
}
double lapy2(double x, double y) { return dlapy2_(&x, &y); }
float lapy2(float x, float y) { return slapy2_(&x, &y); }

}  // namespace

template <class T>
int plan_deflation(int nl, int nr, int sqre, T* D, T alpha, T beta, const T* vt_left, const T* vt_right,
                   const int* idxq_in, DeflationPlan<T>& plan) {
  const int N = nl + nr + 1, M = N + sqre, NLP1 = nl + 1, NLP2 = nl + 2;
  // 1-based scratch: d, z (M), dsig, zs (?lasd2's U2(:,1) storage), idxq,
  // idx, idxp.
  std::vector<T> d(static_cast<std::size_t>(N) + 1), z(static_cast<std::size_t>(M) + 1),
      dsig(static_cast<std::size_t>(N) + 1), zs(static_cast<std::size_t>(N) + 1);
  std::vector<int> idxq(static_cast<std::size_t>(N) + 1), idx(static_cast<std::size_t>(N) + 1),
      idxp(static_cast<std::size_t>(N) + 1);
  for (int i = 1; i <= N; ++i) {
    d[static_cast<std::size_t>(i)] = D[i - 1];
    idxq[static_cast<std::size_t>(i)] = idxq_in[i - 1];
  }
  auto at = [](auto& v, int i) -> auto& { return v[static_cast<std::size_t>(i)]; };

  // The updating row z and the left values moved one place back.
  const T z1 = alpha * vt_left[nl];
  at(z, 1) = z1;
  for (int i = nl; i >= 1; --i) {
    at(z, i + 1) = alpha * vt_left[i - 1];
    at(d, i + 1) = at(d, i);
    at(idxq, i + 1) = at(idxq, i) + 1;
  }
  for (int i = NLP2; i <= M; ++i) at(z, i) = beta * vt_right[i - NLP2];
  for (int i = NLP2; i <= N; ++i) at(idxq, i) += NLP1;

  // Sort the values (both halves are sorted; merge them).
  for (int i = 2; i <= N; ++i) {
    at(dsig, i) = at(d, at(idxq, i));
    at(zs, i) = at(z, at(idxq, i));
  }
  lamrg(nl, nr, &at(dsig, 2), &at(idx, 2));
  for (int i = 2; i <= N; ++i) {
    const int idxi = 1 + at(idx, i);
    at(d, i) = at(dsig, idxi);
    at(z, i) = at(zs, idxi);
  }

  const T eps = std::numeric_limits<T>::epsilon() / 2;  // LAPACK's ?lamch('E')
  T tol = std::max(std::fabs(alpha), std::fabs(beta));
  tol = T(8) * eps * std::max(std::fabs(at(d, N)), tol);

  // The old column of U (row of VT) behind sorted position j.
  auto old_col = [&](int j) {
    int c = at(idxq, at(idx, j) + 1);
    if (c <= NLP1) --c;
    return c;  // 1-based
  };

  plan.rotations.clear();
  int K = 1, K2 = N + 1, jprev = 0;
  bool all_small = true;
  for (int j = 2; j <= N; ++j) {
    if (std::fabs(at(z, j)) <= tol) {  // small z: deflates
      at(idxp, --K2) = j;
    } else {
      jprev = j;
      all_small = false;
      break;
    }
  }
  if (!all_small) {
    for (int j = jprev + 1; j <= N; ++j) {
      if (std::fabs(at(z, j)) <= tol) {
        at(idxp, --K2) = j;
      } else if (std::fabs(at(d, j) - at(d, jprev)) <= tol) {
        // Close values: a rotation zeroes z(jprev), which deflates.
        T s = at(z, jprev), c = at(z, j);
        const T tau = lapy2(c, s);
        c /= tau;
        s = -s / tau;
        at(z, j) = tau;
        at(z, jprev) = 0;
        plan.rotations.push_back({old_col(jprev) - 1, old_col(j) - 1, c, s});
        at(idxp, --K2) = jprev;
        jprev = j;
      } else {
        ++K;
        at(zs, K) = at(z, jprev);
        at(dsig, K) = at(d, jprev);
        at(idxp, K) = jprev;
        jprev = j;
      }
    }
    ++K;
    at(zs, K) = at(z, jprev);
    at(dsig, K) = at(d, jprev);
    at(idxp, K) = jprev;
  }

  plan.K = K;
  plan.src.assign(static_cast<std::size_t>(N), nl);
  for (int j = 2; j <= N; ++j) {
    const int jp = at(idxp, j);
    at(dsig, j) = at(d, jp);
    plan.src[static_cast<std::size_t>(j) - 1] = old_col(jp) - 1;
  }
  at(dsig, 1) = 0;
  const T hlftol = tol / 2;
  if (N >= 2 && std::fabs(at(dsig, 2)) <= hlftol) at(dsig, 2) = hlftol;
  plan.c0 = 1;
  plan.s0 = 0;
  if (M > N) {
    at(z, 1) = lapy2(z1, at(z, M));
    if (at(z, 1) <= tol) {
      at(z, 1) = tol;
    } else {
      plan.c0 = z1 / at(z, 1);
      plan.s0 = at(z, M) / at(z, 1);
    }
  } else {
    at(z, 1) = std::fabs(z1) <= tol ? tol : z1;
  }
  plan.z.assign(static_cast<std::size_t>(K), T(0));
  plan.z[0] = at(z, 1);
  for (int j = 2; j <= K; ++j) plan.z[static_cast<std::size_t>(j) - 1] = at(zs, j);
  plan.dsigma.assign(dsig.begin() + 1, dsig.end());
  for (int j = K; j < N; ++j) D[j] = plan.dsigma[static_cast<std::size_t>(j)];
  return 0;
}

template <class T>
void apply_deflation_u(const DeflationPlan<T>& plan, int nl, int N, T* U, int ldu, T* U2, int ldu2, int threads) {
  auto col = [](T* a, int ld, int j) { return a + static_cast<std::size_t>(j) * ld; };
  if (!plan.rotations.empty()) {
    // Rotations of U's columns act row by row: blocks of rows in parallel,
    // each taking the rotations in ?lasd2's order.
    constexpr int kRows = 64;
    parallel_for(
        (N + kRows - 1) / kRows, threads,
        [&](int blk) {
          const int r0 = blk * kRows, r1 = std::min(N, r0 + kRows);
          for (const auto& g : plan.rotations) {
            T* x = col(U, ldu, g.a);
            T* y = col(U, ldu, g.b);
            for (int i = r0; i < r1; ++i) {
              const T xi = x[i], yi = y[i];
              x[i] = g.c * xi + g.s * yi;
              y[i] = g.c * yi - g.s * xi;
            }
          }
        },
        1);
  }
  parallel_for(N, threads, [&](int j) {
    T* dst = col(U2, ldu2, j);
    if (j == 0) {
      std::fill(dst, dst + N, T(0));
      dst[nl] = 1;
    } else {
      std::copy_n(col(U, ldu, plan.src[static_cast<std::size_t>(j)]), N, dst);
    }
  });
  parallel_for(N - plan.K, threads, [&](int t) {
    const int j = plan.K + t;
    std::copy_n(col(U2, ldu2, j), N, col(U, ldu, j));
  });
}

template <class T>
void apply_deflation_vt(const DeflationPlan<T>& plan, int nl, int N, int M, T* VT, int ldvt, T* VT2, int ldvt2,
                        int threads) {
  parallel_for(M, threads, [&](int c) {
    T* v = VT + static_cast<std::size_t>(c) * ldvt;
    T* v2 = VT2 + static_cast<std::size_t>(c) * ldvt2;
    for (const auto& g : plan.rotations) {
      const T x = v[g.a], y = v[g.b];
      v[g.a] = g.c * x + g.s * y;
      v[g.b] = g.c * y - g.s * x;
    }
    for (int j = 1; j < N; ++j) v2[j] = v[plan.src[static_cast<std::size_t>(j)]];
    if (M > N) {
      if (c <= nl) {
        v2[0] = plan.c0 * v[nl];
        v[M - 1] = -plan.s0 * v[nl];
      } else {
        v2[0] = plan.s0 * v[M - 1];
        v[M - 1] = plan.c0 * v[M - 1];
      }
      v2[M - 1] = v[M - 1];
    } else {
      v2[0] = v[nl];
    }
    for (int j = plan.K; j < N; ++j) v[j] = v2[j];
  });
}

// W = G S blkdiag(Q, I) for U and G P^T blkdiag(Q, I) for V, where G is
// the product of the rotations (U G applies them in order), S and P the
// selections of apply_deflation_u/_vt (P with the sqre rotation of rows nl
// and M-1): U2 = U G S, VT2 = P G^T VT. Built a column at a time (the
// rotations act on W's rows, so on each column alone), last rotation first.
template <class T>
void merge_matrix(const DeflationPlan<T>& plan, bool side_v, int nl, int N, int M, const T* Q, int ldq,
                  const int* order, const unsigned char* negate, T* W, int ldw, int threads) {
  const int L = side_v ? M : N, K = plan.K;
  parallel_for(L, threads, [&](int j) {
    T* w = W + static_cast<std::size_t>(j) * ldw;
    std::fill(w, w + L, T(0));
    const int sj = order != nullptr ? order[j] : j;
    if (sj < K) {
      const T* q = Q + static_cast<std::size_t>(sj) * ldq;
      for (int t = 1; t < K; ++t) w[plan.src[static_cast<std::size_t>(t)]] = q[t];
      if (side_v && M > N) {
        w[nl] = plan.c0 * q[0];
        w[M - 1] = plan.s0 * q[0];
      } else {
        w[nl] = q[0];
      }
    } else if (sj < N) {
      w[plan.src[static_cast<std::size_t>(sj)]] = 1;
    } else {  // V's row M-1 (sqre = 1)
      w[nl] = -plan.s0;
      w[M - 1] = plan.c0;
    }
    for (auto g = plan.rotations.rbegin(); g != plan.rotations.rend(); ++g) {
      const T x = w[g->a], y = w[g->b];
      w[g->a] = g->c * x - g->s * y;
      w[g->b] = g->s * x + g->c * y;
    }
    if (negate != nullptr && negate[j] != 0)
      for (int i = 0; i < L; ++i) w[i] = -w[i];
  });
}

#define LAI_DC_DEFLATE(T)                                                                                       \
  template int plan_deflation<T>(int, int, int, T*, T, T, const T*, const T*, const int*, DeflationPlan<T>&); \
  template void apply_deflation_u<T>(const DeflationPlan<T>&, int, int, T*, int, T*, int, int);               \
  template void apply_deflation_vt<T>(const DeflationPlan<T>&, int, int, int, T*, int, T*, int, int);         \
  template void merge_matrix<T>(const DeflationPlan<T>&, bool, int, int, int, const T*, int, const int*,     \
                                const unsigned char*, T*, int, int);
LAI_DC_DEFLATE(double)
LAI_DC_DEFLATE(float)
#undef LAI_DC_DEFLATE

}  // namespace lai::svd
