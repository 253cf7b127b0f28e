// Where the block engine's time goes (docs/results.md, "Profile of the fast
// GEMM"): thread-seconds in the addition passes that form the temporaries
// from A and B, in the leaf products, in the pass that adds the products into
// C, and in the rest (beta scaling, fringes peeled to BLAS). Only the top
// level is timed (a second level is inside "leaf"). Off unless the
// environment variable LAI_PROFILE_FAST_GEMM is set when the first variant
// runs: then one clock read per phase and batch, otherwise one predictable
// branch.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdlib>

namespace lai::cpu::profile {

enum Phase { kCombine, kLeaf, kAccumulate, kOther, kPhases };

inline bool enabled() noexcept {
  static const bool on = std::getenv("LAI_PROFILE_FAST_GEMM") != nullptr;
  return on;
}

inline std::atomic<std::int64_t> g_ns[kPhases];

// Adds the time since `since` to `phase` and returns now.
inline std::chrono::steady_clock::time_point add(Phase phase, std::chrono::steady_clock::time_point since) noexcept {
  const auto now = std::chrono::steady_clock::now();
  g_ns[phase].fetch_add(std::chrono::duration_cast<std::chrono::nanoseconds>(now - since).count(),
                        std::memory_order_relaxed);
  return now;
}

// Thread-seconds per phase since the last call; resets them.
inline void take(double out[kPhases]) noexcept {
  for (int p = 0; p < kPhases; ++p) out[p] = static_cast<double>(g_ns[p].exchange(0)) * 1e-9;
}

}  // namespace lai::cpu::profile
