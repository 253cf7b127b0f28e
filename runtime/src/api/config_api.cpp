// Public configuration entry points: block threshold and scheme choice.
#include <string>

#include "api/guard.h"
#include "cpu/registry.h"
#include "diagnostics/error.h"
#include "dispatch/config.h"
#include "lapack_ai/lapack_ai.h"

extern "C" {

lai_status lai_set_block_threshold(int n) {
  return lai::guarded("lai_set_block_threshold", [&] {
    if (n < 1) lai::fail(LAI_ERROR_INVALID_ARGUMENT, "n=" + std::to_string(n) + " must be >= 1");
    lai::config::set_block_threshold(n);
  });
}

int lai_get_block_threshold(void) { return lai::config::block_threshold(); }

lai_status lai_set_scheme(const char* name) {
  return lai::guarded("lai_set_scheme", [&] {
    if (name == nullptr) {
      lai::config::set_scheme_index(lai::cpu::default_scheme(), false);
      return;
    }
    const int i = lai::cpu::find_scheme(name);
    if (i < 0) {
      lai::fail(LAI_ERROR_INVALID_ARGUMENT, std::string("name=\"") + name +
                                                "\" must name a scheme built into this library: " +
                                                lai::cpu::scheme_names_joined());
    }
    lai::config::set_scheme_index(i, true);
  });
}

const char* lai_get_scheme(void) { return lai::cpu::scheme_at(lai::config::scheme_index()).name; }

int lai_scheme_count(void) { return lai::cpu::scheme_count(); }

const char* lai_scheme_name(int i) {
  if (i < 0 || i >= lai::cpu::scheme_count()) return nullptr;
  return lai::cpu::scheme_at(i).name;
}

}  // extern "C"
