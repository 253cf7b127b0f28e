// C++ files are parsed as the build compiles them (C++20, the generated
// folder and OpenBLAS's include directory on the path); OpenCL C files as the
// OpenCL runtime does (-x cl -cl-std=CL1.2 with Clang's builtin declarations,
// opencl-c.h, included by default).
#include "parse.hpp"

#include <clang/AST/ASTContext.h>
#include <clang/AST/Decl.h>
#include <clang/AST/DeclCXX.h>
#include <clang/Basic/Diagnostic.h>
#include <clang/Basic/SourceManager.h>
#include <clang/Frontend/ASTUnit.h>
#include <clang/Tooling/Tooling.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace lai::verify {
namespace {

// Keeps the compiler's errors so they can be reported as the reason a file
// cannot be verified (warnings are irrelevant to the proof).
class ErrorCollector : public clang::DiagnosticConsumer {
 public:
  void HandleDiagnostic(clang::DiagnosticsEngine::Level level, const clang::Diagnostic& info) override {
    DiagnosticConsumer::HandleDiagnostic(level, info);
    if (level < clang::DiagnosticsEngine::Error || errors_.size() >= 5) return;
    llvm::SmallString<256> text;
    info.FormatDiagnostic(text);
    std::string where;
    if (info.hasSourceManager() && info.getLocation().isValid()) {
      const clang::PresumedLoc p = info.getSourceManager().getPresumedLoc(info.getLocation());
      if (p.isValid()) where = std::string(p.getFilename()) + ":" + std::to_string(p.getLine()) + ":" + std::to_string(p.getColumn()) + ": ";
    }
    errors_.push_back(where + std::string(text.str()));
  }
  std::string text() const {
    std::string s;
    for (const auto& e : errors_) s += (s.empty() ? "" : "; ") + e;
    return s;
  }

 private:
  std::vector<std::string> errors_;
};

void collect(const clang::DeclContext* dc, const clang::SourceManager& sm, std::vector<const clang::FunctionDecl*>& out) {
  for (const clang::Decl* d : dc->decls()) {
    if (const auto* fd = llvm::dyn_cast<clang::FunctionDecl>(d)) {
      if (fd->isThisDeclarationADefinition() && sm.isInMainFile(sm.getExpansionLoc(fd->getLocation()))) out.push_back(fd);
    } else if (const auto* inner = llvm::dyn_cast<clang::LinkageSpecDecl>(d)) {
      collect(inner, sm, out);
    } else if (const auto* ns = llvm::dyn_cast<clang::NamespaceDecl>(d)) {
      collect(ns, sm, out);
    }
  }
}

}  // namespace

std::unique_ptr<clang::ASTUnit> parse_file(const std::string& path, const Options& options, std::string& error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = "cannot read " + path;
    return nullptr;
  }
  std::stringstream buf;
  buf << in.rdbuf();
  const std::filesystem::path abs = std::filesystem::absolute(path);
  const bool opencl = abs.extension() == ".cl";
  std::vector<std::string> args;
  if (opencl) {
    args = {"-x", "cl", "-cl-std=CL1.2", "-Xclang", "-finclude-default-header"};
  } else {
    args = {"-x", "c++", "-std=c++20"};
    for (const auto& dir : options.system_includes) {
      args.push_back("-isystem");
      args.push_back(dir);
    }
  }
  args.push_back("-I" + abs.parent_path().string());
  if (!options.resource_dir.empty()) {
    args.push_back("-resource-dir");
    args.push_back(options.resource_dir);
  }
  args.push_back("-w");
  args.insert(args.end(), options.clang_args.begin(), options.clang_args.end());
  ErrorCollector errors;
  auto unit = clang::tooling::buildASTFromCodeWithArgs(buf.str(), args, abs.string(), "lai-verify",
                                                       std::make_shared<clang::PCHContainerOperations>(),
                                                       clang::tooling::getClangStripDependencyFileAdjuster(),
                                                       clang::tooling::FileContentMappings(), &errors);
  if (unit == nullptr || unit->getDiagnostics().hasErrorOccurred()) {
    error = "cannot verify: the file does not compile with Clang (" + (errors.text().empty() ? std::string("no AST") : errors.text()) + ")";
    return nullptr;
  }
  return unit;
}

std::vector<const clang::FunctionDecl*> defined_functions(clang::ASTUnit& unit) {
  std::vector<const clang::FunctionDecl*> out;
  collect(unit.getASTContext().getTranslationUnitDecl(), unit.getSourceManager(), out);
  return out;
}

}  // namespace lai::verify
