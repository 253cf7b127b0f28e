#include "opencl/program_cache.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <mutex>
#include <tuple>
#include <unistd.h>
#include <vector>

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

// 64-bit FNV-1a over the parts, each followed by a NUL: the on-disk key.
std::uint64_t fnv1a(std::initializer_list<const std::string*> parts) {
  std::uint64_t h = 1469598103934665603ull;
  for (const std::string* p : parts) {
    for (unsigned char c : *p) h = (h ^ c) * 1099511628211ull;
    h = (h ^ 0u) * 1099511628211ull;
  }
  return h;
}

std::string cache_file(const Runtime& rt, const std::string& source, const std::string& options) {
  const std::string dir = program_cache_dir();
  if (dir.empty()) return {};
  const std::string format = "lai-ocl-binary/1";
  const std::uint64_t h = fnv1a({&format, &rt.device.name, &rt.vendor, &rt.driver_version, &rt.device_version,
                                 &rt.device.platform_name, &options, &source});
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(h));
  return dir + "/" + hex + ".bin";
}

// A program from a cached binary, or null when there is none or the driver
// refuses it (then the caller compiles the source and rewrites the file).
cl_program load_binary(const Runtime& rt, const std::string& path) {
  if (path.empty()) return nullptr;
  std::ifstream in(path, std::ios::binary);
  if (!in) return nullptr;
  const std::vector<unsigned char> bin((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (bin.empty()) return nullptr;
  const unsigned char* ptr = bin.data();
  const std::size_t size = bin.size();
  cl_int status = CL_SUCCESS;
  cl_int rc = CL_SUCCESS;
  ProgramHandle program(clCreateProgramWithBinary(rt.context, 1, &rt.device.device, &size, &ptr, &status, &rc));
  if (rc != CL_SUCCESS || status != CL_SUCCESS) return nullptr;
  if (clBuildProgram(program.get(), 1, &rt.device.device, "", nullptr, nullptr) != CL_SUCCESS) return nullptr;
  return program.release();
}

// Best effort: a cache that cannot be written only costs a compile next time.
void store_binary(cl_program program, const std::string& path) {
  if (path.empty()) return;
  std::size_t size = 0;
  if (clGetProgramInfo(program, CL_PROGRAM_BINARY_SIZES, sizeof size, &size, nullptr) != CL_SUCCESS || size == 0) {
    return;
  }
  std::vector<unsigned char> bin(size);
  unsigned char* ptr = bin.data();
  if (clGetProgramInfo(program, CL_PROGRAM_BINARIES, sizeof ptr, &ptr, nullptr) != CL_SUCCESS) return;
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
  const std::string tmp = path + ".tmp" + std::to_string(static_cast<long>(::getpid()));
  {
    std::ofstream out(tmp, std::ios::binary);
    if (!out) return;
    out.write(reinterpret_cast<const char*>(bin.data()), static_cast<std::streamsize>(bin.size()));
    if (!out) {
      std::filesystem::remove(tmp, ec);
      return;
    }
  }
  std::filesystem::rename(tmp, path, ec);
  if (ec) std::filesystem::remove(tmp, ec);
}

}  // namespace

std::string program_cache_dir() {
  const char* v = std::getenv("LAI_OPENCL_CACHE_DIR");
  if (v != nullptr) return std::string(v) == "off" ? std::string() : std::string(v);
  if (const char* x = std::getenv("XDG_CACHE_HOME"); x != nullptr && *x != '\0') return std::string(x) + "/lapack_ai/opencl";
  if (const char* h = std::getenv("HOME"); h != nullptr && *h != '\0') return std::string(h) + "/.cache/lapack_ai/opencl";
  return {};
}

cl_program get_program(const Runtime& rt, const std::string& source, const std::string& options) {
  Cache& c = cache();
  // One lock over lookup and build: builds are rare (once per kernel and
  // process), and holding it prevents two threads compiling the same source.
  std::lock_guard<std::mutex> lock(c.mutex);
  Key key{rt.context, source, options};
  if (auto it = c.programs.find(key); it != c.programs.end()) return it->second;

  const std::string& dev = rt.device.name;
  const std::string file = cache_file(rt, source, options);
  if (cl_program cached = load_binary(rt, file); cached != nullptr) {
    c.programs.emplace(std::move(key), cached);
    return cached;
  }
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
  store_binary(program.get(), file);
  c.programs.emplace(std::move(key), program.get());
  return program.release();
}

void build_program(const std::string& source, const std::string& options) {
  (void)get_program(runtime(), source, options);
}

}  // namespace lai::ocl
