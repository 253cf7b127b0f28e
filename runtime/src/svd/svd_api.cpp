// Public SVD entry points lai_?gesvd(_ex): validate, reject NaN/Inf, choose
// the backend, run the GPU path (gesvd_opencl.cpp) or LAPACK on the CPU
// (svd_lapack.cpp), report.
#include <algorithm>
#include <cstddef>
#include <string>
#include <type_traits>

#include "api/guard.h"
#include "diagnostics/error.h"
#include "lapack_ai/lapack_ai.h"
#include "svd/bdsdc_hybrid.h"
#include "svd/gesvd_opencl.h"
#include "svd/svd_api_impl.h"
#include "svd/svd_args.h"
#include "svd/svd_checks.h"
#include "svd/svd_lapack.h"
#include "svd/svd_record.h"

namespace lai::svd {

template <class T>
int gesvd_checked(char ju, char jv, int m, int n, T* A, int lda, T* s, T* U, int ldu, T* VT, int ldvt,
                  const lai_svd_options& opt, int* info) {
  record_fallback("");
  const lai_backend backend = resolve_backend(opt.backend);
  if (opt.driver != LAI_SVD_DRIVER_AUTO && opt.driver != LAI_SVD_DRIVER_GESDD && opt.driver != LAI_SVD_DRIVER_GESVD) {
    fail(LAI_ERROR_INVALID_ARGUMENT, "options->driver=" + std::to_string(static_cast<int>(opt.driver)) +
                                         " must be LAI_SVD_DRIVER_AUTO, _GESDD or _GESVD");
  }
  // The GPU path (gesvd_opencl.cpp): forced, or AUTO from the device's size
  // threshold. A forced GPU reports its failure; AUTO falls back to the CPU
  // with the reason recorded. Nothing is written before the path succeeds.
  bool on_device = backend == LAI_BACKEND_OPENCL;
  if (backend == LAI_BACKEND_AUTO) {
    const int from = gesvd_opencl_auto_min(std::is_same_v<T, double>);
    on_device = from > 0 && std::min(m, n) >= from;
  }
  if (on_device) {
    // A malformed LAI_SVD_DC is the caller's error, not a device failure to
    // fall back from.
    (void)dc_choice_from_env();
    try {
      // NaN/Inf and max |A| are checked by the upload's copying threads
      // (gesvd_opencl.h, max_abs < 0): no host pass of its own over A.
      GpuSvdStageTimes t;
      gesvd_opencl<T>(ju, jv, m, n, A, lda, s, U, ldu, VT, ldvt, info, &t, T(-1));
      // Which reduction ran: the one-stage dgebrd-like one, or for values
      // only the two-stage one (band_opencl.h) with its bandwidth.
      record_path(t.band > 0 ? "opencl:two-stage(b=" + std::to_string(t.band) + ")" : std::string("opencl:gebrd"));
      return 0;
    } catch (const lai::Error& e) {
      if (e.status() == LAI_ERROR_NOT_FINITE) throw;  // the input's fault: no fallback
      if (backend == LAI_BACKEND_OPENCL) {
        if (e.status() == LAI_ERROR_NO_CONVERGENCE) throw;
        *info = 0;
        fail(e.status(), "the GPU was forced (LAI_BACKEND=gpu or options->backend=LAI_BACKEND_OPENCL) and its SVD "
                         "failed: " + e.message() + "; nothing was written");
      }
      *info = 0;
      record_fallback(std::string("OpenCL GPU SVD failed, the CPU did the work: ") + lai_status_string(e.status()) +
                      ": " + e.message());
    }
  }
  // The CPU path (also after a device failure, which may have come before
  // the upload's check).
  require_finite(m, n, A, lda, "");
  const LapackResult r = gesvd_cpu<T>(ju, jv, m, n, A, lda, s, U, ldu, VT, ldvt, opt.driver);
  record_path("cpu:" + r.routine);
  *info = r.info;
  if (r.info > 0) fail(LAI_ERROR_NO_CONVERGENCE, r.message);
  if (r.info < 0) fail(LAI_ERROR_INTERNAL, r.message);
  return 0;
}

template int gesvd_checked<double>(char, char, int, int, double*, int, double*, double*, int, double*, int,
                                   const lai_svd_options&, int*);
template int gesvd_checked<float>(char, char, int, int, float*, int, float*, float*, int, float*, int,
                                  const lai_svd_options&, int*);

}  // namespace lai::svd

namespace {

template <class T>
lai_status gesvd_api(const char* function, char jobu, char jobvt, int m, int n, T* A, int lda, T* s, T* U, int ldu,
                     T* VT, int ldvt, int* info, const lai_svd_options* options) noexcept {
  int code = 0;
  const lai_status st = lai::guarded(function, [&] {
    char ju = 'N', jv = 'N';
    const lai::svd::ArgError e =
        lai::svd::check_gesvd_args(jobu, jobvt, m, n, lda, ldu, ldvt, A, s, U, VT, true, &ju, &jv);
    if (e.position != 0) {
      code = -e.position;
      lai::fail(LAI_ERROR_INVALID_ARGUMENT, e.message + "; nothing was written");
    }
    const lai_svd_options opt = options != nullptr ? *options : lai_svd_options{LAI_BACKEND_AUTO, LAI_SVD_DRIVER_AUTO};
    try {
      lai::svd::gesvd_checked<T>(ju, jv, m, n, A, lda, s, U, ldu, VT, ldvt, opt, &code);
    } catch (const lai::Error& x) {
      if (x.status() == LAI_ERROR_NOT_FINITE) code = -5;
      throw;
    }
  });
  if (info != nullptr) *info = code;
  return st;
}

}  // namespace

extern "C" {

lai_status lai_dgesvd(char jobu, char jobvt, int m, int n, double* A, int lda, double* s, double* U, int ldu,
                      double* VT, int ldvt, int* info) {
  return gesvd_api("lai_dgesvd", jobu, jobvt, m, n, A, lda, s, U, ldu, VT, ldvt, info, nullptr);
}
lai_status lai_sgesvd(char jobu, char jobvt, int m, int n, float* A, int lda, float* s, float* U, int ldu, float* VT,
                      int ldvt, int* info) {
  return gesvd_api("lai_sgesvd", jobu, jobvt, m, n, A, lda, s, U, ldu, VT, ldvt, info, nullptr);
}
lai_status lai_dgesvd_ex(char jobu, char jobvt, int m, int n, double* A, int lda, double* s, double* U, int ldu,
                         double* VT, int ldvt, int* info, const lai_svd_options* options) {
  return gesvd_api("lai_dgesvd_ex", jobu, jobvt, m, n, A, lda, s, U, ldu, VT, ldvt, info, options);
}
lai_status lai_sgesvd_ex(char jobu, char jobvt, int m, int n, float* A, int lda, float* s, float* U, int ldu,
                         float* VT, int ldvt, int* info, const lai_svd_options* options) {
  return gesvd_api("lai_sgesvd_ex", jobu, jobvt, m, n, A, lda, s, U, ldu, VT, ldvt, info, options);
}

}  // extern "C"
