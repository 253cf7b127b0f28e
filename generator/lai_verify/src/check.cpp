// The contracts of the emitted kernels (docs/architecture.md, "Kernel ABI")
// as symbolic experiments: set up operands whose elements are variables,
// run the kernel on every path, and compare C with the product exactly.
#include <clang/AST/ASTContext.h>
#include <clang/AST/Decl.h>
#include <clang/AST/Expr.h>
#include <clang/Frontend/ASTUnit.h>
#include <clang/Lex/Preprocessor.h>

#include <chrono>
#include <functional>
#include <regex>
#include <sstream>

#include "interp.hpp"
#include "lai_gen/readers.hpp"
#include "lai_gen/scheme.hpp"
#include "parse.hpp"

namespace lai::verify {
namespace {

using clang::CallExpr;
using clang::FunctionDecl;

constexpr int kMaxPaths = 512;

Poly num(std::int64_t v) { return Poly::constant(Rational(v)); }

// An m x n matrix operand: element (r,c) at base + r*rs + c*cs, each element
// a fresh variable named like "A(1,2)".
struct Matrix {
  std::string name;
  int rows = 0, cols = 0;
  std::vector<std::vector<VarId>> var;  // var[r][c]
};

Matrix make_matrix(Interpreter& in, Region& region, const std::string& name, int rows, int cols, const Poly& base,
                   const Poly& rs, const Poly& cs) {
  Matrix m{name, rows, cols, {}};
  m.var.assign(static_cast<std::size_t>(rows), std::vector<VarId>(static_cast<std::size_t>(cols)));
  for (int r = 0; r < rows; ++r) {
    for (int c = 0; c < cols; ++c) {
      const std::string en = name + "(" + std::to_string(r) + "," + std::to_string(c) + ")";
      const VarId v = in.vars().intern(en);
      m.var[static_cast<std::size_t>(r)][static_cast<std::size_t>(c)] = v;
      region.elements[base + num(r) * rs + num(c) * cs] = Element{v, en};
    }
  }
  return m;
}

Region operand(const std::string& name, bool writable, bool write_once) {
  Region r;
  r.name = name;
  r.role = Region::Role::Operand;
  r.writable = writable;
  r.write_once = write_once;
  return r;
}

// Parameter kinds by position: f floating, p pointer, i integer.
void check_signature(const Interpreter& in, const FunctionDecl* fd, const std::string& pattern, const std::string& abi) {
  std::string got;
  for (const clang::ParmVarDecl* p : fd->parameters()) {
    const clang::QualType t = p->getType();
    got += t->isRealFloatingType() ? 'f' : t->isPointerType() ? 'p' : t->isIntegerType() ? 'i' : '?';
  }
  if (got != pattern) {
    in.cannot("signature of " + fd->getNameAsString() + " that does not match the " + abi + " ABI", fd->getLocation());
  }
}

Value var_value(Interpreter& in, const std::string& name) { return Value::number(Poly::variable(in.vars().intern(name))); }

Value ptr_to(int region) { return Value::pointer(Pointer{region, Poly(), {}}); }

std::int64_t concrete_int(Interpreter& in, const Value& v, const std::string& what, const std::string& at) {
  if (v.kind != Value::Kind::Number) in.cannot_at(what + " that is not a number", at);
  const Poly p = in.normalize(v.num);
  if (!p.is_constant() || !p.constant_term().is_integer()) in.cannot_at("symbolic " + what, at);
  return p.constant_term().num();
}

// ---- models of the library functions the kernels call --------------------

Value model_get_global_id(Interpreter& in, const CallExpr* ce, std::vector<Value>& args) {
  const std::string at = in.where(ce->getExprLoc());
  if (args.size() != 1 || concrete_int(in, args[0], "get_global_id dimension", at) != 0) {
    in.cannot_at("get_global_id of a dimension other than 0", at);
  }
  return var_value(in, "g");
}

// cblas_?gemm with exact semantics: C = alpha*op(A)*op(B) + beta*C, C not
// read when beta is 0, every element of op(A) and op(B) read through the
// same memory model as kernel code (so a block outside A is caught here too).
Value model_gemm(Interpreter& in, const CallExpr* ce, std::vector<Value>& args) {
  const std::string at = in.where(ce->getExprLoc());
  if (args.size() != 14) in.cannot_at("cblas gemm call with " + std::to_string(args.size()) + " arguments", at);
  const std::int64_t order = concrete_int(in, args[0], "cblas order", at);
  const std::int64_t ta = concrete_int(in, args[1], "cblas transa", at);
  const std::int64_t tb = concrete_int(in, args[2], "cblas transb", at);
  const std::int64_t m = concrete_int(in, args[3], "gemm m", at);
  const std::int64_t n = concrete_int(in, args[4], "gemm n", at);
  const std::int64_t k = concrete_int(in, args[5], "gemm k", at);
  if (order != 101 && order != 102) in.cannot_at("cblas order " + std::to_string(order), at);
  for (std::int64_t t : {ta, tb}) {
    if (t != 111 && t != 112 && t != 113) in.cannot_at("cblas transpose " + std::to_string(t), at);
  }
  if (m < 0 || n < 0 || k < 0) throw KernelWrong("cblas gemm called with a negative size at " + at);
  for (int i : {7, 9, 12}) {
    if (args[static_cast<std::size_t>(i)].kind != Value::Kind::Pointer) in.cannot_at("cblas gemm operand that is not a pointer", at);
  }
  const bool row = order == 101;
  const bool tA = ta != 111, tB = tb != 111;
  const Poly lda = in.normalize(args[8].num), ldb = in.normalize(args[10].num), ldc = in.normalize(args[13].num);
  // The leading dimension must cover a stored row (row-major) or column.
  const auto check_ld = [&](const Poly& ld, std::int64_t need, const char* which) {
    if (ld.is_constant() && ld.constant_term() < Rational(std::max<std::int64_t>(1, need))) {
      throw KernelWrong(std::string("cblas gemm ") + which + " = " + ld.str(in.vars()) + " is below " +
                        std::to_string(std::max<std::int64_t>(1, need)) + " at " + at);
    }
  };
  check_ld(lda, row ? (tA ? m : k) : (tA ? k : m), "lda");
  check_ld(ldb, row ? (tB ? k : n) : (tB ? n : k), "ldb");
  check_ld(ldc, row ? n : m, "ldc");
  const auto elem = [&](const Pointer& base, const Poly& ld, std::int64_t r, std::int64_t c) {
    Pointer p = base;
    p.offset = p.offset + (row ? num(r) * ld + num(c) : num(c) * ld + num(r));
    return p;
  };
  const Poly alpha = in.normalize(args[6].num), beta = in.normalize(args[11].num);
  in.set_model_access(true);
  std::vector<Poly> a(static_cast<std::size_t>(m * k)), b(static_cast<std::size_t>(k * n));
  for (std::int64_t i = 0; i < m; ++i) {
    for (std::int64_t p = 0; p < k; ++p) {
      a[static_cast<std::size_t>(i * k + p)] = in.load(tA ? elem(args[7].ptr, lda, p, i) : elem(args[7].ptr, lda, i, p), at).num;
    }
  }
  for (std::int64_t p = 0; p < k; ++p) {
    for (std::int64_t j = 0; j < n; ++j) {
      b[static_cast<std::size_t>(p * n + j)] = in.load(tB ? elem(args[9].ptr, ldb, j, p) : elem(args[9].ptr, ldb, p, j), at).num;
    }
  }
  std::vector<Poly> c(static_cast<std::size_t>(m * n));
  for (std::int64_t i = 0; i < m; ++i) {
    for (std::int64_t j = 0; j < n; ++j) {
      Poly s;
      for (std::int64_t p = 0; p < k; ++p) s += a[static_cast<std::size_t>(i * k + p)] * b[static_cast<std::size_t>(p * n + j)];
      Poly v = alpha * s;
      if (!beta.is_zero()) v += beta * in.load(elem(args[12].ptr, ldc, i, j), at).num;
      c[static_cast<std::size_t>(i * n + j)] = std::move(v);
    }
  }
  for (std::int64_t i = 0; i < m; ++i) {
    for (std::int64_t j = 0; j < n; ++j) in.store(elem(args[12].ptr, ldc, i, j), Value::number(c[static_cast<std::size_t>(i * n + j)]), at);
  }
  in.set_model_access(false);
  ++in.counts.leaf_calls;
  in.counts.leaf_mnk += m * n * k;
  return Value();
}

void install_models(Interpreter& in) {
  in.set_external("get_global_id", model_get_global_id);
  in.set_external("cblas_dgemm", model_gemm);
  in.set_external("cblas_sgemm", model_gemm);
}

// The OpenCL work-item functions and builtins the GPU kernels use. Either
// symbolic (one work-item with symbolic global ids; get_global_size(0) a
// symbol, only meaningful under the grid-stride rule) or concrete (the
// work-items of work-groups run in lock-step by Interpreter::call_group).
struct NDRange {
  bool concrete = false;
  std::array<std::optional<Poly>, 3> global_id;  // symbolic mode
  std::optional<Poly> global_size0;              // symbolic mode
  std::array<std::int64_t, 3> local_size{1, 1, 1}, num_groups{1, 1, 1};  // concrete mode
};

void install_ocl_models(Interpreter& in, const NDRange& nd) {
  install_models(in);
  const auto dim = [](Interpreter& i, const CallExpr* ce, std::vector<Value>& args) {
    const std::string at = i.where(ce->getExprLoc());
    if (args.size() != 1) i.cannot_at("work-item function without one argument", at);
    const std::int64_t d = concrete_int(i, args[0], "work-item dimension", at);
    if (d < 0 || d > 2) i.cannot_at("work-item dimension " + std::to_string(d), at);
    return static_cast<std::size_t>(d);
  };
  const auto item = [](Interpreter& i, const CallExpr* ce) {
    const WorkItem* w = i.current_item();
    if (w == nullptr) i.cannot(std::string(ce->getDirectCallee()->getNameAsString()) + " outside work-group execution", ce->getExprLoc());
    return w;
  };
  const auto name = [](const CallExpr* ce) { return ce->getDirectCallee()->getNameAsString(); };
  in.set_external("get_global_id", [=](Interpreter& i, const CallExpr* ce, std::vector<Value>& args) {
    const std::size_t d = dim(i, ce, args);
    if (nd.concrete) {
      const WorkItem* w = item(i, ce);
      return Value::number(num(w->group[d] * nd.local_size[d] + w->local[d]));
    }
    if (!nd.global_id[d]) i.cannot(name(ce) + "(" + std::to_string(d) + ") in a kernel checked with a 1-dimensional range", ce->getExprLoc());
    return Value::number(*nd.global_id[d]);
  });
  in.set_external("get_global_size", [=](Interpreter& i, const CallExpr* ce, std::vector<Value>& args) {
    const std::size_t d = dim(i, ce, args);
    if (nd.concrete) return Value::number(num(nd.num_groups[d] * nd.local_size[d]));
    if (d != 0 || !nd.global_size0) i.cannot(name(ce) + " outside a grid-stride loop", ce->getExprLoc());
    return Value::number(*nd.global_size0);
  });
  for (const char* f : {"get_local_id", "get_group_id", "get_local_size", "get_num_groups"}) {
    const std::string fn = f;
    in.set_external(fn, [=](Interpreter& i, const CallExpr* ce, std::vector<Value>& args) {
      const std::size_t d = dim(i, ce, args);
      if (!nd.concrete) i.cannot(fn + " in a kernel checked for one symbolic work-item", ce->getExprLoc());
      if (fn == "get_local_size") return Value::number(num(nd.local_size[d]));
      if (fn == "get_num_groups") return Value::number(num(nd.num_groups[d]));
      const WorkItem* w = item(i, ce);
      return Value::number(num(fn == "get_local_id" ? w->local[d] : w->group[d]));
    });
  }
  in.set_external("barrier", [](Interpreter& i, const CallExpr* ce, std::vector<Value>&) -> Value {
    i.cannot("barrier() outside work-group lock-step execution (not a statement of uniform control flow)", ce->getExprLoc());
  });
  // vloadN(offset, p) = p[offset*N .. offset*N + N-1]; vstoreN(v, offset, p).
  for (int n : {2, 3, 4, 8, 16}) {
    in.set_external("vload" + std::to_string(n), [n](Interpreter& i, const CallExpr* ce, std::vector<Value>& args) {
      const std::string at = i.where(ce->getExprLoc());
      if (args.size() != 2 || args[0].kind != Value::Kind::Number || args[1].kind != Value::Kind::Pointer) {
        i.cannot_at("vload with unexpected arguments", at);
      }
      Value v;
      v.kind = Value::Kind::Aggregate;
      for (int c = 0; c < n; ++c) {
        Pointer p = args[1].ptr;
        p.offset = p.offset + args[0].num * num(n) + num(c);
        v.elems.push_back(i.load(p, at));
      }
      return v;
    });
    in.set_external("vstore" + std::to_string(n), [n](Interpreter& i, const CallExpr* ce, std::vector<Value>& args) {
      const std::string at = i.where(ce->getExprLoc());
      if (args.size() != 3 || args[0].kind != Value::Kind::Aggregate || args[0].elems.size() != static_cast<std::size_t>(n) ||
          args[1].kind != Value::Kind::Number || args[2].kind != Value::Kind::Pointer) {
        i.cannot_at("vstore with unexpected arguments", at);
      }
      for (int c = 0; c < n; ++c) {
        Pointer p = args[2].ptr;
        p.offset = p.offset + args[1].num * num(n) + num(c);
        i.store(p, args[0].elems[static_cast<std::size_t>(c)], at);
      }
      return Value();
    });
  }
  // min/max of concrete integers (tile bookkeeping).
  for (const char* f : {"min", "max"}) {
    const bool is_min = std::string(f) == "min";
    in.set_external(f, [is_min](Interpreter& i, const CallExpr* ce, std::vector<Value>& args) {
      const std::string at = i.where(ce->getExprLoc());
      if (args.size() != 2 || !ce->getType()->isIntegerType()) i.cannot_at("min/max other than of two integers", at);
      const std::int64_t a = concrete_int(i, args[0], "min/max operand", at), b = concrete_int(i, args[1], "min/max operand", at);
      return Value::number(num(is_min ? std::min(a, b) : std::max(a, b)));
    });
  }
  // fma(a, b, c) = a*b + c exactly (rounding is not modelled anywhere).
  in.set_external("fma", [](Interpreter& i, const CallExpr* ce, std::vector<Value>& args) {
    const std::string at = i.where(ce->getExprLoc());
    if (args.size() != 3 || !ce->getType()->isRealFloatingType()) i.cannot_at("fma of vectors", at);
    for (const auto& a : args) {
      if (a.kind != Value::Kind::Number) i.cannot_at("fma of a non-number", at);
    }
    ++i.counts.multiplications;
    ++i.counts.additions;
    return Value::number(i.normalize(args[0].num) * i.normalize(args[1].num) + i.normalize(args[2].num));
  });
}

std::string path_suffix(const Interpreter& in) {
  if (in.path_description().empty()) return "";
  std::string s;
  for (const auto& d : in.path_description()) s += (s.empty() ? "" : ", ") + d;
  return " (on the path where " + s + ")";
}

// Compares every element of C with alpha * sum_j op(A)(i,j) op(B)(j,l) +
// beta * C(i,l) under the path's substitution.
void check_product(Interpreter& in, const Region& c_region, const Matrix& opa, const Matrix& opb, const Matrix& c,
                   const std::optional<VarId>& alpha, const std::optional<VarId>& beta, bool require_written,
                   const std::string& formula) {
  for (int i = 0; i < c.rows; ++i) {
    for (int l = 0; l < c.cols; ++l) {
      Poly sum;
      for (int j = 0; j < opa.cols; ++j) {
        sum += Poly::variable(opa.var[static_cast<std::size_t>(i)][static_cast<std::size_t>(j)]) *
               Poly::variable(opb.var[static_cast<std::size_t>(j)][static_cast<std::size_t>(l)]);
      }
      const VarId cv = c.var[static_cast<std::size_t>(i)][static_cast<std::size_t>(l)];
      Poly expected = alpha ? Poly::variable(*alpha) * sum : sum;
      if (beta) expected += Poly::variable(*beta) * Poly::variable(cv);
      expected = in.normalize(expected);
      const std::string en = in.vars().name(cv);
      // Find the cell of this element.
      const Cell* cell = nullptr;
      for (const auto& [off, e] : c_region.elements) {
        if (e.var == cv) {
          const auto it = c_region.cells.find(off);
          if (it != c_region.cells.end()) cell = &it->second;
          break;
        }
      }
      if (cell == nullptr && require_written) throw KernelWrong(en + " is never written" + path_suffix(in));
      Poly got = cell == nullptr ? Poly::variable(cv) : cell->value.num;
      if (cell != nullptr && cell->value.kind != Value::Kind::Number) throw KernelWrong(en + " holds a non-number");
      got = in.normalize(got);
      if (!(got == expected)) {
        const std::string fi = std::regex_replace(std::regex_replace(formula, std::regex("\\(i,"), "(" + std::to_string(i) + ","),
                                                  std::regex(",l\\)"), "," + std::to_string(l) + ")");
        throw KernelWrong(en + " is wrong" + (cell ? " (last written at " + cell->last_write + ")" : " (never written)") +
                          path_suffix(in) + ": it differs from " + fi + " by " + (got - expected).str(in.vars()));
      }
    }
  }
}

void no_unwritten_reads(const Interpreter& in, const Region& r, bool include_model, const std::string& why) {
  for (const auto& rd : r.unwritten_reads) {
    if (rd.by_model && !include_model) continue;
    throw KernelWrong("reads " + rd.element + " at " + rd.where + " although " + why + path_suffix(in));
  }
}

// Runs `once` on every path: each run follows the decisions of the previous
// one up to its last open branch, then takes that branch's next way.
void explore(KernelReport& rep, const std::function<void(Interpreter&, std::vector<int>)>& once,
             const std::function<std::unique_ptr<Interpreter>(std::vector<int>)>& make) {
  std::vector<int> prefix;
  for (;;) {
    auto in = make(prefix);
    once(*in, prefix);
    ++rep.paths;
    if (rep.paths > kMaxPaths) throw CannotVerify("cannot verify: more than " + std::to_string(kMaxPaths) + " paths");
    const auto& taken = in->taken();
    const auto& arity = in->arity();
    int j = static_cast<int>(taken.size()) - 1;
    while (j >= 0 && taken[static_cast<std::size_t>(j)] + 1 >= arity[static_cast<std::size_t>(j)]) --j;
    if (j < 0) break;
    prefix.assign(taken.begin(), taken.begin() + j);
    prefix.push_back(taken[static_cast<std::size_t>(j)] + 1);
  }
}

// ---- the contracts ----------------------------------------------------------

struct Target {
  std::string kind;  // cpp4x4[-rowmajor][-beta0], cppblock, oclbatched
  int m = 0, k = 0, n = 0;
};

// cpp4x4[-rowmajor][-beta0]. The _rowmajor kernels take one leading
// dimension per operand, (alpha, A, lda, B, ldb, beta, C, ldc): the same
// contract with the strides (ld, 1), ld symbolic.
void check_cpp4x4(clang::ASTContext& ctx, const FunctionDecl* fd, const Target& t, KernelReport& rep) {
  VarTable vars;
  const bool beta0 = t.kind.ends_with("-beta0");
  const bool rowmajor = t.kind.starts_with("cpp4x4-rowmajor");
  bool have_counts = false;
  explore(rep, [&](Interpreter& in, std::vector<int>) {
    install_models(in);
    check_signature(in, fd, rowmajor ? "fpipifpi" : "fpiipiifpii", rowmajor ? "cpp-4x4 _rowmajor" : "cpp-4x4");
    const Poly one = num(1);
    const Poly rsa = Poly::variable(vars.intern(rowmajor ? "lda" : "rsa")),
               csa = rowmajor ? one : Poly::variable(vars.intern("csa"));
    const Poly rsb = Poly::variable(vars.intern(rowmajor ? "ldb" : "rsb")),
               csb = rowmajor ? one : Poly::variable(vars.intern("csb"));
    const Poly rsc = Poly::variable(vars.intern(rowmajor ? "ldc" : "rsc")),
               csc = rowmajor ? one : Poly::variable(vars.intern("csc"));
    Region ra = operand("A", false, false), rb = operand("B", false, false), rc = operand("C", true, true);
    const Matrix a = make_matrix(in, ra, "A", t.m, t.k, Poly(), rsa, csa);
    const Matrix b = make_matrix(in, rb, "B", t.k, t.n, Poly(), rsb, csb);
    const Matrix c = make_matrix(in, rc, "C", t.m, t.n, Poly(), rsc, csc);
    const VarId alpha = vars.intern("alpha"), beta = vars.intern("beta");
    in.set_update_variable(alpha);
    in.set_update_variable(beta);
    for (const auto& row : c.var) {
      for (VarId v : row) in.set_update_variable(v);
    }
    const int ia = in.add_region(std::move(ra)), ib = in.add_region(std::move(rb)), ic = in.add_region(std::move(rc));
    std::vector<Value> args =
        rowmajor ? std::vector<Value>{Value::number(Poly::variable(alpha)), ptr_to(ia), Value::number(rsa), ptr_to(ib),
                                      Value::number(rsb), Value::number(Poly::variable(beta)), ptr_to(ic),
                                      Value::number(rsc)}
                 : std::vector<Value>{Value::number(Poly::variable(alpha)), ptr_to(ia), Value::number(rsa),
                                      Value::number(csa), ptr_to(ib), Value::number(rsb), Value::number(csb),
                                      Value::number(Poly::variable(beta)), ptr_to(ic), Value::number(rsc),
                                      Value::number(csc)};
    in.call(fd, std::move(args), in.where(fd->getLocation()));
    const Region& cr = in.region(ic);
    if (beta0) no_unwritten_reads(in, cr, true, "the _beta0 kernel must not read C (BLAS beta = 0: NaN in C is ignored)");
    check_product(in, cr, a, b, c, alpha, beta0 ? std::nullopt : std::optional<VarId>(beta), true,
                  beta0 ? "alpha * sum_j A(i,j)*B(j,l)" : "alpha * sum_j A(i,j)*B(j,l) + beta*C(i,l)");
    if (!have_counts && in.substitution().empty()) {
      rep.counts = in.counts;
      have_counts = true;
    }
  }, [&](std::vector<int> d) { return std::make_unique<Interpreter>(ctx, vars, std::move(d)); });
  rep.proven_what = std::string(beta0 ? "C = alpha*A*B without reading C" : "C = alpha*A*B + beta*C") + " for " +
                    std::to_string(t.m) + "x" + std::to_string(t.k) + "x" + std::to_string(t.n) +
                    (rowmajor ? " operands with symbolic leading dimensions lda, ldb, ldc and unit column strides"
                              : " operands with symbolic row/column strides") + "; each of the " + std::to_string(t.m * t.n) +
                    " elements of C written exactly once; A, B (and C) touched only at their elements";
}

void check_oclbatched(clang::ASTContext& ctx, const FunctionDecl* fd, const Target& t, KernelReport& rep) {
  VarTable vars;
  bool have_counts = false, saw_active = false, saw_inactive = false;
  explore(rep, [&](Interpreter& in, std::vector<int>) {
    install_models(in);
    check_signature(in, fd, "pppi", "opencl-batched");
    const Poly g = Poly::variable(vars.intern("g"));
    const Poly count = Poly::variable(vars.intern("count"));
    Region ra = operand("A", false, false), rb = operand("B", false, false), rc = operand("C", true, true);
    // Work-item g owns the g-th m*k, k*n and m*n elements of A, B and C.
    const Matrix a = make_matrix(in, ra, "A", t.m, t.k, g * num(t.m * t.k), num(t.k), num(1));
    const Matrix b = make_matrix(in, rb, "B", t.k, t.n, g * num(t.k * t.n), num(t.n), num(1));
    const Matrix c = make_matrix(in, rc, "C", t.m, t.n, g * num(t.m * t.n), num(t.n), num(1));
    const int ia = in.add_region(std::move(ra)), ib = in.add_region(std::move(rb)), ic = in.add_region(std::move(rc));
    in.call(fd, {ptr_to(ia), ptr_to(ib), ptr_to(ic), Value::number(count)}, in.where(fd->getLocation()));
    // Which side of the guard this path is on.
    const Poly guard = g - count;
    int side = 0;  // 1: g < count, -1: g >= count
    for (const Fact& f : in.facts()) {
      if (f.p == guard && f.rel == Fact::Rel::Lt0) side = 1;
      if (f.p == guard && f.rel == Fact::Rel::Ge0) side = -1;
    }
    const Region& cr = in.region(ic);
    if (side == 0) {
      // Without the guard g < count established, a work-item past the batch
      // would run this path too: any access is out of bounds for it.
      for (int id : {ia, ib, ic}) {
        const Region& r = in.region(id);
        if (!r.unwritten_reads.empty()) {
          throw KernelWrong("reads " + r.unwritten_reads[0].element + " at " + r.unwritten_reads[0].where +
                            " on a path that does not establish g < count: work-items g >= count would read past the batch" +
                            path_suffix(in));
        }
        if (!r.cells.empty()) {
          throw KernelWrong("writes " + r.name + " at " + r.cells.begin()->second.first_write +
                            " on a path that does not establish g < count: work-items g >= count would write past the batch" +
                            path_suffix(in));
        }
      }
      in.cannot("a path whose conditions do not decide g < count (the work-item guard)" + path_suffix(in), fd->getLocation());
    }
    if (side < 0) {
      saw_inactive = true;
      for (int id : {ia, ib, ic}) {
        const Region& r = in.region(id);
        if (!r.cells.empty() || r.reads > 0) {
          throw KernelWrong("work-item g >= count touches " + r.name +
                            (r.unwritten_reads.empty() ? std::string() : " (reads " + r.unwritten_reads[0].element + " at " + r.unwritten_reads[0].where + ")") +
                            path_suffix(in));
        }
      }
      return;
    }
    saw_active = true;
    no_unwritten_reads(in, cr, true, "the batched kernel computes C = A*B and must not read C");
    check_product(in, cr, a, b, c, std::nullopt, std::nullopt, true, "sum_j A(i,j)*B(j,l)");
    if (!have_counts) {
      rep.counts = in.counts;
      have_counts = true;
    }
  }, [&](std::vector<int> d) { return std::make_unique<Interpreter>(ctx, vars, std::move(d)); });
  if (!saw_active) throw CannotVerify("cannot verify: no path of " + fd->getNameAsString() + " has g < count");
  (void)saw_inactive;
  rep.proven_what = "for a symbolic work-item g < count: C_g = A_g*B_g (" + std::to_string(t.m) + "x" + std::to_string(t.k) +
                    "x" + std::to_string(t.n) + ", row-major, batch g at offset g*size), each of its " +
                    std::to_string(t.m * t.n) + " elements written exactly once, C not read, no other element touched" +
                    (saw_inactive ? "; work-items g >= count touch no memory" : "");
}

// A macro of the parsed file whose definition is one integer literal
// (the build options BWG, PPG, ILW, with the defaults the file defines).
std::optional<std::int64_t> macro_int(clang::ASTUnit& unit, const char* name) {
  clang::Preprocessor& pp = unit.getPreprocessor();
  const clang::IdentifierInfo* ii = pp.getIdentifierInfo(name);
  const clang::MacroInfo* mi = ii == nullptr ? nullptr : pp.getMacroInfo(ii);
  if (mi == nullptr || mi->getNumTokens() != 1 || !mi->getReplacementToken(0).is(clang::tok::numeric_constant)) return std::nullopt;
  const clang::Token& tk = mi->getReplacementToken(0);
  const std::string text(tk.getLiteralData(), tk.getLength());
  try {
    return std::stoll(text);
  } catch (...) {
    return std::nullopt;
  }
}

// opencl-batched-v, the grid-stride layouts (docs/gpu.md, "Batched 4x4
// layouts"), for ONE symbolic product index i = the work-item's global id:
//   aosv  element x of product i at 16 i + x      (i = g)
//   soa   element x of product i at x*count + i   (i = g)
//   il    element x of product i at (i/ILW)*16*ILW + x*ILW + i%ILW, with
//         i = ILW*q + r, q >= 0 and r in [0, ILW) symbolic
// (16 = m*k for A, k*n for B, m*n for C; x = row*cols + col). The loop
// `for (i = get_global_id(0); i < count; i += get_global_size(0))` is taken
// by the grid-stride rule (interp.hpp): over all work-items it visits every
// i < count once, so the body is proven for a symbolic i.
void check_batchedv_stride(clang::ASTContext& ctx, const FunctionDecl* fd, const Target& t, const std::string& layout,
                           std::int64_t ilw, KernelReport& rep) {
  VarTable vars;
  bool have_counts = false, saw_active = false, saw_inactive = false;
  explore(rep, [&](Interpreter& in, std::vector<int>) {
    const Poly count = Poly::variable(vars.intern("count"));
    Poly g;
    Poly q, r;
    if (layout == "il") {
      q = Poly::variable(vars.intern("q"));
      const VarId rv = vars.intern("r");
      r = Poly::variable(rv);
      in.set_residue(rv, ilw);
      g = q * num(ilw) + r;
    } else {
      g = Poly::variable(vars.intern("i"));
    }
    NDRange nd;
    nd.global_id[0] = g;
    nd.global_size0 = Poly::variable(vars.intern("G"));
    install_ocl_models(in, nd);
    in.set_grid_stride(true);
    check_signature(in, fd, "pppi", "opencl-batched-v");
    Region ra = operand("A", false, false), rb = operand("B", false, false), rc = operand("C", true, true);
    const auto place = [&](Region& reg, const std::string& nm, int rows, int cols) {
      const std::int64_t sz = rows * cols;
      if (layout == "aosv") return make_matrix(in, reg, nm, rows, cols, g * num(sz), num(cols), num(1));
      if (layout == "soa") return make_matrix(in, reg, nm, rows, cols, g, num(cols) * count, count);
      return make_matrix(in, reg, nm, rows, cols, q * num(sz * ilw) + r, num(cols * ilw), num(ilw));
    };
    const Matrix a = place(ra, "A", t.m, t.k), b = place(rb, "B", t.k, t.n), c = place(rc, "C", t.m, t.n);
    const int ia = in.add_region(std::move(ra)), ib = in.add_region(std::move(rb)), ic = in.add_region(std::move(rc));
    in.call(fd, {ptr_to(ia), ptr_to(ib), ptr_to(ic), Value::number(count)}, in.where(fd->getLocation()));
    const Poly guard = g - count;
    int side = 0;
    for (const Fact& f : in.facts()) {
      if (f.p == guard && f.rel == Fact::Rel::Lt0) side = 1;
      if (f.p == guard && f.rel == Fact::Rel::Ge0) side = -1;
    }
    for (int id : {ia, ib, ic}) {
      const Region& reg = in.region(id);
      if (side <= 0 && (!reg.cells.empty() || reg.reads > 0)) {
        throw KernelWrong(std::string(side < 0 ? "index i >= count" : "a path that does not establish i < count") + " touches " +
                          reg.name + (reg.unwritten_reads.empty() ? std::string() : " (reads " + reg.unwritten_reads[0].element + " at " + reg.unwritten_reads[0].where + ")") +
                          path_suffix(in));
      }
    }
    if (side <= 0) {
      saw_inactive = true;
      return;
    }
    saw_active = true;
    no_unwritten_reads(in, in.region(ic), true, "the batched kernel computes C = A*B and must not read C");
    check_product(in, in.region(ic), a, b, c, std::nullopt, std::nullopt, true, "sum_j A(i,j)*B(j,l)");
    if (!have_counts) {
      rep.counts = in.counts;
      have_counts = true;
    }
  }, [&](std::vector<int> d) { return std::make_unique<Interpreter>(ctx, vars, std::move(d)); });
  if (!saw_active) throw CannotVerify("cannot verify: no path of " + fd->getNameAsString() + " has i < count");
  const std::string map = layout == "aosv" ? "element x of product i at 16i + x"
                          : layout == "soa" ? "element x of product i at x*count + i"
                                            : "element x of product i at (i/ILW)*16*ILW + x*ILW + i%ILW, ILW = " + std::to_string(ilw) +
                                                  ", i = ILW*q + r symbolic";
  rep.proven_what = "grid-stride loop; for a symbolic product index i < count (" + map + ", count symbolic): C_i = A_i*B_i, each of its " +
                    std::to_string(t.m * t.n) + " elements written exactly once, C not read, no other element touched" +
                    (saw_inactive ? "; i >= count touches no memory" : "");
}

// opencl-batched-v _aos: work-groups of BWG items stage BWG*PPG products
// through __local memory between barriers. Run in lock-step for concrete
// counts (one full group and one partial group of 5 products), symbolic data.
void check_batchedv_aos(clang::ASTContext& ctx, const FunctionDecl* fd, const Target& t, std::int64_t bwg, std::int64_t ppg,
                        KernelReport& rep) {
  const std::int64_t per_group = bwg * ppg;
  std::vector<std::int64_t> counts{per_group + 5, 3};
  VarTable vars;
  bool have_counts = false;
  int instantiations = 0;
  for (const std::int64_t count : counts) {
    const std::int64_t groups = (count + per_group - 1) / per_group;
    explore(rep, [&](Interpreter& in, std::vector<int>) {
      NDRange nd;
      nd.concrete = true;
      nd.local_size = {bwg, 1, 1};
      nd.num_groups = {groups, 1, 1};
      install_ocl_models(in, nd);
      check_signature(in, fd, "pppi", "opencl-batched-v");
      Region ra = operand("A", false, false), rb = operand("B", false, false), rc = operand("C", true, true);
      std::vector<Matrix> as, bs, cs;
      for (std::int64_t p = 0; p < count; ++p) {
        const std::string suf = "[" + std::to_string(p) + "]";
        as.push_back(make_matrix(in, ra, "A" + suf, t.m, t.k, num(p * t.m * t.k), num(t.k), num(1)));
        bs.push_back(make_matrix(in, rb, "B" + suf, t.k, t.n, num(p * t.k * t.n), num(t.n), num(1)));
        cs.push_back(make_matrix(in, rc, "C" + suf, t.m, t.n, num(p * t.m * t.n), num(t.n), num(1)));
      }
      const int ia = in.add_region(std::move(ra)), ib = in.add_region(std::move(rb)), ic = in.add_region(std::move(rc));
      for (std::int64_t grp = 0; grp < groups; ++grp) {
        std::vector<WorkItem> items;
        for (std::int64_t l = 0; l < bwg; ++l) {
          WorkItem w;
          w.local = {l, 0, 0};
          w.group = {grp, 0, 0};
          w.uid = static_cast<int>(grp * bwg + l);
          items.push_back(w);
        }
        in.call_group(fd, items, [&](const WorkItem&) {
          return std::vector<Value>{ptr_to(ia), ptr_to(ib), ptr_to(ic), Value::number(num(count))};
        }, in.where(fd->getLocation()));
      }
      no_unwritten_reads(in, in.region(ic), true, "the batched kernel computes C = A*B and must not read C");
      for (std::int64_t p = 0; p < count; ++p) {
        check_product(in, in.region(ic), as[static_cast<std::size_t>(p)], bs[static_cast<std::size_t>(p)],
                      cs[static_cast<std::size_t>(p)], std::nullopt, std::nullopt, true, "sum_j A(i,j)*B(j,l)");
      }
      if (!have_counts) {
        rep.counts = in.counts;
        have_counts = true;
      }
    }, [&](std::vector<int> d) { return std::make_unique<Interpreter>(ctx, vars, std::move(d)); });
    ++instantiations;
  }
  rep.instantiations = instantiations;
  rep.counts = OpCounts{};  // counts over a whole batch are not per product
  rep.proven_what = "work-groups of BWG = " + std::to_string(bwg) + " items (PPG = " + std::to_string(ppg) +
                    ") run in lock-step between barriers, for count = " + std::to_string(counts[0]) + " (" +
                    std::to_string((counts[0] + per_group - 1) / per_group) + " groups, the last one partial) and count = 3: every C_p = A_p*B_p "
                    "(product p at 16p), each element written exactly once, C not read, nothing past the batch touched, "
                    "no data race on __local or __global memory";
}

// opencl-fast: the three fused linear-combination passes of one level of the
// scheme, for ONE symbolic work-item (j, i) = (get_global_id(0), get_global_id(1))
// and symbolic block sizes, leading dimensions and block strides: every
// output block element (i, j) equals the scheme's combination of the input
// blocks' elements (i, j):
//   lin_a  S_r = sum_x U(x,r) A_x    A_x = A block (x / k, x % k) of bm x bk, S_r at r*sS, ld bk
//   lin_b  T_r = sum_y V(y,r) B_y    B_y = B block (y / n, y % n) of bk x bn, T_r at r*sT, ld bn
//   lin_c  C_z = alpha sum_r W(z,r) M_r + beta C_z (beta = 0: C not read), C_z block (z / n, z % n) of bm x bn
void check_oclfast(clang::ASTContext& ctx, const FunctionDecl* fd, const Target& t, const std::string& pass,
                   const lai::gen::Scheme* scheme, KernelReport& rep) {
  if (scheme == nullptr) {
    throw CannotVerify("cannot verify: " + fd->getNameAsString() + " is an opencl-fast kernel: give its scheme file (--scheme FILE, the scheme named in the kernel)");
  }
  if (scheme->m != t.m || scheme->k != t.k || scheme->n != t.n || fd->getNameAsString().find("lai_" + scheme->name + "_") != 0) {
    throw CannotVerify("cannot verify: --scheme " + scheme->name + " is not the scheme of " + fd->getNameAsString());
  }
  const int R = scheme->rank;
  VarTable vars;
  bool have_counts = false, saw_active = false;
  int inactive = 0;
  explore(rep, [&](Interpreter& in, std::vector<int>) {
    const Poly i = Poly::variable(vars.intern("i")), j = Poly::variable(vars.intern("j"));
    NDRange nd;
    nd.global_id[0] = j;
    nd.global_id[1] = i;
    install_ocl_models(in, nd);
    const bool lc = pass == "lin_c";
    check_signature(in, fd, lc ? "piiiffpi" : "piiipi", "opencl-fast " + pass);
    // Row/column block counts and sizes of the input (lin_a, lin_b) or C (lin_c).
    const int brows = pass == "lin_b" ? t.k : t.m, bcols = pass == "lin_a" ? t.k : t.n;
    const std::string rn = pass == "lin_b" ? "bk" : "bm", cn = pass == "lin_a" ? "bk" : "bn";
    const Poly rows = Poly::variable(vars.intern(rn)), cols = Poly::variable(vars.intern(cn));
    const Poly ld = Poly::variable(vars.intern(pass == "lin_a" ? "lda" : pass == "lin_b" ? "ldb" : "ldc"));
    const Poly stride = Poly::variable(vars.intern(pass == "lin_a" ? "sS" : pass == "lin_b" ? "sT" : "sM"));
    const std::string mat = pass == "lin_a" ? "A" : pass == "lin_b" ? "B" : "C";
    const std::string prod = pass == "lin_a" ? "S" : pass == "lin_b" ? "T" : "M";
    const auto block_elem = [&](int x) { return (num(x / bcols) * rows + i) * ld + num(x % bcols) * cols + j; };
    const auto prod_elem = [&](int r) { return num(r) * stride + i * cols + j; };
    Region big = operand(mat, lc, true), rp = operand(prod, !lc, true);
    std::vector<VarId> bv, pv;
    for (int x = 0; x < brows * bcols; ++x) {
      const std::string en = mat + std::to_string(x) + "(i,j)";
      bv.push_back(vars.intern(en));
      big.elements[block_elem(x)] = Element{bv.back(), en};
    }
    for (int r = 0; r < R; ++r) {
      const std::string en = prod + std::to_string(r) + "(i,j)";
      pv.push_back(vars.intern(en));
      rp.elements[prod_elem(r)] = Element{pv.back(), en};
    }
    const VarId alpha = vars.intern("alpha"), beta = vars.intern("beta");
    const int ib = in.add_region(std::move(big)), ip = in.add_region(std::move(rp));
    std::vector<Value> args;
    if (lc) {
      args = {ptr_to(ip), Value::number(stride), Value::number(rows), Value::number(cols), Value::number(Poly::variable(alpha)),
              Value::number(Poly::variable(beta)), ptr_to(ib), Value::number(ld)};
    } else {
      args = {ptr_to(ib), Value::number(ld), Value::number(rows), Value::number(cols), ptr_to(ip), Value::number(stride)};
    }
    in.call(fd, std::move(args), in.where(fd->getLocation()));
    bool in_i = false, in_j = false, out = false;
    for (const Fact& f : in.facts()) {
      if (f.p == i - rows) (f.rel == Fact::Rel::Lt0 ? in_i : out) = true;
      if (f.p == j - cols) (f.rel == Fact::Rel::Lt0 ? in_j : out) = true;
    }
    const int out_region = lc ? ib : ip;
    if (out || !(in_i && in_j)) {
      for (int id : {ib, ip}) {
        const Region& reg = in.region(id);
        if (!reg.cells.empty() || reg.reads > 0) {
          throw KernelWrong(std::string(out ? "work-item (j, i) outside the block" : "a path that does not establish i < " + rn + " and j < " + cn) +
                            " touches " + reg.name + path_suffix(in));
        }
      }
      ++inactive;
      return;
    }
    saw_active = true;
    const Region& outr = in.region(out_region);
    const auto bs = in.substitution().find(beta);
    if (lc && bs != in.substitution().end() && bs->second.is_zero()) no_unwritten_reads(in, outr, true, "beta = 0 (C is not read)");
    const int nout = lc ? brows * bcols : R;
    for (int o = 0; o < nout; ++o) {
      Poly expected;
      if (lc) {
        for (int r = 0; r < R; ++r) expected += Poly::variable(pv[static_cast<std::size_t>(r)]).scaled(scheme->W[static_cast<std::size_t>(o) * R + r]);
        expected = Poly::variable(alpha) * expected + Poly::variable(beta) * Poly::variable(bv[static_cast<std::size_t>(o)]);
      } else {
        const auto& F = pass == "lin_a" ? scheme->U : scheme->V;
        for (int x = 0; x < brows * bcols; ++x) expected += Poly::variable(bv[static_cast<std::size_t>(x)]).scaled(F[static_cast<std::size_t>(x) * R + o]);
      }
      expected = in.normalize(expected);
      const Poly off = lc ? block_elem(o) : prod_elem(o);
      const std::string en = outr.elements.at(off).name;
      const auto it = outr.cells.find(off);
      if (it == outr.cells.end()) throw KernelWrong(en + " is never written" + path_suffix(in));
      if (it->second.value.kind != Value::Kind::Number) throw KernelWrong(en + " holds a non-number");
      const Poly got = in.normalize(it->second.value.num);
      if (!(got == expected)) {
        throw KernelWrong(en + " is wrong (last written at " + it->second.last_write + ")" + path_suffix(in) + ": it differs from " +
                          (lc ? "alpha * sum_r W(z,r) M_r + beta*C_z" : pass == "lin_a" ? "sum_x U(x,r) A_x" : "sum_y V(y,r) B_y") +
                          " by " + (got - expected).str(in.vars()));
      }
    }
    if (!have_counts && in.substitution().empty()) {
      rep.counts = in.counts;
      have_counts = true;
    }
  }, [&](std::vector<int> d) { return std::make_unique<Interpreter>(ctx, vars, std::move(d)); });
  if (!saw_active) throw CannotVerify("cannot verify: no path of " + fd->getNameAsString() + " is inside the block");
  const std::string what = pass == "lin_a" ? "S_r = sum_x U(x,r) A_x for all " + std::to_string(R) + " r"
                           : pass == "lin_b" ? "T_r = sum_y V(y,r) B_y for all " + std::to_string(R) + " r"
                                             : "C_z = alpha*sum_r W(z,r) M_r + beta*C_z for all " + std::to_string(t.m * t.n) +
                                                   " z (beta = 0 path: C not read)";
  rep.proven_what = "for one symbolic work-item (j, i) inside the block and symbolic block sizes, leading dimension and block "
                    "stride: element (i, j) of " + what + " (U, V, W of " + scheme->name + "), each output element written "
                    "exactly once, nothing else touched; work-items outside the block touch no memory";
}

struct BlockCase {
  int m, n, k;
  bool ta, tb;
  bool short_workspace = false;
};

std::string case_text(const BlockCase& c) {
  return "m=" + std::to_string(c.m) + " n=" + std::to_string(c.n) + " k=" + std::to_string(c.k) + " transa=" +
         std::to_string(c.ta) + " transb=" + std::to_string(c.tb) + (c.short_workspace ? " (workspace one element short)" : "");
}

void check_cppblock(clang::ASTContext& ctx, const FunctionDecl* fd, const FunctionDecl* ws_fn, const Target& t,
                    KernelReport& rep) {
  if (ws_fn == nullptr) throw CannotVerify("cannot verify: " + fd->getNameAsString() + " has no _workspace function in the file");
  std::vector<BlockCase> cases;
  for (int tr = 0; tr < 4; ++tr) cases.push_back({2 * t.m, 2 * t.n, 2 * t.k, (tr & 1) != 0, (tr & 2) != 0});
  for (int tr = 0; tr < 4; ++tr) cases.push_back({2 * t.m + 1, 2 * t.n + 2, t.k + 3, (tr & 1) != 0, (tr & 2) != 0});
  cases.push_back({t.m - 1 > 0 ? t.m - 1 : 1, t.n, t.k, false, true});  // too small for the scheme
  cases.push_back({t.m, t.n, 0, true, false});                          // k = 0: C = beta*C
  cases.push_back({2 * t.m, 2 * t.n, 2 * t.k, false, false, true});
  VarTable vars;
  const auto elem_size = static_cast<std::int64_t>(ctx.getTypeSizeInChars(fd->getParamDecl(5)->getType()).getQuantity());
  bool have_counts = false;
  for (const BlockCase& bc : cases) {
    // Workspace size as the kernel's own function computes it.
    Interpreter win(ctx, vars, {});
    check_signature(win, ws_fn, "iii", "cpp-block workspace");
    const Value wsv = win.call(ws_fn, {Value::number(num(bc.m)), Value::number(num(bc.n)), Value::number(num(bc.k))},
                               win.where(ws_fn->getLocation()));
    std::int64_t bytes = concrete_int(win, wsv, "workspace size", win.where(ws_fn->getLocation()));
    if (bytes % elem_size != 0) throw KernelWrong("workspace size " + std::to_string(bytes) + " is not a whole number of elements");
    if (bc.short_workspace) {
      if (bytes == 0) continue;
      bytes -= elem_size;
    }
    try {
    explore(rep, [&](Interpreter& in, std::vector<int>) {
      install_models(in);
      check_signature(in, fd, "iiiiifpipifpipi", "cpp-block");
      const Poly lda = Poly::variable(vars.intern("lda")), ldb = Poly::variable(vars.intern("ldb")),
                 ldc = Poly::variable(vars.intern("ldc"));
      Region ra = operand("A", false, false), rb = operand("B", false, false), rc = operand("C", true, false);
      // Stored shapes: op(A) is m x k, so A is k x m when transposed.
      const Matrix a = make_matrix(in, ra, "A", bc.ta ? bc.k : bc.m, bc.ta ? bc.m : bc.k, Poly(), lda, num(1));
      const Matrix b = make_matrix(in, rb, "B", bc.tb ? bc.n : bc.k, bc.tb ? bc.k : bc.n, Poly(), ldb, num(1));
      const Matrix c = make_matrix(in, rc, "C", bc.m, bc.n, Poly(), ldc, num(1));
      const auto transpose = [](const Matrix& x) {
        Matrix y{x.name, x.cols, x.rows, {}};
        y.var.assign(static_cast<std::size_t>(x.cols), std::vector<VarId>(static_cast<std::size_t>(x.rows)));
        for (int r = 0; r < x.rows; ++r) {
          for (int q = 0; q < x.cols; ++q) y.var[static_cast<std::size_t>(q)][static_cast<std::size_t>(r)] = x.var[static_cast<std::size_t>(r)][static_cast<std::size_t>(q)];
        }
        return y;
      };
      const Matrix opa = bc.ta ? transpose(a) : a, opb = bc.tb ? transpose(b) : b;
      Region work;
      work.name = "work";
      work.role = Region::Role::Workspace;
      work.size = bytes / elem_size;
      const VarId alpha = vars.intern("alpha"), beta = vars.intern("beta");
      const int ia = in.add_region(std::move(ra)), ib = in.add_region(std::move(rb)), ic = in.add_region(std::move(rc));
      const int iw = in.add_region(std::move(work));
      std::vector<Value> args{Value::number(num(bc.ta)), Value::number(num(bc.tb)), Value::number(num(bc.m)),
                              Value::number(num(bc.n)), Value::number(num(bc.k)), Value::number(Poly::variable(alpha)),
                              ptr_to(ia), Value::number(lda), ptr_to(ib), Value::number(ldb),
                              Value::number(Poly::variable(beta)), ptr_to(ic), Value::number(ldc), ptr_to(iw),
                              Value::number(num(bytes))};
      const Value ret = in.call(fd, std::move(args), in.where(fd->getLocation()));
      const std::int64_t code = concrete_int(in, ret, "return value", in.where(fd->getLocation()));
      const Region& cr = in.region(ic);
      if (bc.short_workspace) {
        if (code != -1) throw KernelWrong("returns " + std::to_string(code) + " instead of -1 for " + case_text(bc));
        if (!cr.cells.empty()) throw KernelWrong("writes C although the workspace is too small, for " + case_text(bc));
        return;
      }
      if (code != 0) throw KernelWrong("returns " + std::to_string(code) + " instead of 0 for " + case_text(bc) + path_suffix(in));
      const auto bs = in.substitution().find(beta);
      if (bs != in.substitution().end() && bs->second.is_zero()) {
        no_unwritten_reads(in, cr, false, "beta = 0 (BLAS semantics: C is not read)");
      }
      check_product(in, cr, opa, opb, c, alpha, beta, false, "alpha * sum_j op(A)(i,j)*op(B)(j,l) + beta*C(i,l)");
      if (!have_counts && in.substitution().empty()) {
        rep.counts = in.counts;
        have_counts = true;
      }
    }, [&](std::vector<int> d) { return std::make_unique<Interpreter>(ctx, vars, std::move(d)); });
    } catch (const KernelWrong& e) {
      // Name the instantiation: the same source line runs in all of them.
      throw KernelWrong(std::string(e.what()) + " [" + case_text(bc) + "]");
    }
  }
  rep.instantiations = static_cast<int>(cases.size());
  std::string list;
  for (const auto& bc : cases) list += "\n      " + case_text(bc);
  rep.proven_what = "C = alpha*op(A)*op(B) + beta*C (row-major, lda/ldb/ldc symbolic, every path of alpha = 0, "
                    "beta = 0, beta = 1 and generic alpha, beta; cblas leaf modelled exactly; nothing outside C's "
                    "elements written; returns 0) for the instantiations:" + list;
}

// The GEMM leaf kernels (lai-gen gemm-kernel, docs/gpu.md "GEMM kernels"),
// for the tile parameters the file is compiled with (its defaults, or -D
// options after `--`), run as the runtime launches them (runtime/src/opencl/gpu.cpp):
//   lai_gemm_tiled_*  local (NDIMC, MDIMC, 1), groups (tiles_m*tiles_n, 1, batch)
//   lai_gemm_nvmma_*  local (32*WGM*WGN, 1, 1), groups (tiles_m*tiles_n, 1, batch)
// with M, N, K multiples of MWG, NWG, KWG (the runtime pads; the kernel's
// size rule), every work-group in lock-step, data, alpha, beta, lda, ldb, ldc
// and the batch strides sA, sB, sC symbolic: C_b = alpha*A_b*B_b + beta*C_b
// (row-major; product b at b*sA, b*sB, b*sC), each element of C written once,
// C not read on the beta = 0 path, nothing else touched, no data race.
struct GemmCase {
  int tm, tn, tk, batch;
};

std::int64_t gemm_macro(clang::ASTUnit& unit, const FunctionDecl* fd, const char* name) {
  const auto v = macro_int(unit, name);
  if (!v || *v < 1 || *v > 4096) {
    throw CannotVerify("cannot verify: " + fd->getNameAsString() + " without an integer macro " + name);
  }
  return *v;
}

void check_gemm_main(clang::ASTContext& ctx, const FunctionDecl* fd, const Target& t, clang::ASTUnit& unit, KernelReport& rep) {
  const bool nvmma = t.kind == "gemm-nvmma";
  const std::int64_t mwg = gemm_macro(unit, fd, "MWG"), nwg = gemm_macro(unit, fd, "NWG"), kwg = gemm_macro(unit, fd, "KWG");
  std::array<std::int64_t, 3> local{1, 1, 1};
  std::string params = "MWG=" + std::to_string(mwg) + " NWG=" + std::to_string(nwg) + " KWG=" + std::to_string(kwg);
  const auto add_param = [&](const char* nm) {
    const auto v = macro_int(unit, nm);
    if (v) params += std::string(" ") + nm + "=" + std::to_string(*v);
    return v;
  };
  if (nvmma) {
    const std::int64_t wgm = gemm_macro(unit, fd, "WGM"), wgn = gemm_macro(unit, fd, "WGN");
    local = {32 * wgm * wgn, 1, 1};
    params += " WGM=" + std::to_string(wgm) + " WGN=" + std::to_string(wgn);
    add_param("MMAK");
    add_param("NBUF");
    add_param("PADA");
    add_param("PADB");
    add_param("GM");
    if (macro_int(unit, "LAI_MMA_EMULATE")) params += " LAI_MMA_EMULATE";
  } else {
    const std::int64_t mdimc = gemm_macro(unit, fd, "MDIMC"), ndimc = gemm_macro(unit, fd, "NDIMC");
    local = {ndimc, mdimc, 1};
    params += " MDIMC=" + std::to_string(mdimc) + " NDIMC=" + std::to_string(ndimc);
    add_param("VEC");
    add_param("NBUF");
    add_param("PADA");
    add_param("PADB");
    add_param("GM");
  }
  const std::vector<GemmCase> cases{{1, 1, 1, 2}, {2, 2, 2, 1}};
  // Exact lock-step execution costs about 20 interpreter steps per
  // multiply-add; refuse (never pass) instantiations that cannot finish
  // within the step budget rather than run into it after seconds.
  constexpr std::int64_t kGemmBudget = 1 << 18;
  const std::int64_t madds = 8 * mwg * nwg * kwg;
  if (madds > kGemmBudget) {
    throw CannotVerify("cannot verify: " + fd->getNameAsString() + " with " + params + ": 2x2x2 tiles are " +
                       std::to_string(madds) + " multiply-adds, over the exact-execution budget of " +
                       std::to_string(kGemmBudget) + " (give smaller tile parameters with -D NAME=VALUE)");
  }
  VarTable vars;
  for (const GemmCase& gc : cases) {
    const std::int64_t M = gc.tm * mwg, N = gc.tn * nwg, K = gc.tk * kwg;
    const std::string what = "M=" + std::to_string(M) + " N=" + std::to_string(N) + " K=" + std::to_string(K) +
                             " batch=" + std::to_string(gc.batch);
    try {
      explore(rep, [&](Interpreter& in, std::vector<int>) {
        NDRange nd;
        nd.concrete = true;
        nd.local_size = local;
        nd.num_groups = {gc.tm * gc.tn, 1, gc.batch};
        install_ocl_models(in, nd);
        check_signature(in, fd, "iiifpiipiifpii", "GEMM leaf kernel");
        const Poly lda = Poly::variable(vars.intern("lda")), ldb = Poly::variable(vars.intern("ldb")),
                   ldc = Poly::variable(vars.intern("ldc"));
        const Poly sA = Poly::variable(vars.intern("sA")), sB = Poly::variable(vars.intern("sB")),
                   sC = Poly::variable(vars.intern("sC"));
        Region ra = operand("A", false, false), rb = operand("B", false, false), rc = operand("C", true, true);
        std::vector<Matrix> as, bs, cs;
        for (int b = 0; b < gc.batch; ++b) {
          const std::string suf = gc.batch > 1 ? "[" + std::to_string(b) + "]" : "";
          as.push_back(make_matrix(in, ra, "A" + suf, static_cast<int>(M), static_cast<int>(K), num(b) * sA, lda, num(1)));
          bs.push_back(make_matrix(in, rb, "B" + suf, static_cast<int>(K), static_cast<int>(N), num(b) * sB, ldb, num(1)));
          cs.push_back(make_matrix(in, rc, "C" + suf, static_cast<int>(M), static_cast<int>(N), num(b) * sC, ldc, num(1)));
        }
        const VarId alpha = vars.intern("alpha"), beta = vars.intern("beta");
        const int ia = in.add_region(std::move(ra)), ib = in.add_region(std::move(rb)), ic = in.add_region(std::move(rc));
        int uid = 0;
        for (int b = 0; b < gc.batch; ++b) {
          for (std::int64_t grp = 0; grp < gc.tm * gc.tn; ++grp) {
            std::vector<WorkItem> items;
            for (std::int64_t y = 0; y < local[1]; ++y) {
              for (std::int64_t x = 0; x < local[0]; ++x) {
                WorkItem w;
                w.local = {x, y, 0};
                w.group = {grp, 0, b};
                w.uid = uid++;
                items.push_back(w);
              }
            }
            in.call_group(fd, items, [&](const WorkItem&) {
              return std::vector<Value>{Value::number(num(M)), Value::number(num(N)), Value::number(num(K)),
                                        Value::number(Poly::variable(alpha)), ptr_to(ia), Value::number(lda),
                                        Value::number(sA), ptr_to(ib), Value::number(ldb), Value::number(sB),
                                        Value::number(Poly::variable(beta)), ptr_to(ic), Value::number(ldc),
                                        Value::number(sC)};
            }, in.where(fd->getLocation()));
          }
        }
        const Region& cr = in.region(ic);
        const auto bsub = in.substitution().find(beta);
        if (bsub != in.substitution().end() && bsub->second.is_zero()) {
          no_unwritten_reads(in, cr, true, "beta = 0 (BLAS semantics: C is not read)");
        }
        // Every element of every C_b (looked up by its offset).
        for (int b = 0; b < gc.batch; ++b) {
          const Matrix& a = as[static_cast<std::size_t>(b)];
          const Matrix& bb = bs[static_cast<std::size_t>(b)];
          const Matrix& c = cs[static_cast<std::size_t>(b)];
          for (int i = 0; i < c.rows; ++i) {
            for (int l = 0; l < c.cols; ++l) {
              Poly sum;
              for (int j = 0; j < a.cols; ++j) {
                sum += Poly::variable(a.var[static_cast<std::size_t>(i)][static_cast<std::size_t>(j)]) *
                       Poly::variable(bb.var[static_cast<std::size_t>(j)][static_cast<std::size_t>(l)]);
              }
              const VarId cv = c.var[static_cast<std::size_t>(i)][static_cast<std::size_t>(l)];
              const Poly expected = in.normalize(Poly::variable(alpha) * sum + Poly::variable(beta) * Poly::variable(cv));
              const auto it = cr.cells.find(in.normalize(num(b) * sC + num(i) * ldc + num(l)));
              if (it == cr.cells.end()) throw KernelWrong(vars.name(cv) + " is never written" + path_suffix(in));
              if (it->second.value.kind != Value::Kind::Number) throw KernelWrong(vars.name(cv) + " holds a non-number");
              const Poly got = in.normalize(it->second.value.num);
              if (!(got == expected)) {
                throw KernelWrong(vars.name(cv) + " is wrong (last written at " + it->second.last_write + ")" + path_suffix(in) +
                                  ": it differs from alpha * sum_j A(" + std::to_string(i) + ",j)*B(j," + std::to_string(l) +
                                  ") + beta*C(" + std::to_string(i) + "," + std::to_string(l) + ") by " + (got - expected).str(vars));
              }
            }
          }
        }
      }, [&](std::vector<int> d) { return std::make_unique<Interpreter>(ctx, vars, std::move(d)); });
    } catch (const KernelWrong& e) {
      throw KernelWrong(std::string(e.what()) + " [" + params + ", " + what + "]");
    }
  }
  rep.instantiations = static_cast<int>(cases.size());
  rep.counts = OpCounts{};
  rep.proven_what = std::string(nvmma ? "mma.sync modelled warp-collectively (PTX ISA f64 fragment layouts); " : "") +
                    "work-groups in lock-step (" + params + "), M, N, K = 1 tile each with a batch of 2 (strides sA, sB, sC "
                    "symbolic) and 2 tiles each: C = alpha*A*B + beta*C (row-major, lda/ldb/ldc symbolic, paths beta = 0 "
                    "(C not read) and beta != 0), each element of C written exactly once, nothing else touched, no data race";
}

// The _pack kernel: dst (rows x cols, row-major, ld = cols) = op(src) padded
// with zeros outside rows0 x cols0; trans: op(src)(i,j) = src[j*lds + i],
// else src[i*lds + j]. Global size (round_up(cols,16), round_up(rows,16)),
// local 16 x 16 (runtime/src/opencl/gpu.cpp).
void check_gemm_pack(clang::ASTContext& ctx, const FunctionDecl* fd, KernelReport& rep) {
  struct PackCase {
    int rows, cols, rows0, cols0, trans;
  };
  std::vector<PackCase> cases;
  for (int tr = 0; tr < 2; ++tr) {
    cases.push_back({16, 16, 16, 16, tr});
    cases.push_back({20, 33, 17, 30, tr});
  }
  VarTable vars;
  std::string list;
  for (const PackCase& pc : cases) {
    const std::string what = "rows=" + std::to_string(pc.rows) + " cols=" + std::to_string(pc.cols) + " rows0=" +
                             std::to_string(pc.rows0) + " cols0=" + std::to_string(pc.cols0) + " trans=" + std::to_string(pc.trans);
    list += "\n      " + what;
    const std::int64_t gx = (pc.cols + 15) / 16, gy = (pc.rows + 15) / 16;
    try {
      explore(rep, [&](Interpreter& in, std::vector<int>) {
        NDRange nd;
        nd.concrete = true;
        nd.local_size = {16, 16, 1};
        nd.num_groups = {gx, gy, 1};
        install_ocl_models(in, nd);
        check_signature(in, fd, "iiiipiip", "GEMM pack kernel");
        const Poly lds = Poly::variable(vars.intern("lds"));
        Region rs = operand("src", false, false), rd = operand("dst", true, true);
        // Stored src: rows0 x cols0 (cols0 x rows0 when transposed), ld lds.
        const Matrix src = make_matrix(in, rs, "src", pc.trans ? pc.cols0 : pc.rows0, pc.trans ? pc.rows0 : pc.cols0, Poly(), lds, num(1));
        const Matrix dst = make_matrix(in, rd, "dst", pc.rows, pc.cols, Poly(), num(pc.cols), num(1));
        const int is = in.add_region(std::move(rs)), id = in.add_region(std::move(rd));
        int uid = 0;
        for (std::int64_t by = 0; by < gy; ++by) {
          for (std::int64_t bx = 0; bx < gx; ++bx) {
            std::vector<WorkItem> items;
            for (std::int64_t y = 0; y < 16; ++y) {
              for (std::int64_t x = 0; x < 16; ++x) {
                WorkItem w;
                w.local = {x, y, 0};
                w.group = {bx, by, 0};
                w.uid = uid++;
                items.push_back(w);
              }
            }
            in.call_group(fd, items, [&](const WorkItem&) {
              return std::vector<Value>{Value::number(num(pc.rows)), Value::number(num(pc.cols)), Value::number(num(pc.rows0)),
                                        Value::number(num(pc.cols0)), ptr_to(is), Value::number(lds),
                                        Value::number(num(pc.trans)), ptr_to(id)};
            }, in.where(fd->getLocation()));
          }
        }
        const Region& dr = in.region(id);
        no_unwritten_reads(in, dr, true, "dst is written only");
        for (int i = 0; i < pc.rows; ++i) {
          for (int j = 0; j < pc.cols; ++j) {
            const VarId dv = dst.var[static_cast<std::size_t>(i)][static_cast<std::size_t>(j)];
            Poly expected;
            if (i < pc.rows0 && j < pc.cols0) {
              expected = Poly::variable(pc.trans ? src.var[static_cast<std::size_t>(j)][static_cast<std::size_t>(i)]
                                                 : src.var[static_cast<std::size_t>(i)][static_cast<std::size_t>(j)]);
            }
            const auto it = dr.cells.find(num(i * pc.cols + j));
            if (it == dr.cells.end()) throw KernelWrong(vars.name(dv) + " is never written");
            if (it->second.value.kind != Value::Kind::Number || !(in.normalize(it->second.value.num) == expected)) {
              throw KernelWrong(vars.name(dv) + " is wrong (last written at " + it->second.last_write + "): it is " +
                                (it->second.value.kind == Value::Kind::Number ? it->second.value.num.str(vars) : std::string("not a number")) +
                                " instead of " + expected.str(vars));
            }
          }
        }
      }, [&](std::vector<int> d) { return std::make_unique<Interpreter>(ctx, vars, std::move(d)); });
    } catch (const KernelWrong& e) {
      throw KernelWrong(std::string(e.what()) + " [" + what + "]");
    }
  }
  rep.instantiations = static_cast<int>(cases.size());
  rep.proven_what = "16x16 work-groups in lock-step over the runtime's global size: dst (row-major, ld = cols) = op(src) "
                    "(lds symbolic) with zeros outside rows0 x cols0, each element of dst written exactly once, dst not read, "
                    "src read only at its elements, no data race, for:" + list;
}

void check_gemm(clang::ASTContext& ctx, const FunctionDecl* fd, const Target& t, clang::ASTUnit& unit, KernelReport& rep) {
  if (t.kind.ends_with("-pack")) return check_gemm_pack(ctx, fd, rep);
  check_gemm_main(ctx, fd, t, unit, rep);
}

std::optional<Target> target_of(const std::string& name, const Options& o) {
  static const std::regex re(
      "^lai_.*_([0-9]+)x([0-9]+)x([0-9]+)_r[0-9]+_(cpp4x4|cppblock|oclbatched)_(f32|f64)(_rowmajor)?(_beta0)?$");
  // The GPU targets: lai_<stem>_oclbatchedv_<dtype>_<layout>, lai_<stem>_oclfast_<dtype>_lin_{a,b,c}.
  static const std::regex re_gpu(
      "^lai_.*_([0-9]+)x([0-9]+)x([0-9]+)_r[0-9]+_(oclbatchedv|oclfast)_(f32|f64)_(aos|aosv|soa|il|lin_a|lin_b|lin_c)$");
  std::smatch mt;
  Target t;
  if (std::regex_match(name, mt, re_gpu) && (mt[4].str() == "oclfast") == mt[6].str().starts_with("lin_")) {
    t.m = std::stoi(mt[1]);
    t.k = std::stoi(mt[2]);
    t.n = std::stoi(mt[3]);
    t.kind = mt[4].str() + "-" + mt[6].str();
  } else if (std::regex_match(name, mt, std::regex("^lai_gemm_(tiled|nvmma)_(f32|f64)(_pack)?$"))) {
    t.kind = std::string("gemm-") + mt[1].str() + (mt[3].matched ? "-pack" : "");
  } else if (std::regex_match(name, mt, re)) {
    t.m = std::stoi(mt[1]);
    t.k = std::stoi(mt[2]);
    t.n = std::stoi(mt[3]);
    t.kind = mt[4].str() + (mt[6].matched ? "-rowmajor" : "") + (mt[7].matched ? "-beta0" : "");
  } else if (o.kernels.empty()) {
    return std::nullopt;
  }
  if (!o.kind.empty()) t.kind = o.kind;
  if (o.shape) {
    t.m = (*o.shape)[0];
    t.k = (*o.shape)[1];
    t.n = (*o.shape)[2];
  }
  return t;
}

}  // namespace

bool FileReport::ok() const {
  if (!error.empty() || kernels.empty()) return false;
  for (const auto& k : kernels) {
    if (!k.proven) return false;
  }
  return true;
}

FileReport verify_file(const std::string& path, const Options& options) {
  FileReport report;
  report.file = path;
  const auto t0 = std::chrono::steady_clock::now();
  std::string error;
  auto unit = parse_file(path, options, error);
  report.parse_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (unit == nullptr) {
    report.error = error;
    return report;
  }
  clang::ASTContext& ctx = unit->getASTContext();
  const auto functions = defined_functions(*unit);
  std::vector<std::pair<const FunctionDecl*, Target>> todo;
  if (options.kernels.empty()) {
    for (const FunctionDecl* fd : functions) {
      if (auto t = target_of(fd->getNameAsString(), options)) todo.emplace_back(fd, *t);
    }
    // A file without a kernel of a known kind is a failure worded like every
    // other unmodelled construct, so no generated file can pass unchecked.
    if (todo.empty())
      report.error = "cannot verify: no kernel of a known kind (lai_<scheme>_<target>_<dtype>) in " + path;
  } else {
    for (const auto& want : options.kernels) {
      const FunctionDecl* found = nullptr;
      for (const FunctionDecl* fd : functions) {
        if (fd->getNameAsString() == want) found = fd;
      }
      if (found == nullptr) {
        report.error = "kernel " + want + " is not defined in " + path;
        return report;
      }
      auto t = target_of(want, options);
      if (!t || t->kind.empty() || t->m <= 0) {
        report.error = "kernel " + want + ": give --kind and --shape (the name does not say them)";
        return report;
      }
      todo.emplace_back(found, *t);
    }
  }
  std::vector<lai::gen::Scheme> schemes;
  bool schemes_loaded = false;
  for (const auto& [fd, t] : todo) {
    KernelReport rep;
    rep.name = fd->getNameAsString();
    rep.kind = t.kind;
    const auto k0 = std::chrono::steady_clock::now();
    try {
      if (t.kind == "cpp4x4" || t.kind == "cpp4x4-beta0" || t.kind == "cpp4x4-rowmajor" ||
          t.kind == "cpp4x4-rowmajor-beta0") {
        check_cpp4x4(ctx, fd, t, rep);
      } else if (t.kind.starts_with("oclbatchedv-")) {
        const std::string layout = t.kind.substr(12);
        if (layout == "aos") {
          const auto bwg = macro_int(*unit, "BWG"), ppg = macro_int(*unit, "PPG");
          if (!bwg || !ppg || *bwg < 1 || *ppg < 1 || *bwg > 1024 || *ppg > 64) {
            throw CannotVerify("cannot verify: " + rep.name + " without integer macros BWG and PPG");
          }
          check_batchedv_aos(ctx, fd, t, *bwg, *ppg, rep);
        } else {
          std::int64_t ilw = 0;
          if (layout == "il") {
            const auto v = macro_int(*unit, "ILW");
            if (!v || *v < 1 || *v > 4096) throw CannotVerify("cannot verify: " + rep.name + " without an integer macro ILW");
            ilw = *v;
          }
          check_batchedv_stride(ctx, fd, t, layout, ilw, rep);
        }
      } else if (t.kind.starts_with("oclfast-")) {
        if (!schemes_loaded) {
          for (const auto& f : options.schemes) schemes.push_back(lai::gen::load_scheme(lai::gen::parse_scheme_ref(f)));
          schemes_loaded = true;
        }
        const lai::gen::Scheme* scheme = nullptr;
        for (const auto& sc : schemes) {
          if (rep.name.starts_with("lai_" + sc.name + "_oclfast_")) scheme = &sc;
        }
        check_oclfast(ctx, fd, t, t.kind.substr(8), scheme, rep);
      } else if (t.kind.starts_with("gemm-")) {
        check_gemm(ctx, fd, t, *unit, rep);
      } else if (t.kind == "oclbatched") {
        check_oclbatched(ctx, fd, t, rep);
      } else if (t.kind == "cppblock") {
        const FunctionDecl* ws = nullptr;
        for (const FunctionDecl* f : functions) {
          if (f->getNameAsString() == rep.name + "_workspace") ws = f;
        }
        check_cppblock(ctx, fd, ws, t, rep);
      } else {
        throw CannotVerify("cannot verify: unknown kernel kind '" + t.kind + "'");
      }
      rep.proven = true;
    } catch (const CannotVerify& e) {
      rep.message = e.what();
    } catch (const KernelWrong& e) {
      rep.message = "WRONG: " + rep.name + ": " + e.what();
    } catch (const lai::gen::RationalOverflow& e) {
      rep.message = std::string("cannot verify: exact arithmetic overflowed 64 bits in ") + rep.name;
    } catch (const std::exception& e) {
      // The scheme file did not load, or similar: never a pass.
      rep.message = std::string("cannot verify: ") + rep.name + ": " + e.what();
    }
    rep.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - k0).count();
    report.kernels.push_back(std::move(rep));
  }
  return report;
}

std::string format_report(const FileReport& r) {
  std::ostringstream out;
  out << r.file << " (parsed in " << static_cast<int>(r.parse_seconds * 1000) << " ms)\n";
  if (!r.error.empty()) out << "  " << r.error << "\n";
  for (const auto& k : r.kernels) {
    if (!k.proven) {
      out << "  FAILED " << k.name << " [" << k.kind << "]\n    " << k.message << "\n";
      continue;
    }
    const OpCounts& c = k.counts;
    out << "  PROVEN " << k.name << " [" << k.kind << "] " << k.paths << " path(s), "
        << static_cast<int>(k.seconds * 1000) << " ms\n    " << k.proven_what << "\n";
    out << "    ops: scheme " << c.multiplications << " multiplications, " << c.additions << " additions, " << c.scalings
        << " scalings by constants";
    if (k.kind == "cppblock") {
      out << "; " << c.leaf_calls << " cblas leaf calls (sum m*n*k = " << c.leaf_mnk << ")";
    } else {
      out << "; alpha/beta update " << c.update_multiplications << " multiplications, " << c.update_additions
          << " additions, " << c.update_scalings << " scalings";
    }
    out << "\n";
  }
  return out.str();
}

}  // namespace lai::verify
