#include "opencl/runtime.h"

#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <new>

#include "diagnostics/error.h"
#include "opencl/backend.h"
#include "opencl/cl_error.h"
#include "opencl/handles.h"

namespace lai::ocl {

namespace {

struct InitState {
  std::once_flag once;
  // Deliberately never freed, nor are the context and queue released: other
  // static destructors may still run OpenCL work, and at process exit the
  // ICD loader may already be unloaded, so releasing could crash.
  Runtime* runtime = nullptr;
  lai_status status = LAI_SUCCESS;
  std::string message;
};

InitState& state() {
  static InitState s;
  return s;
}

std::string env_spec() {
  const char* v = std::getenv("LAI_OPENCL_DEVICE");
  return v != nullptr ? std::string(v) : std::string();
}

bool has_fp64(cl_device_id d) {
  cl_device_fp_config cfg = 0;
  if (clGetDeviceInfo(d, CL_DEVICE_DOUBLE_FP_CONFIG, sizeof cfg, &cfg, nullptr) == CL_SUCCESS && cfg != 0) {
    return true;
  }
  // Some 1.1-era drivers only advertise the extension.
  std::size_t size = 0;
  if (clGetDeviceInfo(d, CL_DEVICE_EXTENSIONS, 0, nullptr, &size) != CL_SUCCESS || size == 0) return false;
  std::string ext(size, '\0');
  if (clGetDeviceInfo(d, CL_DEVICE_EXTENSIONS, size, ext.data(), nullptr) != CL_SUCCESS) return false;
  return ext.find("cl_khr_fp64") != std::string::npos;
}

std::string info_string(cl_device_id d, cl_device_info what) {
  std::size_t size = 0;
  if (clGetDeviceInfo(d, what, 0, nullptr, &size) != CL_SUCCESS || size == 0) return "?";
  std::string s(size, '\0');
  if (clGetDeviceInfo(d, what, size, s.data(), nullptr) != CL_SUCCESS) return "?";
  s.resize(s.find('\0') == std::string::npos ? s.size() : s.find('\0'));
  return s;
}

void fill_properties(Runtime& rt) {
  const cl_device_id d = rt.device.device;
  rt.vendor = info_string(d, CL_DEVICE_VENDOR);
  rt.driver_version = info_string(d, CL_DRIVER_VERSION);
  rt.device_version = info_string(d, CL_DEVICE_VERSION);
  clGetDeviceInfo(d, CL_DEVICE_MAX_COMPUTE_UNITS, sizeof rt.compute_units, &rt.compute_units, nullptr);
  clGetDeviceInfo(d, CL_DEVICE_LOCAL_MEM_SIZE, sizeof rt.local_mem, &rt.local_mem, nullptr);
  clGetDeviceInfo(d, CL_DEVICE_GLOBAL_MEM_SIZE, sizeof rt.global_mem, &rt.global_mem, nullptr);
  clGetDeviceInfo(d, CL_DEVICE_MAX_WORK_GROUP_SIZE, sizeof rt.max_work_group, &rt.max_work_group, nullptr);
  // 0 (unknown) where the query fails: then no sub-buffer views (gemm tail).
  cl_uint align_bits = 0;
  if (clGetDeviceInfo(d, CL_DEVICE_MEM_BASE_ADDR_ALIGN, sizeof align_bits, &align_bits, nullptr) != CL_SUCCESS) {
    align_bits = 0;
  }
  rt.base_align_bytes = align_bits / 8;
  rt.nvidia = rt.vendor.find("NVIDIA") != std::string::npos || rt.device.platform_name.find("NVIDIA") != std::string::npos;
}

std::unique_ptr<Runtime> create() {
  const std::vector<DeviceEntry> devices = discover_devices();
  auto rt = std::make_unique<Runtime>();
  rt->device = devices[choose_device(devices, env_spec())];
  const std::string& name = rt->device.name;

  const cl_context_properties props[] = {CL_CONTEXT_PLATFORM,
                                         reinterpret_cast<cl_context_properties>(rt->device.platform), 0};
  cl_int rc = CL_SUCCESS;
  ContextHandle ctx(clCreateContext(props, 1, &rt->device.device, nullptr, nullptr, &rc));
  check(rc, "clCreateContext", name);
  // Profiling costs nothing measurable on GPUs and lets the benchmark time
  // kernels with device timestamps; a driver that refuses it gets a plain queue.
  QueueHandle queue(clCreateCommandQueue(ctx.get(), rt->device.device, CL_QUEUE_PROFILING_ENABLE, &rc));
  rt->profiling = rc == CL_SUCCESS;
  if (rc != CL_SUCCESS) queue = QueueHandle(clCreateCommandQueue(ctx.get(), rt->device.device, 0, &rc));
  check(rc, "clCreateCommandQueue", name);
  fill_properties(*rt);
  check(clGetDeviceInfo(rt->device.device, CL_DEVICE_MAX_MEM_ALLOC_SIZE, sizeof rt->max_alloc, &rt->max_alloc,
                        nullptr),
        "clGetDeviceInfo(CL_DEVICE_MAX_MEM_ALLOC_SIZE)", name);
  rt->fp64 = has_fp64(rt->device.device);
  rt->context = ctx.release();
  rt->queue = queue.release();
  return rt;
}

void initialise() noexcept {
  InitState& s = state();
  try {
    s.runtime = create().release();
  } catch (const Error& e) {
    s.status = e.status();
    s.message = e.message();
  } catch (const std::bad_alloc&) {
    s.status = LAI_ERROR_OUT_OF_MEMORY;
    s.message = "host memory allocation failed during OpenCL initialisation";
  } catch (...) {
    s.status = LAI_ERROR_INTERNAL;
    s.message = "unexpected exception during OpenCL initialisation";
  }
}

}  // namespace

const Runtime& runtime() {
  InitState& s = state();
  std::call_once(s.once, initialise);
  if (s.runtime == nullptr) fail(s.status, s.message);
  return *s.runtime;
}

const std::string& device_name() { return runtime().device.name; }

bool device_is_gpu() { return runtime().device.gpu; }

std::string select_device(const std::string& spec) {
  const std::vector<DeviceEntry> devices = discover_devices();
  return devices[choose_device(devices, spec)].name;
}

}  // namespace lai::ocl
