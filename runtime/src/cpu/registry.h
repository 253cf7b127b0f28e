// Access to the generated kernel table (kernel_registry.h) for the rest of
// the runtime, so only this header knows how the table is declared.
#pragma once

#include <string>

#include "cpu/kernel_registry.h"

namespace lai::cpu {

int scheme_count() noexcept;
int default_scheme() noexcept;
// i must be in [0, scheme_count()).
const lai_scheme_kernels& scheme_at(int i) noexcept;
// Index of the scheme called `name`, or -1.
int find_scheme(const char* name) noexcept;
// "a, b, c" for messages that must say which names are accepted.
std::string scheme_names_joined();

}  // namespace lai::cpu
