// Picks a registry entry's kernel pointers by element type, so the CPU paths
// are written once as templates over T.
#pragma once

#include "cpu/registry.h"

namespace lai::cpu {

template <class T>
struct Kernels;

template <>
struct Kernels<double> {
  using K4x4 = lai_k4x4_f64_fn;
  using Block = lai_blk_f64_fn;
  static K4x4 fixed(const lai_scheme_kernels& s) { return s.k4x4_f64; }
  static K4x4 fixed_beta0(const lai_scheme_kernels& s) { return s.k4x4_f64_beta0; }
  using K4x4Row = lai_k4x4r_f64_fn;
  static K4x4Row fixed_row(const lai_scheme_kernels& s) { return s.k4x4_f64_row; }
  static K4x4Row fixed_row_beta0(const lai_scheme_kernels& s) { return s.k4x4_f64_row_beta0; }
  static Block block(const lai_scheme_kernels& s) { return s.blk_f64; }
  static lai_blk_workspace_fn block_workspace(const lai_scheme_kernels& s) { return s.blk_f64_workspace; }
  static const char* ocl_source(const lai_scheme_kernels& s) { return s.ocl_batched_f64_source; }
  static const char* ocl_kernel(const lai_scheme_kernels& s) { return s.ocl_batched_f64_kernel; }
  static constexpr const char* name = "f64";
};

template <>
struct Kernels<float> {
  using K4x4 = lai_k4x4_f32_fn;
  using Block = lai_blk_f32_fn;
  static K4x4 fixed(const lai_scheme_kernels& s) { return s.k4x4_f32; }
  static K4x4 fixed_beta0(const lai_scheme_kernels& s) { return s.k4x4_f32_beta0; }
  using K4x4Row = lai_k4x4r_f32_fn;
  static K4x4Row fixed_row(const lai_scheme_kernels& s) { return s.k4x4_f32_row; }
  static K4x4Row fixed_row_beta0(const lai_scheme_kernels& s) { return s.k4x4_f32_row_beta0; }
  static Block block(const lai_scheme_kernels& s) { return s.blk_f32; }
  static lai_blk_workspace_fn block_workspace(const lai_scheme_kernels& s) { return s.blk_f32_workspace; }
  static const char* ocl_source(const lai_scheme_kernels& s) { return s.ocl_batched_f32_source; }
  static const char* ocl_kernel(const lai_scheme_kernels& s) { return s.ocl_batched_f32_kernel; }
  static constexpr const char* name = "f32";
};

}  // namespace lai::cpu
