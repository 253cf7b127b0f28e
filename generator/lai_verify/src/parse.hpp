// Parsing a generated file with Clang as the build compiles it, and finding
// the kernel functions in it.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "lai_verify/verify.hpp"

namespace clang {
class ASTUnit;
class FunctionDecl;
}  // namespace clang

namespace lai::verify {

// The file's AST, or nullptr with `error` set to the first compiler errors.
std::unique_ptr<clang::ASTUnit> parse_file(const std::string& path, const Options& options, std::string& error);

// Every function defined in the main file, by name.
std::vector<const clang::FunctionDecl*> defined_functions(clang::ASTUnit& unit);

}  // namespace lai::verify
