// libFuzzer target for the in-memory scheme parsers. The first byte picks
// the parser, the rest is its input. The only acceptable outcomes are a
// result or lai::gen::InputError: any other exception, crash, leak or
// sanitizer report is a bug in a reader.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <span>
#include <string>
#include <string_view>

#include "lai_gen/error.hpp"
#include "lai_gen/readers.hpp"

// LAI_FUZZ_ONLY=012 (digits of the selectors to run) narrows a run to some
// parsers, e.g. to keep fuzzing the others while one has a known open bug.
static bool selected(int which) {
  static const char* only = std::getenv("LAI_FUZZ_ONLY");
  return !only || std::strchr(only, '0' + which) != nullptr;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0 || !selected(data[0] % 4)) return 0;
  const std::span<const std::uint8_t> bytes(data + 1, size - 1);
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  try {
    switch (data[0] % 4) {
      case 0: (void)lai::gen::parse_npy(bytes, "fuzz.npy"); break;
      case 1: (void)lai::gen::parse_pickled_object_array(bytes, "fuzz.npy"); break;
      case 2: (void)lai::gen::parse_sms_text(text, "fuzz.sms"); break;
      default: (void)lai::gen::read_json_scheme_text(text, "fuzz.json"); break;
    }
  } catch (const lai::gen::InputError&) {
    // Expected for malformed input.
  } catch (const std::exception& e) {
    std::fprintf(stderr, "reader %d threw a non-InputError exception: %s\n", data[0] % 4, e.what());
    std::abort();
  }
  return 0;
}
