#include "dispatch/config.h"

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <optional>

#include "cpu/registry.h"
#include "dispatch/env.h"
#include "lapack_ai/lapack_ai.h"

namespace lai::config {

namespace {

std::atomic<int> g_threshold{LAI_DEFAULT_BLOCK_THRESHOLD};
std::atomic<int> g_scheme{-1};
std::atomic<bool> g_threshold_explicit{false};
std::once_flag g_env_once;

// The fastest straight-line kernel for the shape of scheme `base`: a scheme
// named classical_* of the same shape with rank m*k*n and unit-stride
// kernels; `base` itself when there is none.
int fastest_fixed(int base) noexcept {
  const lai_scheme_kernels& b = cpu::scheme_at(base);
  for (int i = 0; i < cpu::scheme_count(); ++i) {
    const lai_scheme_kernels& s = cpu::scheme_at(i);
    if (std::strncmp(s.name, "classical_", 10) == 0 && s.m == b.m && s.k == b.k && s.n == b.n &&
        s.rank == s.m * s.k * s.n && s.k4x4_f64_row != nullptr && s.k4x4_f32_row != nullptr) {
      return i;
    }
  }
  return base;
}

void choose_single_call(int scheme, bool explicit_choice) noexcept {
  g_single_call_scheme.store(&cpu::scheme_at(explicit_choice ? scheme : fastest_fixed(scheme)),
                             std::memory_order_relaxed);
}

// The environment is read once, before the first read or write of a setting,
// so an explicit setter call always wins over the environment. Malformed
// values are ignored rather than reported: there is no call to fail and the
// library must not print.
void apply_environment() noexcept {
  if (const std::optional<int> t = env_int("LAI_BLOCK_THRESHOLD"); t && *t >= 1) {
    g_threshold.store(*t);
    g_threshold_explicit.store(true);
  }
  int scheme = cpu::default_scheme();
  bool explicit_choice = false;
  if (const char* s = std::getenv("LAI_SCHEME"); s != nullptr && *s != '\0') {
    if (const int i = cpu::find_scheme(s); i >= 0) {
      scheme = i;
      explicit_choice = true;
    }
  }
  g_scheme.store(scheme);
  choose_single_call(scheme, explicit_choice);
}

std::atomic<bool> g_env_applied{false};

void ensure_environment() noexcept {
  // The flag keeps the per-call cost to one load: std::call_once itself sets
  // thread-locals and calls pthread_once on every use, which costs as much as
  // a whole 4x4 product. call_once only throws when the callable throws, and
  // apply_environment doesn't.
  if (g_env_applied.load(std::memory_order_acquire)) return;
  std::call_once(g_env_once, [] {
    apply_environment();
    g_env_applied.store(true, std::memory_order_release);
  });
}

}  // namespace

int block_threshold() noexcept {
  ensure_environment();
  return g_threshold.load(std::memory_order_relaxed);
}

void set_block_threshold(int n) noexcept {
  ensure_environment();
  g_threshold.store(n, std::memory_order_relaxed);
  g_threshold_explicit.store(true, std::memory_order_relaxed);
}

bool block_threshold_explicit() noexcept {
  ensure_environment();
  return g_threshold_explicit.load(std::memory_order_relaxed);
}

int scheme_index() noexcept {
  ensure_environment();
  return g_scheme.load(std::memory_order_relaxed);
}

void set_scheme_index(int i, bool explicit_choice) noexcept {
  ensure_environment();
  // Two stores: a concurrent GEMM may see the new scheme with the old
  // single-call kernel for a moment; both are valid kernels.
  g_scheme.store(i, std::memory_order_relaxed);
  choose_single_call(i, explicit_choice);
}

std::atomic<const lai_scheme_kernels*> g_single_call_scheme{nullptr};

const lai_scheme_kernels* single_call_scheme_slow() noexcept {
  ensure_environment();
  return g_single_call_scheme.load(std::memory_order_relaxed);
}

}  // namespace lai::config
