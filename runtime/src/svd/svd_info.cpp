// LAPACK's INFO codes of the wrapped SVD drivers in words (the table of
// docs/svd.md, "Errors"): each says what happened, what the number means and
// what to do.
#include <string>

#include "svd/svd_lapack.h"

namespace lai::svd {

std::string info_message(const std::string& routine, int info) {
  const std::string code = " (INFO=" + std::to_string(info) + ")";
  const bool gesdd = routine.size() >= 6 && routine.compare(1, 5, "gesdd") == 0;
  const bool gesvd = routine.size() >= 6 && routine.compare(1, 5, "gesvd") == 0;
  const std::string bd = std::string(1, routine.empty() ? 'd' : routine[0]) + (gesdd ? "bdsdc" : "bdsqr");
  if (info == 0) return routine + ": success" + code;
  if (info < 0) {
    if (gesdd && info == -4) {
      return routine + ": A contains NaN" + code +
             "; liblapack_ai checks for NaN/Inf before the call, so this should not happen: please report it";
    }
    return routine + ": LAPACK rejected argument " + std::to_string(-info) + code +
           "; liblapack_ai validates every argument before the call, so this is a bug in liblapack_ai: please "
           "report it with the call's sizes and jobs";
  }
  if (gesdd) {
    return routine + ": the updating process of the divide-and-conquer bidiagonal SVD (" + bd +
           ") did not converge" + code +
           "; this is rare and usually means entries very close to overflow or underflow: rescale A (e.g. by a "
           "power of 2) or use the QR-iteration driver (lai_svd_options.driver = LAI_SVD_DRIVER_GESVD; "
           "LAI_SVD_DRIVER_AUTO already retries with it)";
  }
  if (gesvd) {
    return routine + ": the QR iteration of the bidiagonal SVD (" + bd + ") did not converge: " +
           std::to_string(info) + " superdiagonal(s) of the intermediate bidiagonal form did not converge to zero" +
           code +
           "; s holds the singular values found so far (not sorted, not accurate); rescale A (e.g. by a power of "
           "2), or try the divide-and-conquer driver (LAI_SVD_DRIVER_GESDD)";
  }
  return routine + ": failed" + code;
}

}  // namespace lai::svd
