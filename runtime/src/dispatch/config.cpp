#include "dispatch/config.h"

#include <atomic>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <mutex>

#include "cpu/registry.h"
#include "lapack_ai/lapack_ai.h"

namespace lai::config {

namespace {

std::atomic<int> g_threshold{LAI_DEFAULT_BLOCK_THRESHOLD};
std::atomic<int> g_scheme{-1};
std::atomic<bool> g_threshold_explicit{false};
std::once_flag g_env_once;

// The environment is read once, before the first read or write of a setting,
// so an explicit setter call always wins over the environment. Malformed
// values are ignored rather than reported: there is no call to fail and the
// library must not print.
void apply_environment() noexcept {
  if (const char* t = std::getenv("LAI_BLOCK_THRESHOLD"); t != nullptr) {
    int value = 0;
    const char* end = t + std::strlen(t);
    const auto [ptr, ec] = std::from_chars(t, end, value);
    if (ec == std::errc() && ptr == end && value >= 1) {
      g_threshold.store(value);
      g_threshold_explicit.store(true);
    }
  }
  int scheme = cpu::default_scheme();
  if (const char* s = std::getenv("LAI_SCHEME"); s != nullptr && *s != '\0') {
    if (const int i = cpu::find_scheme(s); i >= 0) scheme = i;
  }
  g_scheme.store(scheme);
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

void set_scheme_index(int i) noexcept {
  ensure_environment();
  g_scheme.store(i, std::memory_order_relaxed);
}

}  // namespace lai::config
