// OpenCL SVD kernels from SVD kernel specs (factors/svd/*.json; format in
// docs/formats.md): the spec names a stage (its template), the variants to
// emit, the tunable parameters with their defaults per dtype, and the
// configurations a tuner sweeps. As for the GEMM kernels, the defaults become
// #ifndef blocks (-DNAME=value overrides each) and the sweep "// lai-tune:"
// lines. The stages are listed in stages(); the remaining stages of the
// two-stage GPU SVD (docs/svd.md) are refused by name until their templates exist.
#include "lai_gen/emit_svd.hpp"

#include <algorithm>
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

struct Stage {
  const char* name;
  const char* file_template;    // the .cl file around the kernels
  const char* kernel_template;  // one kernel, filled once per variant
  std::vector<std::string> variants;
  std::vector<std::string> params;
};

const std::vector<Stage>& stages() {
  static const std::vector<Stage> s{
      {"jacobi-batched", "opencl_svd_jacobi.cl.in", "opencl_svd_jacobi_kernel.cl.in",
       {"local", "global", "team", "team_vglobal"}, {"WG", "LOCAL_ELEMS", "CMAX", "TEAM"}},
      // One-stage Golub-Kahan bidiagonalization and back-transformation helpers
      // of lai_dgesvd's GPU path (runtime/src/svd/gesvd_opencl.cpp).
      {"bidiagonalize", "opencl_svd_bidiag.cl.in", "opencl_svd_bidiag_kernel.cl.in", {"onestage"},
       {"WG", "NB", "COLS", "RTEAM", "UNORM", "CREV", "FCOLS", "FMAXN", "YFUSE", "YMAXN"}},
      // Singular values of the bidiagonal by bisection (values-only path of
      // lai_dgesvd's GPU SVD, runtime/src/svd/bisect_opencl.cpp).
      {"bidiagonal-bisect", "opencl_svd_bisect.cl.in", "opencl_svd_bisect_kernel.cl.in", {"multisect"},
       {"WG", "TEAM", "COUNT", "RCP"}},
      // The secular problem of the divide-and-conquer merges whose vectors
      // stay on the device (runtime/src/svd/dc_device.cpp).
      {"bidiagonal-dc", "opencl_svd_dc.cl.in", "opencl_svd_dc_kernel.cl.in", {"secular"}, {"WG", "PTS"}},
      // Stage 1 of the two-stage values-only path: dense -> band by TSQR
      // panels (runtime/src/svd/band_opencl.cpp; MINN and GROUP are host
      // choices read from the same options).
      {"dense-to-band", "opencl_svd_band.cl.in", "opencl_svd_band_kernel.cl.in", {"tsqr"},
       {"B", "RB", "TILE", "MINN", "GROUP"}},
  };
  return s;
}

// Stages of the two-stage GPU SVD still planned (docs/svd.md): named so a
// spec for them gets a clear refusal instead of "unknown stage". (Stage 2,
// band -> bidiagonal, runs on the host: runtime/src/svd/band_bidiag.h.)
const std::set<std::string>& planned_stages() {
  static const std::set<std::string> p{"band-to-bidiagonal", "back-transform", "qr-tall"};
  return p;
}

