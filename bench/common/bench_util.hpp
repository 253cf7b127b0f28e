// Shared pieces of lai-bench and lai-tune: aligned buffers, random inputs,
// wall-clock timing, medians, the machine description written into results.
#pragma once

#include <cblas.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "api/lai_internal.h"
#include "lapack_ai/lapack_ai.h"

extern "C" char* openblas_get_config(void);
extern "C" int openblas_get_num_threads(void);

namespace lai::bench {

template <class T>
struct Buffer {
  T* p = nullptr;
  std::size_t n = 0;
  explicit Buffer(std::size_t count) : n(count) {
    p = static_cast<T*>(std::aligned_alloc(64, (count * sizeof(T) + 63) / 64 * 64));
    if (p == nullptr) throw std::bad_alloc();
    std::memset(p, 0, count * sizeof(T));  // touch: no page faults inside timings
  }
  ~Buffer() { std::free(p); }
  Buffer(const Buffer&) = delete;
  Buffer& operator=(const Buffer&) = delete;
};

template <class T>
void randn(T* x, std::size_t n, unsigned seed) {
  std::mt19937_64 g(seed);
  std::normal_distribution<double> d(0.0, 1.0);
  for (std::size_t i = 0; i < n; ++i) x[i] = static_cast<T>(d(g));
}

inline double now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

inline double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const std::size_t h = v.size() / 2;
  return v.size() % 2 ? v[h] : 0.5 * (v[h - 1] + v[h]);
}

// Row-major C = A*B with OpenBLAS.
template <class T>
void blas_gemm(int m, int n, int k, const T* A, const T* B, T* C) {
  if constexpr (sizeof(T) == 8) {
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, n, k, 1.0, A, k, B, n, 0.0, C, n);
  } else {
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, n, k, 1.0f, A, k, B, n, 0.0f, C, n);
  }
}

// Row-major C = A*B with a block-engine variant; false if it cannot run.
template <class T>
bool variant_gemm(const std::string& v, int m, int n, int k, const T* A, const T* B, T* C) {
  if constexpr (sizeof(T) == 8) {
    return lai_internal_dgemm_variant(v.c_str(), 0, 0, m, n, k, 1.0, A, k, B, n, 0.0, C, n) == 0;
  } else {
    return lai_internal_sgemm_variant(v.c_str(), 0, 0, m, n, k, 1.0f, A, k, B, n, 0.0f, C, n) == 0;
  }
}

// Row-major C = A*B through the public dispatch (tuning table).
template <class T>
void lai_gemm(int m, int n, int k, const T* A, const T* B, T* C) {
  if constexpr (sizeof(T) == 8) {
    lai_dgemm(LAI_ROW_MAJOR, LAI_NO_TRANS, LAI_NO_TRANS, m, n, k, 1.0, A, k, B, n, 0.0, C, n);
  } else {
    lai_sgemm(LAI_ROW_MAJOR, LAI_NO_TRANS, LAI_NO_TRANS, m, n, k, 1.0f, A, k, B, n, 0.0f, C, n);
  }
}

// ||X - Y||_F / ||Y||_F in double.
template <class T>
double rel_diff(const T* x, const T* y, std::size_t n) {
  double num = 0, den = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double d = static_cast<double>(x[i]) - static_cast<double>(y[i]);
    num += d * d;
    den += static_cast<double>(y[i]) * static_cast<double>(y[i]);
  }
  return den > 0 ? std::sqrt(num / den) : std::sqrt(num);
}

inline std::string today() {
  const std::time_t t = std::time(nullptr);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", std::gmtime(&t));
  return buf;
}

inline std::string slug(std::string s) {
  for (char& c : s) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '-';
  }
  std::string out;
  for (char c : s) {
    if (c == '-' && !out.empty() && out.back() == '-') continue;
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out;
}

inline nlohmann::json machine_json() {
  nlohmann::json m;
  m["id"] = lai_internal_machine_id();
  m["logical_cpus"] = std::thread::hardware_concurrency();
  std::ifstream f("/proc/cpuinfo");
  std::string line;
  while (std::getline(f, line)) {
    if (line.rfind("flags", 0) == 0) {
      m["avx512f"] = line.find(" avx512f") != std::string::npos;
      m["avx2"] = line.find(" avx2") != std::string::npos;
      break;
    }
  }
  m["openblas_config"] = openblas_get_config();
  m["openblas_threads"] = openblas_get_num_threads();
#if defined(__clang__)
  m["compiler"] = std::string("clang ") + __clang_version__;
#elif defined(__GNUC__)
  m["compiler"] = std::string("gcc ") + __VERSION__;
#endif
  if (const char* e = std::getenv("OPENBLAS_NUM_THREADS")) m["OPENBLAS_NUM_THREADS"] = e;
  m["tuning"] = lai_tuning_info();
  return m;
}

}  // namespace lai::bench
