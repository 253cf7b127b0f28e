// GPU GEMM kernels from kernel specs (factors/gpu/*.json; format in
// docs/gpu.md): the spec names a variant (its template), the tunable
// parameters with their defaults per dtype, and the configurations lai-tune
// sweeps. The emitted kernel carries the defaults as #ifndef blocks (a build
// option -DNAME=value overrides each) and the sweep as "// lai-tune:" lines.
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "emit_internal.hpp"
#include "kernel_spec.hpp"
#include "lai_gen/error.hpp"
#include "lai_gen/util.hpp"

namespace lai::gen {

namespace {

using Params = detail::SpecParams;

struct Variant {
  const char* name;
  const char* template_file;
  std::vector<std::string> params;                        // required in every configuration
  std::vector<std::pair<std::string, long long>> optional;  // with their values when left out
};

const std::vector<Variant>& variants() {
  static const std::vector<Variant> v{
      {"tiled", "opencl_gemm_tiled.cl.in", {"MWG", "NWG", "KWG", "MDIMC", "NDIMC", "PADA", "PADB", "GM"},
       {{"VEC", 1}, {"NBUF", 1}}},
      {"nvmma", "opencl_gemm_nvmma.cl.in", {"MWG", "NWG", "KWG", "WGM", "WGN", "PADA", "PADB", "GM", "MMA_VOLATILE", "MMAK"},
       {{"NBUF", 1}}},
      {"nvtf32", "opencl_gemm_nvtf32.cl.in", {"MWG", "NWG", "KWG", "WGM", "WGN", "PADA", "PADB", "GM"},
       {{"NBUF", 1}, {"TF32X", 3}, {"LSPLIT", 1}, {"CVT", 1}}},
  };
  return v;
}

// The divisibility rules the kernel's #error also states, checked here so a
// bad spec fails at generation time with the configuration named.
// Local memory per work-group is checked against 48 KB, the static limit of
// OpenCL on NVIDIA (and the smallest CL_DEVICE_LOCAL_MEM_SIZE of the targets).
void check_config(const std::string& variant, const Params& p, std::size_t elem, const std::string& where) {
  auto g = [&](const char* k) { return p.at(k); };
  auto need = [&](bool ok, const std::string& rule) {
    if (!ok) throw InputError(where + ": parameters violate " + rule);
  };
  for (const auto& [k, v] : p) {
    const bool may_be_zero =
        k == "PADA" || k == "PADB" || k == "MMA_VOLATILE" || k == "MMAK" || k == "LSPLIT" || k == "CVT";
    need(v >= (may_be_zero ? 0 : 1) && v <= 4096, k + " in [" + (may_be_zero ? "0" : "1") + ", 4096]");
  }
  if (variant == "tiled") {
    const long long nt = g("MDIMC") * g("NDIMC");
    need(g("MWG") % g("MDIMC") == 0, "MWG % MDIMC == 0");
    need(g("NWG") % g("NDIMC") == 0, "NWG % NDIMC == 0");
    need((g("MWG") * g("KWG")) % nt == 0, "MWG*KWG % (MDIMC*NDIMC) == 0");
    need((g("KWG") * g("NWG")) % nt == 0, "KWG*NWG % (MDIMC*NDIMC) == 0");
    need(nt <= 1024, "MDIMC*NDIMC <= 1024");
    const long long vec = g("VEC");
    need(vec == 1 || vec == 2 || vec == 4, "VEC in {1, 2, 4}");
    need(g("NBUF") == 1 || (g("NBUF") == 2 && vec > 1), "NBUF == 1, or 2 with VEC > 1");
    if (vec > 1) {
      need((g("MWG") / g("MDIMC")) % vec == 0 && (g("NWG") / g("NDIMC")) % vec == 0,
           "VEC divides MWG/MDIMC and NWG/NDIMC");
      need(g("PADA") % vec == 0 && g("PADB") % vec == 0, "VEC divides PADA and PADB");
    }
    const long long local = vec == 1 ? g("MWG") * (g("KWG") + g("PADA")) + g("KWG") * (g("NWG") + g("PADB"))
                                     : g("KWG") * (g("MWG") + g("PADA") + g("NWG") + g("PADB"));
    need(local * g("NBUF") * static_cast<long long>(elem) <= 49152, "local memory <= 48 KB");
  } else if (variant == "nvtf32") {
    // TF32 tensor cores, mma.sync m16n8k8 (templates/opencl_gemm_nvtf32.cl.in).
    const long long nt = 32 * g("WGM") * g("WGN");
    need(elem == 4, "nvtf32 is an f32 kernel");
    need(g("MWG") % (16 * g("WGM")) == 0, "MWG % (16*WGM) == 0");
    need(g("NWG") % (8 * g("WGN")) == 0, "NWG % (8*WGN) == 0");
    need(g("KWG") % 8 == 0, "KWG % 8 == 0");
    need((g("MWG") * g("KWG")) % nt == 0, "MWG*KWG % (32*WGM*WGN) == 0");
    need((g("KWG") * g("NWG")) % nt == 0, "KWG*NWG % (32*WGM*WGN) == 0");
    need(nt <= 1024, "32*WGM*WGN <= 1024");
    need(g("NBUF") == 1 || g("NBUF") == 2, "NBUF in {1, 2}");
    need(g("TF32X") == 1 || g("TF32X") == 3, "TF32X in {1 (plain TF32), 3 (3xTF32)}");
    need(g("LSPLIT") <= 1, "LSPLIT is 0 or 1");
    need(g("CVT") <= 1, "CVT is 0 or 1");
    const long long parts = g("LSPLIT") == 1 && g("TF32X") == 3 ? 2 : 1;  // big and small tiles
    const long long local = g("MWG") * (g("KWG") + g("PADA")) + g("KWG") * (g("NWG") + g("PADB"));
    need(local * parts * g("NBUF") * static_cast<long long>(elem) <= 49152, "local memory <= 48 KB");
  } else {
    const long long nt = 32 * g("WGM") * g("WGN");
    const long long mk = g("MMAK");
    need(mk == 0 || mk == 4 || mk == 8 || mk == 16, "MMAK in {0 (m8n8k4), 4, 8, 16 (m16n8kMMAK)}");
    need(g("MWG") % ((mk == 0 ? 8 : 16) * g("WGM")) == 0, "MWG % (8*WGM) == 0 (16*WGM when MMAK > 0)");
    need(g("KWG") % (mk == 0 ? 4 : mk) == 0, "KWG % MMAK == 0");
    need(g("NWG") % (8 * g("WGN")) == 0, "NWG % (8*WGN) == 0");
    need(g("KWG") % 4 == 0, "KWG % 4 == 0");
    need((g("MWG") * g("KWG")) % nt == 0, "MWG*KWG % (32*WGM*WGN) == 0");
    need((g("KWG") * g("NWG")) % nt == 0, "KWG*NWG % (32*WGM*WGN) == 0");
    need(nt <= 1024, "32*WGM*WGN <= 1024");
    need(g("MMA_VOLATILE") <= 1, "MMA_VOLATILE is 0 or 1");
    need(g("NBUF") == 1 || g("NBUF") == 2, "NBUF in {1, 2}");
    const long long local = g("MWG") * (g("KWG") + g("PADA")) + g("KWG") * (g("NWG") + g("PADB"));
    need(local * g("NBUF") * static_cast<long long>(elem) <= 49152, "local memory <= 48 KB");
  }
}

Params read_params(const nlohmann::json& j, const Variant& v, const std::string& where) {
  if (!j.is_object()) throw InputError(where + ": expected an object of parameters");
  Params p;
  for (const auto& name : v.params) {
    if (!j.contains(name) || !j.at(name).is_number_integer()) {
      throw InputError(where + ": parameter " + name + " is missing or not an integer");
    }
    p[name] = j.at(name).get<long long>();
  }
  for (const auto& [name, value] : v.optional) {
    if (!j.contains(name)) {
      p[name] = value;
    } else if (!j.at(name).is_number_integer()) {
      throw InputError(where + ": parameter " + name + " is not an integer");
    } else {
      p[name] = j.at(name).get<long long>();
    }
  }
  for (const auto& [k, _] : j.items()) {
    if (p.find(k) == p.end()) throw InputError(where + ": unknown parameter " + k + " for variant " + v.name);
  }
  return p;
}

}  // namespace

std::string emit_gemm_kernel(const std::string& spec_path, Dtype d, const std::string& out_dir,
                             const std::string& templates_dir) {
  const detail::SpecFile spec = detail::read_spec_file(spec_path);
  const nlohmann::json& j = spec.json;
  const std::string where = base_name(spec_path);
  try {
    if (j.value("format", std::string()) != "lai-gpu-gemm/1") {
      throw InputError(where + ": \"format\" must be \"lai-gpu-gemm/1\"");
    }
    const std::string name = j.at("name").get<std::string>();
    detail::check_spec_name(name, where);
    const std::string vname = j.at("variant").get<std::string>();
    const Variant* v = nullptr;
    for (const auto& cand : variants()) {
      if (vname == cand.name) v = &cand;
    }
    if (v == nullptr) throw InputError(where + ": unknown variant \"" + vname + "\" (expected tiled, nvmma or nvtf32)");
    const std::string dt = dtype_name(d);
    const auto dtypes = j.at("dtypes").get<std::vector<std::string>>();
    if (std::find(dtypes.begin(), dtypes.end(), dt) == dtypes.end()) {
      throw InputError(where + ": dtype " + dt + " is not among the spec's dtypes");
    }
    const Params defaults = read_params(j.at("defaults").at(dt), *v, where + " defaults." + dt);
    const std::size_t elem = d == Dtype::F64 ? 8 : 4;
    check_config(vname, defaults, elem, where + " defaults." + dt);
    std::string tune;
    if (j.contains("tune") && j.at("tune").contains(dt)) {
      int idx = 0;
      for (const auto& c : j.at("tune").at(dt)) {
        const std::string w = where + " tune." + dt + "[" + std::to_string(idx++) + "]";
        const Params p = read_params(c, *v, w);
        check_config(vname, p, elem, w);
        tune += "// lai-tune: " + detail::define_options(p) + "\n";
      }
    }
    if (tune.empty()) tune = "// lai-tune: " + detail::define_options(defaults) + "\n";
    std::string defs;
    for (const auto& [k, val] : defaults) {
      defs += "#ifndef " + k + "\n#define " + k + " " + std::to_string(val) + "\n#endif\n";
    }
    const std::string kernel = name + "_" + dt;
    InputInfo info{where, spec.sha256};
    while (!tune.empty() && tune.back() == '\n') tune.pop_back();
    while (!defs.empty() && defs.back() == '\n') defs.pop_back();
    // The helpers every GEMM kernel file carries: operand packing and the
    // split-K sum of the last wave (two templates, one concern each).
    const std::string pack = fill_template_file(templates_dir, "opencl_gemm_pack.cl.in", {{"NAME", kernel}}) + "\n" +
                             fill_template_file(templates_dir, "opencl_gemm_ksum.cl.in", {{"NAME", kernel}});
    const TemplateValues values{
        {"HEADER", detail::header_line(info, "//")},
        {"NAME", kernel},
        {"DTYPE", dt},
        {"SPEC", where},
        {"PRAGMA", d == Dtype::F64 ? "#pragma OPENCL EXTENSION cl_khr_fp64 : enable" : "// f32: no extension needed"},
        {"DEFAULTS", defs},
        {"TUNE", tune},
        {"T", detail::c_type(d)},
        {"PACK", pack},
    };
    const std::string text = fill_template_file(templates_dir, v->template_file, values);
    const std::string path = (out_dir.empty() ? std::string() : out_dir + "/") + kernel + ".cl";
    write_file_atomically(path, text);
    return path;
  } catch (const nlohmann::json::exception& e) {
    throw InputError(where + ": malformed GEMM kernel spec: " + e.what());
  }
}

}  // namespace lai::gen
