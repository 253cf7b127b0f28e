// Shared parsing of the GPU kernel spec files (factors/gpu/*.json,
// factors/svd/*.json): both formats are a JSON object with a format tag, a
// lower-case name and integer build parameters that end up as -D options.
#pragma once

#include <map>
#include <string>

#include <nlohmann/json.hpp>

namespace lai::gen::detail {

using SpecParams = std::map<std::string, long long>;

// A spec file: its JSON, and the digest of its bytes for the generated header.
struct SpecFile {
  nlohmann::json json;
  std::string sha256;
};
// InputError "<path>: not valid JSON: ..." when it does not parse.
SpecFile read_spec_file(const std::string& path);

// InputError unless `name` is non-empty lower-case letters, digits and '_'.
void check_spec_name(const std::string& name, const std::string& where);

// "-DA=1 -DB=2" in key order: the build options a parameter set stands for.
std::string define_options(const SpecParams& p);

}  // namespace lai::gen::detail
