// The addition optimizer: exactness (the program computes exactly the original
// forms), the addition counts, and determinism.
#include <gtest/gtest.h>

#include <iostream>

#include "../common/factors.hpp"
#include "lai_gen/optimizer.hpp"
#include "lai_gen/readers.hpp"
#include "lai_gen/verify.hpp"
#include "test_schemes.hpp"

namespace lai::gen {
namespace {

// A linear program equals its forms exactly iff they agree on every unit
// vector (both sides are linear), so this is a proof, not a sample.
void expect_exact(const LinearProgram& p, const std::vector<LinForm>& forms, const std::string& what) {
  ASSERT_EQ(p.outputs.size(), forms.size()) << what;
  for (int v = 0; v < p.num_inputs; ++v) {
    std::vector<Rational> unit(static_cast<std::size_t>(p.num_inputs));
    unit[static_cast<std::size_t>(v)] = 1;
    EXPECT_EQ(evaluate(p, unit), evaluate_forms(forms, unit)) << what << ": input " << v;
  }
  // Temporaries combine two earlier variables; outputs use defined variables.
  for (std::size_t t = 0; t < p.temps.size(); ++t) {
    ASSERT_EQ(p.temps[t].size(), 2u) << what;
    for (const LinTerm& term : p.temps[t]) EXPECT_LT(term.var, p.num_inputs + static_cast<int>(t)) << what;
  }
}

void expect_exact(const Scheme& s) {
  ASSERT_TRUE(verify_scheme(s).ok) << s.name;
  const OptimizedScheme o = optimize_scheme(s);
  expect_exact(o.left, left_forms(s), s.name + " left");
  expect_exact(o.right, right_forms(s), s.name + " right");
  expect_exact(o.output, output_forms(s), s.name + " output");
  EXPECT_EQ(o.additions_before(), s.naive_additions()) << s.name;
  EXPECT_LE(o.additions_after(), o.additions_before()) << s.name;
  std::cout << "[ counts   ] " << s.name << ": additions " << o.additions_before() << " -> " << o.additions_after()
            << " (left " << o.left.additions_before << "->" << o.left.additions_after() << ", right "
            << o.right.additions_before << "->" << o.right.additions_after() << ", output "
            << o.output.additions_before << "->" << o.output.additions_after() << ")\n";
}

TEST(Optimizer, ExactOnSmallSchemes) {
  expect_exact(test::classical(2, 2, 2));
  expect_exact(test::strassen());
  expect_exact(test::winograd());
  expect_exact(test::classical(4, 4, 4));
  expect_exact(test::strassen_squared());
}

TEST(Optimizer, Counts) {
  // Classical: only the output sums, nothing shared.
  const OptimizedScheme c = optimize_scheme(test::classical(2, 2, 2));
  EXPECT_EQ(c.additions_before(), 4u);
  EXPECT_EQ(c.additions_after(), 4u);
  // Strassen's original forms share no pair with equal ratio: 18 stays 18.
  const OptimizedScheme s = optimize_scheme(test::strassen());
  EXPECT_EQ(s.additions_before(), 18u);
  EXPECT_EQ(s.additions_after(), 18u);
  // Winograd's variant written out flat costs 24; the optimizer must recover
  // Winograd's own 15 (4 left, 4 right, 7 output).
  const OptimizedScheme w = optimize_scheme(test::winograd());
  EXPECT_EQ(w.additions_before(), 24u);
  EXPECT_EQ(w.additions_after(), 15u);
  EXPECT_EQ(w.left.additions_after(), 4u);
  EXPECT_EQ(w.right.additions_after(), 4u);
  EXPECT_EQ(w.output.additions_after(), 7u);
  // Strassen squared: the Kronecker structure repeats every outer form inside
  // each inner one, so elimination must find a lot.
  const OptimizedScheme sq = optimize_scheme(test::strassen_squared());
  EXPECT_LT(sq.additions_after() * 10, sq.additions_before() * 9) << "expected at least a 10% reduction";
}

TEST(Optimizer, SharedPairWithScaledRatio) {
  // x0 + 2 x1 in one form and -3 x0 - 6 x1 in another share x0 + 2 x1.
  const std::vector<LinForm> forms{{{0, 1}, {1, 2}, {2, 1}}, {{0, -3}, {1, -6}}, {{1, 1}, {2, 1}}};
  const LinearProgram p = optimize_forms(3, forms);
  ASSERT_EQ(p.temps.size(), 1u);
  EXPECT_EQ(p.temps[0], (LinForm{{0, 1}, {1, 2}}));
  EXPECT_EQ(p.outputs[1], (LinForm{{3, -3}}));
  EXPECT_EQ(p.additions_before, 4u);
  EXPECT_EQ(p.additions_after(), 3u);
  expect_exact(p, forms, "scaled ratio");
}

TEST(Optimizer, CanonicalisesInput) {
  // Unsorted, duplicated and cancelling terms are accepted.
  const std::vector<LinForm> forms{{{2, 1}, {0, 1}, {2, -1}}, {{1, 1}, {1, 1}}};
  const LinearProgram p = optimize_forms(3, forms);
  EXPECT_EQ(p.outputs[0], (LinForm{{0, 1}}));
  EXPECT_EQ(p.outputs[1], (LinForm{{1, 2}}));
  EXPECT_EQ(p.additions_before, 0u);
  EXPECT_THROW(optimize_forms(2, {{{2, 1}}}), std::invalid_argument);
}

TEST(Optimizer, Deterministic) {
  const Scheme s = test::strassen_squared();
  const OptimizedScheme a = optimize_scheme(s), b = optimize_scheme(s);
  EXPECT_EQ(a.left.temps, b.left.temps);
  EXPECT_EQ(a.left.outputs, b.left.outputs);
  EXPECT_EQ(a.output.temps, b.output.temps);
  EXPECT_EQ(a.output.outputs, b.output.outputs);
}

TEST(Optimizer, ExactOnPublishedSchemes) {
  LAI_FACTORS_DIR_OR_SKIP(dir);
  expect_exact(read_sms_triple(dir + "/plinopt/4x4x4_48_rational"));
  expect_exact(read_sms_triple(dir + "/plinopt/4x4x4_49_156"));
  expect_exact(read_sms_triple(dir + "/plinopt/2x2x2_7_Winograd"));
  expect_exact(read_npz_scheme(dir + "/alphatensor/factorizations_r.npz", "4,4,4"));
}

}  // namespace
}  // namespace lai::gen
