// Exact check of the Brent equations.
//
// A scheme computes C = A*B for all matrices iff, for every entry A[i][j],
// B[kk][l] and C[p][q], the coefficient of a_ij * b_kl in c_pq equals
// [j==kk][i==p][l==q]:  sum_r U(i,j;r) V(kk,l;r) W(p,q;r) = delta.
// There are (mk)(kn)(mn) equations; each sum runs only over the products
// whose U and V coefficients are both non-zero, which keeps the 4x4x4 check
// to a few thousand rational multiplications.
#include "lai_gen/verify.hpp"

#include <sstream>

namespace lai::gen {

VerifyResult verify_scheme(const Scheme& s) {
  VerifyResult res;
  const int mk = s.m * s.k, kn = s.k * s.n, mn = s.m * s.n;
  for (int x = 0; x < mk; ++x) {
    const int i = x / s.k, j = x % s.k;
    for (int y = 0; y < kn; ++y) {
      const int kk = y / s.n, l = y % s.n;
      // Products whose bilinear term a_x*b_y is non-zero.
      std::vector<std::pair<int, Rational>> uv;
      for (int r = 0; r < s.rank; ++r)
        if (!s.u(x, r).is_zero() && !s.v(y, r).is_zero()) uv.emplace_back(r, s.u(x, r) * s.v(y, r));
      for (int z = 0; z < mn; ++z) {
        const int p = z / s.n, q = z % s.n;
        Rational got(0);
        for (const auto& [r, c] : uv)
          if (!s.w(z, r).is_zero()) got += c * s.w(z, r);
        const Rational expected((j == kk && i == p && l == q) ? 1 : 0);
        ++res.equations_checked;
        if (got != expected) {
          std::ostringstream o;
          o << "Brent equation (i,j,k,l,p,q)=(" << i << ',' << j << ',' << kk << ',' << l << ',' << p << ',' << q
            << ") violated: the coefficient of A[" << i << "][" << j << "]*B[" << kk << "][" << l << "] in C[" << p
            << "][" << q << "] is " << got.str() << ", expected " << expected.str();
          res.message = o.str();
          return res;
        }
      }
    }
  }
  res.ok = true;
  return res;
}

}  // namespace lai::gen
