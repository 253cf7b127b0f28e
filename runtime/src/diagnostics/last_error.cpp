#include "diagnostics/last_error.h"

#include <utility>

#include "lapack_ai/lapack_ai.h"

namespace lai {

namespace {
// thread_local keeps callers isolated; a std::string (not a fixed buffer) so
// long OpenCL build logs survive intact.
thread_local std::string t_last_error;
}  // namespace

void set_last_error(std::string message) { t_last_error = std::move(message); }

const char* last_error() noexcept { return t_last_error.c_str(); }

}  // namespace lai

extern "C" const char* lai_last_error(void) { return lai::last_error(); }
