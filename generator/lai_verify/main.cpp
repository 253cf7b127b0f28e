// lai-verify: thin command line over the checker library.
//
//   lai-verify [--kernel NAME]... [--kind K] [--shape MxKxN] [-D NAME=VALUE]... [--stamp FILE] FILE... [-- CLANG-ARGS]
//
// Exit status 0 when every kernel of every file is proven, 1 otherwise (a
// wrong kernel or a construct the checker cannot verify), 2 on usage errors.
#include <CLI/CLI.hpp>

#include <chrono>
#include <fstream>
#include <iostream>
#include <regex>

#include "lai_verify/verify.hpp"

int main(int argc, char** argv) {
  CLI::App app{"lai-verify: prove with Clang that emitted C++/OpenCL kernels compute C = alpha*A*B + beta*C"};
  lai::verify::Options options;
  options.resource_dir = LAI_VERIFY_RESOURCE_DIR;
  options.system_includes = {LAI_VERIFY_SYSTEM_INCLUDES};
  std::vector<std::string> files;
  std::string shape, stamp;
  bool quiet = false;
  app.add_option("files", files, "generated .cpp or .cl files")->required()->check(CLI::ExistingFile);
  app.add_option("--kernel", options.kernels, "function to check (default: every lai_<scheme>_<target>_<dtype> kernel)");
  app.add_option("--kind", options.kind, "contract: cpp4x4, cpp4x4-beta0, cpp4x4-rowmajor, cpp4x4-rowmajor-beta0, cppblock, oclbatched (default: from the name)")
      ->check(CLI::IsMember({"cpp4x4", "cpp4x4-beta0", "cppblock", "oclbatched"}));
  app.add_option("--scheme", options.schemes, "scheme file of opencl-fast kernels (factors/<scheme>.json; repeatable)")
      ->allow_extra_args(false);
  app.add_option("--shape", shape, "scheme shape MxKxN (default: from the name)");
  app.add_option("--resource-dir", options.resource_dir, "Clang resource directory")->capture_default_str();
  app.add_option("--isystem", options.system_includes, "system include directories for the C++ kernels");
  app.add_option("--stamp", stamp, "file to write when everything is proven (build integration)");
  std::vector<std::string> defines;
  app.add_option("-D,--define", defines, "macro NAME=VALUE for the kernel files (e.g. tile parameters of the GEMM kernels)");
  app.add_flag("-q,--quiet", quiet, "print failures only");
  app.allow_extras();  // everything after -- goes to Clang
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  options.clang_args = app.remaining();
  if (!options.clang_args.empty() && options.clang_args.front() == "--") options.clang_args.erase(options.clang_args.begin());
  for (const auto& d : defines) options.clang_args.push_back("-D" + d);
  if (!shape.empty()) {
    std::smatch m;
    if (!std::regex_match(shape, m, std::regex("([0-9]+)x([0-9]+)x([0-9]+)"))) {
      std::cerr << "lai-verify: --shape must be MxKxN, got '" << shape << "'\n";
      return 2;
    }
    options.shape = std::array<int, 3>{std::stoi(m[1]), std::stoi(m[2]), std::stoi(m[3])};
  }
  const auto t0 = std::chrono::steady_clock::now();
  bool ok = true;
  int proven = 0;
  for (const auto& f : files) {
    const auto report = lai::verify::verify_file(f, options);
    ok = ok && report.ok();
    for (const auto& k : report.kernels) proven += k.proven ? 1 : 0;
    if (!quiet || !report.ok()) std::cout << lai::verify::format_report(report);
  }
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::cout << "lai-verify: " << (ok ? "all proven" : "FAILED") << " (" << proven << " kernel(s) proven, " << files.size()
            << " file(s), " << s << " s)\n";
  if (ok && !stamp.empty()) std::ofstream(stamp) << "proven\n";
  return ok ? 0 : 1;
}
