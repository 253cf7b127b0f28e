// Kronecker product of two schemes.
//
// With A split into m1 x k1 blocks of size m2 x k2, the outer scheme's
// products are products of block combinations, and each of those is computed
// by the inner scheme; product (r1, r2) is therefore
//   (sum U1(x1,r1) U2(x2,r2) a[x1,x2]) * (sum V1 V2 b) contributing W1 W2.
// Entry (i1*m2+i2, j1*k2+j2) of the composed A has block index x1=(i1,j1)
// and inner index x2=(i2,j2).
#include "lai_gen/compose.hpp"

#include <string>

namespace lai::gen {

Scheme kronecker(const Scheme& o, const Scheme& in) {
  Scheme s;
  s.resize(o.m * in.m, o.k * in.k, o.n * in.n, o.rank * in.rank);
  // Flattened index in the composed matrix of (outer row/col, inner row/col).
  auto idx = [](int r1, int c1, int r2, int c2, int rows2, int cols2, int cols) {
    return (r1 * rows2 + r2) * cols + (c1 * cols2 + c2);
  };
  for (int r1 = 0; r1 < o.rank; ++r1)
    for (int r2 = 0; r2 < in.rank; ++r2) {
      const int r = r1 * in.rank + r2;
      for (int x1 = 0; x1 < o.m * o.k; ++x1)
        for (int x2 = 0; x2 < in.m * in.k; ++x2)
          if (!o.u(x1, r1).is_zero() && !in.u(x2, r2).is_zero())
            s.u(idx(x1 / o.k, x1 % o.k, x2 / in.k, x2 % in.k, in.m, in.k, s.k), r) = o.u(x1, r1) * in.u(x2, r2);
      for (int y1 = 0; y1 < o.k * o.n; ++y1)
        for (int y2 = 0; y2 < in.k * in.n; ++y2)
          if (!o.v(y1, r1).is_zero() && !in.v(y2, r2).is_zero())
            s.v(idx(y1 / o.n, y1 % o.n, y2 / in.n, y2 % in.n, in.k, in.n, s.n), r) = o.v(y1, r1) * in.v(y2, r2);
      for (int z1 = 0; z1 < o.m * o.n; ++z1)
        for (int z2 = 0; z2 < in.m * in.n; ++z2)
          if (!o.w(z1, r1).is_zero() && !in.w(z2, r2).is_zero())
            s.w(idx(z1 / o.n, z1 % o.n, z2 / in.n, z2 % in.n, in.m, in.n, s.n), r) = o.w(z1, r1) * in.w(z2, r2);
    }
  s.field = (o.field == "Z" && in.field == "Z") ? "Z" : "Q";
  s.provenance = "Kronecker product of " + o.name + " (outer, acting on blocks) and " + in.name + " (inner)";
  return s;
}

}  // namespace lai::gen
