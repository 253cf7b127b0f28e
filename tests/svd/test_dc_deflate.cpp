// The deflation plan of a divide-and-conquer merge (svd/dc_deflate.h)
// against LAPACK's ?lasd2 on the same input: the order K of the secular
// problem, the poles dsigma, the updating row z, the deflated values, U2,
// VT2 (?lasd2 groups U2's columns by type: its column J is the plan's
// column IDXC(J)) and U and VT as both leave them. Inputs: random dense U
// and VT (the deflation only rotates and copies them), children's values
// that are distinct, clustered to within eps (rotations, also chains of
// them), with small z entries (deflation by z), zero values (dsigma(2)'s
// clamp), an all-small z (K = 1), for sqre 0 and 1 and halves from 1 row.
// Bound: every entry within 4 eps max(|U|, |VT|) of ?lasd2's (the plan
// repeats ?lasd2's arithmetic; rotations may round differently).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include "svd/dc_deflate.h"

extern "C" {
void dlasd2_(const int* nl, const int* nr, const int* sqre, int* k, double* d, double* z, const double* alpha,
             const double* beta, double* u, const int* ldu, double* vt, const int* ldvt, double* dsigma, double* u2,
             const int* ldu2, double* vt2, const int* ldvt2, int* idxp, int* idx, int* idxc, int* idxq, int* coltyp,
             int* info);
void slasd2_(const int* nl, const int* nr, const int* sqre, int* k, float* d, float* z, const float* alpha,
             const float* beta, float* u, const int* ldu, float* vt, const int* ldvt, float* dsigma, float* u2,
             const int* ldu2, float* vt2, const int* ldvt2, int* idxp, int* idx, int* idxc, int* idxq, int* coltyp,
             int* info);
}

