// GPU targets from a scheme: opencl-batched-v (bandwidth-tuned batched 4x4
// kernels in several layouts) and opencl-fast (the fused linear-combination
// passes of one level of the scheme over blocks). The kernel text is in
// templates/opencl_batched_v.cl.in and templates/opencl_fast.cl.in.
#include "emit_internal.hpp"
#include "lai_gen/error.hpp"

namespace lai::gen::detail {

namespace {

std::string trim_newlines(std::string s) {
  while (!s.empty() && s.back() == '\n') s.pop_back();
  return s;
}

// Statements of a straight-line program: temporaries t<i> as locals, then
// store(o, expr) for every output o. Inputs are named by input(v).
std::string program_text(const LinearProgram& p, Dtype d, const std::function<std::string(int)>& input,
                         const std::string& prefix, const std::function<std::string(int, const std::string&)>& store) {
  const std::string T = c_type(d);
  // Each input is read once into a local (the loads are global memory).
  auto name = [&](int v) {
    return v < p.num_inputs ? prefix + "in" + std::to_string(v) : prefix + std::to_string(v - p.num_inputs);
  };
  std::string out;
  for (int v = 0; v < p.num_inputs; ++v) {
    out += "const " + T + " " + prefix + "in" + std::to_string(v) + " = " + input(v) + ";\n";
  }
  for (std::size_t t = 0; t < p.temps.size(); ++t) {
    out += "const " + T + " " + prefix + std::to_string(t) + " = " + c_combination(p.temps[t], name, d) + ";\n";
  }
  for (std::size_t o = 0; o < p.outputs.size(); ++o) {
    out += store(static_cast<int>(o), c_combination(p.outputs[o], name, d)) + ";\n";
  }
  return trim_newlines(out);
}

std::string pragma(Dtype d) {
  return d == Dtype::F64 ? "#pragma OPENCL EXTENSION cl_khr_fp64 : enable" : "// f32: no extension needed";
}

}  // namespace

std::vector<RenderedFile> render_opencl_batched_v(const EmitJob& job) {
  const Scheme& s = job.scheme;
  const Dtype d = job.options.dtype;
  if (s.m != 4 || s.k != 4 || s.n != 4) {
    throw InputError("opencl-batched-v needs a 4x4x4 scheme (its layouts move 16-element operands as vectors); " +
                     s.name + " is " + std::to_string(s.m) + "x" + std::to_string(s.k) + "x" + std::to_string(s.n));
  }
  const StraightLine sl = straight_line(
      s, d, "const " + c_type(d), [](int x) { return "LA(" + std::to_string(x) + ")"; },
      [](int y) { return "LB(" + std::to_string(y) + ")"; });
  std::string body = trim_newlines(sl.body) + "\n";
  for (int z = 0; z < s.m * s.n; ++z) {
    body += "SC(" + std::to_string(z) + ", " + sl.c_exprs[static_cast<std::size_t>(z)] + ");\n";
  }
  const OptimizedScheme o = optimize_scheme(s);
  TemplateValues values = scheme_template_values(job);
  values.insert({
      {"PRAGMA", pragma(d)},
      {"MK", std::to_string(s.m * s.k)},
      {"KN", std::to_string(s.k * s.n)},
      {"MN", std::to_string(s.m * s.n)},
      {"ADDITIONS", std::to_string(o.additions_after())},
      {"BODY", trim_newlines(body)},
  });
  return {{job.stem + ".cl", fill_template_file(job.options.templates_dir, "opencl_batched_v.cl.in", values)}};
}

std::vector<RenderedFile> render_opencl_fast(const EmitJob& job) {
  const Scheme& s = job.scheme;
  const Dtype d = job.options.dtype;
  const OptimizedScheme o = optimize_scheme(s);
  auto st = [](int r, const std::string& e) { return "ST(" + std::to_string(r) + ", " + e + ")"; };
  const std::string left =
      program_text(o.left, d, [](int x) { return "LA(" + std::to_string(x) + ")"; }, "ta", st);
  const std::string right =
      program_text(o.right, d, [](int y) { return "LB(" + std::to_string(y) + ")"; }, "tb", st);
  const std::string output = program_text(
      o.output, d, [](int r) { return "LM(" + std::to_string(r) + ")"; }, "tc",
      [](int z, const std::string& e) { return "SC(" + std::to_string(z) + ", " + e + ")"; });
  TemplateValues values = scheme_template_values(job);
  values.insert({
      {"PRAGMA", pragma(d)},
      {"LEFT_ADDS", std::to_string(o.left.additions_after())},
      {"RIGHT_ADDS", std::to_string(o.right.additions_after())},
      {"OUT_ADDS", std::to_string(o.output.additions_after())},
      {"LEFT", left},
      {"RIGHT", right},
      {"OUTPUT", output},
  });
  return {{job.stem + ".cl", fill_template_file(job.options.templates_dir, "opencl_fast.cl.in", values)}};
}

}  // namespace lai::gen::detail
