// Split-K plan for the last wave of a GEMM launch (see gemm_tail.h).
#include "opencl/gemm_tail.h"

#include <algorithm>

namespace lai::ocl {

std::optional<TailPlan> plan_tail(int tiles_m, int tiles_n, int k_slices, int gm, int wave, int min_chunk_slices,
                                  int max_full_waves) {
  if (tiles_m <= 0 || tiles_n <= 0 || k_slices <= 0 || gm <= 0 || wave <= 1) return std::nullopt;
  const long long tiles = static_cast<long long>(tiles_m) * tiles_n;
  if (tiles / wave > max_full_waves) return std::nullopt;  // the saved wave is too small a share
  const int rem = static_cast<int>(tiles % wave);
  if (rem == 0) return std::nullopt;  // every wave is full
  TailPlan p;
  if (tiles < wave) {
    // No full wave: the whole grid is the tail, whatever its shape. (Found
    // by the GPU SVD: W = V^T Z is 16 x 1 tiles at n = 4096, two groups of
    // GM 8 tile-rows, which the rule below left on 16 SMs with all of K.)
    p.rows = tiles_m;
    p.cols = tiles_n;
  } else {
    // The last group of tile-rows and its height (the templates' gsz).
    const long long per_group = static_cast<long long>(gm) * tiles_n;
    const int first_m = static_cast<int>((tiles - 1) / per_group) * gm;
    const int gsz = std::min(tiles_m - first_m, gm);
    // Whole columns of that group: the last rem_r pids are its rightmost
    // rem_r / gsz columns. Rounding up leaves the main launch's last wave short
    // by fewer than gsz groups instead of adding a wave.
    const int rem_r = (rem + gsz - 1) / gsz * gsz;
    if (rem_r > gsz * tiles_n) return std::nullopt;  // the tail spans two groups of rows
    p.main_tiles = static_cast<int>(tiles - rem_r);
    p.row0 = first_m;
    p.rows = gsz;
    p.cols = rem_r / gsz;
    p.col0 = tiles_n - p.cols;
  }
  const int max_split = wave / (p.rows * p.cols);
  // The largest S <= max_split dividing k_slices with chunks of at least
  // min_chunk_slices: every chunk the same K, so one strided-batch launch.
  int split = 1;
  for (int s = std::min(max_split, k_slices / std::max(min_chunk_slices, 1)); s >= 2; --s) {
    if (k_slices % s == 0) {
      split = s;
      break;
    }
  }
  if (split < 2) return std::nullopt;
  p.split = split;
  p.k_slices = k_slices / split;
  return p;
}

}  // namespace lai::ocl
