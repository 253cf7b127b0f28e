// Symbolic execution of kernel function bodies over the Clang AST.
//
// Integers and floating values are both exact polynomials (Poly): sizes and
// loop counters are usually constants, strides and the batch index are
// integer variables, data are polynomials in the entries of A, B, C and in
// alpha and beta. Memory is a set of regions (an operand, the workspace, one
// per local variable, one per namespace-scope constant) whose cells are keyed
// by the offset polynomial, so A[2*rsa + csa] names one element whatever the
// strides are. Anything the executor does not model throws CannotVerify with
// the construct and its location: there is no path that silently skips code.
//
// Branches on symbolic values fork: a run follows a list of decisions, and
// the driver (check.cpp) re-runs the kernel until every combination has been
// taken. Equality of a data value with a constant (beta == 0) forks into
// "differs" and "equals", the latter substituting the constant for the
// variable; a comparison of integer symbols (batch index vs count) records a
// sign fact about their difference.
#pragma once

#include <array>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "lai_verify/errors.hpp"
#include "lai_verify/poly.hpp"
#include "lai_verify/verify.hpp"

namespace clang {
class ASTContext;
class CallExpr;
class Expr;
class GCCAsmStmt;
class FunctionDecl;
class QualType;
class SourceLocation;
class Stmt;
class ValueDecl;
class VarDecl;
}  // namespace clang

namespace lai::verify {

// An lvalue or pointer: an element of a region, then a field path inside it.
struct Pointer {
  int region = -1;  // -1: null
  Poly offset;      // in elements of the region
  std::vector<unsigned> path;
  // Cells per pointee element: 1, or N for a vectorN pointer into a region
  // stored as scalars (a __local array of vectors, Region::lanes = N); then
  // offset counts scalar cells and an access moves N consecutive cells.
  int unit = 1;
};

struct Value {
  enum class Kind { Uninit, Number, Pointer, Aggregate };
  Kind kind = Kind::Uninit;
  Poly num;
  Pointer ptr;
  std::vector<Value> elems;  // struct fields in order

  static Value number(Poly p) {
    Value v;
    v.kind = Kind::Number;
    v.num = std::move(p);
    return v;
  }
  static Value pointer(Pointer p) {
    Value v;
    v.kind = Kind::Pointer;
    v.ptr = std::move(p);
    return v;
  }
};

// One element of an operand the kernel's contract names (A(1,2), C(0,3)).
struct Element {
  VarId var = 0;  // stands for the element's value on entry
  std::string name;
};

struct Cell {
  Value value;
  int writes = 0;
  std::string first_write, last_write;  // "file:line:col"
};

struct Region {
  enum class Role { Operand, Workspace, Local, Global };
  std::string name;
  Role role = Role::Local;
  bool writable = true;
  std::optional<std::int64_t> size;  // bounded regions: offsets 0..size-1
  std::map<Poly, Cell> cells;        // what was written
  // Operands: the elements a kernel may touch, keyed by offset.
  std::map<Poly, Element> elements;
  bool write_once = false;  // each element written at most once
  // Operands: reads of elements not written before (their value on entry),
  // with where and whether a modelled library call (cblas) made them.
  struct Read {
    std::string element, where;
    bool by_model = false;
  };
  std::vector<Read> unwritten_reads;
  long reads = 0;
  // OpenCL __local memory of one work-group (shared by its work-items).
  bool shared = false;
  // A __local array of vectorN stored as N scalar cells per element (so a
  // cast to the scalar pointer type views the same cells): N, else 1.
  int lanes = 1;
  // Work-group execution: who last wrote / read each offset, and in which
  // barrier interval, to find data races between work-items.
  struct Access {
    int writer = -1;
    long write_phase = -1;
    int reader = -1;  // -2: several work-items
    long read_phase = -1;
  };
  std::map<Poly, Access> access;
};

// One work-item of a work-group run in lock-step (concrete ids).
struct WorkItem {
  std::array<std::int64_t, 3> local{};
  std::array<std::int64_t, 3> group{};
  int uid = 0;  // unique over all work-groups of the run
};

// A sign fact about an integer polynomial recorded by a fork.
struct Fact {
  enum class Rel { Lt0, Ge0, Eq0, Ne0 };
  Poly p;
  Rel rel;
};

class Interpreter {
 public:
  using External = std::function<Value(Interpreter&, const clang::CallExpr*, std::vector<Value>&)>;

  Interpreter(clang::ASTContext& ctx, VarTable& vars, std::vector<int> decisions);
  ~Interpreter();

  int add_region(Region r);
  Region& region(int id);
  void set_external(const std::string& name, External fn) { externals_[name] = std::move(fn); }
  void set_update_variable(VarId v);

  // Runs fd with the given argument values (by value: the entry points take
  // scalars and pointers only).
  Value call(const clang::FunctionDecl* fd, std::vector<Value> args, const std::string& where);

  // Runs an OpenCL kernel for the work-items of ONE work-group in lock-step:
  // statements without barrier() run item after item; a compound statement,
  // loop or if that contains a barrier runs child by child for all items,
  // its conditions required to be uniform; each barrier starts a new
  // interval. __local variables are shared by the group; a conflicting
  // access of two items in one interval (in __global memory: at all) is a
  // data race and an error. args(item) gives each item's arguments.
  void call_group(const clang::FunctionDecl* fd, const std::vector<WorkItem>& items,
                  const std::function<std::vector<Value>(const WorkItem&)>& args, const std::string& where);
  // The work-item being executed in call_group (nullptr outside).
  const WorkItem* current_item() const { return current_ < 0 ? nullptr : &items_[static_cast<std::size_t>(current_)].ids; }

