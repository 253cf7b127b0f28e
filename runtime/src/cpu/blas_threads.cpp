// OpenBLAS single-threaded periods (blas_threads.h).
#include "cpu/blas_threads.h"

#include <mutex>

// OpenBLAS's thread control (cblas.h of Debian's OpenBLAS declares them).
extern "C" {
void openblas_set_num_threads(int num_threads);
int openblas_get_num_threads(void);
}

namespace lai::cpu {

namespace {
std::mutex g_mutex;
int g_users = 0;
int g_saved = 1;
}  // namespace

SingleThreadedBlas::SingleThreadedBlas() {
  std::lock_guard<std::mutex> lock(g_mutex);
  if (g_users++ == 0) {
    g_saved = openblas_get_num_threads();
    openblas_set_num_threads(1);
  }
}

SingleThreadedBlas::~SingleThreadedBlas() {
  std::lock_guard<std::mutex> lock(g_mutex);
  if (--g_users == 0) openblas_set_num_threads(g_saved);
}

}  // namespace lai::cpu
