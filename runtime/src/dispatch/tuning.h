// The tuning table: which block-engine variant (cpu/fast_gemm.h) lai_dgemm
// and lai_sgemm use for which sizes. Loaded once, at the first large GEMM,
// from $LAI_TUNING_FILE, else $XDG_CONFIG_HOME/lapack_ai/tuning.json (or
// ~/.config/lapack_ai/tuning.json), else the generic table built into the
// library (runtime/data/tuning_generic.json). A file that cannot be read,
// does not validate, names a kernel this build lacks, or was measured on
// another machine is not used: the reason is kept (lai_tuning_info) and the
// generic table applies. Format: docs/formats.md, "Tuning table".
#pragma once

#include <string>

#include "cpu/fast_gemm.h"

namespace lai::tuning {

// Variant for a product whose smallest dimension is `size` (blas below the
// table's first non-blas entry and in any gap).
template <class T>
const cpu::Variant& lookup(int size) noexcept;

// "<machine model> x<logical cpus>", the key a tuning table is written for.
const std::string& machine_id();

// Where the table in use came from, and why a user table was refused.
const std::string& info();

// Validates a table's text; returns "" when it is usable here, else why not.
// (Used by the loader and by lai-tune before it writes a file.)
std::string validate(const std::string& text, bool check_machine);

}  // namespace lai::tuning
