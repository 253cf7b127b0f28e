// Device discovery across all OpenCL platforms and the LAI_OPENCL_DEVICE
// selection rule. Selection is a pure function over the discovered list so
// its rules can be applied to a spec without touching the chosen device.
#pragma once

#include <string>
#include <vector>

#include "opencl/cl_api.h"

namespace lai::ocl {

struct DeviceEntry {
  int platform_index;
  int device_index;  // within its platform
  cl_platform_id platform;
  cl_device_id device;
  std::string name;
  std::string platform_name;
  bool gpu;
};

// Every device of every platform. Throws lai::Error(LAI_ERROR_NO_DEVICE) when
// no platform is installed or no platform has a device.
std::vector<DeviceEntry> discover_devices();

// Index into `devices` chosen by `spec` (the value of LAI_OPENCL_DEVICE;
// empty = not set): "P:D" picks platform P's device D; anything else is a
// case-insensitive substring of the device name (first match wins); without
// a spec the first GPU, else the first device. Throws
// lai::Error(LAI_ERROR_NO_DEVICE) naming the spec and listing the devices
// when nothing matches.
std::size_t choose_device(const std::vector<DeviceEntry>& devices, const std::string& spec);

}  // namespace lai::ocl
