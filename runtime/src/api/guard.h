// The C API boundary: runs the body of a public function and converts every
// way it can fail into a status plus a last-error sentence prefixed with the
// public function's name. No exception may cross into C callers, and the
// library must never abort, so everything is caught here.
#pragma once

#include <exception>
#include <new>
#include <string>

#include "diagnostics/error.h"
#include "diagnostics/last_error.h"
#include "lapack_ai/lapack_ai.h"

namespace lai {

// Records "function: message" for the calling thread and returns status.
inline lai_status report(const char* function, lai_status status, const std::string& message) noexcept {
  try {
    set_last_error(std::string(function) + ": " + message);
  } catch (...) {
    // Out of memory while formatting the message: the status still tells the
    // caller what happened, and an empty message is better than none at all.
  }
  return status;
}

template <class Body>
lai_status guarded(const char* function, Body&& body) noexcept {
  try {
    body();
    return LAI_SUCCESS;
  } catch (const Error& e) {
    return report(function, e.status(), e.message());
  } catch (const std::bad_alloc&) {
    return report(function, LAI_ERROR_OUT_OF_MEMORY, "host memory allocation failed");
  } catch (const std::exception& e) {
    return report(function, LAI_ERROR_INTERNAL, std::string("unexpected exception: ") + e.what());
  } catch (...) {
    return report(function, LAI_ERROR_INTERNAL, "unexpected exception of unknown type");
  }
}

}  // namespace lai
