// Exact rational numbers on checked 64-bit integers.
//
// Scheme coefficients are small (0, ±1, ±1/2, ...) but the Brent equations sum
// products of three of them over the rank, and composed schemes multiply
// coefficients, so every operation checks for overflow and throws instead of
// wrapping: a verifier that silently wraps could "prove" a wrong scheme.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace lai::gen {

// Thrown when an exact operation would leave the 64-bit range.
class RationalOverflow : public std::overflow_error {
 public:
  using std::overflow_error::overflow_error;
};

class Rational {
 public:
  constexpr Rational() = default;
  constexpr Rational(std::int64_t n) : num_(n), den_(1) {}  // NOLINT: implicit from integers is intended
  // Normalises sign and gcd; throws std::domain_error on a zero denominator.
  Rational(std::int64_t n, std::int64_t d);

  std::int64_t num() const { return num_; }
  std::int64_t den() const { return den_; }
  bool is_zero() const { return num_ == 0; }
  bool is_integer() const { return den_ == 1; }
  double to_double() const { return static_cast<double>(num_) / static_cast<double>(den_); }

  // "3", "-1/2": the form used in JSON scheme files and in messages.
  std::string str() const;
  // Parses "[-+]digits[/digits]" exactly; throws std::invalid_argument with the
  // rule broken (empty, not a number, zero denominator, out of 64-bit range).
  static Rational parse(std::string_view text);

  friend Rational operator+(const Rational& a, const Rational& b);
  friend Rational operator-(const Rational& a, const Rational& b);
  friend Rational operator*(const Rational& a, const Rational& b);
  friend Rational operator/(const Rational& a, const Rational& b);
  Rational operator-() const;
  Rational& operator+=(const Rational& b) { return *this = *this + b; }
  Rational& operator-=(const Rational& b) { return *this = *this - b; }
  Rational& operator*=(const Rational& b) { return *this = *this * b; }
  friend bool operator==(const Rational& a, const Rational& b) = default;
  friend bool operator<(const Rational& a, const Rational& b);

 private:
  std::int64_t num_ = 0;
  std::int64_t den_ = 1;  // always > 0, gcd(num_, den_) == 1
};

}  // namespace lai::gen
