#include "opencl/program_cache.h"

#include <map>
#include <mutex>
#include <tuple>

#include "diagnostics/error.h"
#include "opencl/backend.h"
#include "opencl/cl_error.h"
#include "opencl/handles.h"

namespace lai::ocl {

namespace {

// Build logs of a broken generated kernel can be long; the first part holds
// the first error, which is what a reader needs.
constexpr std::size_t kMaxLogChars = 16384;

using Key = std::tuple<cl_context, std::string, std::string>;

struct Cache {
  std::mutex mutex;
  std::map<Key, cl_program> programs;  // never released, see runtime.cpp
};

Cache& cache() {
  static Cache* c = new Cache;  // leaked on purpose: no destructor at exit
  return *c;
}

std::string build_log(cl_program program, cl_device_id device) {
  std::size_t size = 0;
  if (clGetProgramBuildInfo(program, device, CL_PROGRAM_BUILD_LOG, 0, nullptr, &size) != CL_SUCCESS || size == 0) {
    return "(no build log)";
  }
  std::string log(size, '\0');
  if (clGetProgramBuildInfo(program, device, CL_PROGRAM_BUILD_LOG, size, log.data(), nullptr) != CL_SUCCESS) {
    return "(build log unavailable)";
  }
  while (!log.empty() && (log.back() == '\0' || log.back() == '\n' || log.back() == ' ')) log.pop_back();
  if (log.size() > kMaxLogChars) log = log.substr(0, kMaxLogChars) + "\n... (log truncated)";
  return log.empty() ? "(empty build log)" : log;
}

}  // namespace

cl_program get_program(const Runtime& rt, const std::string& source, const std::string& options) {
  Cache& c = cache();
  // One lock over lookup and build: builds are rare (once per kernel and
  // process), and holding it prevents two threads compiling the same source.
  std::lock_guard<std::mutex> lock(c.mutex);
  Key key{rt.context, source, options};
  if (auto it = c.programs.find(key); it != c.programs.end()) return it->second;

  const std::string& dev = rt.device.name;
  const char* text = source.c_str();
  const std::size_t length = source.size();
  cl_int rc = CL_SUCCESS;
  ProgramHandle program(clCreateProgramWithSource(rt.context, 1, &text, &length, &rc));
  check(rc, "clCreateProgramWithSource", dev);
  rc = clBuildProgram(program.get(), 1, &rt.device.device, options.c_str(), nullptr, nullptr);
  if (rc != CL_SUCCESS) {
    fail(LAI_ERROR_OPENCL_BUILD, std::string("OpenCL program build failed with ") + cl_error_name(rc) + " (" +
                                     std::to_string(rc) + ") on device \"" + dev + "\"" +
                                     (options.empty() ? std::string() : " with options \"" + options + "\"") +
                                     "; build log:\n" + build_log(program.get(), rt.device.device));
  }
  c.programs.emplace(std::move(key), program.get());
  return program.release();
}

void build_program(const std::string& source, const std::string& options) {
  (void)get_program(runtime(), source, options);
}

}  // namespace lai::ocl
