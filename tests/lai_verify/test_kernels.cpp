// Every kernel lai-gen emits for the default schemes (and for the external
// AlphaTensor and PLinOpt schemes, when ../shared/factors is present) is
// proven, and the operations the checker executed agree with `lai-gen info`:
// multiplications = rank, additions = the optimizer's "after" count; the
// alpha/beta update of C is counted apart (2 multiplications and 1 addition
// per element of C; 1 multiplication for _beta0; none for OpenCL, which
// computes C = A*B). The _rowmajor cpp-4x4 kernels count like the strided
// ones they specialize.
#include <gtest/gtest.h>

#include "factors.hpp"
#include "lai_gen/optimizer.hpp"
#include "lai_gen/readers.hpp"
#include "verify_util.hpp"

namespace lai::verify {
namespace {

using test::build_options;
using test::emit;
using test::scratch;

struct Expect {
  long rank;
  long additions;
  int mn;
};

Expect expected_counts(const std::string& scheme_ref) {
  const gen::Scheme s = gen::load_scheme(gen::parse_scheme_ref(scheme_ref));
  const gen::OptimizedScheme o = gen::optimize_scheme(s);
  return {s.rank, static_cast<long>(o.additions_after()), s.m * s.n};
}

void check_scheme(const std::string& scheme_ref, const std::string& name, bool integer_coefficients) {
  const Expect want = expected_counts(scheme_ref);
  for (const std::string dtype : {"f64", "f32"}) {
    for (const std::string target : {"cpp-4x4", "opencl-batched", "cpp-block"}) {
      SCOPED_TRACE(scheme_ref + " " + target + " " + dtype);
      const auto dir = scratch(name + "_" + target + "_" + dtype);
      const auto file = emit(scheme_ref, target, dtype, dir, name);
      const FileReport r = verify_file(file.string(), build_options());
      ASSERT_TRUE(r.ok()) << format_report(r);
      if (target == "cpp-4x4") {
        // lai_<stem>, _beta0, _rowmajor, _rowmajor_beta0: all four found by name.
        EXPECT_EQ(r.kernels.size(), 4u) << format_report(r);
      }
      for (const KernelReport& k : r.kernels) {
        SCOPED_TRACE(k.name);
        EXPECT_TRUE(k.proven) << k.message;
        if (k.kind == "cppblock") {
          EXPECT_EQ(k.counts.leaf_calls, want.rank) << "one cblas leaf call per product";
          continue;
        }
        EXPECT_EQ(k.counts.multiplications, want.rank);
        EXPECT_EQ(k.counts.additions, want.additions) << "lai-gen info 'after' total";
        if (integer_coefficients) {
          EXPECT_EQ(k.counts.scalings, 0);
        }
        if (k.kind == "cpp4x4" || k.kind == "cpp4x4-rowmajor") {
          EXPECT_EQ(k.counts.update_multiplications, 2 * want.mn);
          EXPECT_EQ(k.counts.update_additions, want.mn);
        } else if (k.kind == "cpp4x4-beta0" || k.kind == "cpp4x4-rowmajor-beta0") {
          EXPECT_EQ(k.counts.update_multiplications, want.mn);
          EXPECT_EQ(k.counts.update_additions, 0);
        } else {
          EXPECT_EQ(k.counts.update_multiplications + k.counts.update_additions, 0);
        }
      }
    }
  }
}

TEST(Kernels, Strassen2DefaultScheme) {
  check_scheme(std::string(LAI_SOURCE_DIR) + "/factors/strassen2_4x4x4_r49.json", "strassen2_4x4x4_r49", true);
}

TEST(Kernels, ClassicalDefaultScheme) {
  check_scheme(std::string(LAI_SOURCE_DIR) + "/factors/classical_4x4x4_r64.json", "classical_4x4x4_r64", true);
}

TEST(Kernels, PlinoptRationalScheme) {
  LAI_FACTORS_DIR_OR_SKIP(dir);
  check_scheme(dir + "/plinopt/4x4x4_48_rational", "plinopt_4x4x4_r48", false);
}

TEST(Kernels, AlphaTensorScheme) {
  LAI_FACTORS_DIR_OR_SKIP(dir);
  check_scheme(dir + "/alphatensor/factorizations_r.npz:4,4,4", "alphatensor_4x4x4_r49", true);
}

}  // namespace
}  // namespace lai::verify
