// The project's own JSON scheme format (documented in factors/README.md).
//
// One object; the factor matrices are given per product so that a file reads
// (and diffs) one product per line:
//   "products": [ {"U": [...m*k...], "V": [...k*n...], "W": [...m*n...]}, ... ]
// Coefficients are JSON integers or strings "p/q".
#include <nlohmann/json.hpp>

#include <regex>
#include <sstream>

#include "lai_gen/error.hpp"
#include "lai_gen/readers.hpp"
#include "lai_gen/util.hpp"

namespace lai::gen {
namespace {

using nlohmann::json;

[[noreturn]] void fail(const std::string& origin, const std::string& what) {
  throw InputError(origin + ": " + what);
}

int get_dim(const json& j, const std::string& key, const std::string& origin) {
  if (!j.contains(key)) fail(origin, "missing key '" + key + "'");
  const json& v = j.at(key);
  // Unsigned JSON integers above INT64_MAX would wrap in get<long long>().
  if (!v.is_number_integer() || (v.is_number_unsigned() && v.get<std::uint64_t>() > std::uint64_t(kMaxRank)))
    fail(origin, "key '" + key + "' must be an integer in 1.." + std::to_string(kMaxRank) + ", got " + v.dump());
  const auto x = v.get<long long>();
  if (x <= 0 || x > kMaxRank) fail(origin, "key '" + key + "' = " + std::to_string(x) + " must be in 1.." + std::to_string(kMaxRank));
  return static_cast<int>(x);
}

Rational get_coef(const json& v, const std::string& where, const std::string& origin) {
  if (v.is_number_unsigned() && v.get<std::uint64_t>() > std::uint64_t(INT64_MAX))
    fail(origin, where + ": " + v.dump() + " is outside the 64-bit integer range");
  // INT64_MIN has no exact negation; Rational refuses it as overflow.
  if (v.is_number_integer() && v.get<std::int64_t>() == INT64_MIN)
    fail(origin, where + ": " + v.dump() + " is outside the supported integer range");
  if (v.is_number_integer()) return Rational(v.get<std::int64_t>());
  if (v.is_string()) {
    try {
      return Rational::parse(v.get<std::string>());
    } catch (const std::exception& e) {
      fail(origin, where + ": " + e.what());
    }
  }
  fail(origin, where + ": coefficient must be an integer or a \"p/q\" string, got " + v.dump());
}

std::string get_string(const json& j, const std::string& key, const std::string& origin, bool required) {
  if (!j.contains(key)) {
    if (required) fail(origin, "missing key '" + key + "'");
    return {};
  }
  if (!j.at(key).is_string()) fail(origin, "key '" + key + "' must be a string, got " + j.at(key).dump());
  return j.at(key).get<std::string>();
}

}  // namespace

Scheme read_json_scheme_text(std::string_view text, const std::string& origin) {
  json j;
  try {
    j = json::parse(text.begin(), text.end());
  } catch (const json::parse_error& e) {
    fail(origin, "invalid JSON at byte " + std::to_string(e.byte) + ": " + e.what());
  } catch (const json::exception& e) {  // e.g. a number outside double's range
    fail(origin, std::string("invalid JSON: ") + e.what());
  }
  if (!j.is_object()) fail(origin, "top level must be a JSON object");
  const std::string format = get_string(j, "format", origin, true);
  if (format != "lapack-ai-scheme") fail(origin, "key 'format' must be \"lapack-ai-scheme\", got \"" + format + "\"");
  if (!j.contains("version") || j["version"] != 1) fail(origin, "key 'version' must be 1");

  Scheme s;
  s.name = get_string(j, "name", origin, true);
  const int m = get_dim(j, "m", origin), k = get_dim(j, "k", origin), n = get_dim(j, "n", origin);
  const int rank = get_dim(j, "rank", origin);
  try {
    s.resize(m, k, n, rank);
  } catch (const std::invalid_argument& e) {
    fail(origin, e.what());
  }
  // The name carries the shape and rank; a mismatch means the file was edited
  // inconsistently, and kernels would be named after the wrong scheme.
  static const std::regex name_rule(R"(([a-z][a-z0-9]*)_(\d+)x(\d+)x(\d+)_r(\d+))");
  std::smatch mt;
  if (!std::regex_match(s.name, mt, name_rule))
    fail(origin, "name \"" + s.name + "\" must have the form <source>_<m>x<k>x<n>_r<rank> (source: lower-case letters and digits)");
  if (std::stoll(mt[2]) != m || std::stoll(mt[3]) != k || std::stoll(mt[4]) != n || std::stoll(mt[5]) != rank)
    fail(origin, "name \"" + s.name + "\" does not match m=" + std::to_string(m) + " k=" + std::to_string(k) +
                     " n=" + std::to_string(n) + " rank=" + std::to_string(rank));
  s.field = get_string(j, "field", origin, true);
  if (s.field != "Z" && s.field != "Q") fail(origin, "key 'field' must be \"Z\" or \"Q\", got \"" + s.field + "\"");

  if (j.contains("provenance")) {
    const json& p = j["provenance"];
    if (!p.is_object()) fail(origin, "key 'provenance' must be an object with 'description' and optional 'command'");
    s.provenance = get_string(p, "description", origin, true);
    s.command = get_string(p, "command", origin, false);
  }

  if (!j.contains("products") || !j["products"].is_array()) fail(origin, "missing array 'products'");
  const json& prods = j["products"];
  if (prods.size() != static_cast<std::size_t>(rank))
    fail(origin, "'products' has " + std::to_string(prods.size()) + " entries, expected rank=" + std::to_string(rank));
  for (int r = 0; r < rank; ++r) {
    const json& p = prods[static_cast<std::size_t>(r)];
    const std::string at = "products[" + std::to_string(r) + "]";
    if (!p.is_object()) fail(origin, at + " must be an object with keys U, V, W");
    for (const auto& [key, len] : {std::pair<std::string, int>{"U", m * k}, {"V", k * n}, {"W", m * n}}) {
      if (!p.contains(key) || !p[key].is_array()) fail(origin, at + " is missing array '" + key + "'");
      const json& arr = p[key];
      if (arr.size() != static_cast<std::size_t>(len))
        fail(origin, at + "." + key + " has " + std::to_string(arr.size()) + " entries, expected " + std::to_string(len));
      for (int x = 0; x < len; ++x) {
        const Rational c = get_coef(arr[static_cast<std::size_t>(x)], at + "." + key + "[" + std::to_string(x) + "]", origin);
        if (s.field == "Z" && !c.is_integer())
          fail(origin, at + "." + key + "[" + std::to_string(x) + "] = " + c.str() + " is not an integer but field is \"Z\"");
        (key == "U" ? s.u(x, r) : key == "V" ? s.v(x, r) : s.w(x, r)) = c;
      }
    }
    for (const auto& [key, _] : p.items())
      if (key != "U" && key != "V" && key != "W") fail(origin, at + " has unknown key '" + key + "'");
  }
  return s;
}

Scheme read_json_scheme_file(const std::string& path) {
  return read_json_scheme_text(read_file_text(path), path);
}

std::string write_json_scheme(const Scheme& s) {
  // Hand-formatted for one product per line; nlohmann only escapes strings.
  std::ostringstream o;
  auto row = [&](auto coef, int len) {
    o << '[';
    for (int x = 0; x < len; ++x) {
      const Rational& c = coef(x);
      if (x) o << ',';
      if (c.is_integer()) o << c.num();
      else o << '"' << c.str() << '"';
    }
    o << ']';
  };
  o << "{\n  \"format\": \"lapack-ai-scheme\",\n  \"version\": 1,\n"
    << "  \"name\": " << json(s.name).dump() << ",\n"
    << "  \"m\": " << s.m << ", \"k\": " << s.k << ", \"n\": " << s.n << ", \"rank\": " << s.rank << ",\n"
    << "  \"field\": " << json(s.integral() ? "Z" : "Q").dump() << ",\n"
    << "  \"provenance\": {\"description\": " << json(s.provenance).dump();
  if (!s.command.empty()) o << ", \"command\": " << json(s.command).dump();
  o << "},\n  \"products\": [\n";
  for (int r = 0; r < s.rank; ++r) {
    o << "    {\"U\": ";
    row([&](int x) -> const Rational& { return s.u(x, r); }, s.m * s.k);
    o << ", \"V\": ";
    row([&](int y) -> const Rational& { return s.v(y, r); }, s.k * s.n);
    o << ", \"W\": ";
    row([&](int z) -> const Rational& { return s.w(z, r); }, s.m * s.n);
    o << (r + 1 < s.rank ? "},\n" : "}\n");
  }
  o << "  ]\n}\n";
  return o.str();
}

}  // namespace lai::gen
