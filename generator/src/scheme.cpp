#include "lai_gen/scheme.hpp"

#include <stdexcept>
#include <string>

namespace lai::gen {

void Scheme::resize(int m_, int k_, int n_, int rank_) {
  auto bad = [](const std::string& what) { throw std::invalid_argument(what); };
  if (m_ <= 0 || k_ <= 0 || n_ <= 0 || rank_ <= 0)
    bad("dimensions m=" + std::to_string(m_) + " k=" + std::to_string(k_) + " n=" + std::to_string(n_) +
        " rank=" + std::to_string(rank_) + " must all be positive");
  const long long mk = 1LL * m_ * k_, kn = 1LL * k_ * n_, mn = 1LL * m_ * n_;
  if (mk > kMaxDimProduct || kn > kMaxDimProduct || mn > kMaxDimProduct)
    bad("dimensions m=" + std::to_string(m_) + " k=" + std::to_string(k_) + " n=" + std::to_string(n_) +
        " exceed the limit m*k, k*n, m*n <= " + std::to_string(kMaxDimProduct));
  if (rank_ > kMaxRank) bad("rank " + std::to_string(rank_) + " exceeds the limit " + std::to_string(kMaxRank));
  m = m_;
  k = k_;
  n = n_;
  rank = rank_;
  U.assign(static_cast<std::size_t>(mk * rank_), Rational(0));
  V.assign(static_cast<std::size_t>(kn * rank_), Rational(0));
  W.assign(static_cast<std::size_t>(mn * rank_), Rational(0));
}

std::size_t Scheme::nonzeros() const {
  std::size_t nz = 0;
  for (const auto* f : {&U, &V, &W})
    for (const auto& c : *f) nz += c.is_zero() ? 0 : 1;
  return nz;
}

std::size_t Scheme::naive_additions() const {
  // Each left/right form (a column of U or V) with t terms costs t-1
  // additions; each output (a row of W) with t terms costs t-1.
  std::size_t adds = 0;
  auto column_terms = [&](const std::vector<Rational>& f, int rows, int r) {
    std::size_t t = 0;
    for (int x = 0; x < rows; ++x) t += f[static_cast<std::size_t>(x) * rank + r].is_zero() ? 0 : 1;
    return t;
  };
  for (int r = 0; r < rank; ++r) {
    const std::size_t tu = column_terms(U, m * k, r), tv = column_terms(V, k * n, r);
    adds += (tu > 0 ? tu - 1 : 0) + (tv > 0 ? tv - 1 : 0);
  }
  for (int z = 0; z < m * n; ++z) {
    std::size_t t = 0;
    for (int r = 0; r < rank; ++r) t += w(z, r).is_zero() ? 0 : 1;
    adds += t > 0 ? t - 1 : 0;
  }
  return adds;
}

bool Scheme::integral() const {
  for (const auto* f : {&U, &V, &W})
    for (const auto& c : *f)
      if (!c.is_integer()) return false;
  return true;
}

}  // namespace lai::gen
