// The exact polynomial type and the exactness rule for floating constants.
#include <gtest/gtest.h>

#include "../../generator/lai_verify/src/interp.hpp"
#include "lai_verify/poly.hpp"

namespace lai::verify {
namespace {

TEST(Poly, RingIdentitiesAreStructuralEquality) {
  VarTable vars;
  const Poly x = Poly::variable(vars.intern("x")), y = Poly::variable(vars.intern("y"));
  const Poly lhs = (x + y) * (x - y);
  const Poly rhs = x * x - y * y;
  EXPECT_EQ(lhs, rhs);
  EXPECT_TRUE((lhs - rhs).is_zero());
  EXPECT_EQ((x * y).degree(), 2u);
  EXPECT_EQ((x + y).scaled(Rational(1, 2)).str(vars), "1/2*x + 1/2*y");
}

TEST(Poly, SubstitutionIsExact) {
  VarTable vars;
  const VarId b = vars.intern("beta");
  const Poly c = Poly::variable(vars.intern("c"));
  const Poly p = Poly::variable(b) * c + Poly::constant(Rational(3));
  EXPECT_EQ(p.substitute({{b, Rational(0)}}), Poly::constant(Rational(3)));
  EXPECT_EQ(p.substitute({{b, Rational(1)}}), c + Poly::constant(Rational(3)));
}

TEST(Poly, RepresentableConstants) {
  EXPECT_TRUE(representable(Rational(1, 2), 24));
  EXPECT_TRUE(representable(Rational(-3, 4), 24));
  EXPECT_FALSE(representable(Rational(1, 3), 53));
  EXPECT_TRUE(representable(Rational((std::int64_t{1} << 53) - 1), 53));
  EXPECT_FALSE(representable(Rational((std::int64_t{1} << 25) + 1), 24));
}

}  // namespace
}  // namespace lai::verify
