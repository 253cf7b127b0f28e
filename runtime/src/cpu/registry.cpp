#include "cpu/registry.h"

#include <cstring>

namespace lai::cpu {

int scheme_count() noexcept { return lai_registry_count; }

int default_scheme() noexcept { return lai_registry_default; }

const lai_scheme_kernels& scheme_at(int i) noexcept { return lai_registry_table[i]; }

int find_scheme(const char* name) noexcept {
  for (int i = 0; i < lai_registry_count; ++i) {
    if (std::strcmp(lai_registry_table[i].name, name) == 0) return i;
  }
  return -1;
}

std::string scheme_names_joined() {
  std::string out;
  for (int i = 0; i < lai_registry_count; ++i) {
    if (i > 0) out += ", ";
    out += lai_registry_table[i].name;
  }
  return out;
}

}  // namespace lai::cpu
