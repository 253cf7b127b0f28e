// Checks shared by the SVD entry points: NaN/Inf scans that name the first
// offending element, and the LAI_BACKEND environment variable.
#pragma once

#include <cmath>
#include <cstddef>
#include <string>

#include "diagnostics/error.h"
#include "lapack_ai/lapack_ai.h"

namespace lai::svd {

// Throws LAI_ERROR_NOT_FINITE naming the first non-finite A(i,j) (column
// order, counted from 0) of the column-major m x n matrix; `which` prefixes
// the sentence (e.g. "matrix 3 of the batch: ").
template <class T>
void require_finite(int m, int n, const T* A, int lda, const std::string& which) {
  for (int j = 0; j < n; ++j) {
    const T* col = A + static_cast<std::ptrdiff_t>(j) * lda;
    for (int i = 0; i < m; ++i) {
      if (!std::isfinite(col[i])) {
        fail(LAI_ERROR_NOT_FINITE,
             which + "A(" + std::to_string(i) + "," + std::to_string(j) + ") = " +
                 (std::isnan(col[i]) ? "NaN" : (col[i] > 0 ? "+Inf" : "-Inf")) +
                 " (row, column from 0); an SVD of a matrix with NaN or Inf has no meaning: find where the value "
                 "came from, or replace it before the call; nothing was written");
      }
    }
  }
}

// The backend an SVD call uses: the per-call choice unless AUTO, then
// LAI_BACKEND (cpu|gpu|auto, case-insensitive; read at every call). Throws
// LAI_ERROR_INVALID_ARGUMENT for another value of LAI_BACKEND.
lai_backend resolve_backend(lai_backend per_call);

}  // namespace lai::svd
