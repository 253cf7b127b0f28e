#include "dispatch/tuning.h"

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>
#include <vector>

extern "C" const char lai_tuning_generic_json[];

namespace lai::tuning {

namespace {

struct Entry {
  int min = 0;
  int max = std::numeric_limits<int>::max();
  cpu::Variant variant;
};

struct Table {
  std::vector<Entry> f64, f32;
  int fast_from_f64 = std::numeric_limits<int>::max();  // smallest min of a non-blas entry
  int fast_from_f32 = std::numeric_limits<int>::max();
};

// Parses and checks a table; throws std::runtime_error with the reason.
Table parse(const std::string& text, bool check_machine) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error(std::string("not JSON: ") + e.what());
  }
  auto need = [&](const nlohmann::json& o, const char* key) -> const nlohmann::json& {
    if (!o.is_object() || !o.contains(key)) throw std::runtime_error(std::string("missing key '") + key + "'");
    return o.at(key);
  };
  if (need(j, "format") != "lapack-ai-tuning") throw std::runtime_error("format must be \"lapack-ai-tuning\"");
  if (need(j, "version") != 1) throw std::runtime_error("version must be 1");
  const auto& machine = need(j, "machine");
  if (!machine.is_string()) throw std::runtime_error("machine must be a string");
  if (check_machine && machine.get<std::string>() != machine_id()) {
    throw std::runtime_error("measured on '" + machine.get<std::string>() + "', this machine is '" + machine_id() +
                             "'");
  }
  const auto& tables = need(j, "tables");
  Table t;
  for (const char* dtype : {"f64", "f32"}) {
    const auto& list = need(tables, dtype);
    if (!list.is_array()) throw std::runtime_error(std::string("tables.") + dtype + " must be an array");
    std::vector<Entry>& out = std::string(dtype) == "f64" ? t.f64 : t.f32;
    int& fast_from = std::string(dtype) == "f64" ? t.fast_from_f64 : t.fast_from_f32;
    long long next_min = 0;
    for (const auto& e : list) {
      const std::string where = std::string("tables.") + dtype + "[" + std::to_string(out.size()) + "]";
      const auto& mn = need(e, "min");
      const auto& mx = need(e, "max");
      const auto& vt = need(e, "variant");
      if (!mn.is_number_integer() || mn.get<long long>() < 0 || mn.get<long long>() > std::numeric_limits<int>::max()) {
        throw std::runtime_error(where + ".min must be an integer in [0, 2^31)");
      }
      if (!(mx.is_null() || (mx.is_number_integer() && mx.get<long long>() >= mn.get<long long>() &&
                              mx.get<long long>() <= std::numeric_limits<int>::max()))) {
        throw std::runtime_error(where + ".max must be null or an integer >= min");
      }
      if (mn.get<long long>() < next_min) throw std::runtime_error(where + ": ranges must be sorted and disjoint");
      if (!vt.is_string()) throw std::runtime_error(where + ".variant must be a string");
      std::string why;
      const auto v = cpu::parse_variant(vt.get<std::string>(), &why);
      if (!v) throw std::runtime_error(where + ": " + why);
      const bool ok = std::string(dtype) == "f64" ? cpu::variant_available<double>(*v) : cpu::variant_available<float>(*v);
      if (!ok) throw std::runtime_error(where + ": variant '" + vt.get<std::string>() + "' has no " + dtype + " kernels in this build");
      Entry en;
      en.min = mn.get<int>();
      en.max = mx.is_null() ? std::numeric_limits<int>::max() : mx.get<int>();
      en.variant = *v;
      if (!v->is_blas()) fast_from = std::min(fast_from, en.min);
      next_min = static_cast<long long>(en.max) + 1;
      out.push_back(en);
      if (mx.is_null()) break;
    }
  }
  return t;
}

std::string read_file(const std::string& path, bool& exists) {
  std::ifstream f(path, std::ios::binary);
  exists = static_cast<bool>(f);
  if (!f) return {};
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

Table g_table;
std::string g_info;
std::atomic<bool> g_loaded{false};
std::once_flag g_once;

void load() {
  std::string path;
  bool explicit_path = false;
  if (const char* e = std::getenv("LAI_TUNING_FILE"); e != nullptr && *e != '\0') {
    path = e;
    explicit_path = true;
  } else if (const char* x = std::getenv("XDG_CONFIG_HOME"); x != nullptr && *x != '\0') {
    path = std::string(x) + "/lapack_ai/tuning.json";
  } else if (const char* h = std::getenv("HOME"); h != nullptr && *h != '\0') {
    path = std::string(h) + "/.config/lapack_ai/tuning.json";
  }
  std::string refused;
  if (!path.empty()) {
    bool exists = false;
    const std::string text = read_file(path, exists);
    if (exists) {
      try {
        g_table = parse(text, true);
        g_info = "tuning table " + path + " (machine " + machine_id() + ")";
        return;
      } catch (const std::exception& e) {
        refused = "; " + path + " refused: " + e.what();
      }
    } else if (explicit_path) {
      refused = "; LAI_TUNING_FILE=" + path + " cannot be read";
    }
  }
  try {
    g_table = parse(lai_tuning_generic_json, false);
    g_info = "built-in generic tuning table" + refused;
  } catch (const std::exception& e) {
    g_table = Table{};  // everything to OpenBLAS
    g_info = std::string("no tuning table (the built-in one is invalid: ") + e.what() + ")" + refused;
  }
}

const Table& table() noexcept {
  if (!g_loaded.load(std::memory_order_acquire)) {
    std::call_once(g_once, [] {
      try {
        load();
      } catch (...) {
        g_table = Table{};
        g_info = "no tuning table (loading failed)";
      }
      g_loaded.store(true, std::memory_order_release);
    });
  }
  return g_table;
}

const cpu::Variant kBlas{};

}  // namespace

template <class T>
const cpu::Variant& lookup(int size) noexcept {
  const Table& t = table();
  constexpr bool f64 = sizeof(T) == sizeof(double);
  if (size < (f64 ? t.fast_from_f64 : t.fast_from_f32)) return kBlas;
  for (const Entry& e : f64 ? t.f64 : t.f32) {
    if (size >= e.min && size <= e.max) return e.variant;
  }
  return kBlas;
}

template const cpu::Variant& lookup<double>(int) noexcept;
template const cpu::Variant& lookup<float>(int) noexcept;

const std::string& machine_id() {
  static const std::string id = [] {
    std::string model = "unknown-cpu";
    std::ifstream f("/proc/cpuinfo");
    std::string line;
    while (std::getline(f, line)) {
      if (line.rfind("model name", 0) == 0) {
        const auto colon = line.find(':');
        if (colon != std::string::npos) {
          model = line.substr(colon + 1);
          const auto b = model.find_first_not_of(" \t");
          model = b == std::string::npos ? "" : model.substr(b);
        }
        break;
      }
    }
    return model + " x" + std::to_string(std::thread::hardware_concurrency());
  }();
  return id;
}

const std::string& info() {
  table();
  return g_info;
}

std::string validate(const std::string& text, bool check_machine) {
  try {
    parse(text, check_machine);
    return {};
  } catch (const std::exception& e) {
    return e.what();
  }
}

}  // namespace lai::tuning
