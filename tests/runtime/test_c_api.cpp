// Runs the C translation unit c_api_smoke.c (the header used from C).
#include <gtest/gtest.h>

extern "C" int lai_test_c_smoke(void);

TEST(CApi, HeaderWorksFromC) { EXPECT_EQ(lai_test_c_smoke(), 0); }
