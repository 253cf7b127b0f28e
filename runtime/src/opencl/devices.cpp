#include "opencl/devices.h"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "diagnostics/error.h"
#include "opencl/cl_error.h"

namespace lai::ocl {

namespace {

std::string platform_string(cl_platform_id p, cl_platform_info what) {
  std::size_t size = 0;
  if (clGetPlatformInfo(p, what, 0, nullptr, &size) != CL_SUCCESS || size == 0) return "?";
  std::string s(size, '\0');
  if (clGetPlatformInfo(p, what, size, s.data(), nullptr) != CL_SUCCESS) return "?";
  s.resize(s.find('\0') == std::string::npos ? s.size() : s.find('\0'));
  return s;
}

std::string device_string(cl_device_id d, cl_device_info what) {
  std::size_t size = 0;
  if (clGetDeviceInfo(d, what, 0, nullptr, &size) != CL_SUCCESS || size == 0) return "?";
  std::string s(size, '\0');
  if (clGetDeviceInfo(d, what, size, s.data(), nullptr) != CL_SUCCESS) return "?";
  s.resize(s.find('\0') == std::string::npos ? s.size() : s.find('\0'));
  return s;
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
  return s;
}

// "P:D" with two non-negative integers and nothing else.
bool parse_index_spec(const std::string& spec, int& p, int& d) {
  const auto colon = spec.find(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == spec.size()) return false;
  const char* b = spec.data();
  const char* e = b + spec.size();
  auto r1 = std::from_chars(b, b + colon, p);
  if (r1.ec != std::errc() || r1.ptr != b + colon) return false;
  auto r2 = std::from_chars(b + colon + 1, e, d);
  return r2.ec == std::errc() && r2.ptr == e && p >= 0 && d >= 0;
}

std::string list_devices(const std::vector<DeviceEntry>& devices) {
  std::string out;
  for (const auto& e : devices) {
    if (!out.empty()) out += "; ";
    out += std::to_string(e.platform_index) + ":" + std::to_string(e.device_index) + " \"" + e.name + "\" (" +
           e.platform_name + ")";
  }
  return out.empty() ? "none" : out;
}

}  // namespace

std::vector<DeviceEntry> discover_devices() {
  cl_uint num_platforms = 0;
  const cl_int rc = clGetPlatformIDs(0, nullptr, &num_platforms);
  if (rc != CL_SUCCESS || num_platforms == 0) {
    fail(LAI_ERROR_NO_DEVICE,
         std::string("no OpenCL platform is installed (clGetPlatformIDs: ") + cl_error_name(rc) + " (" +
             std::to_string(rc) +
             ")); the ICD loader needs a vendor file in /etc/OpenCL/vendors or the folder named by "
             "OCL_ICD_VENDORS");
  }
  std::vector<cl_platform_id> platforms(num_platforms);
  check(clGetPlatformIDs(num_platforms, platforms.data(), nullptr), "clGetPlatformIDs", "");

  std::vector<DeviceEntry> out;
  for (cl_uint p = 0; p < num_platforms; ++p) {
    cl_uint num_devices = 0;
    // A platform without devices answers CL_DEVICE_NOT_FOUND; skip it.
    if (clGetDeviceIDs(platforms[p], CL_DEVICE_TYPE_ALL, 0, nullptr, &num_devices) != CL_SUCCESS ||
        num_devices == 0) {
      continue;
    }
    std::vector<cl_device_id> ids(num_devices);
    if (clGetDeviceIDs(platforms[p], CL_DEVICE_TYPE_ALL, num_devices, ids.data(), nullptr) != CL_SUCCESS) continue;
    const std::string pname = platform_string(platforms[p], CL_PLATFORM_NAME);
    for (cl_uint d = 0; d < num_devices; ++d) {
      cl_device_type type = 0;
      clGetDeviceInfo(ids[d], CL_DEVICE_TYPE, sizeof type, &type, nullptr);
      out.push_back(DeviceEntry{static_cast<int>(p), static_cast<int>(d), platforms[p], ids[d],
                                device_string(ids[d], CL_DEVICE_NAME), pname, (type & CL_DEVICE_TYPE_GPU) != 0});
    }
  }
  if (out.empty()) {
    fail(LAI_ERROR_NO_DEVICE, std::to_string(num_platforms) + " OpenCL platform(s) found but no device in any");
  }
  return out;
}

std::size_t choose_device(const std::vector<DeviceEntry>& devices, const std::string& spec) {
  if (spec.empty()) {
    for (std::size_t i = 0; i < devices.size(); ++i) {
      if (devices[i].gpu) return i;
    }
    if (!devices.empty()) return 0;
    fail(LAI_ERROR_NO_DEVICE, "no OpenCL device found");
  }
  int p = 0;
  int d = 0;
  if (parse_index_spec(spec, p, d)) {
    for (std::size_t i = 0; i < devices.size(); ++i) {
      if (devices[i].platform_index == p && devices[i].device_index == d) return i;
    }
    fail(LAI_ERROR_NO_DEVICE, "LAI_OPENCL_DEVICE=\"" + spec + "\" names platform " + std::to_string(p) +
                                  " device " + std::to_string(d) + ", which does not exist; devices found: " +
                                  list_devices(devices));
  }
  const std::string needle = lower(spec);
  for (std::size_t i = 0; i < devices.size(); ++i) {
    if (lower(devices[i].name).find(needle) != std::string::npos) return i;
  }
  fail(LAI_ERROR_NO_DEVICE, "LAI_OPENCL_DEVICE=\"" + spec +
                                "\" is neither \"P:D\" indices nor a substring of any OpenCL device name "
                                "(case-insensitive); devices found: " +
                                list_devices(devices));
}

}  // namespace lai::ocl
