// Addition optimizer: common-subexpression elimination on the linear forms of
// a scheme.
//
// A scheme has three families of linear forms: the R left forms (column r of
// U over a[x]), the R right forms (column r of V over b[y]) and the m*n output
// forms (row z of W over the products M_r). Evaluated naively, a form with p
// non-zero coefficients costs p-1 additions. Many forms share pairs of
// variables (Strassen-Winograd's 15 additions instead of Strassen's 18 come
// from exactly that), so we factor shared pairs into temporaries by greedy
// pair elimination and get a straight-line program per family with exact
// rational coefficients. The program is what the straight-line emitters
// print; the evaluator lets tests prove it equals the original forms exactly.
#pragma once

#include <cstddef>
#include <vector>

#include "lai_gen/rational.hpp"
#include "lai_gen/scheme.hpp"

namespace lai::gen {

// coef * variable. Variables 0..num_inputs-1 are the family's inputs;
// num_inputs + t is temporary t.
struct LinTerm {
  int var = 0;
  Rational coef;
  friend bool operator==(const LinTerm&, const LinTerm&) = default;
};
using LinForm = std::vector<LinTerm>;  // sorted by var, no zero coefficients

// Straight-line program of one family.
struct LinearProgram {
  int num_inputs = 0;
  std::vector<LinForm> temps;    // temp t: a combination of inputs and temps < t
  std::vector<LinForm> outputs;  // each original form over inputs and temps
  std::size_t additions_before = 0;  // naive cost of the original forms

  // Additions of the program: every temporary and output with p terms costs p-1.
  std::size_t additions_after() const;
};

// Greedy pair elimination. Repeatedly picks the pair (v1, v2) with a fixed
// coefficient ratio c2/c1 that occurs in the most forms (ties: smallest v1,
// then v2, then ratio), introduces t = v1 + (c2/c1) v2 and substitutes it,
// until no pair occurs in two forms. Deterministic.
// forms: each a list of terms over variables 0..num_inputs-1 (any order,
// duplicates summed, zeros dropped).
LinearProgram optimize_forms(int num_inputs, const std::vector<LinForm>& forms);

struct OptimizedScheme {
  LinearProgram left;    // inputs a[x] (m*k), outputs the R left forms
  LinearProgram right;   // inputs b[y] (k*n), outputs the R right forms
  LinearProgram output;  // inputs M_r (R),    outputs c[z] (m*n)

  std::size_t additions_before() const;
  std::size_t additions_after() const;
};

// The three families of s, each optimized.
OptimizedScheme optimize_scheme(const Scheme& s);

// The forms of each family as read from the factor matrices (unoptimized).
std::vector<LinForm> left_forms(const Scheme& s);
std::vector<LinForm> right_forms(const Scheme& s);
std::vector<LinForm> output_forms(const Scheme& s);

// Exact evaluation of the program: returns the value of every output for the
// given input values (inputs.size() must equal num_inputs).
std::vector<Rational> evaluate(const LinearProgram& p, const std::vector<Rational>& inputs);
// Exact evaluation of plain forms over the same inputs, for comparison.
std::vector<Rational> evaluate_forms(const std::vector<LinForm>& forms, const std::vector<Rational>& inputs);

}  // namespace lai::gen