// The rules the kernel's #error also states, and 48 KB of local memory per
// work-group (NVIDIA's static limit), counted for the largest variant (team):
// G and V (LOCAL_ELEMS), the singular values and their order (CMAX each),
// three partial sums per item (3 WG) and three ints per team slot.
void check_config(const Params& p, std::size_t elem, const std::string& where) {
  auto need = [&](bool ok, const std::string& rule) {
    if (!ok) throw InputError(where + ": parameters violate " + rule);
  };
  const long long wg = p.at("WG"), le = p.at("LOCAL_ELEMS"), cmax = p.at("CMAX"), team = p.at("TEAM");
  need(wg >= 1 && wg <= 1024 && (wg & (wg - 1)) == 0, "WG a power of 2 in [1, 1024]");
  need(team >= 1 && team <= wg && (team & (team - 1)) == 0, "TEAM a power of 2 in [1, WG]");
  need(cmax >= 2 && cmax <= 4096, "CMAX in [2, 4096]");
  need(le >= 8 && le <= 1 << 20, "LOCAL_ELEMS in [8, 1048576]");
  const long long local = le * static_cast<long long>(elem) + cmax * static_cast<long long>(elem + 4) +
                          3 * wg * static_cast<long long>(elem) + 12 * (wg / team);
  need(local <= 49152, "local memory LOCAL_ELEMS*elem + CMAX*(elem+4) + 3*WG*elem + 12*WG/TEAM <= 48 KB (is " +
                           std::to_string(local) + " bytes)");
}

// Stage bidiagonalize: the rules its kernels' #error states; four NB-sized
// vectors, COLS values of u and the reduction buffer (WG) in local memory.
void check_bidiag_config(const Params& p, std::size_t elem, const std::string& where) {
  auto need = [&](bool ok, const std::string& rule) {
    if (!ok) throw InputError(where + ": parameters violate " + rule);
  };
  const long long wg = p.at("WG"), nb = p.at("NB"), cols = p.at("COLS"), rteam = p.at("RTEAM"),
                  unorm = p.at("UNORM"), crev = p.at("CREV"), fcols = p.at("FCOLS"),
                  fmaxn = p.at("FMAXN"), yfuse = p.at("YFUSE"), ymaxn = p.at("YMAXN");
  need(wg >= 32 && wg <= 1024 && (wg & (wg - 1)) == 0, "WG a power of 2 in [32, 1024]");
  need(nb >= 1 && nb <= 128, "NB (panel width) in [1, 128]");
  need(cols >= 1 && cols <= 1024, "COLS (columns per partial sum of the gemv) in [1, 1024]");
  need(rteam >= 1 && rteam <= 32 && (rteam & (rteam - 1)) == 0,
       "RTEAM (items per row of y_row/x_next) a power of 2 in [1, 32]");
  need(unorm == 0 || unorm == 1, "UNORM (y_row's partial norms for larfg_gemv_n) in {0, 1}");
  need(crev == 0 || crev == 1, "CREV (larfg_gemv_n's column chunks in descending order) in {0, 1}");
  need(fcols >= 0 && fcols <= 64 && fcols <= wg,
       "FCOLS (columns per tn_fused work-group; 0: the four-launch path) in [0, 64] and <= WG");
  need(fmaxn >= 0, "FMAXN (largest N of the two-launch path; 0: every N) >= 0");
  need(yfuse == 0 || yfuse == 1, "YFUSE (three launches per column, y_row's work in yu_gemv_n) in {0, 1}");
  need(ymaxn >= 0, "YMAXN (largest N of the three-launch path; 0: every N) >= 0");
  // The largest __local need of one kernel of the stage: larfg_gemv_t's three
  // reduction buffers, larfg_gemv_n's two and its chunk of u, y_row's and
  // x_next's four panel vectors (and, with RTEAM > 1 or UNORM, their two
  // reduction buffers); tn_fused's column sums (max(FCOLS, 2) per item), its
  // slot buffer and panel vectors, x_fin's three reduction buffers, panel
  // vectors, slot buffer and two values per row (the template's F_* sizes;
  // both kernels are built with FCOLS = 0 too, as one column); yu_gemv_n's
  // four panel vectors, u and Y of its chunk, two reduction buffers and its
  // slot buffer (max(WG, 3 + 2 NB)).
  const long long fw = std::max(1LL, fcols), qp = wg >= 2 * nb ? wg / (2 * nb) : 1, sl = 2 + 2 * nb,
                  qpf = wg >= sl ? wg / sl : 1;
  const long long tn_fused = std::max(fw, 2LL) * wg + 2 * nb * qp + 4 * nb + 3 * fw;
  const long long x_fin = 3 * wg + 4 * nb + std::max({sl * qpf, 2 * nb * qp, wg}) + 2 * (wg / rteam);
  const long long yu = 4 * nb + 2 * cols + 2 * wg + std::max(wg, 3 + 2 * nb);
  const long long need_elems =
      std::max({3 * wg, 2 * wg + cols, 4 * nb + (rteam > 1 || unorm != 0 ? 2 * wg : 0), tn_fused, x_fin, yu});
  need(need_elems * static_cast<long long>(elem) <= 49152,
       "local memory max(3*WG, 2*WG + COLS, 4*NB + (RTEAM > 1 or UNORM ? 2*WG : 0), tn_fused, x_fin, "
       "yu_gemv_n)*elem <= 48 KB "
       "(is " +
           std::to_string(need_elems * static_cast<long long>(elem)) + " bytes)");
}

