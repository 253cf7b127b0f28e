// opencl-batched: one straight-line product per work-item, from the optimized
// program of the scheme.
#include <sstream>

#include "emit_internal.hpp"

namespace lai::gen::detail {

std::vector<RenderedFile> render_opencl(const EmitJob& job) {
  const Scheme& s = job.scheme;
  const Dtype d = job.options.dtype;
  const std::string T = c_type(d);
  const StraightLine sl = straight_line(
      s, d, "const " + T, [](int x) { return "a[" + std::to_string(x) + "]"; },
      [](int y) { return "b[" + std::to_string(y) + "]"; });
  std::string store;
  for (int z = 0; z < s.m * s.n; ++z) {
    store += "c[" + std::to_string(z) + "] = " + sl.c_exprs[static_cast<std::size_t>(z)] + ";\n";
  }
  std::string body = sl.body;
  // The template's pointers are a, b, c; the program's names (a0, ta0, p0,
  // ...) never equal a single letter, so they cannot clash.
  while (!body.empty() && body.back() == '\n') body.pop_back();
  while (!store.empty() && store.back() == '\n') store.pop_back();
  const OptimizedScheme o = optimize_scheme(s);
  TemplateValues values = scheme_template_values(job);
  values.insert({
      {"PRAGMA", d == Dtype::F64 ? "#pragma OPENCL EXTENSION cl_khr_fp64 : enable" : "// f32: no extension needed"},
      {"MK", std::to_string(s.m * s.k)},
      {"KN", std::to_string(s.k * s.n)},
      {"MN", std::to_string(s.m * s.n)},
      {"MN_LAST", std::to_string(s.m * s.n - 1)},
      {"ADDITIONS", std::to_string(o.additions_after())},
      {"BODY", body},
      {"STORE", store},
  });
  return {{job.stem + ".cl", fill_template_file(job.options.templates_dir, "opencl_batched.cl.in", values)}};
}

}  // namespace lai::gen::detail
