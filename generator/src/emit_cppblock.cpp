// cpp-block: one level of the scheme over blocks on a cblas leaf. The kernel
// text is templates/cpp_block.*.in; this file only writes the coefficient
// tables of U, V and W by product.
#include <sstream>

#include "emit_internal.hpp"

namespace lai::gen::detail {
namespace {

struct Table {
  std::string begin;  // "{0, 2, 3, ...}": start of each product's terms, then the end
  std::string terms;  // one line per product: "{x, coef}, ..."
};

// coef(index, r) over index 0..count-1, grouped by product r.
template <class Coef>
Table by_product(int rank, int count, Coef coef, Dtype d) {
  std::ostringstream begin, terms;
  int total = 0;
  begin << "{0";
  for (int r = 0; r < rank; ++r) {
    std::string line;
    for (int i = 0; i < count; ++i) {
      const Rational& c = coef(i, r);
      if (c.is_zero()) continue;
      line += "{" + std::to_string(i) + ", " + c_literal(c, d) + "}, ";
      ++total;
    }
    begin << ", " << total;
    if (!line.empty()) {
      line.pop_back();  // no trailing blank
      terms << line << "  // product " << r << "\n";
    }
  }
  begin << "}";
  std::string t = terms.str();
  if (!t.empty()) t.pop_back();
  return {begin.str(), t};
}

}  // namespace

std::vector<RenderedFile> render_cppblock(const EmitJob& job) {
  const Scheme& s = job.scheme;
  const Dtype d = job.options.dtype;
  const Table u = by_product(s.rank, s.m * s.k, [&](int x, int r) -> const Rational& { return s.u(x, r); }, d);
  const Table v = by_product(s.rank, s.k * s.n, [&](int y, int r) -> const Rational& { return s.v(y, r); }, d);
  const Table w = by_product(s.rank, s.m * s.n, [&](int z, int r) -> const Rational& { return s.w(z, r); }, d);

  TemplateValues common = scheme_template_values(job);
  common["GEMM_NAME"] = d == Dtype::F64 ? "dgemm" : "sgemm";
  TemplateValues cpp = common;
  cpp["U_BEGIN"] = u.begin;
  cpp["U_TERMS"] = u.terms;
  cpp["V_BEGIN"] = v.begin;
  cpp["V_TERMS"] = v.terms;
  cpp["W_BEGIN"] = w.begin;
  cpp["W_TERMS"] = w.terms;
  const std::string& dir = job.options.templates_dir;
  return {
      {job.stem + ".h", fill_template_file(dir, "cpp_block.h.in", common)},
      {job.stem + ".cpp", fill_template_file(dir, "cpp_block.cpp.in", cpp)},
  };
}

}  // namespace lai::gen::detail
