// Split-K for the last, partial wave of a GEMM launch.
//
// The NVIDIA tensor-core leaves run one work-group per compute unit, so a
// launch of T tiles takes ceil(T / wave) waves of the whole device: at
// n = 8192 with 128 x 128 tiles, 4096 tiles on 132 SMs are 31 full waves and
// one of 4 tiles, during which 128 SMs idle (3% of the time). The plan keeps
// the full waves as one launch and computes the last tiles by splitting K
// into S chunks (a strided batch of S partial products, one launch that fills
// the device) plus a summing kernel (<kernel>_ksum). The kernels visit tiles
// in groups of GM tile-rows (pid -> (pm, pn), see the templates), so the last
// tiles of a launch form a rectangle: the rightmost columns of the last group
// of tile-rows once the count is rounded up to whole columns of that group.
// A grid of fewer tiles than one wave is all tail (no main launch), whatever
// its shape.
#pragma once

#include <optional>

namespace lai::ocl {

struct TailPlan {
  int main_tiles = 0;  // the first launch: pids [0, main_tiles) of the full grid
  int row0 = 0;        // the tail rectangle, in tiles: rows [row0, row0 + rows)
  int rows = 0;
  int col0 = 0;        // columns [col0, col0 + cols)
  int cols = 0;
  int split = 1;       // S chunks of K
  int k_slices = 0;    // KWG slices per chunk (K / KWG / S)
};

// The plan for a tiles_m x tiles_n grid, k_slices = K / KWG, tile order GM,
// `wave` work-groups resident at once on the device; nullopt where splitting
// does not pay: no partial wave, fewer than two chunks of at least
// `min_chunk_slices` slices fit, the tail is not one rectangle, or the grid
// has more than `max_full_waves` full waves. That last gate: the wave saved is
// then under 1/64 of the time, and at n = 16384 (124 full waves, 0.7% in
// theory) the tail measured 1.2-1.7% slower in three of four alternating runs
// on the H200 and H100 (bench/results/gpu_nvidia_h200_run10a, _h100_run2),
// while at 8192 (31 waves) it gained 2.0-2.7% in every run.
std::optional<TailPlan> plan_tail(int tiles_m, int tiles_n, int k_slices, int gm, int wave,
                                  int min_chunk_slices = 8, int max_full_waves = 64);

}  // namespace lai::ocl
