/* The public header compiled as C (C99, -Wpedantic): a C caller's view of
 * the API. Called from test_c_api.cpp; returns 0 when every check holds, else
 * the number of the first failed check. */
#include <math.h>
#include <stddef.h>
#include <string.h>

#include "lapack_ai/lapack_ai.h"

int lai_test_c_smoke(void);

int lai_test_c_smoke(void) {
  double A[16], B[16], C[16];
  int i;
  for (i = 0; i < 16; ++i) {
    A[i] = (double)(i + 1);
    B[i] = (i % 5 == 0) ? 1.0 : 0.0; /* identity */
    C[i] = -1.0;
  }
  if (lai_dgemm(LAI_ROW_MAJOR, LAI_NO_TRANS, LAI_NO_TRANS, 4, 4, 4, 1.0, A, 4, B, 4, 0.0, C, 4) != LAI_SUCCESS) return 1;
  for (i = 0; i < 16; ++i) {
    if (fabs(C[i] - A[i]) > 1e-12) return 2;
  }
  if (lai_dgemm(LAI_COL_MAJOR, LAI_TRANS, LAI_NO_TRANS, 4, 4, 4, 1.0, A, 3, B, 4, 0.0, C, 4) !=
      LAI_ERROR_INVALID_ARGUMENT) {
    return 3;
  }
  if (strstr(lai_last_error(), "lda=3") == NULL) return 4;
  if (strcmp(lai_status_string(LAI_ERROR_INVALID_ARGUMENT), "invalid argument") != 0) return 5;
  if (lai_dgemm_batched4x4(A, B, C, 1, LAI_BACKEND_CPU) != LAI_SUCCESS) return 6;
  if (lai_scheme_count() < 1 || lai_scheme_name(0) == NULL || lai_get_scheme() == NULL) return 7;
  if (lai_get_block_threshold() < 1) return 8;
  return 0;
}