// Stage bidiagonal-bisect: the rules its kernel's #error states; a reduction
// buffer (WG reals) and a flag per item (WG ints) in local memory.
void check_bisect_config(const Params& p, std::size_t elem, const std::string& where) {
  auto need = [&](bool ok, const std::string& rule) {
    if (!ok) throw InputError(where + ": parameters violate " + rule);
  };
  const long long wg = p.at("WG"), team = p.at("TEAM");
  need(wg >= 1 && wg <= 1024 && (wg & (wg - 1)) == 0, "WG a power of 2 in [1, 1024]");
  need(team >= 1 && team <= 64 && team <= wg && (team & (team - 1)) == 0, "TEAM a power of 2 in [1, min(64, WG)]");
  need(p.at("COUNT") >= 0 && p.at("COUNT") <= 2,
       "COUNT (0: Golub-Kahan count, 1: qd count above XQ, 2: 1 without its clamp unless needed) in {0, 1, 2}");
  need(p.at("RCP") == 0 || p.at("RCP") == 1,
       "RCP (quotients by NVIDIA's approximate reciprocal and two Newton steps) in {0, 1}");
  need(p.at("RCP") == 0 || elem == 8, "RCP = 1 for f64 only (rcp.approx.ftz.f64)");
  need(wg * static_cast<long long>(elem + 4) <= 49152, "local memory WG*(elem+4) <= 48 KB");
}

// Stage bidiagonal-dc: the rules its kernels' #error states; a reduction
// buffer (WG reals) and PTS values in local memory.
void check_dc_config(const Params& p, std::size_t elem, const std::string& where) {
  auto need = [&](bool ok, const std::string& rule) {
    if (!ok) throw InputError(where + ": parameters violate " + rule);
  };
  const long long wg = p.at("WG"), pts = p.at("PTS");
  need(wg >= 32 && wg <= 1024 && (wg & (wg - 1)) == 0, "WG a power of 2 in [32, 1024]");
  need(pts >= 1 && pts <= 16 && pts <= wg && (pts & (pts - 1)) == 0,
       "PTS (points a round of the roots' multisection) a power of 2 in [1, min(16, WG)]");
  need((wg + pts) * static_cast<long long>(elem) <= 49152, "local memory (WG + PTS)*elem <= 48 KB");
}

