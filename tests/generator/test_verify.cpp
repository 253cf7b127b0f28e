// The exact verifier on every scheme we know to be right, and on schemes we
// know to be wrong (an F2-only scheme, a one-coefficient mutation).
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "../common/factors.hpp"
#include "lai_gen/compose.hpp"
#include "lai_gen/readers.hpp"
#include "lai_gen/verify.hpp"

using namespace lai::gen;
namespace fs = std::filesystem;

namespace {
std::string project_factor(const std::string& name) { return std::string(LAI_SOURCE_DIR) + "/factors/" + name; }
}  // namespace

TEST(Verify, AcceptsEveryProjectScheme) {
  int count = 0;
  for (const auto& e : fs::directory_iterator(std::string(LAI_SOURCE_DIR) + "/factors")) {
    if (e.path().extension() != ".json") continue;
    const Scheme s = read_json_scheme_file(e.path().string());
    const VerifyResult v = verify_scheme(s);
    EXPECT_TRUE(v.ok) << e.path() << ": " << v.message;
    // The file name is the scheme name: kernels and tests refer to both.
    EXPECT_EQ(e.path().stem().string(), s.name);
    ++count;
  }
  EXPECT_GE(count, 4);
}

TEST(Verify, CountsAllEquations) {
  const Scheme s = read_json_scheme_file(project_factor("strassen_2x2x2_r7.json"));
  const VerifyResult v = verify_scheme(s);
  ASSERT_TRUE(v.ok) << v.message;
  EXPECT_EQ(v.equations_checked, 4 * 4 * 4);
}

TEST(Verify, RejectsOneChangedCoefficientWithTheEquation) {
  Scheme s = read_json_scheme_file(project_factor("strassen_2x2x2_r7.json"));
  // M1 = (a11 + a22)(b11 + b22) becomes (2 a11 + a22)(b11 + b22): c11 then
  // holds 2 a11 b11, and that is the first equation in (i,j,k,l,p,q) order.
  s.u(0, 0) = Rational(2);
  const VerifyResult v = verify_scheme(s);
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.message,
            "Brent equation (i,j,k,l,p,q)=(0,0,0,0,0,0) violated: the coefficient of A[0][0]*B[0][0] in C[0][0] is 2, "
            "expected 1");
}

TEST(Verify, RejectsAMissingProduct) {
  Scheme s = read_json_scheme_file(project_factor("strassen_2x2x2_r7.json"));
  for (int z = 0; z < 4; ++z) s.w(z, 6) = Rational(0);  // drop M7's contribution
  const VerifyResult v = verify_scheme(s);
  EXPECT_FALSE(v.ok);
  EXPECT_NE(v.message.find("violated"), std::string::npos);
}

TEST(Verify, KroneckerOfVerifiedSchemesVerifies) {
  const Scheme st = read_json_scheme_file(project_factor("strassen_2x2x2_r7.json"));
  const Scheme cl = read_json_scheme_file(project_factor("classical_2x2x2_r8.json"));
  for (const auto& [a, b] : {std::pair{&st, &st}, {&st, &cl}, {&cl, &st}}) {
    const Scheme k = kronecker(*a, *b);
    EXPECT_EQ(k.rank, a->rank * b->rank);
    const VerifyResult v = verify_scheme(k);
    EXPECT_TRUE(v.ok) << a->name << " x " << b->name << ": " << v.message;
  }
}

TEST(Verify, AcceptsEveryAlphaTensorEntryOverTheReals) {
  LAI_FACTORS_DIR_OR_SKIP(dir);
  const std::string path = dir + "/alphatensor/factorizations_r.npz";
  const auto entries = list_npz_entries(path);
  EXPECT_EQ(entries.size(), 93u);
  int square = 0, rectangular = 0;
  for (const auto& entry : entries) {
    const Scheme s = read_npz_scheme(path, entry);
    const VerifyResult v = verify_scheme(s);
    EXPECT_TRUE(v.ok) << entry << ": " << v.message;
    (s.m == s.k && s.k == s.n ? square : rectangular)++;
  }
  EXPECT_GT(square, 0);
  EXPECT_GT(rectangular, 0);
  const Scheme s444 = read_npz_scheme(path, "4,4,4");
  EXPECT_EQ(s444.rank, 49);
  EXPECT_EQ(s444.name, "alphatensor_4x4x4_r49");
}

TEST(Verify, RejectsTheMod2SchemeOverTheReals) {
  LAI_FACTORS_DIR_OR_SKIP(dir);
  const Scheme s = read_npz_scheme(dir + "/alphatensor/factorizations_f2.npz", "4,4,4");
  EXPECT_EQ(s.rank, 47);
  const VerifyResult v = verify_scheme(s);
  EXPECT_FALSE(v.ok) << "the rank-47 mod-2 scheme must not verify over the reals";
  EXPECT_NE(v.message.find("Brent equation (i,j,k,l,p,q)="), std::string::npos) << v.message;
  EXPECT_NE(v.message.find("expected"), std::string::npos) << v.message;
}

TEST(Verify, AcceptsThePLinOptSchemes) {
  LAI_FACTORS_DIR_OR_SKIP(dir);
  const std::pair<const char*, int> triples[] = {
      {"4x4x4_48_rational", 48}, {"4x4x4_48_accurate", 48}, {"4x4x4_49_156", 49}, {"2x2x2_7_Winograd", 7}};
  for (const auto& [prefix, rank] : triples) {
    const Scheme s = read_sms_triple(dir + "/plinopt/" + prefix);
    EXPECT_EQ(s.rank, rank) << prefix;
    const VerifyResult v = verify_scheme(s);
    EXPECT_TRUE(v.ok) << prefix << ": " << v.message;
  }
}