  // Grid-stride loops `for (T i = get_global_id(0); i < bound; i += get_global_size(0))`
  // whose body does not assign i or bound: executed for one symbolic i (the
  // work-item index the get_global_id model returns); the other iterations
  // of the loop are the first iterations of other work-items' indices.
  void set_grid_stride(bool on) { grid_stride_ = on; }
  // Declares an integer variable with range [0, bound): (bound*q + v) / bound
  // is q and (bound*q + v) % bound is v (q integer, non-negative).
  void set_residue(VarId v, std::int64_t bound) { residues_[v] = bound; }

  // Memory access for externals (cblas), with `where` naming the call site;
  // set_model_access(true) around them marks their reads as the model's.
  void set_model_access(bool on) { model_access_ = on; }
  Value load(const Pointer& p, const std::string& where);
  void store(const Pointer& p, Value v, const std::string& where);
  // The value under this path's substitutions (beta := 0 ...).
  Poly normalize(const Poly& p) const { return p.substitute(subst_); }

  std::string where(const clang::SourceLocation& loc) const;
  [[noreturn]] void cannot(const std::string& construct, const clang::SourceLocation& loc) const;
  [[noreturn]] void cannot_at(const std::string& construct, const std::string& where) const;

  // The decisions of this run and how many ways each could have gone.
  const std::vector<int>& taken() const { return taken_; }
  const std::vector<int>& arity() const { return arity_; }
  const std::map<VarId, Rational>& substitution() const { return subst_; }
  const std::vector<Fact>& facts() const { return facts_; }
  const std::vector<std::string>& path_description() const { return path_; }

  OpCounts counts;
  VarTable& vars() { return vars_; }
  clang::ASTContext& context() { return ctx_; }

 private:
  struct Frame;
  enum class Flow { Normal, Return, Break, Continue };

  Flow exec(const clang::Stmt* s);
  Value rvalue(const clang::Expr* e);
  Pointer lvalue(const clang::Expr* e);
  Value cast_expr(const clang::Expr* e);
  Value binary(const clang::Expr* e);
  Value unary(const clang::Expr* e);
  Value call_expr(const clang::Expr* e);
  Value init_value(const clang::Expr* init, const clang::QualType& type, const clang::Expr* at);
  Value default_value(const clang::QualType& type, bool zero, const clang::Expr* at);
  void declare(const clang::VarDecl* vd);
  Pointer global(const clang::VarDecl* vd, const clang::Expr* at);
  Pointer variable(const clang::ValueDecl* d, const clang::Expr* at);

  Value arith(int opcode, const Value& a, const Value& b, const clang::QualType& type, const clang::Expr* at);
  bool compare(int opcode, const Value& a, const Value& b, const clang::QualType& operand_type,
               const clang::Expr* at);
  bool truth(const Value& v, const clang::QualType& type, const clang::Expr* at);
  Value convert(const Value& v, const clang::QualType& from, const clang::QualType& to, const clang::Expr* at);
  Poly check_int(const Poly& p, const clang::QualType& type, const clang::Expr* at);
  void check_float_constant(const Poly& p, const clang::QualType& type, const clang::Expr* at);
  Poly float_literal(const clang::Expr* e);
  int decide(int ways);
  void step(const clang::Stmt* s);
  void count(bool multiply, bool constant_operand, const Poly& a, const Poly& b);
  int new_local(const std::string& name, Value v, std::optional<std::int64_t> size);
  void exec_group(const clang::Stmt* s);
  bool has_barrier(const clang::Stmt* s);
  static bool is_warp_mma(const clang::GCCAsmStmt* as);
  void warp_mma(const clang::GCCAsmStmt* as);
  void switch_to(std::size_t item);
  void race_check(Region& r, const Poly& off, bool write, const std::string& at);
  bool grid_stride_loop(const clang::Stmt* s);
  Value vector_value(const Value& v, const clang::QualType& type, const clang::Expr* at);

  clang::ASTContext& ctx_;
  VarTable& vars_;
  std::unordered_map<int, Region> regions_;
  int next_region_ = 0;
  std::map<const clang::VarDecl*, int> globals_;
  std::vector<Frame*> frames_;
  std::map<std::string, External> externals_;
  std::vector<char> update_var_;
  std::vector<int> decisions_, taken_, arity_;
  std::map<VarId, Rational> subst_;
  std::map<VarId, std::vector<Rational>> excluded_;  // values a variable was decided to differ from
  std::vector<Fact> facts_;
  std::vector<std::string> path_;
  long steps_ = 0;
  bool model_access_ = false;
  int depth_ = 0;
  // Work-group execution.
  struct ItemState {
    WorkItem ids;
    std::unique_ptr<Frame> frame;
    bool done = false;
  };
  std::vector<ItemState> items_;
  int current_ = -1;
  long phase_ = 0;
  std::map<const clang::VarDecl*, int> shared_locals_;
  std::map<const clang::Stmt*, bool> barrier_cache_;
  bool grid_stride_ = false;
  std::map<VarId, std::int64_t> residues_;
};

// Whether r is exactly a binary floating value with that many significand
// bits (exponent range aside: the constants in kernels are small).
bool representable(const Rational& r, int significand_bits);

}  // namespace lai::verify
