// The in-memory form of a bilinear matrix-multiplication scheme <m,k,n;R>.
//
// One internal convention for every reader, so that the verifier, the
// optimizer and the emitters never see a file format:
//   a = A (m x k) flattened row-major, index x = i*k + j
//   b = B (k x n) flattened row-major, index y = j*n + l
//   c = C (m x n) flattened row-major, index z = i*n + l
//   M_r = (sum_x U(x,r) a[x]) * (sum_y V(y,r) b[y]),  r = 0..R-1
//   c[z] = sum_r W(z,r) M_r
// Readers convert the external conventions (AlphaTensor's transposed C,
// PLinOpt's row-per-product L/R) into this one; docs/formats.md says how.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "lai_gen/rational.hpp"

namespace lai::gen {

struct Scheme {
  std::string name;        // <source>_<m>x<k>x<n>_r<rank>, e.g. strassen2_4x4x4_r49
  int m = 0, k = 0, n = 0;  // C(m x n) = A(m x k) * B(k x n)
  int rank = 0;             // R, the number of products
  std::string field = "Q";  // coefficient field the file claims: "Z" (integers) or "Q" (rationals)
  std::string provenance;   // free text: where it came from (paper, repository, file)
  std::string command;      // the lai-gen command that made it, for derived schemes

  // Dense factor matrices, row-major [index][r].
  std::vector<Rational> U;  // (m*k) x R
  std::vector<Rational> V;  // (k*n) x R
  std::vector<Rational> W;  // (m*n) x R

  // Allocates zero factors for the given shape (throws std::invalid_argument on
  // non-positive or absurd dimensions).
  void resize(int m_, int k_, int n_, int rank_);

  Rational& u(int x, int r) { return U[static_cast<std::size_t>(x) * rank + r]; }
  Rational& v(int y, int r) { return V[static_cast<std::size_t>(y) * rank + r]; }
  Rational& w(int z, int r) { return W[static_cast<std::size_t>(z) * rank + r]; }
  const Rational& u(int x, int r) const { return U[static_cast<std::size_t>(x) * rank + r]; }
  const Rational& v(int y, int r) const { return V[static_cast<std::size_t>(y) * rank + r]; }
  const Rational& w(int z, int r) const { return W[static_cast<std::size_t>(z) * rank + r]; }

  // Number of non-zero coefficients in U, V and W together.
  std::size_t nonzeros() const;
  // Additions of the naive evaluation: for every linear form (columns of U and
  // V, rows of W) its non-zero count minus one.
  std::size_t naive_additions() const;
  // True when every coefficient is an integer.
  bool integral() const;
};

// Upper bound on m*k, k*n, m*n and on the rank accepted from any file: large
// enough for every published scheme, small enough that a hostile header cannot
// make us allocate gigabytes.
inline constexpr long long kMaxDimProduct = 4096;
inline constexpr long long kMaxRank = 100000;

}  // namespace lai::gen
