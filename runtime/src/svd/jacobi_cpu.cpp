// One-sided Jacobi on the CPU (see jacobi_cpu.h and docs/svd.md).
#include "svd/jacobi_cpu.h"

#include <algorithm>
#include <cmath>
#include <thread>

namespace lai::svd {

namespace {

template <class T>
int jacobi_one(int m, int n, const T* a, int lda, T* s, T* U, int ldu, T* VT, int ldvt, T tol, int max_sweeps,
               std::vector<T>& work, std::vector<int>& idx) {
  const bool trans = m < n;
  const int r = trans ? n : m, c = trans ? m : n;
  work.assign(static_cast<std::size_t>(r) * c + static_cast<std::size_t>(c) * c, T(0));
  T* G = work.data();
  T* V = G + static_cast<std::size_t>(r) * c;
  T amax = 0;
  for (int j = 0; j < c; ++j)
    for (int i = 0; i < r; ++i) {
      const T x = trans ? a[j + static_cast<std::ptrdiff_t>(i) * lda] : a[i + static_cast<std::ptrdiff_t>(j) * lda];
      G[i + static_cast<std::size_t>(j) * r] = x;
      amax = std::max(amax, std::fabs(x));
    }
  const int ex = amax > 0 ? std::ilogb(amax) : 0;
  for (std::size_t e = 0; e < static_cast<std::size_t>(r) * c; ++e) G[e] = std::ldexp(G[e], -ex);
  for (int j = 0; j < c; ++j) V[j + static_cast<std::size_t>(j) * c] = 1;

  const int cc = c + (c & 1);
  int sweep = 0;
  bool converged = c < 2;
  while (!converged && sweep < max_sweeps) {
    bool rotated = false;
    for (int round = 0; round < cc - 1; ++round) {
      for (int pr = 0; pr < cc / 2; ++pr) {
        const int k2 = cc - 1 - pr;
        const int p = pr == 0 ? 0 : (pr - 1 + round) % (cc - 1) + 1;
        const int q = (k2 - 1 + round) % (cc - 1) + 1;
        if (p >= c || q >= c) continue;
        T* gp = G + static_cast<std::size_t>(p) * r;
        T* gq = G + static_cast<std::size_t>(q) * r;
        T al = 0, be = 0, ga = 0;
        for (int i = 0; i < r; ++i) {
          al += gp[i] * gp[i];
          be += gq[i] * gq[i];
          ga += gp[i] * gq[i];
        }
        if (!(al > 0 && be > 0 && std::fabs(ga) > tol * std::sqrt(al) * std::sqrt(be))) continue;
        rotated = true;
        const T zeta = (be - al) / (2 * ga);
        const T t = std::fabs(zeta) > T(1e8) ? 1 / (2 * zeta)
                                             : (zeta >= 0 ? T(1) : T(-1)) / (std::fabs(zeta) + std::sqrt(1 + zeta * zeta));
        const T cs = 1 / std::sqrt(1 + t * t), sn = cs * t;
        for (int i = 0; i < r; ++i) {
          const T x = gp[i], y = gq[i];
          gp[i] = cs * x - sn * y;
          gq[i] = sn * x + cs * y;
        }
        T* vp = V + static_cast<std::size_t>(p) * c;
        T* vq = V + static_cast<std::size_t>(q) * c;
        for (int i = 0; i < c; ++i) {
          const T x = vp[i], y = vq[i];
          vp[i] = cs * x - sn * y;
          vq[i] = sn * x + cs * y;
        }
      }
    }
    ++sweep;
    converged = !rotated;
  }

  std::vector<T> sig(c);
  for (int j = 0; j < c; ++j) {
    T s2 = 0;
    for (int i = 0; i < r; ++i) s2 += G[i + static_cast<std::size_t>(j) * r] * G[i + static_cast<std::size_t>(j) * r];
    sig[j] = std::sqrt(s2);
  }
  idx.resize(c);
  for (int j = 0; j < c; ++j) idx[j] = j;
  std::stable_sort(idx.begin(), idx.end(), [&](int x, int y) { return sig[x] > sig[y]; });
  for (int j = 0; j < c; ++j)
    if (sig[j] > 0)
      for (int i = 0; i < r; ++i) G[i + static_cast<std::size_t>(j) * r] /= sig[j];
  if (trans ? VT != nullptr : U != nullptr) {  // complete zero columns to an orthonormal set
    for (int t = 0; t < c; ++t) {
      const int j = idx[t];
      if (sig[j] > 0) continue;
      T* gj = G + static_cast<std::size_t>(j) * r;
      for (int cand = 0; cand < r; ++cand) {
        for (int i = 0; i < r; ++i) gj[i] = i == cand ? T(1) : T(0);
        for (int pass = 0; pass < 2; ++pass)
          for (int t2 = 0; t2 < c; ++t2) {
            if (t2 == t || !(sig[idx[t2]] > 0 || t2 < t)) continue;
            const T* gk = G + static_cast<std::size_t>(idx[t2]) * r;
            T d = 0;
            for (int i = 0; i < r; ++i) d += gj[i] * gk[i];
            for (int i = 0; i < r; ++i) gj[i] -= d * gk[i];
          }
        T nn = 0;
        for (int i = 0; i < r; ++i) nn += gj[i] * gj[i];
        nn = std::sqrt(nn);
        if (nn > T(0.5)) {
          for (int i = 0; i < r; ++i) gj[i] /= nn;
          break;
        }
      }
    }
  }
  for (int t = 0; t < c; ++t) s[t] = std::ldexp(sig[idx[t]], ex);
  auto g = [&](int i, int j) { return G[i + static_cast<std::size_t>(j) * r]; };
  auto v = [&](int i, int j) { return V[i + static_cast<std::size_t>(j) * c]; };
  if (!trans) {
    if (U != nullptr)
      for (int t = 0; t < c; ++t)
        for (int i = 0; i < r; ++i) U[i + static_cast<std::ptrdiff_t>(t) * ldu] = g(i, idx[t]);
    if (VT != nullptr)
      for (int i = 0; i < c; ++i)
        for (int t = 0; t < c; ++t) VT[t + static_cast<std::ptrdiff_t>(i) * ldvt] = v(i, idx[t]);
  } else {
    if (U != nullptr)
      for (int t = 0; t < c; ++t)
        for (int i = 0; i < c; ++i) U[i + static_cast<std::ptrdiff_t>(t) * ldu] = v(i, idx[t]);
    if (VT != nullptr)
      for (int i = 0; i < r; ++i)
        for (int t = 0; t < c; ++t) VT[t + static_cast<std::ptrdiff_t>(i) * ldvt] = g(i, idx[t]);
  }
  return converged ? sweep : -1;
}

}  // namespace

template <class T>
void jacobi_batched_cpu(std::size_t count, int m, int n, const T* A, int lda, std::size_t sa, T* s, std::size_t ss,
                        T* U, int ldu, std::size_t su, T* VT, int ldvt, std::size_t svt, T tol, int max_sweeps,
                        std::vector<int>& sweeps) {
  sweeps.assign(count, 0);
  auto part = [&](std::size_t begin, std::size_t end) {
    std::vector<T> work;
    std::vector<int> idx;
    for (std::size_t b = begin; b < end; ++b) {
      sweeps[b] = jacobi_one<T>(m, n, A + b * sa, lda, s + b * ss, U != nullptr ? U + b * su : nullptr, ldu,
                                VT != nullptr ? VT + b * svt : nullptr, ldvt, tol, max_sweeps, work, idx);
    }
  };
  const std::size_t work_per = static_cast<std::size_t>(m) * n * std::min(m, n);
  const unsigned hw = std::max(1u, std::thread::hardware_concurrency());
  const std::size_t threads = count * work_per >= (std::size_t{1} << 20) ? std::min<std::size_t>(hw, count) : 1;
  if (threads <= 1) {
    part(0, count);
    return;
  }
  std::vector<std::thread> pool;
  for (std::size_t t = 1; t < threads; ++t) pool.emplace_back(part, count * t / threads, count * (t + 1) / threads);
  part(0, count / threads);
  for (auto& th : pool) th.join();
}

template void jacobi_batched_cpu<double>(std::size_t, int, int, const double*, int, std::size_t, double*, std::size_t,
                                         double*, int, std::size_t, double*, int, std::size_t, double, int,
                                         std::vector<int>&);
template void jacobi_batched_cpu<float>(std::size_t, int, int, const float*, int, std::size_t, float*, std::size_t,
                                        float*, int, std::size_t, float*, int, std::size_t, float, int,
                                        std::vector<int>&);

}  // namespace lai::svd
