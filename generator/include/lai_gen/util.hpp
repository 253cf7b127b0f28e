// Small file helpers shared by the readers and emitters.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace lai::gen {

// Whole file as bytes; throws InputError("<path>: cannot read: <reason>").
std::vector<std::uint8_t> read_file_bytes(const std::string& path);
std::string read_file_text(const std::string& path);

// Lower-case hex SHA-256 (OpenSSL's EVP interface).
std::string sha256_hex(const std::vector<std::uint8_t>& bytes);

// Writes to "<path>.tmp.<pid>" in the same directory, flushes, then renames
// over <path>; on any error removes the temporary and throws std::runtime_error.
void write_file_atomically(const std::string& path, const std::string& contents);

// Path without its directories.
std::string base_name(const std::string& path);

}  // namespace lai::gen
