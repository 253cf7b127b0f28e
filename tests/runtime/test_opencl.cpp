// OpenCL backend: device selection, build failures with their log, and the
// LAI_OPENCL_DEVICE error as a user meets it.
#include <cctype>
#include <cstring>
#include <string>

#include "test_support.h"

namespace {

using namespace lai_test;

// Broken on purpose: an undeclared identifier every OpenCL compiler rejects.
constexpr const char* kBrokenSource =
    "__kernel void lai_test_broken(__global float* x) {\n"
    "  x[get_global_id(0)] = lai_undeclared_identifier_42;\n"
    "}\n";

constexpr const char* kGoodSource =
    "__kernel void lai_test_good(__global float* x) { x[get_global_id(0)] *= 2.0f; }\n";

TEST(Opencl, DeviceNameIsReported) {
  LAI_REQUIRE_OPENCL_OR_SKIP();
  const char* name = lai_opencl_device_name();
  ASSERT_NE(name, nullptr) << lai_last_error();
  EXPECT_GT(std::strlen(name), 0u);
}

TEST(Opencl, BuildFailureReturnsStatusAndBuildLog) {
  LAI_REQUIRE_OPENCL_OR_SKIP();
  EXPECT_EQ(lai_internal_opencl_build(kBrokenSource, nullptr), LAI_ERROR_OPENCL_BUILD);
  const std::string msg = lai_last_error();
  EXPECT_NE(msg.find("CL_BUILD_PROGRAM_FAILURE"), std::string::npos) << msg;
  EXPECT_NE(msg.find("build log:"), std::string::npos) << msg;
  // The compiler's own words about the broken line.
  EXPECT_NE(msg.find("lai_undeclared_identifier_42"), std::string::npos) << msg;
  EXPECT_NE(msg.find(lai_opencl_device_name()), std::string::npos) << msg;
  // Failures are not cached: the same source fails the same way again.
  EXPECT_EQ(lai_internal_opencl_build(kBrokenSource, nullptr), LAI_ERROR_OPENCL_BUILD);
}

TEST(Opencl, GoodSourceBuildsAndIsCached) {
  LAI_REQUIRE_OPENCL_OR_SKIP();
  EXPECT_EQ(lai_internal_opencl_build(kGoodSource, nullptr), LAI_SUCCESS) << lai_last_error();
  EXPECT_EQ(lai_internal_opencl_build(kGoodSource, nullptr), LAI_SUCCESS) << lai_last_error();
  EXPECT_EQ(lai_internal_opencl_build(kGoodSource, "-cl-fast-relaxed-math"), LAI_SUCCESS) << lai_last_error();
}

TEST(Opencl, BadBuildOptionIsABuildOrRuntimeError) {
  LAI_REQUIRE_OPENCL_OR_SKIP();
  const lai_status st = lai_internal_opencl_build(kGoodSource, "-lai-no-such-option");
  EXPECT_TRUE(st == LAI_ERROR_OPENCL_BUILD || st == LAI_ERROR_OPENCL_RUNTIME) << lai_status_string(st);
  EXPECT_NE(std::string(lai_last_error()).find("-lai-no-such-option"), std::string::npos) << lai_last_error();
}

TEST(Opencl, SelectionByIndexAndByName) {
  LAI_REQUIRE_OPENCL_OR_SKIP();
  char name[256] = {};
  ASSERT_EQ(lai_internal_opencl_select("0:0", name, sizeof name), LAI_SUCCESS) << lai_last_error();
  EXPECT_GT(std::strlen(name), 0u);
  // A case-changed substring of that name finds a device with that substring.
  std::string needle = std::string(name).substr(0, std::min<std::size_t>(6, std::strlen(name)));
  for (char& ch : needle) ch = static_cast<char>(std::isupper(static_cast<unsigned char>(ch)) ? std::tolower(ch) : std::toupper(ch));
  char found[256] = {};
  ASSERT_EQ(lai_internal_opencl_select(needle.c_str(), found, sizeof found), LAI_SUCCESS) << lai_last_error();
  std::string lower_found = found, lower_needle = needle;
  for (char& ch : lower_found) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  for (char& ch : lower_needle) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  EXPECT_NE(lower_found.find(lower_needle), std::string::npos);
}

TEST(Opencl, SelectionThatMatchesNothingIsExplained) {
  LAI_REQUIRE_OPENCL_OR_SKIP();
  char name[64] = "unchanged";
  EXPECT_EQ(lai_internal_opencl_select("no-such-opencl-device-xyz", name, sizeof name), LAI_ERROR_NO_DEVICE);
  std::string msg = lai_last_error();
  EXPECT_NE(msg.find("LAI_OPENCL_DEVICE=\"no-such-opencl-device-xyz\""), std::string::npos) << msg;
  EXPECT_NE(msg.find("devices found: 0:0"), std::string::npos) << msg;
  EXPECT_STREQ(name, "unchanged");

  EXPECT_EQ(lai_internal_opencl_select("99:0", name, sizeof name), LAI_ERROR_NO_DEVICE);
  msg = lai_last_error();
  EXPECT_NE(msg.find("platform 99 device 0, which does not exist"), std::string::npos) << msg;
}

// Runs only in the ctest entry test_runtime_bad_opencl_device, which sets
// LAI_OPENCL_DEVICE to a name no device has before the process starts.
TEST(OpenclEnvironment, NonMatchingDeviceIsReported) {
  const char* spec = std::getenv("LAI_OPENCL_DEVICE");
  if (spec == nullptr || std::strcmp(spec, "no-such-opencl-device-xyz") != 0) {
    GTEST_SKIP() << "needs LAI_OPENCL_DEVICE=no-such-opencl-device-xyz (ctest test_runtime_bad_opencl_device)";
  }
  // Without any device the error is about the missing platform instead.
  if (lai_internal_opencl_select("0:0", nullptr, 0) != LAI_SUCCESS) {
    if (opencl_required()) FAIL() << lai_last_error();
    GTEST_SKIP() << "no OpenCL device: " << lai_last_error();
  }
  EXPECT_EQ(lai_opencl_device_name(), nullptr);
  const std::string msg = lai_last_error();
  EXPECT_EQ(msg.rfind("lai_opencl_device_name: LAI_OPENCL_DEVICE=\"no-such-opencl-device-xyz\"", 0), 0u) << msg;
  EXPECT_NE(msg.find("devices found"), std::string::npos) << msg;
  EXPECT_EQ(lai_opencl_init(), LAI_ERROR_NO_DEVICE);

  float A[16] = {}, C[16];
  EXPECT_EQ(lai_sgemm_batched4x4(A, A, C, 1, LAI_BACKEND_OPENCL), LAI_ERROR_NO_DEVICE);
  EXPECT_NE(std::string(lai_last_error()).find("no-such-opencl-device-xyz"), std::string::npos);
  // AUTO still computes, on the CPU.
  EXPECT_EQ(lai_sgemm_batched4x4(A, A, C, 1, LAI_BACKEND_AUTO), LAI_SUCCESS);
}

}  // namespace
