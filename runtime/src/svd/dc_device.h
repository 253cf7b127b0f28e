// The divide and conquer's device side (bdsdc_hybrid.h's DcDevice) on
// OpenCL buffers: U and V = VT^T of the bidiagonal SVD where the GPU SVD's
// back-transformation takes them (gesvd_opencl.cpp: U_B in the Q side's
// target, V_B in the P side's), so neither crosses PCIe.
//
// Why: with the merges' products on the device but U and VT on the host,
// every large merge sent U2 and VT2 up and U and VT down, and the result
// went up once more for the back-transformation: about 1 GB of transfers at
// n = 4096 f64, besides the host's gather of U2 and VT2 (bench/svd run 24).
// Here a merge sends its W_U and W_V (dc_deflate.h's merge_matrix) up and
// reads two short columns of VT; the gathers are part of W.
//
// Each product runs on compact copies: the GEMM leaf takes no offsets and
// wants its tile multiples (gesvd_opencl.cpp's layout note), so the block
// goes to a zero-padded scratch, W to another, and the result back.
#pragma once

#include <memory>

#include "opencl/cl_api.h"
#include "opencl/gpu.h"
#include "opencl/runtime.h"
#include "svd/bdsdc_hybrid.h"

namespace lai::svd {

// U (ldu) and V (ldv) hold n x n each, zero (the caller's fill) at least
// on their leading n x n; cfg is the GEMM leaf of the products.
template <class T>
std::unique_ptr<DcDevice<T>> make_dc_device(const ocl::Runtime& rt, const ocl::GemmConfig& cfg, int n, cl_mem U,
                                            int ldu, cl_mem V, int ldv);

}  // namespace lai::svd
