// Exact multivariate polynomials with rational coefficients: the values the
// symbolic executor computes. Kernel data (entries of A, B, C, alpha, beta)
// and integer symbols (strides, leading dimensions, the batch index) are
// variables; two values are equal exactly when their polynomials are equal,
// so "the kernel computes the product" becomes an identity of polynomials.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "lai_gen/rational.hpp"

namespace lai::verify {

using lai::gen::Rational;
using VarId = std::uint32_t;

// Names of the variables of one verification run; ids are dense so monomials
// can be compact sorted vectors.
class VarTable {
 public:
  VarId intern(const std::string& name);
  const std::string& name(VarId id) const { return names_.at(id); }
  std::size_t size() const { return names_.size(); }

 private:
  std::vector<std::string> names_;
  std::map<std::string, VarId> ids_;
};

// A product of variables, as the sorted list of their ids (a power repeats
// its id); the empty monomial is the constant 1.
using Monomial = std::vector<VarId>;

class Poly {
 public:
  Poly() = default;
  static Poly constant(const Rational& c);
  static Poly variable(VarId v);

  bool is_zero() const { return terms_.empty(); }
  bool is_constant() const;
  // The constant term (the value when is_constant()).
  Rational constant_term() const;
  // Whether some monomial contains a variable for which pred(id) is true.
  template <class Pred>
  bool uses(Pred pred) const {
    for (const auto& [m, c] : terms_) {
      for (VarId v : m) {
        if (pred(v)) return true;
      }
    }
    return false;
  }
  const std::map<Monomial, Rational>& terms() const { return terms_; }
  std::size_t degree() const;

  friend Poly operator+(const Poly& a, const Poly& b);
  friend Poly operator-(const Poly& a, const Poly& b);
  friend Poly operator*(const Poly& a, const Poly& b);
  Poly operator-() const;
  Poly scaled(const Rational& c) const;
  Poly& operator+=(const Poly& b);

  // Replaces each variable in `values` by its rational value.
  Poly substitute(const std::map<VarId, Rational>& values) const;

  friend bool operator==(const Poly& a, const Poly& b) = default;
  friend bool operator<(const Poly& a, const Poly& b) { return a.terms_ < b.terms_; }

  // "2*rsa + csa - 1", "alpha*A(0,1)*B(1,0) - 1/2*B(2,2)"; at most max_terms
  // terms then "+ ... (N terms)".
  std::string str(const VarTable& vars, std::size_t max_terms = 12) const;

 private:
  std::map<Monomial, Rational> terms_;  // no zero coefficients
};

}  // namespace lai::verify
