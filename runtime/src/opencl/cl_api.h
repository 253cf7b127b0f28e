// The one place the OpenCL header is included, so every file targets the
// same API version: 1.2 is what PoCL, NVIDIA, AMD and Intel all provide.
#pragma once

#ifndef CL_TARGET_OPENCL_VERSION
#define CL_TARGET_OPENCL_VERSION 120
#endif
#include <CL/cl.h>
