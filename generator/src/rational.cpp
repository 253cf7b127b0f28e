// Checked rational arithmetic: every intermediate is formed with the
// __builtin_*_overflow primitives so that a result outside int64 throws
// RationalOverflow instead of wrapping.
#include "lai_gen/rational.hpp"

#include <charconv>
#include <numeric>

namespace lai::gen {
namespace {

std::int64_t checked_mul(std::int64_t a, std::int64_t b) {
  std::int64_t r;
  if (__builtin_mul_overflow(a, b, &r)) throw RationalOverflow("rational arithmetic overflowed 64 bits");
  return r;
}
std::int64_t checked_add(std::int64_t a, std::int64_t b) {
  std::int64_t r;
  if (__builtin_add_overflow(a, b, &r)) throw RationalOverflow("rational arithmetic overflowed 64 bits");
  return r;
}
std::int64_t checked_neg(std::int64_t a) { return checked_mul(a, -1); }

}  // namespace

Rational::Rational(std::int64_t n, std::int64_t d) {
  if (d == 0) throw std::domain_error("zero denominator");
  if (d < 0) {
    n = checked_neg(n);
    d = checked_neg(d);
  }
  // INT64_MIN has no positive counterpart (std::gcd and negation would be
  // undefined), so it is outside the range we represent.
  if (n == INT64_MIN) throw RationalOverflow("rational arithmetic overflowed 64 bits");
  const std::int64_t g = (n == 0) ? d : std::gcd(n, d);
  num_ = n / g;
  den_ = d / g;
}

Rational Rational::operator-() const { return Rational(checked_neg(num_), den_); }

Rational operator+(const Rational& a, const Rational& b) {
  if (a.den_ == 1 && b.den_ == 1) return Rational(checked_add(a.num_, b.num_));
  // Reduce by the gcd of the denominators first to keep intermediates small.
  const std::int64_t g = std::gcd(a.den_, b.den_);
  const std::int64_t n = checked_add(checked_mul(a.num_, b.den_ / g), checked_mul(b.num_, a.den_ / g));
  return Rational(n, checked_mul(a.den_ / g, b.den_));
}

Rational operator-(const Rational& a, const Rational& b) { return a + (-b); }

Rational operator*(const Rational& a, const Rational& b) {
  if (a.num_ == 0 || b.num_ == 0) return Rational(0);
  // Cross-cancel before multiplying so that products of reduced fractions
  // overflow only when the exact result does not fit.
  const std::int64_t g1 = std::gcd(a.num_, b.den_);
  const std::int64_t g2 = std::gcd(b.num_, a.den_);
  return Rational(checked_mul(a.num_ / g1, b.num_ / g2), checked_mul(a.den_ / g2, b.den_ / g1));
}

Rational operator/(const Rational& a, const Rational& b) {
  if (b.num_ == 0) throw std::domain_error("division by zero");
  return a * Rational(b.den_, b.num_);
}

bool operator<(const Rational& a, const Rational& b) {
  // Compare through the (checked) difference rather than 128-bit products.
  return (a - b).num_ < 0;
}

std::string Rational::str() const {
  return den_ == 1 ? std::to_string(num_) : std::to_string(num_) + "/" + std::to_string(den_);
}

Rational Rational::parse(std::string_view text) {
  auto parse_int = [&](std::string_view part, bool allow_sign) -> std::int64_t {
    if (part.empty()) throw std::invalid_argument("'" + std::string(text) + "' is not a number (empty part)");
    if (part.front() == '+' && allow_sign) part.remove_prefix(1);
    if (part.empty() || (!allow_sign && (part.front() == '-' || part.front() == '+')))
      throw std::invalid_argument("'" + std::string(text) + "' is not an integer or p/q fraction");
    std::int64_t v = 0;
    auto [ptr, ec] = std::from_chars(part.data(), part.data() + part.size(), v);
    if (ec == std::errc::result_out_of_range)
      throw std::invalid_argument("'" + std::string(text) + "' is outside the 64-bit integer range");
    if (ec != std::errc() || ptr != part.data() + part.size())
      throw std::invalid_argument("'" + std::string(text) + "' is not an integer or p/q fraction");
    return v;
  };
  const auto slash = text.find('/');
  if (slash == std::string_view::npos) return Rational(parse_int(text, true));
  const std::int64_t n = parse_int(text.substr(0, slash), true);
  const std::int64_t d = parse_int(text.substr(slash + 1), false);
  if (d == 0) throw std::invalid_argument("'" + std::string(text) + "' has a zero denominator");
  return Rational(n, d);
}

}  // namespace lai::gen
