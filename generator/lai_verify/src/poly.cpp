// Polynomial arithmetic on ordered maps: canonical by construction (sorted
// monomials, no zero coefficients), so equality is structural equality.
#include "lai_verify/poly.hpp"

#include <algorithm>

namespace lai::verify {

VarId VarTable::intern(const std::string& name) {
  const auto it = ids_.find(name);
  if (it != ids_.end()) return it->second;
  const auto id = static_cast<VarId>(names_.size());
  names_.push_back(name);
  ids_.emplace(name, id);
  return id;
}

Poly Poly::constant(const Rational& c) {
  Poly p;
  if (!c.is_zero()) p.terms_.emplace(Monomial{}, c);
  return p;
}

Poly Poly::variable(VarId v) {
  Poly p;
  p.terms_.emplace(Monomial{v}, Rational(1));
  return p;
}

bool Poly::is_constant() const { return terms_.empty() || (terms_.size() == 1 && terms_.begin()->first.empty()); }

Rational Poly::constant_term() const {
  const auto it = terms_.find(Monomial{});
  return it == terms_.end() ? Rational(0) : it->second;
}

std::size_t Poly::degree() const {
  std::size_t d = 0;
  for (const auto& [m, c] : terms_) d = std::max(d, m.size());
  return d;
}

Poly& Poly::operator+=(const Poly& b) {
  for (const auto& [m, c] : b.terms_) {
    auto [it, inserted] = terms_.emplace(m, c);
    if (!inserted) {
      it->second += c;
      if (it->second.is_zero()) terms_.erase(it);
    }
  }
  return *this;
}

Poly operator+(const Poly& a, const Poly& b) {
  Poly r = a;
  r += b;
  return r;
}

Poly Poly::operator-() const { return scaled(Rational(-1)); }

Poly operator-(const Poly& a, const Poly& b) { return a + (-b); }

Poly Poly::scaled(const Rational& c) const {
  Poly r;
  if (c.is_zero()) return r;
  for (const auto& [m, x] : terms_) r.terms_.emplace_hint(r.terms_.end(), m, x * c);
  return r;
}

Poly operator*(const Poly& a, const Poly& b) {
  Poly r;
  for (const auto& [ma, ca] : a.terms_) {
    for (const auto& [mb, cb] : b.terms_) {
      Monomial m;
      m.reserve(ma.size() + mb.size());
      std::merge(ma.begin(), ma.end(), mb.begin(), mb.end(), std::back_inserter(m));
      const Rational c = ca * cb;
      auto [it, inserted] = r.terms_.emplace(std::move(m), c);
      if (!inserted) {
        it->second += c;
        if (it->second.is_zero()) r.terms_.erase(it);
      }
    }
  }
  return r;
}

Poly Poly::substitute(const std::map<VarId, Rational>& values) const {
  if (values.empty()) return *this;
  Poly r;
  for (const auto& [m, c] : terms_) {
    Monomial rest;
    Rational coef = c;
    for (VarId v : m) {
      const auto it = values.find(v);
      if (it == values.end()) {
        rest.push_back(v);
      } else {
        coef *= it->second;
      }
    }
    Poly t;
    if (!coef.is_zero()) t.terms_.emplace(std::move(rest), coef);
    r += t;
  }
  return r;
}

std::string Poly::str(const VarTable& vars, std::size_t max_terms) const {
  if (terms_.empty()) return "0";
  std::string out;
  std::size_t shown = 0;
  for (const auto& [m, c] : terms_) {
    if (shown == max_terms) {
      out += " + ... (" + std::to_string(terms_.size()) + " terms)";
      break;
    }
    const bool negative = c < Rational(0);
    const Rational mag = negative ? -c : c;
    if (shown == 0) {
      if (negative) out += "-";
    } else {
      out += negative ? " - " : " + ";
    }
    std::string factors;
    for (VarId v : m) {
      if (!factors.empty()) factors += "*";
      factors += vars.name(v);
    }
    if (factors.empty()) {
      out += mag.str();
    } else if (mag == Rational(1)) {
      out += factors;
    } else {
      out += mag.str() + "*" + factors;
    }
    ++shown;
  }
  return out;
}

}  // namespace lai::verify
