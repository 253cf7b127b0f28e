// Configuration: block threshold and scheme selection.
#include <set>
#include <string>

#include "test_support.h"

namespace {

using namespace lai_test;

TEST(Config, BlockThresholdSetGet) {
  const int saved = lai_get_block_threshold();
  EXPECT_GE(saved, 1);
  EXPECT_EQ(lai_set_block_threshold(123), LAI_SUCCESS);
  EXPECT_EQ(lai_get_block_threshold(), 123);
  EXPECT_EQ(lai_set_block_threshold(0), LAI_ERROR_INVALID_ARGUMENT);
  EXPECT_STREQ(lai_last_error(), "lai_set_block_threshold: n=0 must be >= 1");
  EXPECT_EQ(lai_set_block_threshold(-5), LAI_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(lai_get_block_threshold(), 123) << "a rejected value must not change the setting";
  EXPECT_EQ(lai_set_block_threshold(saved), LAI_SUCCESS);
}

TEST(Config, DefaultThresholdUnlessEnvironmentSetsIt) {
  // The suite runs without LAI_BLOCK_THRESHOLD unless a user sets it.
  if (std::getenv("LAI_BLOCK_THRESHOLD") != nullptr) GTEST_SKIP() << "LAI_BLOCK_THRESHOLD is set";
  ThresholdGuard keep(lai_get_block_threshold());  // restore whatever earlier tests left
  EXPECT_EQ(LAI_DEFAULT_BLOCK_THRESHOLD, 4096);
}

TEST(Config, SchemesAreListedAndSelectable) {
  const int count = lai_scheme_count();
  ASSERT_GE(count, 1);
  EXPECT_EQ(lai_scheme_name(-1), nullptr);
  EXPECT_EQ(lai_scheme_name(count), nullptr);
  std::set<std::string> names;
  for (int i = 0; i < count; ++i) {
    ASSERT_NE(lai_scheme_name(i), nullptr);
    names.insert(lai_scheme_name(i));
  }
  EXPECT_EQ(static_cast<int>(names.size()), count) << "scheme names must be unique";
  EXPECT_EQ(names.count(lai_get_scheme()), 1u);

  const std::string initial = lai_get_scheme();
  for (const std::string& n : names) {
    EXPECT_EQ(lai_set_scheme(n.c_str()), LAI_SUCCESS) << lai_last_error();
    EXPECT_EQ(lai_get_scheme(), n);
  }
  EXPECT_EQ(lai_set_scheme(initial.c_str()), LAI_SUCCESS);
}

TEST(Config, NullSchemeRestoresBuildDefault) {
  const std::string initial = lai_get_scheme();
  ASSERT_EQ(lai_set_scheme(lai_scheme_name(lai_scheme_count() - 1)), LAI_SUCCESS);
  ASSERT_EQ(lai_set_scheme(nullptr), LAI_SUCCESS);
  const std::string def = lai_get_scheme();
  if (std::getenv("LAI_SCHEME") == nullptr) {
    EXPECT_EQ(def, initial);
  }
  EXPECT_EQ(lai_set_scheme(initial.c_str()), LAI_SUCCESS);
}

TEST(Config, UnknownSchemeListsTheAvailableOnes) {
  const std::string before = lai_get_scheme();
  EXPECT_EQ(lai_set_scheme("no_such_4x4x4_r1"), LAI_ERROR_INVALID_ARGUMENT);
  const std::string msg = lai_last_error();
  EXPECT_NE(msg.find("lai_set_scheme: name=\"no_such_4x4x4_r1\""), std::string::npos) << msg;
  EXPECT_NE(msg.find(lai_scheme_name(0)), std::string::npos) << msg;
  EXPECT_EQ(lai_get_scheme(), before);
}

}  // namespace
