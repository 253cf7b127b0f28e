// Integer settings from the environment, read the same way everywhere: the
// whole value must be a decimal integer (from_chars, no trailing text);
// anything else counts as unset. The tuning knobs ignore malformed values
// instead of reporting them (there is no call to fail, and the library must
// not print); user-facing choices such as LAI_BACKEND are checked where
// they are read and reported there.
#pragma once

#include <charconv>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <system_error>

namespace lai {

inline std::optional<int> env_int(const char* name) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') return std::nullopt;
  int x = 0;
  const char* end = v + std::strlen(v);
  const auto [ptr, ec] = std::from_chars(v, end, x);
  if (ec != std::errc() || ptr != end) return std::nullopt;
  return x;
}

}  // namespace lai
