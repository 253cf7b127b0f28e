// The report of `lai-gen info`.
#pragma once

#include <string>

#include "lai_gen/scheme.hpp"

namespace lai::gen {

// Multiplications, non-zeros, and additions per family before and after the
// addition optimizer, as a few aligned lines ending in a newline.
std::string format_info(const Scheme& s, const std::string& display);

}  // namespace lai::gen
