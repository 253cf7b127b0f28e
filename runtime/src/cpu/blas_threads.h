// OpenBLAS single-threaded for the lifetime of an object: for code that
// runs BLAS calls on many threads of its own (fast_gemm's split2/par2, the
// divide and conquer of the GPU SVD), where OpenBLAS's own threads would
// oversubscribe the cores, and its idle ones spin for a while after each
// call, taking cores from the caller's threads.
//
// openblas_set_num_threads is process-wide: concurrent users share one
// single-threaded period, the first one in saves the setting and the last
// one out restores it. BLAS calls of other threads of the process run
// single-threaded during that period too.
#pragma once

namespace lai::cpu {

class SingleThreadedBlas {
 public:
  SingleThreadedBlas();
  ~SingleThreadedBlas();
  SingleThreadedBlas(const SingleThreadedBlas&) = delete;
  SingleThreadedBlas& operator=(const SingleThreadedBlas&) = delete;
};

}  // namespace lai::cpu
