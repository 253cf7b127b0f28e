// The table of generated GPU kernel sources (opencl-gemm specs,
// opencl-batched-v, opencl-fast) that CMake writes into
// <build>/generated/lai_gpu_sources.cpp from the files it embeds.
#pragma once

extern "C" {
struct lai_gpu_source {
  const char* name;  // file stem, e.g. "lai_gemm_tiled_f64", "strassen2_4x4x4_r49_oclfast_f64"
  const char* text;
};
extern const lai_gpu_source lai_gpu_source_table[];
extern const int lai_gpu_source_count;
}
