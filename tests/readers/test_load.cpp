// parse_scheme_ref and load_scheme's dispatch by extension.
#include <gtest/gtest.h>

#include "builders.hpp"
#include "lai_gen/readers.hpp"

namespace {

using lai::gen::load_scheme;
using lai::gen::parse_scheme_ref;
using namespace lai::test;

TEST(SchemeRef, SplitsAtTheLastColonWithoutSlash) {
  auto r = parse_scheme_ref("a/factorizations_r.npz:4,4,4");
  EXPECT_EQ(r.path, "a/factorizations_r.npz");
  EXPECT_EQ(r.entry, "4,4,4");
  EXPECT_EQ(r.display(), "a/factorizations_r.npz:4,4,4");
  r = parse_scheme_ref("factors/strassen2.json");
  EXPECT_EQ(r.path, "factors/strassen2.json");
  EXPECT_TRUE(r.entry.empty());
  r = parse_scheme_ref("odd:dir/x.json");
  EXPECT_EQ(r.path, "odd:dir/x.json");
  EXPECT_TRUE(r.entry.empty());
  r = parse_scheme_ref("odd:dir/x.npz:2,2,2");
  EXPECT_EQ(r.path, "odd:dir/x.npz");
  EXPECT_EQ(r.entry, "2,2,2");
}

TEST(Load, DispatchesByExtension) {
  TempDir dir;
  write_text(dir.file("1x1x1_1_rational_L.sms"), "1 1 R\n1 1 1\n0 0 0\n");
  write_text(dir.file("1x1x1_1_rational_R.sms"), "1 1 R\n1 1 1\n0 0 0\n");
  write_text(dir.file("1x1x1_1_rational_P.sms"), "1 1 R\n1 1 1\n0 0 0\n");
  EXPECT_EQ(load_scheme(parse_scheme_ref(dir.file("1x1x1_1_rational_R.sms"))).name, "plinopt_1x1x1_r1");
  EXPECT_EQ(load_scheme(parse_scheme_ref(dir.file("1x1x1_1_rational"))).name, "plinopt_1x1x1_r1");

  const std::string npz = dir.file("f.npz");
  write_zip(npz, {{"1,1,1.npy", npy_file(npy_dict("<i4", "(3, 1, 1)"), le_ints({1, 1, 1}, 4))}});
  EXPECT_EQ(load_scheme(parse_scheme_ref(npz + ":1,1,1")).name, "alphatensor_1x1x1_r1");
  EXPECT_INPUT_ERROR(load_scheme(parse_scheme_ref(npz)), "f.npz", "name one as", "entries: 1,1,1");

  EXPECT_INPUT_ERROR(load_scheme(parse_scheme_ref(dir.file("x.txt"))), "x.txt", "unknown scheme format", ".txt");
  EXPECT_INPUT_ERROR(load_scheme(parse_scheme_ref(dir.file("absent.json"))), "absent.json");
  EXPECT_INPUT_ERROR(load_scheme(parse_scheme_ref(dir.file("absent.json") + ":e")), "holds one scheme");
}

}  // namespace
