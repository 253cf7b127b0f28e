// Owning wrappers for OpenCL objects, so every exit path (including the
// exceptions thrown by check()) releases buffers and kernels.
#pragma once

#include <utility>

#include "opencl/cl_api.h"

namespace lai::ocl {

template <class H, cl_int (*Release)(H)>
class Handle {
 public:
  Handle() = default;
  explicit Handle(H h) : h_(h) {}
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  Handle(Handle&& o) noexcept : h_(std::exchange(o.h_, nullptr)) {}
  Handle& operator=(Handle&& o) noexcept {
    if (this != &o) {
      reset();
      h_ = std::exchange(o.h_, nullptr);
    }
    return *this;
  }
  ~Handle() { reset(); }

  H get() const noexcept { return h_; }
  explicit operator bool() const noexcept { return h_ != nullptr; }
  // Hands ownership over (for objects that live in a long-lived cache).
  H release() noexcept { return std::exchange(h_, nullptr); }
  void reset() noexcept {
    if (h_ != nullptr) Release(h_);  // a failing release has nothing left to fix
    h_ = nullptr;
  }

 private:
  H h_ = nullptr;
};

using MemHandle = Handle<cl_mem, clReleaseMemObject>;
using KernelHandle = Handle<cl_kernel, clReleaseKernel>;
using ProgramHandle = Handle<cl_program, clReleaseProgram>;
using ContextHandle = Handle<cl_context, clReleaseContext>;
using QueueHandle = Handle<cl_command_queue, clReleaseCommandQueue>;
using EventHandle = Handle<cl_event, clReleaseEvent>;

}  // namespace lai::ocl