namespace {

enum class Kind { distinct, clustered, small_z, zeros, all_small };

template <class T>
struct Merge {
  int nl, nr, sqre, N, M;
  T alpha, beta;
  std::vector<T> d, U, VT;  // U N x N (ld N + 2), VT M x M (ld M + 1)
  std::vector<int> idxq;
  int ldu, ldvt;
};

template <class T>
Merge<T> make(int nl, int nr, int sqre, Kind kind, unsigned seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> uni(-1, 1), pos(0.05, 1);
  Merge<T> m{nl, nr, sqre, nl + nr + 1, nl + nr + 1 + sqre, T(0.6), T(-0.4), {}, {}, {}, {}, 0, 0};
  m.ldu = m.N + 2;
  m.ldvt = m.M + 1;
  m.d.resize(static_cast<std::size_t>(m.N));
  const double eps = std::numeric_limits<T>::epsilon();
  const double cluster[3] = {0.25, 0.5, 0.75};
  for (int i = 0; i < m.N; ++i) {
    double v = pos(rng);
    if (kind == Kind::clustered) v = cluster[rng() % 3] * (1 + eps * 0.5 * uni(rng));
    if (kind == Kind::zeros && rng() % 3 == 0) v = 0;
    m.d[static_cast<std::size_t>(i)] = static_cast<T>(v);
  }
  m.U.resize(static_cast<std::size_t>(m.ldu) * m.N);
  m.VT.resize(static_cast<std::size_t>(m.ldvt) * m.M);
  for (T& x : m.U) x = static_cast<T>(uni(rng));
  for (T& x : m.VT) x = static_cast<T>(uni(rng));
  if (kind == Kind::small_z) {
    // z comes from VT's columns nl (rows 0..nl) and nl+1 (rows nl+1..M-1).
    for (int i = 0; i < m.M; ++i) {
      if (rng() % 3 != 0) continue;
      const int c = i <= nl ? nl : nl + 1;
      m.VT[static_cast<std::size_t>(c) * m.ldvt + i] *= static_cast<T>(1e-30 * eps);
    }
  }
  if (kind == Kind::all_small) m.alpha = m.beta = static_cast<T>(std::numeric_limits<T>::min());
  // The children's sorting permutations (1-based, ascending).
  m.idxq.assign(static_cast<std::size_t>(m.N), 0);
  auto sort_block = [&](int f, int n) {
    std::vector<int> p(static_cast<std::size_t>(n));
    std::iota(p.begin(), p.end(), 1);
    std::stable_sort(p.begin(), p.end(), [&](int a, int b) { return m.d[f + a - 1] < m.d[f + b - 1]; });
    std::copy(p.begin(), p.end(), m.idxq.begin() + f);
  };
  sort_block(0, nl);
  sort_block(nl + 1, nr);
  return m;
}

template <class T>
void lasd2(Merge<T>& m, int* K, T* z, T* dsigma, T* U2, int ldu2, T* VT2, int ldvt2, int* idxc) {
  std::vector<int> idxp(static_cast<std::size_t>(m.N)), idx(static_cast<std::size_t>(m.N)),
      coltyp(static_cast<std::size_t>(m.N));
  int info = 0;
  if constexpr (std::is_same_v<T, double>)
    dlasd2_(&m.nl, &m.nr, &m.sqre, K, m.d.data(), z, &m.alpha, &m.beta, m.U.data(), &m.ldu, m.VT.data(), &m.ldvt,
            dsigma, U2, &ldu2, VT2, &ldvt2, idxp.data(), idx.data(), idxc, m.idxq.data(), coltyp.data(), &info);
  else
    slasd2_(&m.nl, &m.nr, &m.sqre, K, m.d.data(), z, &m.alpha, &m.beta, m.U.data(), &m.ldu, m.VT.data(), &m.ldvt,
            dsigma, U2, &ldu2, VT2, &ldvt2, idxp.data(), idx.data(), idxc, m.idxq.data(), coltyp.data(), &info);
  ASSERT_EQ(info, 0);
}

struct Seen {
  int K = 0, rotations = 0;
};

template <class T>
Seen compare(int nl, int nr, int sqre, Kind kind, unsigned seed, int threads) {
  const std::string what = "nl " + std::to_string(nl) + " nr " + std::to_string(nr) + " sqre " +
                           std::to_string(sqre) + " kind " + std::to_string(static_cast<int>(kind)) + " threads " +
                           std::to_string(threads);
  Merge<T> ref = make<T>(nl, nr, sqre, kind, seed);
  Merge<T> mine = ref;
  const int N = ref.N, M = ref.M;
  const int ldu2 = N + 1, ldvt2 = M + 3;
  std::vector<T> z(static_cast<std::size_t>(M)), dsigma(static_cast<std::size_t>(N)),
      U2(static_cast<std::size_t>(ldu2) * N, T(9)), VT2(static_cast<std::size_t>(ldvt2) * M, T(9));
  std::vector<int> idxc(static_cast<std::size_t>(N));
  int K = 0;
  lasd2(ref, &K, z.data(), dsigma.data(), U2.data(), ldu2, VT2.data(), ldvt2, idxc.data());

  lai::svd::DeflationPlan<T> plan;
  const T* vt = mine.VT.data();
  lai::svd::plan_deflation<T>(nl, nr, sqre, mine.d.data(), mine.alpha, mine.beta,
                              vt + static_cast<std::size_t>(nl) * mine.ldvt,
                              vt + static_cast<std::size_t>(nl + 1) * mine.ldvt + nl + 1, mine.idxq.data(), plan);
  std::vector<T> myU2(static_cast<std::size_t>(ldu2) * N, T(9)), myVT2(static_cast<std::size_t>(ldvt2) * M, T(9));
  lai::svd::apply_deflation_u<T>(plan, nl, N, mine.U.data(), mine.ldu, myU2.data(), ldu2, threads);
  lai::svd::apply_deflation_vt<T>(plan, nl, N, M, mine.VT.data(), mine.ldvt, myVT2.data(), ldvt2, threads);

  EXPECT_EQ(plan.K, K) << what;
  if (plan.K != K) return {};
  const double eps = std::numeric_limits<T>::epsilon(), tol = 4 * eps;
  for (int j = 0; j < N; ++j) EXPECT_EQ(plan.dsigma[static_cast<std::size_t>(j)], dsigma[static_cast<std::size_t>(j)]) << what << " dsigma " << j;
  for (int j = 0; j < K; ++j) EXPECT_EQ(plan.z[static_cast<std::size_t>(j)], z[static_cast<std::size_t>(j)]) << what << " z " << j;
  for (int j = K; j < N; ++j) EXPECT_EQ(mine.d[static_cast<std::size_t>(j)], ref.d[static_cast<std::size_t>(j)]) << what << " d " << j;
  auto near = [&](T a, T b) { return std::fabs(static_cast<double>(a) - static_cast<double>(b)) <= tol; };
  int bad = 0;
  for (int j = 0; j < N && bad < 5; ++j) {
    const int mj = j == 0 ? 0 : idxc[static_cast<std::size_t>(j)] - 1;  // ?lasd2's column j is the plan's mj
    for (int i = 0; i < N; ++i) {
      const T a = myU2[static_cast<std::size_t>(mj) * ldu2 + i], b = U2[static_cast<std::size_t>(j) * ldu2 + i];
      if (!near(a, b) && bad++ < 5) ADD_FAILURE() << what << " U2(" << i << "," << j << ") " << a << " vs " << b;
    }
    for (int c = 0; c < M; ++c) {
      const T a = myVT2[static_cast<std::size_t>(c) * ldvt2 + mj], b = VT2[static_cast<std::size_t>(c) * ldvt2 + j];
      if (!near(a, b) && bad++ < 5) ADD_FAILURE() << what << " VT2(" << j << "," << c << ") " << a << " vs " << b;
    }
  }
  if (M > N) {
    for (int c = 0; c < M; ++c) {
      const T a = myVT2[static_cast<std::size_t>(c) * ldvt2 + M - 1], b = VT2[static_cast<std::size_t>(c) * ldvt2 + M - 1];
      if (!near(a, b) && bad++ < 5) ADD_FAILURE() << what << " VT2 last row, column " << c;
    }
  }
  for (std::size_t i = 0; i < ref.U.size(); ++i)
    if (!near(mine.U[i], ref.U[i]) && bad++ < 5) ADD_FAILURE() << what << " U element " << i;
  for (std::size_t i = 0; i < ref.VT.size(); ++i)
    if (!near(mine.VT[i], ref.VT[i]) && bad++ < 5) ADD_FAILURE() << what << " VT element " << i;
  return {K, static_cast<int>(plan.rotations.size())};
}

template <class T>
void all_cases() {
  const int shapes[][3] = {{1, 1, 0}, {1, 1, 1}, {2, 1, 1}, {1, 3, 0}, {7, 5, 0}, {6, 7, 1}, {40, 33, 1}, {64, 63, 0}};
  Seen most_rotations;
  unsigned seed = 1;
  for (const auto& s : shapes) {
    for (Kind kind : {Kind::distinct, Kind::clustered, Kind::small_z, Kind::zeros, Kind::all_small}) {
      for (int threads : {1, 4}) {
        const Seen seen = compare<T>(s[0], s[1], s[2], kind, seed++, threads);
        if (seen.rotations > most_rotations.rotations) most_rotations = seen;
        if (kind == Kind::all_small) {
          EXPECT_EQ(seen.K, 1);
        }
      }
    }
  }
  // The clustered cases reached what they are for: chains of rotations.
  EXPECT_GE(most_rotations.rotations, 20);
}

TEST(DcDeflate, MatchesLapackLasd2F64) { all_cases<double>(); }
TEST(DcDeflate, MatchesLapackLasd2F32) { all_cases<float>(); }

// merge_matrix: U_old W_U and (V_old W_V)^T against the host path's
// U2(:, 0:K) QL with the deflated columns, and QR VT2(0:K, :) with the
// deflated rows (and row M-1), for random K x K QL and QR^T; with an order
// (reversed) and negated columns, column j must be +-column order[j].
// Bound: 8 K eps (sums of K products of entries below 1 in magnitude).
template <class T>
void merge_matrix_case(int nl, int nr, int sqre, Kind kind, unsigned seed, bool reorder) {
  const std::string what = "nl " + std::to_string(nl) + " nr " + std::to_string(nr) + " sqre " +
                           std::to_string(sqre) + " kind " + std::to_string(static_cast<int>(kind)) +
                           (reorder ? " reordered" : "");
  Merge<T> m = make<T>(nl, nr, sqre, kind, seed);
  const int N = m.N, M = m.M;
  // U's column nl is e_nl in a merge (the block's middle row belongs to
  // neither child); U2's column 0 relies on it.
  for (int i = 0; i < N; ++i) m.U[static_cast<std::size_t>(nl) * m.ldu + i] = i == nl ? T(1) : T(0);
  // VT is block diagonal (rows and columns 0..nl, then nl+1..M-1): VT2's
  // row 0 (sqre = 1) combines rows nl and M-1 column by column as if so.
  for (int c = 0; c < M; ++c) m.VT[static_cast<std::size_t>(c) * m.ldvt + (c <= nl ? M - 1 : nl)] = 0;
  const std::vector<T> U0 = m.U, VT0 = m.VT;
  lai::svd::DeflationPlan<T> plan;
  const T* vt = m.VT.data();
  lai::svd::plan_deflation<T>(nl, nr, sqre, m.d.data(), m.alpha, m.beta, vt + static_cast<std::size_t>(nl) * m.ldvt,
                              vt + static_cast<std::size_t>(nl + 1) * m.ldvt + nl + 1, m.idxq.data(), plan);
  const int K = plan.K;
  std::mt19937_64 rng(seed * 7 + 1);
  std::uniform_real_distribution<double> uni(-1, 1);
  std::vector<T> QL(static_cast<std::size_t>(K) * K), QRt(static_cast<std::size_t>(K) * K);
  for (T& x : QL) x = static_cast<T>(uni(rng));
  for (T& x : QRt) x = static_cast<T>(uni(rng));
  // The host path.
  std::vector<T> U2(static_cast<std::size_t>(N) * N), VT2(static_cast<std::size_t>(M) * M);
  lai::svd::apply_deflation_u<T>(plan, nl, N, m.U.data(), m.ldu, U2.data(), N, 1);
  lai::svd::apply_deflation_vt<T>(plan, nl, N, M, m.VT.data(), m.ldvt, VT2.data(), M, 1);
  std::vector<double> Uref(static_cast<std::size_t>(N) * N), VTref(static_cast<std::size_t>(M) * M);
  for (int j = 0; j < N; ++j)
    for (int i = 0; i < N; ++i) {
      double v = 0;
      if (j < K) {
        for (int t = 0; t < K; ++t) v += double(U2[static_cast<std::size_t>(t) * N + i]) * QL[static_cast<std::size_t>(j) * K + t];
      } else {
        v = m.U[static_cast<std::size_t>(j) * m.ldu + i];
      }
      Uref[static_cast<std::size_t>(j) * N + i] = v;
    }
  for (int c = 0; c < M; ++c)
    for (int r = 0; r < M; ++r) {
      double v = 0;
      if (r < K) {
        for (int t = 0; t < K; ++t) v += double(QRt[static_cast<std::size_t>(r) * K + t]) * VT2[static_cast<std::size_t>(c) * M + t];
      } else {
        v = m.VT[static_cast<std::size_t>(c) * m.ldvt + r];
      }
      VTref[static_cast<std::size_t>(c) * M + r] = v;
    }
  // merge_matrix, with an order and negations when asked.
  std::vector<int> order;
  std::vector<unsigned char> neg;
  if (reorder) {
    for (int j = M - 1; j >= 0; --j) order.push_back(j);
    for (int j = 0; j < M; ++j) neg.push_back(j % 3 == 1);
  }
  const int ldw = M + 2;
  std::vector<T> WU(static_cast<std::size_t>(ldw) * N, T(5)), WV(static_cast<std::size_t>(ldw) * M, T(5));
  std::vector<int> order_u;
  if (reorder)
    for (int j = N - 1; j >= 0; --j) order_u.push_back(j);
  lai::svd::merge_matrix<T>(plan, false, nl, N, M, QL.data(), K, reorder ? order_u.data() : nullptr,
                            reorder ? neg.data() : nullptr, WU.data(), ldw, 4);
  lai::svd::merge_matrix<T>(plan, true, nl, N, M, QRt.data(), K, reorder ? order.data() : nullptr,
                            reorder ? neg.data() : nullptr, WV.data(), ldw, 4);
  const double tol = 8.0 * K * std::numeric_limits<T>::epsilon();
  int bad = 0;
  for (int j = 0; j < N && bad < 5; ++j) {
    const int sj = reorder ? order_u[static_cast<std::size_t>(j)] : j;
    const double sg = reorder && neg[static_cast<std::size_t>(j)] ? -1 : 1;
    for (int i = 0; i < N; ++i) {
      double v = 0;
      for (int t = 0; t < N; ++t) v += double(U0[static_cast<std::size_t>(t) * m.ldu + i]) * WU[static_cast<std::size_t>(j) * ldw + t];
      if (std::fabs(v - sg * Uref[static_cast<std::size_t>(sj) * N + i]) > tol && bad++ < 5)
        ADD_FAILURE() << what << " U_new(" << i << "," << j << ") " << v << " vs " << sg * Uref[static_cast<std::size_t>(sj) * N + i];
    }
  }
  // VT_new = (V_old W_V)^T = W_V^T VT_old: row j, column c.
  for (int j = 0; j < M && bad < 5; ++j) {
    const int sj = reorder ? order[static_cast<std::size_t>(j)] : j;
    const double sg = reorder && neg[static_cast<std::size_t>(j)] ? -1 : 1;
    for (int c = 0; c < M; ++c) {
      double v = 0;
      for (int t = 0; t < M; ++t) v += double(WV[static_cast<std::size_t>(j) * ldw + t]) * VT0[static_cast<std::size_t>(c) * m.ldvt + t];
      if (std::fabs(v - sg * VTref[static_cast<std::size_t>(c) * M + sj]) > tol && bad++ < 5)
        ADD_FAILURE() << what << " VT_new(" << j << "," << c << ") " << v << " vs " << sg * VTref[static_cast<std::size_t>(c) * M + sj];
    }
  }
}

template <class T>
void merge_matrix_cases() {
  const int shapes[][3] = {{1, 1, 0}, {1, 1, 1}, {2, 1, 1}, {7, 5, 0}, {6, 7, 1}, {40, 33, 1}};
  unsigned seed = 100;
  for (const auto& s : shapes)
    for (Kind kind : {Kind::distinct, Kind::clustered, Kind::small_z, Kind::zeros, Kind::all_small})
      for (bool reorder : {false, true}) merge_matrix_case<T>(s[0], s[1], s[2], kind, seed++, reorder);
}

TEST(DcDeflate, MergeMatrixMatchesTheHostPathF64) { merge_matrix_cases<double>(); }
TEST(DcDeflate, MergeMatrixMatchesTheHostPathF32) { merge_matrix_cases<float>(); }

}  // namespace
