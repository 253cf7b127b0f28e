// GPU GEMM, fast schemes and bandwidth-tuned batched 4x4 on OpenCL: the
// internal entry points behind lai_dgemm_opencl/lai_sgemm_opencl and the
// device-resident calls the GPU benchmark (bench/gpu) times. Kernel sources
// come from the generated table (gpu_sources.h); kernel options from the
// tuning table (tuning.cpp) unless the caller overrides them. All functions
// throw lai::Error (status + sentence) on failure.
#pragma once

#include <cstddef>
#include <string>

#include "opencl/cl_api.h"
#include "opencl/handles.h"
#include "opencl/runtime.h"

namespace lai::ocl {

// One GEMM kernel as it will be launched.
struct GemmConfig {
  std::string program;  // generated source name, e.g. "lai_gemm_nvmma_f64"
  std::string options;  // build options (-DMWG=... from the tuning table or the caller)
  bool nvmma = false;    // an NVIDIA PTX kernel (nvmma or nvtf32): 1-D groups of 32*WGM*WGN items
  int mwg = 0, nwg = 0, kwg = 0;  // tile sizes (the padding unit of M, N, K)
  std::size_t local[3] = {1, 1, 1};
  std::size_t threads_per_tile = 1;  // global size along dimension 0 per tile
  std::size_t ydim = 1;              // global size along dimension 1
  int gm = 1;                        // tile order: groups of GM tile-rows
  // Work-groups of this kernel resident on the whole device at once (compute
  // units x groups per unit from the tuning table's "groups_per_cu:<program>",
  // or LAI_GEMM_WAVE); 0 = unknown: no split-K of the last wave (gemm_tail.h).
  int wave = 0;
  // Extra build options for grids of at least big_min_tiles tiles (0: none):
  // the tuning table's "grid_over:<program>" = "<full waves> <options>" for
  // the table's own configuration, or LAI_GEMM_GRID_OVER with LAI_GEMM_WAVE.
  // They are the 16-byte pair moves (-DVLD=2) so far, taken only where
  // leading dimensions and batch strides are even (gemm_device checks).
  std::string big_options;
  std::size_t big_min_tiles = 0;
};

// The kernel for dtype T on this device: NVIDIA + f64 -> the tensor-core
// kernel (unless LAI_OPENCL_GEMM=tiled); NVIDIA + f32 -> the 3xTF32
// tensor-core kernel if the tuning table has an lai_gemm_nvtf32_f32 entry for
// the device; else the portable one. variant "tiled"/"nvmma"/"nvtf32"/""
// (auto; LAI_OPENCL_GEMM overrides auto; nvmma with f32 and nvtf32 with f64
// fall back to the dtype's own kernel); options "" means the tuning table's
// entry (or the spec's defaults).
template <class T>
GemmConfig gemm_config(const Runtime& rt, const std::string& variant = "", const std::string& options = "");

// C_b = alpha * A_b * B_b + beta * C_b for b < batch on device buffers, all
// row-major, A_b at element offset b*sA etc. M, N, K must be multiples of
// cfg.mwg, cfg.nwg, cfg.kwg. Enqueues without waiting; *done (if not null)
// receives the last enqueued kernel's event and *started (if not null) the
// first one's (the same event retained once more when there is one launch);
// the caller releases both. A single product (batch 1) whose last wave is
// partial (cfg.wave) runs as the full waves plus a split-K tail and its sum
// (gemm_tail.h): three launches, so time it from *started to *done.
template <class T>
void gemm_device(const Runtime& rt, const GemmConfig& cfg, int M, int N, int K, T alpha, cl_mem A, int lda,
                 cl_ulong sA, cl_mem B, int ldb, cl_ulong sB, T beta, cl_mem C, int ldc, cl_ulong sC, int batch,
                 cl_event* done, cl_event* started = nullptr);

// The lai_dgemm argument list on host memory (row_major: layout; trans*: 0/1),
// through pooled device buffers: pads to the tile sizes, transposes on the
// device, waits for the result. Uses one level of the scheme `fast_program`
// ("" = never) when m, n, k >= fast_min (and divisible as it needs).
template <class T>
void gemm_host(bool row_major, int transa, int transb, int m, int n, int k, T alpha, const T* A, int lda,
               const T* B, int ldb, T beta, T* C, int ldc);

// One level of a 4x4x4 scheme on device buffers (row-major, m, n, k
// multiples of 4 * the leaf's tile sizes): lin_a and lin_b fused passes into
// S and T (rank blocks each), one batched leaf GEMM into Mw, lin_c into C.
// S, T, Mw hold rank * (m/4)*(k/4), (k/4)*(n/4), (m/4)*(n/4) elements.
// events (if not null) receive 4 events: lin_a, lin_b, products, lin_c.
template <class T>
void fast_device(const Runtime& rt, const std::string& fast_program, int rank, const GemmConfig& leaf, int m, int n,
                 int k, T alpha, cl_mem A, int lda, cl_mem B, int ldb, T beta, cl_mem C, int ldc, cl_mem S, cl_mem Tt,
                 cl_mem Mw, cl_event* events);

// Batched 4x4 products with a generated opencl-batched-v program; layout is
// "aos", "aosv", "soa" or "il" (docs/gpu.md); items = work-items launched
// (0: one per product; the grid-stride layouts do count/items each).
template <class T>
void batched_v_device(const Runtime& rt, const std::string& program, const std::string& layout,
                      const std::string& options, cl_mem A, cl_mem B, cl_mem C, std::size_t count, std::size_t items,
                      cl_event* done);

// A view of bytes [origin, origin + size) of buf (the parent's access flags);
// null where the driver refuses it (an origin off the device's
// base_align_bytes, a buf that is itself a view).
MemHandle sub_buffer(cl_mem buf, std::size_t origin, std::size_t size);

// Kernel build options of the tuning table for `kernel` on this device ("" if none).
std::string tuned_options(const Runtime& rt, const std::string& kernel);
// Minimum n for the one-level scheme in gemm_host per dtype tag ("f64"/"f32"); 0 = off.
int tuned_fast_min(const Runtime& rt, const std::string& dtype);

// Source text of a generated GPU kernel by name; throws NOT_SUPPORTED if absent.
const char* gpu_source(const std::string& name);

// Value of a generated kernel's compile-time parameter NAME: "-DNAME=value"
// in the build options if present, else the source's "#define NAME value"
// default; throws LAI_ERROR_INTERNAL if the source has neither.
int kernel_param(const std::string& source, const std::string& options, const std::string& name);

}  // namespace lai::ocl
