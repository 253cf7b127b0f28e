// LAI_BLOCK_THRESHOLD and LAI_SCHEME as users set them: read once at first
// use. Run by the ctest entry test_runtime_environment, which sets both
// before the process starts; skipped when they are not set.
#include <cstdlib>
#include <cstring>
#include <string>

#include "test_support.h"

namespace {

TEST(Environment, BlockThresholdAndSchemeAreApplied) {
  const char* threshold = std::getenv("LAI_BLOCK_THRESHOLD");
  const char* scheme = std::getenv("LAI_SCHEME");
  if (threshold == nullptr || scheme == nullptr) {
    GTEST_SKIP() << "needs LAI_BLOCK_THRESHOLD and LAI_SCHEME (ctest test_runtime_environment)";
  }
  EXPECT_EQ(lai_get_block_threshold(), std::atoi(threshold));
  bool built_in = false;
  for (int i = 0; i < lai_scheme_count(); ++i) built_in = built_in || std::strcmp(lai_scheme_name(i), scheme) == 0;
  if (built_in) {
    EXPECT_STREQ(lai_get_scheme(), scheme);
  }
  // An explicit setter wins over the environment.
  EXPECT_EQ(lai_set_block_threshold(9), LAI_SUCCESS);
  EXPECT_EQ(lai_get_block_threshold(), 9);
}

}  // namespace
