// Uniform [-1, 1) test operands, reproducible by seed, for the GPU GEMM tests.
#pragma once

#include <cstddef>
#include <random>
#include <vector>

namespace lai_test {

template <class T>
std::vector<T> random(std::size_t n, unsigned seed) {
  std::mt19937 g(seed);
  std::uniform_real_distribution<double> d(-1, 1);
  std::vector<T> v(n);
  for (auto& x : v) x = static_cast<T>(d(g));
  return v;
}

}  // namespace lai_test
