// parse_sms_text and read_sms_triple: format rules with line numbers, and the
// L/R/P -> U/V/W convention on a triple written here.
#include <gtest/gtest.h>

#include "builders.hpp"
#include "lai_gen/readers.hpp"

namespace {

using lai::gen::parse_sms_text;
using lai::gen::Rational;
using lai::gen::read_sms_triple;
using namespace lai::test;

TEST(Sms, ParsesCommentsHeaderTriplesAndTerminator) {
  const auto s = parse_sms_text("# a comment\n2 3 R\n1 1 -1\n2 3 1/2\r\n1 2 4\n0 0 0\n\n", "x.sms");
  EXPECT_EQ(s.rows, 2);
  EXPECT_EQ(s.cols, 3);
  ASSERT_EQ(s.data.size(), 6u);
  EXPECT_EQ(s.data[0], Rational(-1));
  EXPECT_EQ(s.data[1], Rational(4));
  EXPECT_EQ(s.data[5], Rational(1, 2));
  EXPECT_EQ(s.data[2], Rational(0));
}

TEST(Sms, NonNumericIsRefusedWithLine) {
  EXPECT_INPUT_ERROR(parse_sms_text("2 2 R\n1 1 x\n0 0 0\n", "a.sms"), "a.sms:2:", "non-numeric");
  EXPECT_INPUT_ERROR(parse_sms_text("2 2 R\n1 a 1\n0 0 0\n", "a.sms"), "a.sms:2:", "non-numeric");
  EXPECT_INPUT_ERROR(parse_sms_text("two 2 R\n0 0 0\n", "a.sms"), "a.sms:1:", "non-numeric");
  EXPECT_INPUT_ERROR(parse_sms_text("2 2 R\n1 1 1.5\n0 0 0\n", "a.sms"), "a.sms:2:", "non-numeric");
}

TEST(Sms, ZeroDenominatorIsRefused) {
  EXPECT_INPUT_ERROR(parse_sms_text("2 2 R\n1 1 1/0\n0 0 0\n", "z.sms"), "z.sms:2:", "zero denominator");
}

TEST(Sms, MissingTerminatorIsRefused) {
  EXPECT_INPUT_ERROR(parse_sms_text("2 2 R\n1 1 1\n", "t.sms"), "t.sms:2:", "missing terminator");
  EXPECT_INPUT_ERROR(parse_sms_text("", "t.sms"), "t.sms", "no header");
  EXPECT_INPUT_ERROR(parse_sms_text("2 2 R\n0 0 5\n", "t.sms"), "t.sms:2:", "terminator must be '0 0 0'");
}

TEST(Sms, TrailingGarbageIsRefused) {
  EXPECT_INPUT_ERROR(parse_sms_text("2 2 R\n1 1 1\n0 0 0\n1 2 1\n", "g.sms"), "g.sms:4:", "trailing garbage");
  EXPECT_INPUT_ERROR(parse_sms_text("2 2 R\n1 1 1 7\n0 0 0\n", "g.sms"), "g.sms:2:", "more than 3 fields");
  // Comments and blank lines after the terminator are fine.
  EXPECT_NO_THROW(parse_sms_text("2 2 R\n0 0 0\n\n# end\n", "g.sms"));
}

TEST(Sms, IndexOutOfRangeIsRefused) {
  EXPECT_INPUT_ERROR(parse_sms_text("2 2 R\n3 1 1\n0 0 0\n", "i.sms"), "i.sms:2:", "index out of range");
  EXPECT_INPUT_ERROR(parse_sms_text("2 2 R\n1 0 1\n0 0 0\n", "i.sms"), "i.sms:2:", "index out of range");
  EXPECT_INPUT_ERROR(parse_sms_text("2 2 R\n99999999999999999999999 1 1\n0 0 0\n", "i.sms"), "index out of range");
}

TEST(Sms, DuplicateEntryIsRefused) {
  EXPECT_INPUT_ERROR(parse_sms_text("2 2 R\n1 1 1\n2 2 1\n1 1 -1\n0 0 0\n", "d.sms"), "d.sms:4:",
                     "duplicate entry (1, 1)", "line 2");
}

TEST(Sms, AbsurdHeaderDimsAreRefused) {
  EXPECT_INPUT_ERROR(parse_sms_text("100000 100000 R\n0 0 0\n", "h.sms"), "h.sms:1:", "absurd dims");
  EXPECT_INPUT_ERROR(parse_sms_text("9999999999 1 R\n0 0 0\n", "h.sms"), "h.sms:1:", "absurd dims");
  EXPECT_INPUT_ERROR(parse_sms_text("0 4 R\n0 0 0\n", "h.sms"), "absurd dims");
  EXPECT_INPUT_ERROR(parse_sms_text("2 2 RR\n0 0 0\n", "h.sms"), "domain tag");
  EXPECT_INPUT_ERROR(parse_sms_text("2 2\n0 0 0\n", "h.sms"), "h.sms:1:", "expected a header");
}

// Strassen-Winograd-free toy: the naive <1,2,1> scheme (c = a0 b0 + a1 b1)
// written as PLinOpt matrices: L = R = identity 2x2, P = [1 1].
TEST(Sms, TripleMapsLrpToUvw) {
  TempDir dir;
  write_text(dir.file("1x2x1_2_toy_L.sms"), "2 2 R\n1 1 1\n2 2 1\n0 0 0\n");
  write_text(dir.file("1x2x1_2_toy_R.sms"), "2 2 R\n1 1 1\n2 2 1\n0 0 0\n");
  write_text(dir.file("1x2x1_2_toy_P.sms"), "1 2 R\n1 1 1\n1 2 1\n0 0 0\n");
  for (const char* given : {"1x2x1_2_toy_L.sms", "1x2x1_2_toy_P.sms", "1x2x1_2_toy"}) {
    const auto s = read_sms_triple(dir.file(given));
    EXPECT_EQ(s.name, "plinopttoy_1x2x1_r2");
    EXPECT_EQ(s.field, "Z");
    EXPECT_EQ(check_scheme_numerically(s), "");
  }
}

// A non-square case where L^T vs L would be caught: <2,1,1> naive with
// a = (a0, a1), b = (b0): c0 = a0 b0, c1 = a1 b0.
TEST(Sms, TripleShapesComeFromTheFileName) {
  TempDir dir;
  write_text(dir.file("2x1x1_2_rational_L.sms"), "2 2 R\n1 1 1/2\n2 2 1\n0 0 0\n");
  write_text(dir.file("2x1x1_2_rational_R.sms"), "2 1 R\n1 1 2\n2 1 1\n0 0 0\n");
  write_text(dir.file("2x1x1_2_rational_P.sms"), "2 2 R\n1 1 1\n2 2 1\n0 0 0\n");
  const auto s = read_sms_triple(dir.file("2x1x1_2_rational"));
  EXPECT_EQ(s.name, "plinopt_2x1x1_r2");
  EXPECT_EQ(s.field, "Q");
  EXPECT_EQ(check_scheme_numerically(s), "");

  // Shape mismatch against the name: claim rank 3.
  write_text(dir.file("2x1x1_3_rational_L.sms"), "2 2 R\n0 0 0\n");
  write_text(dir.file("2x1x1_3_rational_R.sms"), "2 1 R\n0 0 0\n");
  write_text(dir.file("2x1x1_3_rational_P.sms"), "2 2 R\n0 0 0\n");
  EXPECT_INPUT_ERROR(read_sms_triple(dir.file("2x1x1_3_rational_R.sms")), "_L.sms", "does not match the file name");

  EXPECT_INPUT_ERROR(read_sms_triple(dir.file("strassen_L.sms")), "cannot derive the scheme shape");
  EXPECT_INPUT_ERROR(read_sms_triple(dir.file("2x2x2_7.sms")), "_L.sms, _R.sms, _P.sms");
  EXPECT_INPUT_ERROR(read_sms_triple(dir.file("2x2x2_7_missing")), "2x2x2_7_missing_L.sms", "cannot read");
}

}  // namespace
