// cpp-4x4: straight-line kernels from the optimized program of the scheme.
#include <sstream>

#include "emit_internal.hpp"

namespace lai::gen::detail {
namespace {

// X(i,j) at X[i*rs + j*cs], written without the zero and unit factors.
std::string strided(const std::string& base, int i, int j, const std::string& rs, const std::string& cs) {
  std::string idx;
  auto add = [&](int f, const std::string& stride) {
    if (f == 0) return;
    if (!idx.empty()) idx += " + ";
    idx += f == 1 ? stride : std::to_string(f) + " * " + stride;
  };
  add(i, rs);
  add(j, cs);
  return base + "[" + (idx.empty() ? "0" : idx) + "]";
}

// X(i,j) at X[i*ld + j]: the unit-column-stride form of the _rowmajor kernels.
std::string rowmajor(const std::string& base, int i, int j, const std::string& ld) {
  std::string idx;
  if (i != 0) idx = i == 1 ? ld : std::to_string(i) + " * " + ld;
  if (j != 0) idx += (idx.empty() ? "" : " + ") + std::to_string(j);
  return base + "[" + (idx.empty() ? "0" : idx) + "]";
}

std::string without_trailing_newline(std::string s) {
  while (!s.empty() && s.back() == '\n') s.pop_back();
  return s;
}

}  // namespace

std::vector<RenderedFile> render_cpp4x4(const EmitJob& job) {
  const Scheme& s = job.scheme;
  const Dtype d = job.options.dtype;
  const std::string T = c_type(d);
  const StraightLine sl = straight_line(
      s, d, "const " + T, [&](int x) { return strided("A", x / s.k, x % s.k, "rsa", "csa"); },
      [&](int y) { return strided("B", y / s.n, y % s.n, "rsb", "csb"); });

  const StraightLine row = straight_line(
      s, d, "const " + T, [&](int x) { return rowmajor("A", x / s.k, x % s.k, "lda"); },
      [&](int y) { return rowmajor("B", y / s.n, y % s.n, "ldb"); });

  std::ostringstream store, store0, row_load, row_store, row_store0;
  for (int z = 0; z < s.m * s.n; ++z) {
    const std::string c = strided("C", z / s.n, z % s.n, "rsc", "csc");
    const std::string& e = sl.c_exprs[static_cast<std::size_t>(z)];
    store << c << " = alpha * (" << e << ") + beta * " << c << ";\n";
    store0 << c << " = alpha * (" << e << ");\n";
    const std::string rc = rowmajor("C", z / s.n, z % s.n, "ldc");
    const std::string& re = row.c_exprs[static_cast<std::size_t>(z)];
    row_load << "const " << T << " c" << z << " = " << rc << ";\n";
    row_store << rc << " = alpha * (" << re << ") + beta * c" << z << ";\n";
    row_store0 << rc << " = alpha * (" << re << ");\n";
  }
  const OptimizedScheme o = optimize_scheme(s);
  const TemplateValues common = scheme_template_values(job);
  TemplateValues cpp = common;
  cpp["ADDITIONS"] = std::to_string(o.additions_after());
  cpp["ADDITIONS_NAIVE"] = std::to_string(o.additions_before());
  cpp["BODY"] = without_trailing_newline(sl.body);
  cpp["STORE"] = without_trailing_newline(store.str());
  cpp["STORE_BETA0"] = without_trailing_newline(store0.str());
  cpp["ROW_BODY"] = without_trailing_newline(row.body);
  cpp["ROW_LOAD_C"] = without_trailing_newline(row_load.str());
  cpp["ROW_STORE"] = without_trailing_newline(row_store.str());
  cpp["ROW_STORE_BETA0"] = without_trailing_newline(row_store0.str());

  const std::string& dir = job.options.templates_dir;
  return {
      {job.stem + ".h", fill_template_file(dir, "cpp_4x4.h.in", common)},
      {job.stem + ".cpp", fill_template_file(dir, "cpp_4x4.cpp.in", cpp)},
  };
}

}  // namespace lai::gen::detail
