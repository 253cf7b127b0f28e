#include <gtest/gtest.h>

#include <cstdint>
#include <limits>

#include "lai_gen/rational.hpp"

using lai::gen::Rational;
using lai::gen::RationalOverflow;

TEST(Rational, NormalisesSignAndGcd) {
  const Rational r(6, -4);
  EXPECT_EQ(r.num(), -3);
  EXPECT_EQ(r.den(), 2);
  EXPECT_EQ(r.str(), "-3/2");
  EXPECT_EQ(Rational(0, -7).str(), "0");
}

TEST(Rational, ExactArithmetic) {
  EXPECT_EQ(Rational(1, 2) + Rational(1, 3), Rational(5, 6));
  EXPECT_EQ(Rational(1, 2) - Rational(1, 2), Rational(0));
  EXPECT_EQ(Rational(-1, 2) * Rational(2, 3), Rational(-1, 3));
  EXPECT_EQ(Rational(3, 4) / Rational(3, 8), Rational(2));
  EXPECT_TRUE(Rational(1, 3) < Rational(1, 2));
}

TEST(Rational, ParsesIntegersAndFractions) {
  EXPECT_EQ(Rational::parse("-1/2"), Rational(-1, 2));
  EXPECT_EQ(Rational::parse("+7"), Rational(7));
  EXPECT_EQ(Rational::parse("4/8"), Rational(1, 2));
}

TEST(Rational, RejectsMalformedText) {
  for (const char* bad : {"", "x", "1/", "/2", "1/-2", "1.5", "1/2/3", "99999999999999999999", " 1"})
    EXPECT_THROW(Rational::parse(bad), std::invalid_argument) << "input '" << bad << "'";
  try {
    Rational::parse("3/0");
    FAIL() << "3/0 accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("zero denominator"), std::string::npos) << e.what();
  }
}

TEST(Rational, OverflowThrowsInsteadOfWrapping) {
  const Rational big(std::numeric_limits<std::int64_t>::max());
  EXPECT_THROW(big + Rational(1), RationalOverflow);
  EXPECT_THROW(big * Rational(2), RationalOverflow);
  EXPECT_THROW(Rational(1, std::numeric_limits<std::int64_t>::max()) +
                   Rational(1, std::numeric_limits<std::int64_t>::max() - 1),
               RationalOverflow);
}
