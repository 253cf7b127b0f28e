// lai-verify: proves with Clang LibTooling that emitted kernels compute the
// matrix product. The library reads a generated C++ or OpenCL C file, finds
// its kernels, executes them symbolically (src/interp.cpp) and compares every
// element of C with alpha * sum_j A(i,j) B(j,l) + beta * C(i,l) as exact
// polynomials (src/check.cpp). docs/verification.md says what is proven.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <vector>

namespace lai::verify {

// Arithmetic the kernel performed on data, counted on one path.
struct OpCounts {
  long multiplications = 0;  // data * data
  long additions = 0;        // data +- data
  long scalings = 0;         // data * constant (or / constant)
  // The same, for operations with an operand involving alpha, beta or the
  // old value of C: the alpha/beta update, reported apart so the scheme's
  // counts compare exactly with `lai-gen info`.
  long update_multiplications = 0;
  long update_additions = 0;
  long update_scalings = 0;
  long leaf_calls = 0;  // cblas_?gemm calls (block kernel)
  long leaf_mnk = 0;    // sum of m*n*k over those calls
};

struct Options {
  // Kernels to check by function name; empty: every function whose name
  // follows the emitters' convention lai_<scheme>_<target>_<dtype>[_rowmajor][_beta0].
  std::vector<std::string> kernels;
  // Contract to check them against when the name does not say it:
  // cpp4x4, cpp4x4-beta0, cpp4x4-rowmajor, cpp4x4-rowmajor-beta0, cppblock, oclbatched.
  std::string kind;
  // Scheme files (lai-gen's readers: .json, .npz:entry, .sms) the opencl-fast
  // kernels are checked against (their contract is the scheme's U, V, W);
  // a kernel lai_<name>_oclfast_... uses the scheme named <name>.
  std::vector<std::string> schemes;
  // Scheme shape m,k,n when the name does not carry _<m>x<k>x<n>_r<rank>.
  std::optional<std::array<int, 3>> shape;
  // Compiler flags added to the built-in ones (include paths, defines).
  std::vector<std::string> clang_args;
  // Clang's resource directory (builtin headers, opencl-c.h).
  std::string resource_dir;
  // Extra system include directories (cblas.h).
  std::vector<std::string> system_includes;
};

struct KernelReport {
  std::string name;
  std::string kind;    // cpp4x4[-rowmajor][-beta0], cppblock, oclbatched
  bool proven = false;
  std::string message;  // the failure ("cannot verify: ..." or what is wrong)
  std::string proven_what;
  OpCounts counts;      // on the generic path (first instantiation for cppblock)
  int paths = 0;        // executions (forks x instantiations)
  int instantiations = 1;
  double seconds = 0;
};

struct FileReport {
  std::string file;
  std::string error;  // parse failure or a kernel asked for but absent
  std::vector<KernelReport> kernels;
  double parse_seconds = 0;
  bool ok() const;
};

FileReport verify_file(const std::string& path, const Options& options);

// Human-readable report, one block per kernel.
std::string format_report(const FileReport& report);

}  // namespace lai::verify