// Stage dense-to-band: the rules its kernels' #error states; local memory
// of the larger kernel, apply (V and a C tile of RB + 1 rows, T, W twice and
// W2) or qr (the block, a reduction buffer, w, T).
void check_band_config(const Params& p, std::size_t elem, const std::string& where) {
  auto need = [&](bool ok, const std::string& rule) {
    if (!ok) throw InputError(where + ": parameters violate " + rule);
  };
  const long long b = p.at("B"), rb = p.at("RB"), tile = p.at("TILE");
  need(rb >= 4 && rb <= 256 && (rb & (rb - 1)) == 0, "RB (rows of a leaf block = work-group size) a power of 2 in [4, 256]");
  need(b >= 2 && b % 2 == 0 && rb % b == 0 && rb / b >= 2, "B (bandwidth) even and dividing RB at least twice");
  need(tile >= 2 && tile % 2 == 0 && tile <= 64, "TILE (columns of C per update work-group) even in [2, 64]");
  need(p.at("MINN") >= 0, "MINN (smallest N of the two-stage values-only path; 0: never) >= 0");
  need(p.at("GROUP") >= 1, "GROUP (sweeps per host thread of the bulge chase) >= 1");
  const long long apply = b * (rb + 1) + tile * (rb + 1) + b * b + 3 * b * tile;
  const long long qr = b * (rb + 1) + rb + b + b * b;
  need(std::max(apply, qr) * static_cast<long long>(elem) <= 49152,
       "local memory max((B + TILE)*(RB + 1) + B*B + 3*B*TILE, B*(RB + 1) + RB + B + B*B)*elem <= 48 KB (is " +
           std::to_string(std::max(apply, qr) * static_cast<long long>(elem)) + " bytes)");
}

// The parameter rules of the spec's stage.
void check_stage_config(const std::string& stage, const Params& p, std::size_t elem, const std::string& where) {
  if (stage == "bidiagonalize") {
    check_bidiag_config(p, elem, where);
  } else if (stage == "bidiagonal-bisect") {
    check_bisect_config(p, elem, where);
  } else if (stage == "bidiagonal-dc") {
    check_dc_config(p, elem, where);
  } else if (stage == "dense-to-band") {
    check_band_config(p, elem, where);
  } else {
    check_config(p, elem, where);
  }
}

Params read_params(const nlohmann::json& j, const Stage& st, const std::string& where) {
  if (!j.is_object()) throw InputError(where + ": expected an object of parameters");
  Params p;
  for (const auto& name : st.params) {
    if (!j.contains(name) || !j.at(name).is_number_integer()) {
      throw InputError(where + ": parameter " + name + " is missing or not an integer");
    }
    p[name] = j.at(name).get<long long>();
  }
  for (const auto& [k, _] : j.items()) {
    if (p.find(k) == p.end()) throw InputError(where + ": unknown parameter " + k + " for stage " + st.name);
  }
  return p;
}

}  // namespace

