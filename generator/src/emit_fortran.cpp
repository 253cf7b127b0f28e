// fortran: DGEMM_ALPHA / SGEMM_ALPHA, one level of the scheme over blocks with
// DGEMM / SGEMM as leaf. The subroutine text is templates/fortran.f90.in; this
// file writes the coefficient tables of U, V and W by product.
#include <sstream>

#include "emit_internal.hpp"

namespace lai::gen::detail {
namespace {

// Free-form array constructor, starting on a continuation line of its own
// and continued whenever a line would pass about 100 characters: gfortran
// truncates free-form lines at 132.
std::string constructor(const std::vector<std::string>& items) {
  constexpr std::size_t kMaxLine = 100;
  std::string out = "&\n      (/ ";
  std::size_t line = 0;  // characters of the items on the current line
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) {
      if (line + items[i].size() + 2 > kMaxLine) {
        out += ", &\n      ";
        line = 0;
      } else {
        out += ", ";
        line += 2;
      }
    }
    out += items[i];
    line += items[i].size();
  }
  return out + " /)";
}

std::string f_number(std::int64_t v) { return std::to_string(v) + ".0_WP"; }

std::string f_literal(const Rational& r) {
  if (r.is_integer()) return f_number(r.num());
  return "(" + f_number(r.num()) + "/" + f_number(r.den()) + ")";
}

struct Table {
  std::string begin, index, coef;
  std::size_t count = 0;
};

template <class Coef>
Table by_product(int rank, int count, Coef coef) {
  std::vector<std::string> begin{"1"}, index, coefs;
  for (int r = 0; r < rank; ++r) {
    for (int i = 0; i < count; ++i) {
      const Rational& c = coef(i, r);
      if (c.is_zero()) continue;
      index.push_back(std::to_string(i));
      coefs.push_back(f_literal(c));
    }
    begin.push_back(std::to_string(index.size() + 1));
  }
  return {constructor(begin), constructor(index), constructor(coefs), index.size()};
}

}  // namespace

std::vector<RenderedFile> render_fortran(const EmitJob& job) {
  const Scheme& s = job.scheme;
  const bool f64 = job.options.dtype == Dtype::F64;
  const std::string name =
      job.options.fortran_name.empty() ? (f64 ? "DGEMM_ALPHA" : "SGEMM_ALPHA") : job.options.fortran_name;
  const Table u = by_product(s.rank, s.m * s.k, [&](int x, int r) -> const Rational& { return s.u(x, r); });
  const Table v = by_product(s.rank, s.k * s.n, [&](int y, int r) -> const Rational& { return s.v(y, r); });
  const Table w = by_product(s.rank, s.m * s.n, [&](int z, int r) -> const Rational& { return s.w(z, r); });
  const TemplateValues values{
      {"HEADER", header_line(job.input, "!")},
      {"NAME", name},
      {"LEAF", f64 ? "DGEMM" : "SGEMM"},
      {"REAL", f64 ? "DOUBLE PRECISION" : "REAL"},
      {"ONE", f64 ? "1.0D0" : "1.0E0"},
      {"SCHEME", s.name},
      {"M", std::to_string(s.m)},
      {"K", std::to_string(s.k)},
      {"N", std::to_string(s.n)},
      {"RANK", std::to_string(s.rank)},
      {"U_BEGIN", u.begin},
      {"U_INDEX", u.index},
      {"U_COEF", u.coef},
      {"U_COUNT", std::to_string(u.count)},
      {"V_BEGIN", v.begin},
      {"V_INDEX", v.index},
      {"V_COEF", v.coef},
      {"V_COUNT", std::to_string(v.count)},
      {"W_BEGIN", w.begin},
      {"W_INDEX", w.index},
      {"W_COEF", w.coef},
      {"W_COUNT", std::to_string(w.count)},
  };
  return {{job.stem + ".f90", fill_template_file(job.options.templates_dir, "fortran.f90.in", values)}};
}

}  // namespace lai::gen::detail
