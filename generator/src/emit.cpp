// Target/dtype names, output stems and the emit() dispatch.
#include "lai_gen/emit.hpp"

#include <stdexcept>

#include "emit_internal.hpp"
#include "lai_gen/error.hpp"
#include "lai_gen/util.hpp"
#include "lai_gen/verify.hpp"

#ifndef LAI_GEN_VERSION
#error "LAI_GEN_VERSION must be defined by the build (generator/CMakeLists.txt sets it)"
#endif

namespace lai::gen {

const char* const kGeneratorVersion = LAI_GEN_VERSION;

Target parse_target(const std::string& s) {
  if (s == "cpp-4x4") return Target::Cpp4x4;
  if (s == "cpp-block") return Target::CppBlock;
  if (s == "fortran") return Target::Fortran;
  if (s == "opencl-batched") return Target::OpenclBatched;
  if (s == "opencl-batched-v") return Target::OpenclBatchedV;
  if (s == "opencl-fast") return Target::OpenclFast;
  throw std::invalid_argument("unknown target '" + s +
                              "' (expected cpp-4x4, cpp-block, fortran, opencl-batched, opencl-batched-v or opencl-fast)");
}

Dtype parse_dtype(const std::string& s) {
  if (s == "f64") return Dtype::F64;
  if (s == "f32") return Dtype::F32;
  throw std::invalid_argument("unknown dtype '" + s + "' (expected f64 or f32)");
}

std::string target_name(Target t) {
  switch (t) {
    case Target::Cpp4x4: return "cpp-4x4";
    case Target::CppBlock: return "cpp-block";
    case Target::Fortran: return "fortran";
    case Target::OpenclBatched: return "opencl-batched";
    case Target::OpenclBatchedV: return "opencl-batched-v";
    case Target::OpenclFast: return "opencl-fast";
  }
  throw std::invalid_argument("invalid Target value");
}

std::string dtype_name(Dtype d) { return d == Dtype::F64 ? "f64" : "f32"; }

namespace {
// The part of the stem naming the target: identifiers cannot hold '-'.
std::string target_tag(Target t) {
  switch (t) {
    case Target::Cpp4x4: return "cpp4x4";
    case Target::CppBlock: return "cppblock";
    case Target::Fortran: return "fortran";
    case Target::OpenclBatched: return "oclbatched";
    case Target::OpenclBatchedV: return "oclbatchedv";
    case Target::OpenclFast: return "oclfast";
  }
  throw std::invalid_argument("invalid Target value");
}
}  // namespace

std::string output_stem(const Scheme& s, Target t, Dtype d) {
  // The stem becomes file names and C symbols: refuse anything that is not
  // an identifier fragment rather than emit a path or a broken symbol.
  bool ok = !s.name.empty();
  for (char c : s.name) {
    ok = ok && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_');
  }
  if (!ok) {
    throw InputError("scheme name '" + s.name + "' cannot name files and symbols: use letters, digits and '_' only");
  }
  return s.name + "_" + target_tag(t) + "_" + dtype_name(d);
}

std::vector<std::string> emit(const Scheme& s, const InputInfo& in, const EmitOptions& opt) {
  const VerifyResult v = verify_scheme(s);
  if (!v.ok) throw VerificationFailure(s.name + ": refusing to emit, the scheme does not verify: " + v.message);

  const detail::EmitJob job{s, in, opt, output_stem(s, opt.target, opt.dtype)};
  std::vector<detail::RenderedFile> files;
  switch (opt.target) {
    case Target::Cpp4x4: files = detail::render_cpp4x4(job); break;
    case Target::CppBlock: files = detail::render_cppblock(job); break;
    case Target::Fortran: files = detail::render_fortran(job); break;
    case Target::OpenclBatched: files = detail::render_opencl(job); break;
    case Target::OpenclBatchedV: files = detail::render_opencl_batched_v(job); break;
    case Target::OpenclFast: files = detail::render_opencl_fast(job); break;
  }
  // Everything rendered before anything is written: a template error cannot
  // leave half a target on disk.
  std::vector<std::string> paths;
  for (const auto& f : files) {
    const std::string path = opt.out_dir.empty() ? f.file_name : opt.out_dir + "/" + f.file_name;
    write_file_atomically(path, f.contents);
    paths.push_back(path);
  }
  return paths;
}

}  // namespace lai::gen
