#include "kernel_spec.hpp"

#include "lai_gen/error.hpp"
#include "lai_gen/util.hpp"

namespace lai::gen::detail {

SpecFile read_spec_file(const std::string& path) {
  const std::vector<std::uint8_t> bytes = read_file_bytes(path);
  try {
    return {nlohmann::json::parse(bytes.begin(), bytes.end()), sha256_hex(bytes)};
  } catch (const nlohmann::json::exception& e) {
    throw InputError(path + ": not valid JSON: " + e.what());
  }
}

void check_spec_name(const std::string& name, const std::string& where) {
  bool ok = !name.empty();
  for (char c : name) ok = ok && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_');
  if (!ok) throw InputError(where + ": \"name\" must be lower-case letters, digits and '_'");
}

std::string define_options(const SpecParams& p) {
  std::string s;
  for (const auto& [k, v] : p) s += (s.empty() ? "" : " ") + std::string("-D") + k + "=" + std::to_string(v);
  return s;
}

}  // namespace lai::gen::detail
