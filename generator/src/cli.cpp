// lai-gen's subcommands: verify, info, compose, emit, list.
//
// Parsing is CLI11's; this file only maps subcommands onto the library and
// errors onto exit codes (0 ok, 1 verification failure, 2 bad input or
// command line, 3 output not written), so scripts and CMake can tell a wrong
// scheme from a broken file.
#include "lai_gen/cli.hpp"

#include <CLI/CLI.hpp>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "lai_gen/compose.hpp"
#include "lai_gen/emit.hpp"
#include "lai_gen/emit_svd.hpp"
#include "lai_gen/error.hpp"
#include "lai_gen/info.hpp"
#include "lai_gen/readers.hpp"
#include "lai_gen/util.hpp"
#include "lai_gen/verify.hpp"

namespace lai::gen {
namespace {

constexpr int kExitOk = 0, kExitVerifyFailed = 1, kExitBadInput = 2, kExitWriteFailed = 3;

// The bytes that identify a scheme's input for the generated header: the
// file itself, or for a PLinOpt triple the _L, _R and _P files in that order.
InputInfo input_info(const SchemeRef& ref) {
  InputInfo info;
  info.display = base_name(ref.path) + (ref.entry.empty() ? "" : ":" + ref.entry);
  std::vector<std::uint8_t> bytes;
  if (std::filesystem::is_regular_file(ref.path)) {
    bytes = read_file_bytes(ref.path);
  } else {
    std::string prefix = ref.path;
    for (const char* suffix : {"_L.sms", "_R.sms", "_P.sms"}) {
      const auto part = read_file_bytes(prefix + suffix);
      bytes.insert(bytes.end(), part.begin(), part.end());
    }
  }
  info.sha256 = sha256_hex(bytes);
  return info;
}

std::string default_templates_dir() {
  if (const char* env = std::getenv("LAI_TEMPLATES_DIR"); env && *env) return env;
  return LAI_DEFAULT_TEMPLATES_DIR;
}

// Default name of a Kronecker product: strassen (x) strassen -> strassen2,
// otherwise the two sources joined.
std::string composed_name(const Scheme& a, const Scheme& b, const Scheme& out) {
  auto source = [](const std::string& name) { return name.substr(0, name.find('_')); };
  const std::string src = source(a.name) == source(b.name) ? source(a.name) + "2" : source(a.name) + source(b.name);
  return src + "_" + std::to_string(out.m) + "x" + std::to_string(out.k) + "x" + std::to_string(out.n) + "_r" +
         std::to_string(out.rank);
}

// --name lets a build choose the symbol stem of a scheme whose file names it
// differently (e.g. an .npz entry); the shape and rank in the name must still
// be the scheme's, so that kernel names never lie about what they compute.
std::string checked_rename(const Scheme& s, const std::string& name) {
  const std::string want = "_" + std::to_string(s.m) + "x" + std::to_string(s.k) + "x" + std::to_string(s.n) + "_r" +
                           std::to_string(s.rank);
  const auto us = name.find('_');
  bool ok = us != std::string::npos && us > 0 && name.substr(us) == want;
  for (std::size_t i = 0; ok && i < us; ++i)
    ok = (name[i] >= 'a' && name[i] <= 'z') || (i > 0 && name[i] >= '0' && name[i] <= '9');
  if (!ok)
    throw InputError("--name " + name + ": must be <source>" + want +
                     " (source: lower-case letters and digits) to match the scheme's shape and rank");
  return name;
}

std::string join_args(int argc, const char* const* argv) {
  std::string s = "lai-gen";
  for (int i = 1; i < argc; ++i) s += std::string(" ") + argv[i];
  return s;
}

int cmd_verify(const std::vector<std::string>& refs, std::ostream& out, std::ostream& err) {
  int worst = kExitOk;
  for (const auto& text : refs) {
    const SchemeRef ref = parse_scheme_ref(text);
    try {
      const Scheme s = load_scheme(ref);
      const VerifyResult v = verify_scheme(s);
      out << ref.display() << ": " << s.name << " <" << s.m << "," << s.k << "," << s.n << ";" << s.rank
          << "> rank " << s.rank << ", " << s.nonzeros() << " non-zeros, " << v.equations_checked
          << " equations: ";
      if (v.ok) {
        out << "PASS\n";
      } else {
        out << "FAIL\n";
        err << "lai-gen verify: " << ref.display() << ": " << v.message << "\n";
        worst = std::max(worst, kExitVerifyFailed);
      }
    } catch (const InputError& e) {
      err << "lai-gen verify: " << e.what() << "\n";
      worst = kExitBadInput;
    } catch (const RationalOverflow& e) {
      err << "lai-gen verify: " << ref.display() << ": " << e.what() << " (coefficients too large to check exactly)\n";
      worst = kExitBadInput;
    }
  }
  return worst;
}

int cmd_info(const std::vector<std::string>& refs, std::ostream& out, std::ostream& err) {
  int worst = kExitOk;
  for (const auto& text : refs) {
    const SchemeRef ref = parse_scheme_ref(text);
    try {
      const Scheme s = load_scheme(ref);
      out << format_info(s, ref.display());
    } catch (const InputError& e) {
      err << "lai-gen info: " << e.what() << "\n";
      worst = kExitBadInput;
    }
  }
  return worst;
}

int cmd_compose(const std::string& a_ref, const std::string& b_ref, const std::string& out_path,
                const std::string& name, const std::string& command, std::ostream& out, std::ostream& err) {
  Scheme a, b;
  try {
    a = load_scheme(parse_scheme_ref(a_ref));
    b = load_scheme(parse_scheme_ref(b_ref));
  } catch (const InputError& e) {
    err << "lai-gen compose: " << e.what() << "\n";
    return kExitBadInput;
  }
  for (const auto* s : {&a, &b}) {
    const VerifyResult v = verify_scheme(*s);
    if (!v.ok) {
      err << "lai-gen compose: " << s->name << " does not verify: " << v.message << "\n";
      return kExitVerifyFailed;
    }
  }
  Scheme c;
  try {
    c = kronecker(a, b);
  } catch (const std::exception& e) {
    err << "lai-gen compose: cannot form the product of " << a.name << " and " << b.name << ": " << e.what() << "\n";
    return kExitBadInput;
  }
  c.name = name.empty() ? composed_name(a, b, c) : name;
  c.command = command;
  const VerifyResult v = verify_scheme(c);
  if (!v.ok) {  // cannot happen for verified factors; refuse rather than write a wrong file
    err << "lai-gen compose: internal error, the product does not verify: " << v.message << "\n";
    return kExitVerifyFailed;
  }
  try {
    write_file_atomically(out_path, write_json_scheme(c));
  } catch (const std::exception& e) {
    err << "lai-gen compose: " << e.what() << "\n";
    return kExitWriteFailed;
  }
  out << out_path << ": " << c.name << " rank " << c.rank << ", " << c.nonzeros() << " non-zeros: PASS\n";
  return kExitOk;
}

int cmd_emit(const std::string& scheme_ref, const std::string& target, const std::string& dtype,
             const std::string& out_dir, const std::string& templates, const std::string& fortran_name,
             const std::string& rename, std::ostream& out, std::ostream& err) {
  EmitOptions opt;
  try {
    opt.target = parse_target(target);
    opt.dtype = parse_dtype(dtype);
  } catch (const std::invalid_argument& e) {
    err << "lai-gen emit: " << e.what() << "\n";
    return kExitBadInput;
  }
  opt.out_dir = out_dir;
  opt.templates_dir = templates.empty() ? default_templates_dir() : templates;
  opt.fortran_name = fortran_name;
  const SchemeRef ref = parse_scheme_ref(scheme_ref);
  Scheme s;
  InputInfo info;
  try {
    s = load_scheme(ref);
    info = input_info(ref);
    if (!rename.empty()) s.name = checked_rename(s, rename);
  } catch (const InputError& e) {
    err << "lai-gen emit: " << e.what() << "\n";
    return kExitBadInput;
  }
  // Verification always runs first: an unverified scheme is never emitted.
  const VerifyResult v = verify_scheme(s);
  if (!v.ok) {
    err << "lai-gen emit: " << ref.display() << ": refusing to emit, the scheme does not verify: " << v.message
        << "\n";
    return kExitVerifyFailed;
  }
  std::error_code ec;
  std::filesystem::create_directories(out_dir, ec);
  if (ec) {
    err << "lai-gen emit: cannot create output folder " << out_dir << ": " << ec.message() << "\n";
    return kExitWriteFailed;
  }
  try {
    for (const auto& path : emit(s, info, opt)) out << path << "\n";
  } catch (const InputError& e) {
    err << "lai-gen emit: " << e.what() << "\n";
    return kExitBadInput;
  } catch (const VerificationFailure& e) {
    err << "lai-gen emit: " << e.what() << "\n";
    return kExitVerifyFailed;
  } catch (const std::exception& e) {
    err << "lai-gen emit: " << e.what() << "\n";
    return kExitWriteFailed;
  }
  return kExitOk;
}

int cmd_gemm_kernel(const std::string& spec, const std::string& dtype, const std::string& out_dir,
                    const std::string& templates, std::ostream& out, std::ostream& err) {
  Dtype d = Dtype::F64;
  try {
    d = parse_dtype(dtype);
  } catch (const std::invalid_argument& e) {
    err << "lai-gen gemm-kernel: " << e.what() << "\n";
    return kExitBadInput;
  }
  std::error_code ec;
  std::filesystem::create_directories(out_dir, ec);
  if (ec) {
    err << "lai-gen gemm-kernel: cannot create output folder " << out_dir << ": " << ec.message() << "\n";
    return kExitWriteFailed;
  }
  try {
    out << emit_gemm_kernel(spec, d, out_dir, templates.empty() ? default_templates_dir() : templates) << "\n";
  } catch (const InputError& e) {
    err << "lai-gen gemm-kernel: " << e.what() << "\n";
    return kExitBadInput;
  } catch (const std::exception& e) {
    err << "lai-gen gemm-kernel: " << e.what() << "\n";
    return kExitWriteFailed;
  }
  return kExitOk;
}

int cmd_svd_kernel(const std::string& spec, const std::string& dtype, const std::string& out_dir,
                   const std::string& templates, std::ostream& out, std::ostream& err) {
  Dtype d = Dtype::F64;
  try {
    d = parse_dtype(dtype);
  } catch (const std::invalid_argument& e) {
    err << "lai-gen svd-kernel: " << e.what() << "\n";
    return kExitBadInput;
  }
  std::error_code ec;
  std::filesystem::create_directories(out_dir, ec);
  if (ec) {
    err << "lai-gen svd-kernel: cannot create output folder " << out_dir << ": " << ec.message() << "\n";
    return kExitWriteFailed;
  }
  try {
    out << emit_svd_kernel(spec, d, out_dir, templates.empty() ? default_templates_dir() : templates) << "\n";
  } catch (const InputError& e) {
    err << "lai-gen svd-kernel: " << e.what() << "\n";
    return kExitBadInput;
  } catch (const std::exception& e) {
    err << "lai-gen svd-kernel: " << e.what() << "\n";
    return kExitWriteFailed;
  }
  return kExitOk;
}

int cmd_list(const std::string& path, std::ostream& out, std::ostream& err) {
  try {
    for (const auto& e : list_npz_entries(path)) out << e << "\n";
  } catch (const InputError& e) {
    err << "lai-gen list: " << e.what() << "\n";
    return kExitBadInput;
  }
  return kExitOk;
}

}  // namespace

int run_cli(int argc, const char* const* argv, std::ostream& out, std::ostream& err) {
  CLI::App app{"lai-gen: verify matrix-multiplication schemes and emit kernels from them", "lai-gen"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string(kGeneratorVersion));
  const char* ref_help = "scheme file: .json (project), .npz (AlphaTensor; FILE:ENTRY, e.g. f.npz:4,4,4), "
                         ".sms (PLinOpt; any of the _L/_R/_P files or their common prefix)";

  std::vector<std::string> verify_refs;
  auto* verify = app.add_subcommand("verify", "Check every Brent equation exactly over the rationals");
  verify->add_option("schemes", verify_refs, ref_help)->required();

  std::vector<std::string> info_refs;
  auto* info = app.add_subcommand("info", "Print multiplications, non-zeros and additions before/after the optimizer");
  info->add_option("schemes", info_refs, ref_help)->required();

  std::string comp_a, comp_b, comp_out, comp_name;
  auto* compose = app.add_subcommand("compose", "Kronecker product of two schemes, written as a project JSON scheme");
  compose->add_option("outer", comp_a, "scheme acting on blocks")->required();
  compose->add_option("inner", comp_b, "scheme acting inside blocks")->required();
  compose->add_option("-o,--output", comp_out, "output .json file")->required();
  compose->add_option("--name", comp_name, "scheme name (default <source>2_<m>x<k>x<n>_r<rank>)");

  std::string em_scheme, em_target, em_dtype = "f64", em_out, em_templates, em_fname, em_name;
  auto* emitc = app.add_subcommand("emit", "Verify a scheme and emit kernel sources for one target");
  emitc->add_option("--scheme", em_scheme, ref_help)->required();
  emitc->add_option("--target", em_target, "cpp-4x4 | cpp-block | fortran | opencl-batched | opencl-batched-v | opencl-fast")->required();
  emitc->add_option("--dtype", em_dtype, "f64 | f32")->capture_default_str();
  emitc->add_option("-o,--output-dir", em_out, "folder to write into (created if missing)")->required();
  emitc->add_option("--templates", em_templates, "template folder (default $LAI_TEMPLATES_DIR or the source tree's)");
  emitc->add_option("--name", em_name, "scheme name used for file and symbol names (default: the file's)");
  emitc->add_option("--fortran-name", em_fname, "subroutine name for --target fortran (default DGEMM_ALPHA/SGEMM_ALPHA)");

  std::string gk_spec, gk_dtype = "f64", gk_out, gk_templates;
  auto* gemmk = app.add_subcommand("gemm-kernel", "Emit an OpenCL GEMM kernel from a GPU kernel spec (docs/gpu.md)");
  gemmk->add_option("--spec", gk_spec, "kernel spec .json (factors/gpu/)")->required();
  gemmk->add_option("--dtype", gk_dtype, "f64 | f32")->capture_default_str();
  gemmk->add_option("-o,--output-dir", gk_out, "folder to write into (created if missing)")->required();
  gemmk->add_option("--templates", gk_templates, "template folder (default $LAI_TEMPLATES_DIR or the source tree's)");

  std::string sk_spec, sk_dtype = "f64", sk_out, sk_templates;
  auto* svdk = app.add_subcommand("svd-kernel", "Emit an OpenCL SVD kernel from an SVD kernel spec (docs/svd.md)");
  svdk->add_option("--spec", sk_spec, "SVD kernel spec .json (factors/svd/)")->required();
  svdk->add_option("--dtype", sk_dtype, "f64 | f32")->capture_default_str();
  svdk->add_option("-o,--output-dir", sk_out, "folder to write into (created if missing)")->required();
  svdk->add_option("--templates", sk_templates, "template folder (default $LAI_TEMPLATES_DIR or the source tree's)");

  std::string list_path;
  auto* list = app.add_subcommand("list", "List the entries of an AlphaTensor .npz file");
  list->add_option("file", list_path, ".npz file")->required();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // CLI11 prints help/version on success paths and usage errors otherwise.
    return app.exit(e, out, err) == 0 ? kExitOk : kExitBadInput;
  }

  if (verify->parsed()) return cmd_verify(verify_refs, out, err);
  if (info->parsed()) return cmd_info(info_refs, out, err);
  if (compose->parsed()) return cmd_compose(comp_a, comp_b, comp_out, comp_name, join_args(argc, argv), out, err);
  if (emitc->parsed()) return cmd_emit(em_scheme, em_target, em_dtype, em_out, em_templates, em_fname, em_name, out, err);
  if (list->parsed()) return cmd_list(list_path, out, err);
  if (gemmk->parsed()) return cmd_gemm_kernel(gk_spec, gk_dtype, gk_out, gk_templates, out, err);
  if (svdk->parsed()) return cmd_svd_kernel(sk_spec, sk_dtype, sk_out, sk_templates, out, err);
  return kExitBadInput;
}

}  // namespace lai::gen
