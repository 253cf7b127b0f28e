// Greedy pair elimination on linear forms (see optimizer.hpp for the model).
#include "lai_gen/optimizer.hpp"

#include <algorithm>
#include <map>
#include <stdexcept>

namespace lai::gen {
namespace {

std::size_t form_cost(const LinForm& f) { return f.empty() ? 0 : f.size() - 1; }

// Sorted by variable, duplicates merged, zeros dropped: the canonical form the
// pair search relies on (v1 < v2 within a form identifies a pair uniquely).
LinForm canonical(LinForm f) {
  std::stable_sort(f.begin(), f.end(), [](const LinTerm& x, const LinTerm& y) { return x.var < y.var; });
  LinForm out;
  for (const LinTerm& t : f) {
    if (!out.empty() && out.back().var == t.var) {
      out.back().coef += t.coef;
    } else {
      out.push_back(t);
    }
  }
  std::erase_if(out, [](const LinTerm& t) { return t.coef.is_zero(); });
  return out;
}

// A pair of variables with the ratio of their coefficients: two forms holding
// (v1, c1*s) and (v2, c2*s) for any scalar s share the subexpression
// v1 + (c2/c1) v2, scaled by c1*s.
struct PairKey {
  int v1 = 0, v2 = 0;
  Rational ratio;
  friend bool operator<(const PairKey& a, const PairKey& b) {
    if (a.v1 != b.v1) return a.v1 < b.v1;
    if (a.v2 != b.v2) return a.v2 < b.v2;
    return a.ratio < b.ratio;
  }
};

// Replaces (v1, c1), (v2, c1*ratio) by (t, c1) where present; returns whether it did.
bool substitute(LinForm& f, const PairKey& key, int t) {
  auto i1 = std::find_if(f.begin(), f.end(), [&](const LinTerm& x) { return x.var == key.v1; });
  auto i2 = std::find_if(f.begin(), f.end(), [&](const LinTerm& x) { return x.var == key.v2; });
  if (i1 == f.end() || i2 == f.end() || i2->coef / i1->coef != key.ratio) return false;
  const Rational c1 = i1->coef;
  std::erase_if(f, [&](const LinTerm& x) { return x.var == key.v1 || x.var == key.v2; });
  // t is the newest variable, so appending keeps the form sorted.
  f.push_back({t, c1});
  return true;
}

}  // namespace

std::size_t LinearProgram::additions_after() const {
  std::size_t n = 0;
  for (const LinForm& f : temps) n += form_cost(f);
  for (const LinForm& f : outputs) n += form_cost(f);
  return n;
}

LinearProgram optimize_forms(int num_inputs, const std::vector<LinForm>& forms) {
  if (num_inputs < 0) throw std::invalid_argument("optimize_forms: negative number of inputs");
  LinearProgram p;
  p.num_inputs = num_inputs;
  for (const LinForm& f : forms) {
    for (const LinTerm& t : f) {
      if (t.var < 0 || t.var >= num_inputs) throw std::invalid_argument("optimize_forms: variable out of range");
    }
    p.outputs.push_back(canonical(f));
    p.additions_before += form_cost(p.outputs.back());
  }

  for (;;) {
    // std::map iterates keys in order, so the first key reaching the maximum
    // count is the tie-break winner: the result never depends on hashing.
    std::map<PairKey, int> count;
    for (const LinForm& f : p.outputs) {
      for (std::size_t i = 0; i < f.size(); ++i) {
        for (std::size_t j = i + 1; j < f.size(); ++j) {
          ++count[PairKey{f[i].var, f[j].var, f[j].coef / f[i].coef}];
        }
      }
    }
    const PairKey* best = nullptr;
    int best_count = 1;
    for (const auto& [key, c] : count) {
      if (c > best_count) {
        best = &key;
        best_count = c;
      }
    }
    if (best == nullptr) break;  // no pair occurs twice: nothing left to share

    const PairKey key = *best;
    const int t = num_inputs + static_cast<int>(p.temps.size());
    p.temps.push_back(LinForm{{key.v1, Rational(1)}, {key.v2, key.ratio}});
    for (LinForm& f : p.outputs) substitute(f, key, t);
  }
  return p;
}

std::vector<LinForm> left_forms(const Scheme& s) {
  std::vector<LinForm> forms(static_cast<std::size_t>(s.rank));
  for (int r = 0; r < s.rank; ++r) {
    for (int x = 0; x < s.m * s.k; ++x) {
      if (!s.u(x, r).is_zero()) forms[static_cast<std::size_t>(r)].push_back({x, s.u(x, r)});
    }
  }
  return forms;
}

std::vector<LinForm> right_forms(const Scheme& s) {
  std::vector<LinForm> forms(static_cast<std::size_t>(s.rank));
  for (int r = 0; r < s.rank; ++r) {
    for (int y = 0; y < s.k * s.n; ++y) {
      if (!s.v(y, r).is_zero()) forms[static_cast<std::size_t>(r)].push_back({y, s.v(y, r)});
    }
  }
  return forms;
}

std::vector<LinForm> output_forms(const Scheme& s) {
  std::vector<LinForm> forms(static_cast<std::size_t>(s.m * s.n));
  for (int z = 0; z < s.m * s.n; ++z) {
    for (int r = 0; r < s.rank; ++r) {
      if (!s.w(z, r).is_zero()) forms[static_cast<std::size_t>(z)].push_back({r, s.w(z, r)});
    }
  }
  return forms;
}

OptimizedScheme optimize_scheme(const Scheme& s) {
  OptimizedScheme o;
  o.left = optimize_forms(s.m * s.k, left_forms(s));
  o.right = optimize_forms(s.k * s.n, right_forms(s));
  o.output = optimize_forms(s.rank, output_forms(s));
  return o;
}

std::size_t OptimizedScheme::additions_before() const {
  return left.additions_before + right.additions_before + output.additions_before;
}

std::size_t OptimizedScheme::additions_after() const {
  return left.additions_after() + right.additions_after() + output.additions_after();
}

namespace {
Rational eval_form(const LinForm& f, const std::vector<Rational>& vals) {
  Rational sum;
  for (const LinTerm& t : f) {
    if (t.var < 0 || static_cast<std::size_t>(t.var) >= vals.size()) {
      throw std::invalid_argument("evaluate: variable used before it is defined");
    }
    sum += t.coef * vals[static_cast<std::size_t>(t.var)];
  }
  return sum;
}
}  // namespace

std::vector<Rational> evaluate(const LinearProgram& p, const std::vector<Rational>& inputs) {
  if (inputs.size() != static_cast<std::size_t>(p.num_inputs)) {
    throw std::invalid_argument("evaluate: wrong number of inputs");
  }
  std::vector<Rational> vals = inputs;
  // Each temporary may use only inputs and earlier temporaries: growing vals
  // one temporary at a time makes eval_form reject anything else.
  for (const LinForm& t : p.temps) vals.push_back(eval_form(t, vals));
  std::vector<Rational> out;
  out.reserve(p.outputs.size());
  for (const LinForm& f : p.outputs) out.push_back(eval_form(f, vals));
  return out;
}

std::vector<Rational> evaluate_forms(const std::vector<LinForm>& forms, const std::vector<Rational>& inputs) {
  std::vector<Rational> out;
  out.reserve(forms.size());
  for (const LinForm& f : forms) out.push_back(eval_form(f, inputs));
  return out;
}

}  // namespace lai::gen
