// parse_npy: the header rules and the data rules, one broken input each.
#include <gtest/gtest.h>

#include <cstring>

#include "builders.hpp"
#include "lai_gen/readers.hpp"

namespace {

using lai::gen::parse_npy;
using namespace lai::test;

TEST(Npy, ReadsLittleEndianInt32) {
  const Bytes f = npy_file(npy_dict("<i4", "(2, 3)"), le_ints({1, -2, 3, 0, 5, -6}, 4));
  const auto a = parse_npy(f, "t.npy");
  EXPECT_EQ(a.shape, (std::vector<std::int64_t>{2, 3}));
  EXPECT_EQ(a.data, (std::vector<std::int64_t>{1, -2, 3, 0, 5, -6}));
}

TEST(Npy, ReadsEveryIntegerWidthAndVersion) {
  for (int major = 1; major <= 3; ++major) {
    EXPECT_EQ(parse_npy(npy_file(npy_dict("|i1", "(2,)"), le_ints({-1, 7}, 1), major), "t").data,
              (std::vector<std::int64_t>{-1, 7}));
    EXPECT_EQ(parse_npy(npy_file(npy_dict("<i2", "(2,)"), le_ints({-300, 7}, 2), major), "t").data,
              (std::vector<std::int64_t>{-300, 7}));
    EXPECT_EQ(parse_npy(npy_file(npy_dict("<i8", "(1,)"), le_ints({-5000000000LL}, 8), major), "t").data,
              (std::vector<std::int64_t>{-5000000000LL}));
    EXPECT_EQ(parse_npy(npy_file(npy_dict("|u1", "(1,)"), Bytes{255}, major), "t").data,
              (std::vector<std::int64_t>{255}));
  }
}

TEST(Npy, ReadsBigEndian) {
  const auto a = parse_npy(npy_file(npy_dict(">i4", "(1,)"), Bytes{0xff, 0xff, 0xff, 0xfe}), "t");
  EXPECT_EQ(a.data, (std::vector<std::int64_t>{-2}));
}

TEST(Npy, FortranOrderIsTransposedToCOrder) {
  // Fortran order stores column by column: [[1,2,3],[4,5,6]] -> 1,4,2,5,3,6.
  const auto a = parse_npy(npy_file(npy_dict("<i4", "(2, 3)", true), le_ints({1, 4, 2, 5, 3, 6}, 4)), "t");
  EXPECT_EQ(a.data, (std::vector<std::int64_t>{1, 2, 3, 4, 5, 6}));
}

TEST(Npy, IntegralFloat64IsAcceptedExactly) {
  // AlphaTensor stores some schemes as float64 holding integers.
  Bytes data;
  for (double d : {1.0, -1.0, 0.0, 2.0}) {
    std::uint64_t bits;
    std::memcpy(&bits, &d, 8);
    for (int b = 0; b < 8; ++b) data.push_back(static_cast<std::uint8_t>(bits >> (8 * b)));
  }
  EXPECT_EQ(parse_npy(npy_file(npy_dict("<f8", "(4,)"), data), "t").data, (std::vector<std::int64_t>{1, -1, 0, 2}));
}

TEST(Npy, WrongMagicIsRefused) {
  Bytes f = npy_file(npy_dict("<i4", "(1,)"), le_ints({1}, 4));
  f[1] = 'X';
  EXPECT_INPUT_ERROR(parse_npy(f, "bad.npy"), "bad.npy", "byte 0", "bad magic");
  EXPECT_INPUT_ERROR(parse_npy(Bytes{}, "empty.npy"), "empty.npy", "bad magic");
}

TEST(Npy, UnsupportedVersionIsRefused) {
  Bytes f = npy_file(npy_dict("<i4", "(1,)"), le_ints({1}, 4));
  f[6] = 9;
  EXPECT_INPUT_ERROR(parse_npy(f, "v.npy"), "byte 6", "unsupported .npy version 9.0");
}

TEST(Npy, HeaderLengthPastEndIsRefused) {
  Bytes f = npy_file(npy_dict("<i4", "(1,)"), {});
  f[8] = 0xff;
  f[9] = 0x7f;
  EXPECT_INPUT_ERROR(parse_npy(f, "h.npy"), "byte 8", "truncated", "header length");
}

TEST(Npy, BadHeaderDictIsRefused) {
  EXPECT_INPUT_ERROR(parse_npy(npy_file("{'descr': '<i4', 'fortran_order': False}", {}), "d.npy"), "d.npy",
                     "npy header dict", "missing key");
  EXPECT_INPUT_ERROR(parse_npy(npy_file("{'descr': '<i4' 'shape': (1,)}", {}), "d.npy"), "npy header dict",
                     "expected ',' or '}'");
  EXPECT_INPUT_ERROR(parse_npy(npy_file("['descr', '<i4']", {}), "d.npy"), "npy header dict", "expected '{'");
  EXPECT_INPUT_ERROR(
      parse_npy(npy_file("{'descr': '<i4', 'fortran_order': Maybe, 'shape': (1,), }", {}), "d.npy"),
      "expected True or False");
  EXPECT_INPUT_ERROR(
      parse_npy(npy_file("{'descr': '<i4', 'fortran_order': False, 'shape': (1,), 'x': 1}", {}), "d.npy"),
      "unknown key 'x'");
  EXPECT_INPUT_ERROR(
      parse_npy(npy_file("{'descr': '<i4', 'descr': '<i4', 'fortran_order': False, 'shape': (1,)}", {}), "d.npy"),
      "duplicate key");
  EXPECT_INPUT_ERROR(parse_npy(npy_file("{'descr': '<i4', 'fortran_order': False, 'shape': (-1,)}", {}), "d.npy"),
                     "non-negative integer dimension");
  EXPECT_INPUT_ERROR(parse_npy(npy_file("{'descr': [('a', '<i4')], 'fortran_order': False, 'shape': (1,)}", {}),
                               "d.npy"),
                     "structured dtypes");
}

TEST(Npy, FloatAndOtherDtypesAreRefused) {
  Bytes half = {0, 0x3c};  // 1.0 as float16
  EXPECT_INPUT_ERROR(parse_npy(npy_file(npy_dict("<f2", "(1,)"), half), "f.npy"), "f.npy", "dtype '<f2'",
                     "float dtype refused");
  Bytes non_integral;
  const double d = 0.5;
  std::uint64_t bits;
  std::memcpy(&bits, &d, 8);
  for (int b = 0; b < 8; ++b) non_integral.push_back(static_cast<std::uint8_t>(bits >> (8 * b)));
  EXPECT_INPUT_ERROR(parse_npy(npy_file(npy_dict("<f8", "(1,)"), non_integral), "f.npy"), "element 0",
                     "is not an integer");
  EXPECT_INPUT_ERROR(parse_npy(npy_file(npy_dict("<c16", "(1,)"), Bytes(16)), "c.npy"), "unsupported element type");
  EXPECT_INPUT_ERROR(parse_npy(npy_file(npy_dict("<U4", "(1,)"), Bytes(16)), "u.npy"), "unsupported element type");
  EXPECT_INPUT_ERROR(parse_npy(npy_file(npy_dict("|O", "(1,)"), Bytes(8)), "o.npy"), "pickled object array",
                     "pickle path");
  EXPECT_INPUT_ERROR(parse_npy(npy_file(npy_dict("<i3", "(1,)"), Bytes(3)), "i.npy"), "item size");
}

TEST(Npy, ShapeMismatchAndTruncatedDataAreRefused) {
  EXPECT_INPUT_ERROR(parse_npy(npy_file(npy_dict("<i4", "(2, 3)"), le_ints({1, 2, 3, 4, 5}, 4)), "s.npy"), "s.npy",
                     "data length 20 bytes does not match", "24 bytes", "truncated data");
  EXPECT_INPUT_ERROR(parse_npy(npy_file(npy_dict("<i4", "(2,)"), le_ints({1, 2, 3}, 4)), "s.npy"),
                     "does not match", "trailing bytes");
}

TEST(Npy, AbsurdDimsAreRefusedBeforeAllocating) {
  EXPECT_INPUT_ERROR(parse_npy(npy_file(npy_dict("<i4", "(3, 1099511627776, 5)"), {}), "big.npy"), "big.npy",
                     "absurd dims");
  EXPECT_INPUT_ERROR(parse_npy(npy_file(npy_dict("<i4", "(65536, 65536, 65536)"), {}), "big.npy"), "absurd dims");
  EXPECT_INPUT_ERROR(parse_npy(npy_file(npy_dict("<i4", "(99999999999999999999,)"), {}), "big.npy"),
                     "does not fit in 64 bits");
}

TEST(Npy, EmptyShapeIsAScalar) {
  const auto a = parse_npy(npy_file(npy_dict("<i4", "()"), le_ints({42}, 4)), "t");
  EXPECT_TRUE(a.shape.empty());
  EXPECT_EQ(a.data, (std::vector<std::int64_t>{42}));
}

}  // namespace
