// Small helpers of the two-stage probes (band_probe.cpp, band_reduce_probe.cpp):
// comma lists of counts on the command line, a wall clock, medians.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

namespace lai_probe {

// "a,b,c" of counts in [0, 1000000]; a bad or empty list ends the program
// with exit code 2 and a sentence naming the tool, the option and the value.
inline std::vector<int> parse_list(const char* tool, const char* arg, const char* name) {
  std::vector<int> out;
  std::stringstream ss(arg);
  std::string tok;
  while (std::getline(ss, tok, ',')) {
    char* end = nullptr;
    const long v = std::strtol(tok.c_str(), &end, 10);
    if (tok.empty() || *end != '\0' || v < 0 || v > 1000000) {
      std::fprintf(stderr, "%s: %s: '%s' is not a count in [0, 1000000]\n", tool, name, tok.c_str());
      std::exit(2);
    }
    out.push_back(static_cast<int>(v));
  }
  if (out.empty()) {
    std::fprintf(stderr, "%s: %s: empty list\n", tool, name);
    std::exit(2);
  }
  return out;
}

inline double now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

inline double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t h = v.size() / 2;
  return v.size() % 2 ? v[h] : 0.5 * (v[h - 1] + v[h]);
}

}  // namespace lai_probe
