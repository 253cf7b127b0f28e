// Helpers for the lai-verify tests: emit kernels with the real lai-gen into a
// scratch folder, and the checker options the build uses.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "lai_verify/verify.hpp"

namespace lai::verify::test {

inline Options build_options() {
  Options o;
  o.resource_dir = LAI_VERIFY_RESOURCE_DIR;
  o.system_includes = {LAI_VERIFY_SYSTEM_INCLUDES};
  return o;
}

inline std::filesystem::path scratch(const std::string& name) {
  const auto dir = std::filesystem::temp_directory_path() / ("lai_verify_test_" + std::to_string(::getpid())) / name;
  std::filesystem::create_directories(dir);
  return dir;
}

// Runs `lai-gen emit` and returns the path of the kernel file (.cpp or .cl).
inline std::filesystem::path emit(const std::string& scheme, const std::string& target, const std::string& dtype,
                                  const std::filesystem::path& out, const std::string& name = "") {
  const std::string cmd = std::string("'") + LAI_GEN_EXE + "' emit --scheme '" + scheme + "' --target " + target +
                          " --dtype " + dtype + " -o '" + out.string() + "' --templates '" + LAI_TEMPLATES_DIR_FOR_TESTS +
                          "'" + (name.empty() ? "" : " --name " + name) + " >/dev/null";
  EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
  std::filesystem::path found;
  for (const auto& e : std::filesystem::directory_iterator(out)) {
    const std::string f = e.path().filename().string();
    const std::string tag = target == "cpp-4x4"            ? "_cpp4x4_"
                            : target == "cpp-block"        ? "_cppblock_"
                            : target == "opencl-batched-v" ? "_oclbatchedv_"
                            : target == "opencl-fast"      ? "_oclfast_"
                                                           : "_oclbatched_";
    const std::string ext = target.starts_with("opencl") ? ".cl" : ".cpp";
    if (f.find(tag + dtype) != std::string::npos && e.path().extension() == ext) found = e.path();
  }
  EXPECT_FALSE(found.empty()) << "lai-gen wrote no " << target << " " << dtype << " kernel into " << out;
  return found;
}

inline std::string read_text(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

inline void write_text(const std::filesystem::path& p, const std::string& text) { std::ofstream(p) << text; }

}  // namespace lai::verify::test
