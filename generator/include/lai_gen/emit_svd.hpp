// SVD kernels from SVD kernel specs (factors/svd/*.json, format
// lai-svd-kernel/1, docs/formats.md "SVD kernel specs"), the counterpart of
// emit_gemm_kernel for the SVD stages.
#pragma once

#include <string>

#include "lai_gen/emit.hpp"

namespace lai::gen {

// Writes <out_dir>/<spec name>_<dtype>.cl (one kernel per listed variant,
// <name>_<dtype>_<variant>) and returns its path. Throws InputError on a
// malformed spec, an unknown or not yet implemented stage, a parameter that
// breaks its rule, or a dtype the spec does not list.
std::string emit_svd_kernel(const std::string& spec_path, Dtype d, const std::string& out_dir,
                            const std::string& templates_dir);

}  // namespace lai::gen
