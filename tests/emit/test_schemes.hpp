// Small schemes written out literally for the emit tests, so that these tests
// do not depend on the scheme readers.
#pragma once

#include <string>
#include <vector>

#include "lai_gen/compose.hpp"
#include "lai_gen/scheme.hpp"

namespace lai::test {

// One product: its columns of U (m*k), V (k*n) and W (m*n), row-major indices.
struct Product {
  std::vector<int> u, v, w;
};

inline gen::Scheme make_scheme(const std::string& name, int m, int k, int n, const std::vector<Product>& products) {
  gen::Scheme s;
  s.name = name;
  s.resize(m, k, n, static_cast<int>(products.size()));
  for (int r = 0; r < s.rank; ++r) {
    const Product& p = products[static_cast<std::size_t>(r)];
    for (int x = 0; x < m * k; ++x) s.u(x, r) = p.u[static_cast<std::size_t>(x)];
    for (int y = 0; y < k * n; ++y) s.v(y, r) = p.v[static_cast<std::size_t>(y)];
    for (int z = 0; z < m * n; ++z) s.w(z, r) = p.w[static_cast<std::size_t>(z)];
  }
  return s;
}

// a = (A11, A12, A21, A22), likewise b and c.
inline gen::Scheme strassen() {
  return make_scheme("strassen_2x2x2_r7", 2, 2, 2,
                     {{{1, 0, 0, 1}, {1, 0, 0, 1}, {1, 0, 0, 1}},
                      {{0, 0, 1, 1}, {1, 0, 0, 0}, {0, 0, 1, -1}},
                      {{1, 0, 0, 0}, {0, 1, 0, -1}, {0, 1, 0, 1}},
                      {{0, 0, 0, 1}, {-1, 0, 1, 0}, {1, 0, 1, 0}},
                      {{1, 1, 0, 0}, {0, 0, 0, 1}, {-1, 1, 0, 0}},
                      {{-1, 0, 1, 0}, {1, 1, 0, 0}, {0, 0, 0, 1}},
                      {{0, 1, 0, -1}, {0, 0, 1, 1}, {1, 0, 0, 0}}});
}

// Winograd's variant, written with its forms expanded: S1 = A21+A22,
// S2 = S1-A11, S3 = A11-A21, S4 = A12-S2, T1 = B12-B11, T2 = B22-T1,
// T3 = B22-B12, T4 = T2-B21; M1 = A11 B11, M2 = A12 B21, M3 = S4 B22,
// M4 = A22 T4, M5 = S1 T1, M6 = S2 T2, M7 = S3 T3; C11 = M1+M2,
// C12 = M1+M6+M5+M3, C21 = M1+M6+M7-M4, C22 = M1+M6+M7+M5. Naively 24
// additions; the shared S/T/U chains bring it to 15.
inline gen::Scheme winograd() {
  return make_scheme("winograd_2x2x2_r7", 2, 2, 2,
                     {{{1, 0, 0, 0}, {1, 0, 0, 0}, {1, 1, 1, 1}},
                      {{0, 1, 0, 0}, {0, 0, 1, 0}, {1, 0, 0, 0}},
                      {{1, 1, -1, -1}, {0, 0, 0, 1}, {0, 1, 0, 0}},
                      {{0, 0, 0, 1}, {1, -1, -1, 1}, {0, 0, -1, 0}},
                      {{0, 0, 1, 1}, {-1, 1, 0, 0}, {0, 1, 0, 1}},
                      {{-1, 0, 1, 1}, {1, -1, 0, 1}, {0, 1, 1, 1}},
                      {{1, 0, -1, 0}, {0, -1, 0, 1}, {0, 0, 1, 1}}});
}

// The definition of the product, one multiplication per (i, j, l).
inline gen::Scheme classical(int m, int k, int n) {
  std::vector<Product> products;
  for (int i = 0; i < m; ++i) {
    for (int j = 0; j < k; ++j) {
      for (int l = 0; l < n; ++l) {
        Product p{std::vector<int>(static_cast<std::size_t>(m * k)), std::vector<int>(static_cast<std::size_t>(k * n)),
                  std::vector<int>(static_cast<std::size_t>(m * n))};
        p.u[static_cast<std::size_t>(i * k + j)] = 1;
        p.v[static_cast<std::size_t>(j * n + l)] = 1;
        p.w[static_cast<std::size_t>(i * n + l)] = 1;
        products.push_back(p);
      }
    }
  }
  return make_scheme("classical_" + std::to_string(m) + "x" + std::to_string(k) + "x" + std::to_string(n) + "_r" +
                         std::to_string(m * k * n),
                     m, k, n, products);
}

inline gen::Scheme strassen_squared() {
  gen::Scheme s = gen::kronecker(strassen(), strassen());
  s.name = "strassen2_4x4x4_r49";
  return s;
}

}  // namespace lai::test
