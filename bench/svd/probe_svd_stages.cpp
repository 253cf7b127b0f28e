// Compiles only when the GPU SVD's internal entry with per-stage times exists
// as used by device_hooks.h (lai::svd::gesvd_opencl with GpuSvdStageTimes in
// svd/gesvd_opencl.h). Compiled, never linked or run.
#include "device_hooks.h"

template std::vector<std::pair<std::string, double>> lai_bench_svd::gpu_svd_stages<double>(char, int, int, double*,
                                                                                         double*, double*, double*);
template std::vector<std::pair<std::string, double>> lai_bench_svd::gpu_svd_stages<float>(char, int, int, float*,
                                                                                        float*, float*, float*);
