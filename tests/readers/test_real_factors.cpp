// The published factor files in ../shared/factors load with the right shapes
// and, read in the internal convention, really multiply matrices (over Z/Q;
// the mod-2 file must not). Skips when the folder is absent unless
// LAI_REQUIRE_FACTORS=1.
#include <gtest/gtest.h>

#include <set>

#include "../common/factors.hpp"
#include "builders.hpp"
#include "lai_gen/readers.hpp"

namespace {

using namespace lai::gen;
using lai::test::check_scheme_numerically;

TEST(RealFactors, AllAlphaTensorStandardEntriesLoadAndMultiply) {
  LAI_FACTORS_DIR_OR_SKIP(dir);
  const std::string path = dir + "/alphatensor/factorizations_r.npz";
  const auto entries = list_npz_entries(path);
  ASSERT_EQ(entries.size(), 93u);
  int rectangular = 0, dyadic = 0;
  for (const auto& e : entries) {
    SCOPED_TRACE(e);
    const Scheme s = read_npz_scheme(path, e);
    EXPECT_EQ(std::to_string(s.m) + "," + std::to_string(s.k) + "," + std::to_string(s.n), e);
    EXPECT_EQ(s.U.size(), static_cast<std::size_t>(s.m * s.k * s.rank));
    EXPECT_EQ(s.V.size(), static_cast<std::size_t>(s.k * s.n * s.rank));
    EXPECT_EQ(s.W.size(), static_cast<std::size_t>(s.m * s.n * s.rank));
    EXPECT_EQ(s.name, "alphatensor_" + std::to_string(s.m) + "x" + std::to_string(s.k) + "x" + std::to_string(s.n) +
                          "_r" + std::to_string(s.rank));
    // Most entries are integer arrays; some float64 ones hold exact dyadic
    // coefficients (1/2, 1/8), which must survive as rationals.
    EXPECT_EQ(s.field, s.integral() ? "Z" : "Q");
    dyadic += s.integral() ? 0 : 1;
    rectangular += (s.m != s.k || s.k != s.n) ? 1 : 0;
    EXPECT_EQ(check_scheme_numerically(s), "");
  }
  EXPECT_GT(rectangular, 70);
  EXPECT_GT(dyadic, 10);
  EXPECT_EQ(read_npz_scheme(path, "9,9,9").field, "Q");
  // Published ranks of a few well-known entries.
  EXPECT_EQ(read_npz_scheme(path, "4,4,4").rank, 49);
  EXPECT_EQ(read_npz_scheme(path, "3,3,3").rank, 23);
  EXPECT_EQ(read_npz_scheme(path, "2,2,2").rank, 7);
  EXPECT_EQ(read_npz_scheme(path, "3,4,5").rank, 47);
  EXPECT_EQ(read_npz_scheme(path, "4,4,5").rank, 63);
  EXPECT_EQ(read_npz_scheme(path, "5,5,5").rank, 98);
}

TEST(RealFactors, AlphaTensorMod2EntriesLoadButDoNotMultiplyOverTheReals) {
  LAI_FACTORS_DIR_OR_SKIP(dir);
  const std::string path = dir + "/alphatensor/factorizations_f2.npz";
  const auto entries = list_npz_entries(path);
  ASSERT_EQ(entries.size(), 20u);
  for (const auto& e : entries) {
    SCOPED_TRACE(e);
    const Scheme s = read_npz_scheme(path, e);
    EXPECT_EQ(s.name.rfind("alphatensorf2_", 0), 0u);
  }
  const Scheme s = read_npz_scheme(path, "4,4,4");
  EXPECT_EQ(s.rank, 47);
  EXPECT_NE(check_scheme_numerically(s), "");
}

TEST(RealFactors, PlinoptTriplesLoadAndMultiply) {
  LAI_FACTORS_DIR_OR_SKIP(dir);
  struct Case {
    const char* prefix;
    const char* name;
    const char* field;
  };
  for (const Case& c : {Case{"4x4x4_48_rational", "plinopt_4x4x4_r48", "Q"},
                        Case{"4x4x4_48_accurate", "plinoptaccurate_4x4x4_r48", "Q"},
                        Case{"4x4x4_49_156", "plinopt_4x4x4_r49", "Z"},
                        Case{"2x2x2_7_Winograd", "plinopt_2x2x2_r7", "Z"}}) {
    SCOPED_TRACE(c.prefix);
    const std::string prefix = dir + "/plinopt/" + c.prefix;
    for (const std::string& given : {prefix, prefix + "_L.sms", prefix + "_R.sms", prefix + "_P.sms"}) {
      const Scheme s = load_scheme(parse_scheme_ref(given));
      EXPECT_EQ(s.name, c.name);
      EXPECT_EQ(s.field, c.field);
    }
    const Scheme s = read_sms_triple(prefix);
    EXPECT_EQ(check_scheme_numerically(s, 1), "");
    EXPECT_EQ(check_scheme_numerically(s, 2), "");
  }
}

TEST(RealFactors, LoadSchemeReadsNpzEntries) {
  LAI_FACTORS_DIR_OR_SKIP(dir);
  const Scheme s = load_scheme(parse_scheme_ref(dir + "/alphatensor/factorizations_r.npz:4,4,4"));
  EXPECT_EQ(s.name, "alphatensor_4x4x4_r49");
  EXPECT_NE(s.provenance.find("factorizations_r.npz"), std::string::npos);
  EXPECT_INPUT_ERROR(load_scheme(parse_scheme_ref(dir + "/alphatensor/factorizations_r.npz:4,4,6")),
                     "4,4,6", "missing entry", "2,2,2");
}

}  // namespace
