// Planted bugs: copies of generated kernels with one defect each must be
// rejected, and the message must name the output element (or the offending
// access) and the source location. Also: constructs the checker does not
// model are refused with "cannot verify: ... at file:line:col", never passed.
#include <gtest/gtest.h>

#include <filesystem>
#include <vector>

#include "verify_util.hpp"

namespace lai::verify {
namespace {

using test::build_options;
using test::emit;
using test::read_text;
using test::scratch;
using test::write_text;

struct Mutation {
  std::string bug;
  std::string target;  // cpp-4x4, opencl-batched, cpp-block
  std::string find;     // text to change (first occurrence)
  std::string replace;
  std::vector<std::string> expect;  // substrings of the failure; "@LINE" = file:<line of the change>:
};

std::string scheme() { return std::string(LAI_SOURCE_DIR) + "/factors/strassen2_4x4x4_r49.json"; }

// Applies m to a fresh copy of the kernel, verifies it and returns the
// failure message of the first kernel that failed (empty when all passed).
std::string run_mutation(const Mutation& m, const std::string& dir_name, std::string& file_out, int& line_out) {
  const auto dir = scratch(dir_name);
  const auto file = emit(scheme(), m.target, "f64", dir);
  std::string text = read_text(file);
  const auto pos = text.find(m.find);
  EXPECT_NE(pos, std::string::npos) << "mutation site '" << m.find << "' not in " << file;
  if (pos == std::string::npos) return "";
  text.replace(pos, m.find.size(), m.replace);
  write_text(file, text);
  file_out = file.string();
  line_out = 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(pos), '\n'));
  Options options = build_options();
  options.schemes = {scheme()};  // the contract of the opencl-fast kernels
  const FileReport r = verify_file(file.string(), options);
  EXPECT_FALSE(r.ok()) << "planted bug '" << m.bug << "' was not detected:\n" << format_report(r);
  if (!r.error.empty()) return r.error;
  for (const auto& k : r.kernels) {
    if (!k.proven) return k.message;
  }
  return "";
}

class Mutations : public ::testing::TestWithParam<Mutation> {};

// Test names from the bug's description ("flip a sign" -> flip_a_sign).
std::string mutation_name(const ::testing::TestParamInfo<Mutation>& info) {
  std::string name;
  for (char c : info.param.bug) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      name += c;
    } else if (!name.empty() && name.back() != '_') {
      name += '_';
    }
  }
  while (!name.empty() && name.back() == '_') name.pop_back();
  return name;
}

TEST_P(Mutations, RejectedWithElementAndLocation) {
  const Mutation& m = GetParam();
  std::string file;
  int line = 0;
  std::string name = m.bug;
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  const std::string msg = run_mutation(m, name, file, line);
  ASSERT_FALSE(msg.empty());
  for (std::string want : m.expect) {
    if (want == "@LINE") want = file + ":" + std::to_string(line) + ":";
    if (want == "@FILE") want = file + ":";
    EXPECT_NE(msg.find(want), std::string::npos) << "bug: " << m.bug << "\nmessage: " << msg << "\nmissing: " << want;
  }
  std::cout << "[mutation] " << m.bug << " -> " << msg << "\n";
}

