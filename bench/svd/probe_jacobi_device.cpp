// Compiles only when lai::svd::jacobi_device exists with the signature that
// jacobi_device_call.h uses (device_hooks.h). Compiled, never linked or run.
#include "jacobi_device_call.h"

template lai_bench_svd::DeviceRuns lai_bench_svd::run_jacobi_device<double>(std::size_t, int, int, const double*,
                                                                            double*, bool, int);
template lai_bench_svd::DeviceRuns lai_bench_svd::run_jacobi_device<float>(std::size_t, int, int, const float*,
                                                                           float*, bool, int);
