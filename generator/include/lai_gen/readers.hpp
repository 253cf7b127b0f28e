// Readers for every accepted scheme format; each returns a Scheme in the
// internal convention of scheme.hpp or throws InputError naming the file, the
// entry/line/byte offset and the rule broken. None of them ever executes
// file content (no pickle execution, no eval).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "lai_gen/scheme.hpp"

namespace lai::gen {

// "FILE[:ENTRY]": the entry selects one scheme inside a multi-scheme file
// (an .npz key such as "4,4,4"). The split is at the last ':' whose suffix
// does not contain '/', so ordinary paths keep working.
struct SchemeRef {
  std::string path;
  std::string entry;  // empty when the file holds one scheme
  std::string display() const { return entry.empty() ? path : path + ":" + entry; }
};
SchemeRef parse_scheme_ref(std::string_view text);

// Loads by extension: .json (project format), .npz (AlphaTensor), .sms
// (PLinOpt; any one of the _L/_R/_P files or their common prefix names the triple).
Scheme load_scheme(const SchemeRef& ref);

// --- project JSON format (factors/README.md) ---
Scheme read_json_scheme_text(std::string_view text, const std::string& origin);
Scheme read_json_scheme_file(const std::string& path);
// Deterministic serialisation (fixed key order, one product per line).
std::string write_json_scheme(const Scheme& s);

// --- AlphaTensor .npz ---
std::vector<std::string> list_npz_entries(const std::string& path);
Scheme read_npz_scheme(const std::string& path, const std::string& entry);

// A parsed .npy array of integers (the only dtypes schemes use).
struct NpyArray {
  std::vector<std::int64_t> shape;
  std::vector<std::int64_t> data;  // C order
};
// Parses one .npy file held in memory; origin names it in messages.
NpyArray parse_npy(std::span<const std::uint8_t> bytes, const std::string& origin);
// Bounded reader for numpy's pickled object arrays holding integer arrays:
// accepts only the opcodes and globals of numpy's ndarray reconstruction and
// refuses anything else with the offset and opcode named.
std::vector<NpyArray> parse_pickled_object_array(std::span<const std::uint8_t> bytes,
                                                 const std::string& origin);

// --- PLinOpt .sms triples ---
// A sparse matrix from one .sms file: rows x cols with exact entries.
struct SmsMatrix {
  int rows = 0, cols = 0;
  std::vector<Rational> data;  // dense, row-major
};
SmsMatrix parse_sms_text(std::string_view text, const std::string& origin);
Scheme read_sms_triple(const std::string& path_or_prefix);

}  // namespace lai::gen
