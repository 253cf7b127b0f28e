// Where tests find ../shared/factors, and what they do when it is absent.
//
// The folder comes from the environment (LAI_FACTORS_DIR) or the CMake cache
// variable of the same name. When it is absent a test skips with a message,
// unless LAI_REQUIRE_FACTORS=1 (CI sets it): then absence is a failure, so CI
// can never pass by skipping the tests that matter.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>

namespace lai::test {

inline std::string factors_dir() {
  if (const char* env = std::getenv("LAI_FACTORS_DIR"); env && *env) return env;
  return LAI_FACTORS_DIR;
}

inline bool factors_required() {
  const char* env = std::getenv("LAI_REQUIRE_FACTORS");
  return env && std::string(env) == "1";
}

}  // namespace lai::test

// Declares `dir` (std::string) = the factor folder, or skips/fails the test.
#define LAI_FACTORS_DIR_OR_SKIP(dir)                                                                    \
  const std::string dir = ::lai::test::factors_dir();                                                   \
  if (!std::filesystem::is_directory(dir)) {                                                            \
    if (::lai::test::factors_required())                                                                \
      FAIL() << "factor folder " << dir << " is absent but LAI_REQUIRE_FACTORS=1";                      \
    GTEST_SKIP() << "factor folder " << dir << " is absent (set LAI_FACTORS_DIR to ../shared/factors)"; \
  }