std::string emit_svd_kernel(const std::string& spec_path, Dtype d, const std::string& out_dir,
                            const std::string& templates_dir) {
  const detail::SpecFile spec = detail::read_spec_file(spec_path);
  const nlohmann::json& j = spec.json;
  const std::string where = base_name(spec_path);
  try {
    if (j.value("format", std::string()) != "lai-svd-kernel/1") {
      throw InputError(where + ": \"format\" must be \"lai-svd-kernel/1\"");
    }
    const std::string name = j.at("name").get<std::string>();
    detail::check_spec_name(name, where);
    const std::string sname = j.at("stage").get<std::string>();
    const Stage* st = nullptr;
    for (const auto& cand : stages()) {
      if (sname == cand.name) st = &cand;
    }
    if (st == nullptr) {
      if (planned_stages().count(sname) != 0) {
        throw InputError(where + ": stage \"" + sname +
                         "\" is part of the planned two-stage GPU SVD (docs/svd.md) and has no template yet");
      }
      throw InputError(where + ": unknown stage \"" + sname + "\" (expected jacobi-batched, bidiagonalize, bidiagonal-bisect, bidiagonal-dc or dense-to-band)");
    }
    const std::string dt = dtype_name(d);
    const auto dtypes = j.at("dtypes").get<std::vector<std::string>>();
    if (std::find(dtypes.begin(), dtypes.end(), dt) == dtypes.end()) {
      throw InputError(where + ": dtype " + dt + " is not among the spec's dtypes");
    }
    const auto variants = j.at("variants").get<std::vector<std::string>>();
    if (variants.empty()) throw InputError(where + ": \"variants\" is empty");
    for (const auto& v : variants) {
      if (std::find(st->variants.begin(), st->variants.end(), v) == st->variants.end()) {
        std::string expected;
        for (std::size_t k = 0; k < st->variants.size(); ++k)
          expected += (k == 0 ? "" : k + 1 == st->variants.size() ? " or " : ", ") + st->variants[k];
        throw InputError(where + ": unknown variant \"" + v + "\" of stage " + sname + " (expected " + expected + ")");
      }
    }
    const std::size_t elem = d == Dtype::F64 ? 8 : 4;
    const Params defaults = read_params(j.at("defaults").at(dt), *st, where + " defaults." + dt);
    check_stage_config(st->name, defaults, elem, where + " defaults." + dt);
    std::string tune;
    if (j.contains("tune") && j.at("tune").contains(dt)) {
      int idx = 0;
      for (const auto& c : j.at("tune").at(dt)) {
        const std::string w = where + " tune." + dt + "[" + std::to_string(idx++) + "]";
        const Params p = read_params(c, *st, w);
        check_stage_config(st->name, p, elem, w);
        tune += "// lai-tune: " + detail::define_options(p) + "\n";
      }
    }
    if (tune.empty()) tune = "// lai-tune: " + detail::define_options(defaults) + "\n";
    std::string defs;
    for (const auto& [k, val] : defaults) defs += "#ifndef " + k + "\n#define " + k + " " + std::to_string(val) + "\n#endif\n";
    const std::string stem = name + "_" + dt;
    while (!tune.empty() && tune.back() == '\n') tune.pop_back();
    while (!defs.empty() && defs.back() == '\n') defs.pop_back();
    std::string kernels;
    for (const auto& v : variants) {
      const bool local = v == "local";
      if (!kernels.empty()) kernels += "\n";
      if (v == "team" || v == "team_vglobal") {  // teams per column pair: their own template
        const bool vl = v == "team";
        kernels += fill_template_file(
            templates_dir, "opencl_svd_jacobi_team.cl.in",
            {{"KERNEL", stem + "_" + v},
             {"VARIANT", v},
             {"VSP", vl ? "__local" : "__global"},
             {"VSP_WHY", vl ? "G and V of every slot fit LOCAL_ELEMS"
                            : "only G fits LOCAL_ELEMS, e.g. 64 x 64 f64; a team's rows are contiguous, so V's "
                              "accesses coalesce"},
             {"VLOCAL", vl ? "1" : "0"},
             {"VFENCE", vl ? "" : " | CLK_GLOBAL_MEM_FENCE"}});
        continue;
      }
      kernels += fill_template_file(templates_dir, st->kernel_template,
                                    {{"KERNEL", stem + "_" + v},
                                     {"VARIANT", v},
                                     {"SP", local ? "__local" : "__global"},
                                     {"LOCAL", local ? "1" : "0"}});
    }
    while (!kernels.empty() && kernels.back() == '\n') kernels.pop_back();
    const InputInfo info{where, spec.sha256};
    const TemplateValues values{
        {"HEADER", detail::header_line(info, "//")},
        {"NAME", stem},
        {"SPEC", where},
        {"PRAGMA", d == Dtype::F64 ? "#pragma OPENCL EXTENSION cl_khr_fp64 : enable" : "// f32: no extension needed"},
        {"DEFAULTS", defs},
        {"TUNE", tune},
        {"T", detail::c_type(d)},
        {"KERNELS", kernels},
    };
    const std::string text = fill_template_file(templates_dir, st->file_template, values);
    const std::string path = (out_dir.empty() ? std::string() : out_dir + "/") + stem + ".cl";
    write_file_atomically(path, text);
    return path;
  } catch (const nlohmann::json::exception& e) {
    throw InputError(where + ": malformed SVD kernel spec: " + e.what());
  }
}

}  // namespace lai::gen