// The strassen2 f64 kernels as lai-gen emits them (see generated/).
INSTANTIATE_TEST_SUITE_P(
    Planted, Mutations,
    ::testing::Values(
        Mutation{"flip a sign", "cpp-4x4", "C[0] = alpha * (p42 + p45 - p46", "C[0] = alpha * (p42 + p45 + p46",
                 {"C(0,0) is wrong", "@LINE", "differs from alpha * sum_j A(0,j)*B(j,0) + beta*C(0,0)"}},
        Mutation{"swap two indices", "cpp-4x4", "A[rsa + 2 * csa]", "A[2 * rsa + csa]",
                 {"is wrong (last written at", "C("}},
        Mutation{"drop a term", "cpp-4x4", "C[csc] = alpha * (p44 + p46 + tc3", "C[csc] = alpha * (p44 + tc3",
                 {"C(0,1) is wrong", "@LINE"}},
        Mutation{"change a coefficient 1 -> 2", "cpp-4x4", "C[2 * csc] = alpha * (tc35 + tc39)",
                 "C[2 * csc] = alpha * (tc35 + 2.0 * tc39)", {"C(0,2) is wrong", "@LINE"}},
        Mutation{"write one element twice", "cpp-4x4", "  C[3 * csc] =", "  C[3 * csc] = 0;\n  C[3 * csc] =",
                 {"C(0,3) is written twice", "@LINE"}},
        Mutation{"off-by-one in a leading-dimension term", "cpp-4x4", "C[2 * rsc + 3 * csc] =", "C[3 * rsc + 3 * csc] =",
                 {"C(3,3) is written twice", "@LINE"}},
        Mutation{"read outside A", "cpp-4x4", "A[3 * rsa + 3 * csa]", "A[3 * rsa + 4 * csa]",
                 {"reads outside A: offset 3*rsa + 4*csa is not an element of A", "@LINE"}},
        Mutation{"beta0 kernel reads C", "cpp-4x4", "C[3 * rsc + 3 * csc] = alpha * (p35 - p36 + p37 + p40 + tc30 - tc32 + tc34);",
                 "C[3 * rsc + 3 * csc] = alpha * (p35 - p36 + p37 + p40 + tc30 - tc32 + tc34) + beta * C[3 * rsc + 3 * csc];",
                 {"reads C(3,3)", "@LINE", "must not read C"}},
        Mutation{"rowmajor: unit column stride off by one", "cpp-4x4", "A[lda + 3]", "A[lda + 4]",
                 {"reads outside A: offset 4 + lda is not an element of A", "@LINE"}},
        Mutation{"rowmajor: C read from the wrong element", "cpp-4x4", "c5 = C[ldc + 1];", "c5 = C[ldc + 2];",
                 {"C(1,1) is wrong", "differs from alpha * sum_j A(1,j)*B(j,1) + beta*C(1,1)"}},
        Mutation{"OpenCL: flip a sign", "opencl-batched", "c[5] = p42 - p43", "c[5] = p42 + p43",
                 {"C(1,1) is wrong", "@LINE", "differs from sum_j A(1,j)*B(j,1)"}},
        Mutation{"OpenCL: wrong batch stride (reads outside the work-item's A)", "opencl-batched", "A + i * 16ul",
                 "A + i * 15ul", {"reads outside A: offset 15*g is not an element of A"}},
        Mutation{"OpenCL: missing guard writes for g >= count", "opencl-batched", "if (i >= count) return;", "",
                 {"reads A(0,0) at", "@FILE", "does not establish g < count"}},
        Mutation{"batched-v il: wrong layout stride", "opencl-batched-v", "#define LA(x) A[base + (x) * ILW]",
                 "#define LA(x) A[base + (x) * 16]", {"reads outside A: offset", "is not an element of A"}},
        Mutation{"batched-v soa: C one element off", "opencl-batched-v", "#define SC(z, v) C[(z) * count + i] = (v)",
                 "#define SC(z, v) C[(z) * count + i + 1] = (v)", {"writes outside C: offset", "is not an element of C"}},
        Mutation{"batched-v aosv: vector components swapped", "opencl-batched-v", "vstore16(vload16(i, A), 0, a);",
                 "vstore16(vload16(i, A).s1023456789abcdef, 0, a);", {"is wrong (last written at", "differs from sum_j A("}},
        Mutation{"batched-v aos: barrier removed", "opencl-batched-v", "  barrier(CLK_LOCAL_MEM_FENCE);\n  for (int p = lid;",
                 "  for (int p = lid;", {"data race: work-item", "since the last barrier"}},
        Mutation{"fast lin_a: wrong U coefficient", "opencl-fast", "ST(0, ta2 + ta14);", "ST(0, ta2 - ta14);",
                 {"S0(i,j) is wrong", "@LINE", "differs from sum_x U(x,r) A_x"}},
        Mutation{"fast lin_c: wrong W coefficient", "opencl-fast", "SC(2, tc35 + tc39);", "SC(2, tc35 - tc39);",
                 {"C2(i,j) is wrong", "@LINE", "differs from alpha * sum_r W(z,r) M_r + beta*C_z"}},
        Mutation{"block: coefficient sign in U", "cpp-block", "{0, 1.0}, {5, 1.0}", "{0, -1.0}, {5, 1.0}",
                 {"is wrong (last written at", "C(", "m=8 n=8 k=8"}},
        Mutation{"block: off-by-one in the ldc term of scatter",
                 "cpp-block", "static_cast<ptrdiff_t>(i) * ldc;", "static_cast<ptrdiff_t>(i) * (ldc + 1);",
                 {"outside C", "@FILE", "m=8 n=8 k=8"}},
        Mutation{"block: fringe reads past A", "cpp-block", "ta ? A + m0 : A + static_cast<ptrdiff_t>(m0) * lda",
                 "ta ? A + m0 + 1 : A + static_cast<ptrdiff_t>(m0 + 1) * lda", {"reads outside A", "m=9"}}),
    mutation_name);

