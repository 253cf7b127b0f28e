// Thread-local records behind lai_svd_last_path / lai_svd_fallback_reason,
// and the LAI_BACKEND environment variable.
#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <string>

#include "svd/svd_checks.h"
#include "svd/svd_record.h"

namespace lai::svd {

namespace {
thread_local std::string t_path;
thread_local std::string t_fallback;
}  // namespace

void record_path(const std::string& path) { t_path = path; }
void record_fallback(const std::string& reason) { t_fallback = reason; }

lai_backend resolve_backend(lai_backend per_call) {
  if (per_call == LAI_BACKEND_CPU || per_call == LAI_BACKEND_OPENCL) return per_call;
  if (per_call != LAI_BACKEND_AUTO) {
    fail(LAI_ERROR_INVALID_ARGUMENT, "backend=" + std::to_string(static_cast<int>(per_call)) +
                                         " must be LAI_BACKEND_AUTO (0), LAI_BACKEND_CPU (1) or LAI_BACKEND_OPENCL (2)");
  }
  const char* e = std::getenv("LAI_BACKEND");
  if (e == nullptr || *e == '\0') return LAI_BACKEND_AUTO;
  std::string v(e);
  std::transform(v.begin(), v.end(), v.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (v == "cpu") return LAI_BACKEND_CPU;
  if (v == "gpu" || v == "opencl") return LAI_BACKEND_OPENCL;
  if (v == "auto") return LAI_BACKEND_AUTO;
  fail(LAI_ERROR_INVALID_ARGUMENT, std::string("environment variable LAI_BACKEND=\"") + e +
                                       "\" must be cpu, gpu or auto; unset it or correct its value");
}

}  // namespace lai::svd

extern "C" const char* lai_svd_last_path(void) { return lai::svd::t_path.c_str(); }
extern "C" const char* lai_svd_fallback_reason(void) { return lai::svd::t_fallback.c_str(); }