// Constructs outside the model: refused, with the construct and location.
INSTANTIATE_TEST_SUITE_P(
    Refused, Mutations,
    ::testing::Values(
        Mutation{"inline assembly", "cpp-4x4", "(void)beta;", "(void)beta; asm(\"\");",
                 {"cannot verify: statement GCCAsmStmt at", "@LINE"}},
        Mutation{"inexact literal", "cpp-4x4", "C[2 * csc] = alpha * (tc35 + tc39)",
                 "C[2 * csc] = alpha * (tc35 + 0.1 * tc39)", {"cannot verify: inexact floating literal 0.1", "@LINE"}},
        Mutation{"call without a model", "cpp-4x4", "(void)beta;", "(void)beta; __builtin_trap();",
                 {"cannot verify: call to __builtin_trap", "@LINE"}},
        Mutation{"data-dependent branch", "cpp-4x4", "(void)beta;", "(void)beta; if (A[0] < 0) return;",
                 {"cannot verify: ordering comparison of data values", "@LINE"}}),
    mutation_name);

// GEMM leaf kernels (a copy of generated/lai_gemm_*.cl with one defect),
// checked at small tile parameters as the CTest entries lai_verify.<stem>.<config> are.
struct GemmMutation {
  std::string bug;
  std::string file;  // generated/<file>
  std::vector<std::string> defines;
  std::string find, replace;
  std::vector<std::string> expect;
};

class GemmMutations : public ::testing::TestWithParam<GemmMutation> {};

TEST_P(GemmMutations, Rejected) {
  const GemmMutation& m = GetParam();
  std::string name = m.bug;
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  const auto dir = scratch("gemm_" + name);
  std::string text = read_text(std::filesystem::path(LAI_SOURCE_DIR) / "generated" / m.file);
  const auto pos = text.find(m.find);
  ASSERT_NE(pos, std::string::npos) << "mutation site '" << m.find << "' not in " << m.file;
  text.replace(pos, m.find.size(), m.replace);
  const auto file = dir / m.file;
  write_text(file, text);
  Options options = build_options();
  for (const auto& d : m.defines) options.clang_args.push_back("-D" + d);
  const FileReport r = verify_file(file.string(), options);
  ASSERT_FALSE(r.ok()) << "planted bug '" << m.bug << "' was not detected:\n" << format_report(r);
  std::string msg = r.error;
  for (const auto& k : r.kernels) {
    if (!k.proven && msg.empty()) msg = k.message;
  }
  for (const auto& want : m.expect) {
    EXPECT_NE(msg.find(want), std::string::npos) << "bug: " << m.bug << "\nmessage: " << msg << "\nmissing: " << want;
  }
  std::cout << "[mutation] " << m.bug << " -> " << msg << "\n";
}

std::string gemm_mutation_name(const ::testing::TestParamInfo<GemmMutation>& info) {
  std::string name;
  for (char c : info.param.bug) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      name += c;
    } else if (!name.empty() && name.back() != '_') {
      name += '_';
    }
  }
  while (!name.empty() && name.back() == '_') name.pop_back();
  return name;
}

INSTANTIATE_TEST_SUITE_P(
    Gemm, GemmMutations,
    ::testing::Values(
        GemmMutation{"tiled: barrier after the tile loads dropped", "lai_gemm_tiled_f64.cl",
                     {"MWG=4", "NWG=8", "KWG=4", "MDIMC=2", "NDIMC=4", "VEC=1", "NBUF=1", "PADA=1", "PADB=0"},
                     "    barrier(CLK_LOCAL_MEM_FENCE);\n#pragma unroll\n    for (int k = 0; k < KWG; ++k) {",
                     "#pragma unroll\n    for (int k = 0; k < KWG; ++k) {",
                     {"data race: work-item", "since the last barrier"}},
        GemmMutation{"tiled: wrong local tile column (lx + j*NDIMC -> lx + j)", "lai_gemm_tiled_f64.cl",
                     {"MWG=4", "NWG=8", "KWG=4", "MDIMC=2", "NDIMC=4", "VEC=1", "NBUF=1", "PADA=1", "PADB=0"},
                     "b[j] = Bs[k * (NWG + PADB) + lx + j * NDIMC];", "b[j] = Bs[k * (NWG + PADB) + lx + j];",
                     {"is wrong (last written at", "differs from alpha * sum_j A("}},
        GemmMutation{"nvmma: wrong mma A fragment row (g + 8 -> g)", "lai_gemm_nvmma_f64.cl",
                     {"MMAK=4", "WGM=2", "WGN=2", "MWG=64", "NWG=16", "KWG=8", "NBUF=1"},
                     "af[i][2 * q + 1] = as[(wm * TM + i * 16 + 8 + fr)", "af[i][2 * q + 1] = as[(wm * TM + i * 16 + fr)",
                     {"is wrong (last written at", "(8,0)"}}),
    gemm_mutation_name);

}  // namespace
}  // namespace lai::verify
