// The symbolic executor: one method per family of AST nodes, each either
// modelling the node exactly or refusing it with CannotVerify.
#include "interp.hpp"

#include <clang/AST/ASTContext.h>
#include <clang/AST/Attr.h>
#include <clang/AST/Expr.h>
#include <clang/AST/ExprCXX.h>
#include <clang/AST/Stmt.h>
#include <clang/AST/StmtCXX.h>
#include <clang/Basic/SourceManager.h>
#include <clang/Lex/Lexer.h>

#include <algorithm>
#include <regex>
#include <cmath>
#include <limits>

namespace lai::verify {

using namespace clang;

namespace {

// Bounds that turn a runaway execution into "cannot verify" instead of a hang.
constexpr long kMaxSteps = 20'000'000;
constexpr int kMaxDepth = 64;
constexpr int kMaxDecisions = 64;

std::string type_name(const QualType& t) { return t.getAsString(); }

bool is_float(const QualType& t) { return t->isRealFloatingType(); }
bool is_integer(const QualType& t) { return t->isIntegerType() || t->isBooleanType() || t->isEnumeralType(); }

Fact::Rel negate(Fact::Rel r) {
  switch (r) {
    case Fact::Rel::Lt0: return Fact::Rel::Ge0;
    case Fact::Rel::Ge0: return Fact::Rel::Lt0;
    case Fact::Rel::Eq0: return Fact::Rel::Ne0;
    case Fact::Rel::Ne0: return Fact::Rel::Eq0;
  }
  return r;
}

const char* rel_text(Fact::Rel r) {
  switch (r) {
    case Fact::Rel::Lt0: return " < 0";
    case Fact::Rel::Ge0: return " >= 0";
    case Fact::Rel::Eq0: return " == 0";
    case Fact::Rel::Ne0: return " != 0";
  }
  return "";
}

}  // namespace

bool representable(const Rational& r, int significand_bits) {
  if (r.is_zero()) return true;
  std::int64_t d = r.den();
  if ((d & (d - 1)) != 0) return false;  // not dyadic
  std::int64_t n = r.num() < 0 ? -r.num() : r.num();
  while ((n & 1) == 0) n >>= 1;
  int bits = 0;
  while (n != 0) {
    ++bits;
    n >>= 1;
  }
  return bits <= significand_bits;
}

struct Interpreter::Frame {
  std::map<const ValueDecl*, Pointer> vars;
  std::optional<Pointer> this_ptr;
  Value ret;
  std::vector<std::vector<int>> scopes{1};
};

Interpreter::Interpreter(ASTContext& ctx, VarTable& vars, std::vector<int> decisions)
    : ctx_(ctx), vars_(vars), decisions_(std::move(decisions)) {}

Interpreter::~Interpreter() = default;

int Interpreter::add_region(Region r) {
  const int id = next_region_++;
  regions_.emplace(id, std::move(r));
  return id;
}

Region& Interpreter::region(int id) {
  const auto it = regions_.find(id);
  if (it == regions_.end()) throw CannotVerify("cannot verify: access to a region that no longer exists");
  return it->second;
}

void Interpreter::set_update_variable(VarId v) {
  if (update_var_.size() <= v) update_var_.resize(v + 1, 0);
  update_var_[v] = 1;
}

std::string Interpreter::where(const SourceLocation& loc) const {
  const SourceManager& sm = ctx_.getSourceManager();
  const PresumedLoc p = sm.getPresumedLoc(sm.getExpansionLoc(loc));
  if (p.isInvalid()) return "<unknown location>";
  return std::string(p.getFilename()) + ":" + std::to_string(p.getLine()) + ":" + std::to_string(p.getColumn());
}

void Interpreter::cannot(const std::string& construct, const SourceLocation& loc) const {
  cannot_at(construct, where(loc));
}

void Interpreter::cannot_at(const std::string& construct, const std::string& at) const {
  throw CannotVerify("cannot verify: " + construct + " at " + at);
}

int Interpreter::decide(int ways) {
  const std::size_t k = taken_.size();
  if (k >= static_cast<std::size_t>(kMaxDecisions)) {
    throw CannotVerify("cannot verify: more than " + std::to_string(kMaxDecisions) +
                       " branches on symbolic values in one execution");
  }
  const int choice = k < decisions_.size() ? decisions_[k] : 0;
  taken_.push_back(choice);
  arity_.push_back(ways);
  return choice;
}

void Interpreter::step(const Stmt* s) {
  if (++steps_ > kMaxSteps) {
    cannot("execution longer than " + std::to_string(kMaxSteps) + " steps (a loop without a small constant trip count?)",
           s->getBeginLoc());
  }
}

// ---- memory -----------------------------------------------------------------

namespace {

Value* descend(Value& v, const std::vector<unsigned>& path) {
  Value* cur = &v;
  for (unsigned f : path) {
    if (cur->kind != Value::Kind::Aggregate || f >= cur->elems.size()) return nullptr;
    cur = &cur->elems[f];
  }
  return cur;
}

std::string offset_text(const Region& r, const Poly& off, const VarTable& vars) {
  return r.name + "[" + off.str(vars) + "]";
}

}  // namespace

Value Interpreter::load(const Pointer& p, const std::string& at) {
  if (p.region < 0) throw KernelWrong("reads through a null pointer at " + at);
  if (p.unit > 1) {
    if (!p.path.empty()) cannot_at("field path into a vector stored as scalars", at);
    Value v;
    v.kind = Value::Kind::Aggregate;
    for (int c = 0; c < p.unit; ++c) v.elems.push_back(load(Pointer{p.region, p.offset + Poly::constant(Rational(static_cast<std::int64_t>(c))), {}, 1}, at));
    return v;
  }
  Region& r = region(p.region);
  const Poly off = normalize(p.offset);
  if (r.size) {
    if (!off.is_constant() || !off.constant_term().is_integer()) {
      cannot_at("symbolic offset " + off.str(vars_) + " into " + r.name, at);
    }
    const std::int64_t o = off.constant_term().num();
    if (o < 0 || o >= *r.size) {
      throw KernelWrong("reads " + offset_text(r, off, vars_) + ", outside its " + std::to_string(*r.size) +
                        " elements, at " + at);
    }
  }
  if (current_ >= 0 && (r.shared || r.role == Region::Role::Operand)) race_check(r, off, false, at);
  const auto it = r.cells.find(off);
  Value whole;
  if (it != r.cells.end()) {
    whole = it->second.value;
  } else if (r.role == Region::Role::Operand) {
    const auto e = r.elements.find(off);
    if (e == r.elements.end()) {
      throw KernelWrong("reads outside " + r.name + ": offset " + off.str(vars_) + " is not an element of " + r.name +
                        " at " + at);
    }
    if (r.unwritten_reads.size() < 64) r.unwritten_reads.push_back({e->second.name, at, model_access_});
    ++r.reads;
    whole = Value::number(Poly::variable(e->second.var));
  } else {
    throw KernelWrong("reads " + offset_text(r, off, vars_) + " before anything was written there, at " + at);
  }
  const Value* v = descend(whole, p.path);
  if (v == nullptr) cannot_at("access to a field of a non-aggregate value in " + r.name, at);
  if (v->kind == Value::Kind::Uninit) {
    throw KernelWrong("reads an uninitialized value of " + r.name + " at " + at);
  }
  return *v;
}

void Interpreter::store(const Pointer& p, Value v, const std::string& at) {
  if (p.region < 0) throw KernelWrong("writes through a null pointer at " + at);
  if (p.unit > 1) {
    if (!p.path.empty() || v.kind != Value::Kind::Aggregate || v.elems.size() != static_cast<std::size_t>(p.unit)) {
      cannot_at("store of a non-vector through a vector pointer", at);
    }
    for (int c = 0; c < p.unit; ++c) {
      store(Pointer{p.region, p.offset + Poly::constant(Rational(static_cast<std::int64_t>(c))), {}, 1}, v.elems[static_cast<std::size_t>(c)], at);
    }
    return;
  }
  Region& r = region(p.region);
  const Poly off = normalize(p.offset);
  if (!r.writable) throw KernelWrong("writes to " + offset_text(r, off, vars_) + " (read-only) at " + at);
  if (r.size) {
    if (!off.is_constant() || !off.constant_term().is_integer()) {
      cannot_at("symbolic offset " + off.str(vars_) + " into " + r.name, at);
    }
    const std::int64_t o = off.constant_term().num();
    if (o < 0 || o >= *r.size) {
      throw KernelWrong("writes " + offset_text(r, off, vars_) + ", outside its " + std::to_string(*r.size) +
                        " elements, at " + at);
    }
  }
  if (r.role == Region::Role::Operand) {
    const auto e = r.elements.find(off);
    if (e == r.elements.end()) {
      throw KernelWrong("writes outside " + r.name + ": offset " + off.str(vars_) + " is not an element of " + r.name +
                        " at " + at);
    }
    if (!p.path.empty()) cannot_at("field access into an operand", at);
  }
  if (current_ >= 0 && (r.shared || r.role == Region::Role::Operand)) race_check(r, off, true, at);
  Cell& cell = r.cells[off];
  if (p.path.empty()) {
    cell.value = std::move(v);
  } else {
    Value* target = descend(cell.value, p.path);
    if (target == nullptr) cannot_at("store to a field of a non-aggregate value in " + r.name, at);
    *target = std::move(v);
  }
  ++cell.writes;
  if (cell.writes == 1) cell.first_write = at;
  if (cell.writes > 1 && r.write_once) {
    throw KernelWrong(r.elements.at(off).name + " is written twice: at " + cell.first_write + " and again at " + at);
  }
  cell.last_write = at;
}

int Interpreter::new_local(const std::string& name, Value v, std::optional<std::int64_t> size) {
  Region r;
  r.name = name;
  r.role = Region::Role::Local;
  r.size = size;
  if (!size) r.cells[Poly()].value = std::move(v);
  const int id = add_region(std::move(r));
  if (!frames_.empty()) frames_.back()->scopes.back().push_back(id);
  return id;
}

// ---- functions ----------------------------------------------------------------

Value Interpreter::call(const FunctionDecl* fd, std::vector<Value> args, const std::string& at) {
  const FunctionDecl* def = nullptr;
  if (!fd->hasBody(def) || def == nullptr) cannot_at("call to " + fd->getNameAsString() + " without a body or model", at);
  if (def->isVariadic()) cannot_at("variadic function " + def->getNameAsString(), at);
  if (++depth_ > kMaxDepth) cannot_at("call depth over " + std::to_string(kMaxDepth), at);
  if (args.size() != def->getNumParams()) cannot_at("call with default or missing arguments", at);
  Frame frame;
  frames_.push_back(&frame);
  for (unsigned i = 0; i < def->getNumParams(); ++i) {
    const ParmVarDecl* pd = def->getParamDecl(i);
    if (pd->getType()->isReferenceType()) {
      if (args[i].kind != Value::Kind::Pointer) cannot_at("reference argument that is not an lvalue", at);
      frame.vars[pd] = args[i].ptr;
    } else {
      frame.vars[pd] = Pointer{new_local(pd->getNameAsString(), std::move(args[i]), std::nullopt), Poly(), {}};
    }
  }
  exec(def->getBody());
  Value ret = std::move(frame.ret);
  for (auto& scope : frame.scopes) {
    for (int id : scope) regions_.erase(id);
  }
  frames_.pop_back();
  --depth_;
  return ret;
}

// ---- statements -------------------------------------------------------------

Interpreter::Flow Interpreter::exec(const Stmt* s) {
  step(s);
  Frame& f = *frames_.back();
  if (const auto* cs = dyn_cast<CompoundStmt>(s)) {
    f.scopes.emplace_back();
    Flow flow = Flow::Normal;
    for (const Stmt* child : cs->body()) {
      flow = exec(child);
      if (flow != Flow::Normal) break;
    }
    for (int id : f.scopes.back()) regions_.erase(id);
    f.scopes.pop_back();
    return flow;
  }
  if (const auto* ds = dyn_cast<DeclStmt>(s)) {
    for (const Decl* d : ds->decls()) {
      const auto* vd = dyn_cast<VarDecl>(d);
      if (vd == nullptr) {
        if (isa<TypedefNameDecl>(d) || isa<UsingDecl>(d)) continue;
        cannot("local declaration of this kind", d->getLocation());
      }
      declare(vd);
    }
    return Flow::Normal;
  }
  if (const auto* rs = dyn_cast<ReturnStmt>(s)) {
    if (const Expr* e = rs->getRetValue()) {
      f.ret = e->isGLValue() ? load(lvalue(e), where(e->getExprLoc())) : rvalue(e);
    }
    return Flow::Return;
  }
  if (const auto* is = dyn_cast<IfStmt>(s)) {
    if (is->getInit() != nullptr || is->getConditionVariable() != nullptr || is->isConsteval()) {
      cannot("if with an initializer or condition variable", is->getBeginLoc());
    }
    const Expr* c = is->getCond();
    if (truth(rvalue(c), c->getType(), c)) return exec(is->getThen());
    if (is->getElse() != nullptr) return exec(is->getElse());
    return Flow::Normal;
  }
  if (const auto* as = dyn_cast<AttributedStmt>(s)) {
    // Loop hints (#pragma unroll) and the like do not change semantics.
    for (const Attr* a : as->getAttrs()) {
      if (!isa<LoopHintAttr>(a) && !isa<OpenCLUnrollHintAttr>(a)) cannot(std::string("statement attribute ") + a->getSpelling(), s->getBeginLoc());
    }
    return exec(as->getSubStmt());
  }
  if (const auto* fs = dyn_cast<ForStmt>(s)) {
    if (fs->getConditionVariable() != nullptr) cannot("for with a condition variable", fs->getBeginLoc());
    if (grid_stride_ && grid_stride_loop(fs)) {
      // One iteration for the symbolic index (see set_grid_stride).
      f.scopes.emplace_back();
      exec(fs->getInit());
      Flow result = Flow::Normal;
      const Expr* c = fs->getCond();
      if (truth(rvalue(c), c->getType(), c)) {
        const Flow flow = exec(fs->getBody());
        if (flow == Flow::Return) result = flow;
      }
      for (int id : f.scopes.back()) regions_.erase(id);
      f.scopes.pop_back();
      return result;
    }
    f.scopes.emplace_back();
    if (fs->getInit() != nullptr) exec(fs->getInit());
    Flow result = Flow::Normal;
    for (;;) {
      step(fs);
      if (const Expr* c = fs->getCond(); c != nullptr && !truth(rvalue(c), c->getType(), c)) break;
      const Flow flow = exec(fs->getBody());
      if (flow == Flow::Break) break;
      if (flow == Flow::Return) {
        result = flow;
        break;
      }
      if (fs->getInc() != nullptr) rvalue(fs->getInc());
    }
    for (int id : f.scopes.back()) regions_.erase(id);
    f.scopes.pop_back();
    return result;
  }
  if (const auto* ws = dyn_cast<WhileStmt>(s)) {
    if (ws->getConditionVariable() != nullptr) cannot("while with a condition variable", ws->getBeginLoc());
    for (;;) {
      step(ws);
      const Expr* c = ws->getCond();
      if (!truth(rvalue(c), c->getType(), c)) break;
      const Flow flow = exec(ws->getBody());
      if (flow == Flow::Break) break;
      if (flow == Flow::Return) return flow;
    }
    return Flow::Normal;
  }
  if (const auto* dos = dyn_cast<DoStmt>(s)) {
    for (;;) {
      step(dos);
      const Flow flow = exec(dos->getBody());
      if (flow == Flow::Break) break;
      if (flow == Flow::Return) return flow;
      const Expr* c = dos->getCond();
      if (!truth(rvalue(c), c->getType(), c)) break;
    }
    return Flow::Normal;
  }
  if (isa<BreakStmt>(s)) return Flow::Break;
  if (isa<ContinueStmt>(s)) return Flow::Continue;
  if (isa<NullStmt>(s)) return Flow::Normal;
  if (const auto* e = dyn_cast<Expr>(s)) {
    if (e->isGLValue()) {
      lvalue(e);
    } else {
      rvalue(e);
    }
    return Flow::Normal;
  }
  cannot(std::string("statement ") + s->getStmtClassName(), s->getBeginLoc());
}

void Interpreter::declare(const VarDecl* vd) {
  Frame& f = *frames_.back();
  const QualType t = vd->getType();
  if (t.getAddressSpace() == LangAS::opencl_local) {
    // __local: one object per work-group, shared by its work-items.
    if (current_ < 0) cannot("__local variable outside work-group execution", vd->getLocation());
    if (vd->getInit() != nullptr) cannot("initialized __local variable", vd->getLocation());
    const auto it = shared_locals_.find(vd);
    if (it != shared_locals_.end()) {
      f.vars[vd] = Pointer{it->second, Poly(), {}, region(it->second).lanes};
      return;
    }
    std::int64_t n = 1;
    QualType et = t;
    while (const auto* at = ctx_.getAsConstantArrayType(et)) {
      n *= static_cast<std::int64_t>(at->getSize().getZExtValue());
      et = at->getElementType();
    }
    int lanes = 1;
    if (const auto* vt = et->getAs<VectorType>(); vt != nullptr && et.getTypePtr() != t.getTypePtr()) {
      lanes = static_cast<int>(vt->getNumElements());
      n *= lanes;
    }
    if (n > 1'000'000) cannot("__local array of " + std::to_string(n) + " elements", vd->getLocation());
    Region r;
    r.name = vd->getNameAsString();
    r.role = Region::Role::Local;
    r.size = n;
    r.shared = true;
    r.lanes = lanes;
    const int id = add_region(std::move(r));
    shared_locals_[vd] = id;
    f.vars[vd] = Pointer{id, Poly(), {}, lanes};
    return;
  }
  if (vd->isStaticLocal() || vd->hasGlobalStorage()) cannot("static local variable " + vd->getNameAsString(), vd->getLocation());
  const Expr* init = vd->getInit();
  if (t->isReferenceType()) {
    if (init == nullptr) cannot("reference without initializer", vd->getLocation());
    f.vars[vd] = lvalue(init);
    return;
  }
  if (const auto* at = ctx_.getAsConstantArrayType(t)) {
    const std::uint64_t n = at->getSize().getZExtValue();
    if (n > 1'000'000) cannot("local array of " + std::to_string(n) + " elements", vd->getLocation());
    if (ctx_.getAsConstantArrayType(at->getElementType()) != nullptr) {
      // Multi-dimensional: one region of all elements, row-major (a[i][j]
      // is element i*cols + j through the array-to-pointer rules below).
      if (init != nullptr) cannot("initialized multi-dimensional array", vd->getLocation());
      std::int64_t total = 1;
      QualType et = t;
      while (const auto* a2 = ctx_.getAsConstantArrayType(et)) {
        total *= static_cast<std::int64_t>(a2->getSize().getZExtValue());
        et = a2->getElementType();
      }
      const int id = new_local(vd->getNameAsString(), Value(), total);
      f.vars[vd] = Pointer{id, Poly(), {}};
      return;
    }
    const int id = new_local(vd->getNameAsString(), Value(), static_cast<std::int64_t>(n));
    f.vars[vd] = Pointer{id, Poly(), {}};
    if (init != nullptr) {
      const auto* il = dyn_cast<InitListExpr>(init->IgnoreImplicit());
      if (il == nullptr) cannot("array initializer that is not a brace list", init->getBeginLoc());
      for (std::uint64_t i = 0; i < n; ++i) {
        const Expr* e = i < il->getNumInits() ? il->getInit(static_cast<unsigned>(i)) : il->getArrayFiller();
        if (e == nullptr) cannot("array initializer without filler", il->getBeginLoc());
        Value v = init_value(e, at->getElementType(), e);
        region(id).cells[Poly::constant(Rational(static_cast<std::int64_t>(i)))].value = std::move(v);
      }
    }
    return;
  }
  if (t->isArrayType()) cannot("array of non-constant size", vd->getLocation());
  Value v = init != nullptr ? init_value(init, t, init) : default_value(t, false, nullptr);
  f.vars[vd] = Pointer{new_local(vd->getNameAsString(), std::move(v), std::nullopt), Poly(), {}};
}

// Value of a scalar or aggregate of type `type` initialized from `init`.
Value Interpreter::init_value(const Expr* init, const QualType& type, const Expr* at) {
  const Expr* e = init;
  if (const auto* ewc = dyn_cast<ExprWithCleanups>(e)) e = ewc->getSubExpr();
  if (const auto* il = dyn_cast<InitListExpr>(e); il != nullptr && type->isVectorType()) {
    // (double4)(a, b, c, d), (double4)(v2, a, b): components in order;
    // one scalar is splat to every component.
    const auto* vt = type->castAs<VectorType>();
    const unsigned n = vt->getNumElements();
    Value v;
    v.kind = Value::Kind::Aggregate;
    for (unsigned i = 0; i < il->getNumInits(); ++i) {
      const Expr* x = il->getInit(i);
      Value xv = x->isGLValue() ? load(lvalue(x), where(x->getExprLoc())) : rvalue(x);
      if (xv.kind == Value::Kind::Aggregate) {
        for (auto& c : xv.elems) v.elems.push_back(c);
      } else {
        v.elems.push_back(xv);
      }
    }
    if (v.elems.size() == 1 && n > 1) v.elems.assign(n, v.elems[0]);
    if (v.elems.empty()) v.elems.assign(n, Value::number(Poly()));
    if (v.elems.size() != n) cannot("vector initializer with " + std::to_string(v.elems.size()) + " components for " + type_name(type), at->getBeginLoc());
    return v;
  }
  if (const auto* il = dyn_cast<InitListExpr>(e)) {
    if (const auto* rt = type->getAsRecordDecl()) {
      const auto* rd = rt->getDefinition();
      if (rd == nullptr) cannot("incomplete struct", at->getBeginLoc());
      if (const auto* cxx = dyn_cast<CXXRecordDecl>(rd); cxx != nullptr && cxx->getNumBases() > 0) {
        cannot("struct with base classes", at->getBeginLoc());
      }
      if (rd->isUnion()) cannot("union", at->getBeginLoc());
      Value v;
      v.kind = Value::Kind::Aggregate;
      unsigned i = 0;
      for (const FieldDecl* fd : rd->fields()) {
        if (i < il->getNumInits()) {
          v.elems.push_back(init_value(il->getInit(i), fd->getType(), il->getInit(i)));
        } else {
          v.elems.push_back(default_value(fd->getType(), true, at));
        }
        ++i;
      }
      return v;
    }
    if (il->getNumInits() == 1 && !type->isArrayType()) return init_value(il->getInit(0), type, at);
    if (il->getNumInits() == 0 && !type->isArrayType()) return default_value(type, true, at);
    cannot("brace initializer for " + type_name(type), at->getBeginLoc());
  }
  if (e->isGLValue()) return load(lvalue(e), where(e->getExprLoc()));
  return rvalue(e);
}

// Uninitialized (or, with zero, value-initialized) object of `type`; struct
// fields take their default member initializers.
Value Interpreter::default_value(const QualType& type, bool zero, const Expr* at) {
  if (const auto* rd = type->getAsRecordDecl()) {
    Value v;
    v.kind = Value::Kind::Aggregate;
    for (const FieldDecl* fd : rd->fields()) {
      if (const Expr* in = fd->getInClassInitializer()) {
        v.elems.push_back(init_value(in, fd->getType(), in));
      } else {
        v.elems.push_back(default_value(fd->getType(), zero, at));
      }
    }
    return v;
  }
  if (const auto* vt = type->getAs<VectorType>()) {
    Value v;
    v.kind = Value::Kind::Aggregate;
    v.elems.assign(vt->getNumElements(), zero ? Value::number(Poly()) : Value());
    return v;
  }
  if (type->isArrayType()) {
    if (at != nullptr) cannot("array member or array value", at->getBeginLoc());
    throw CannotVerify("cannot verify: array member or array value");
  }
  if (!zero) return Value();
  if (type->isPointerType()) return Value::pointer(Pointer{});
  return Value::number(Poly());
}

Pointer Interpreter::global(const VarDecl* vd, const Expr* at) {
  const auto it = globals_.find(vd);
  if (it != globals_.end()) return Pointer{it->second, Poly(), {}};
  const QualType t = vd->getType();
  if (!t.isConstQualified() && !vd->isConstexpr()) {
    cannot("mutable global variable " + vd->getNameAsString(), at->getExprLoc());
  }
  const VarDecl* def = vd->getDefinition();
  if (def == nullptr) def = vd;
  const Expr* init = def->getInit();
  if (init == nullptr) cannot("global " + vd->getNameAsString() + " without an initializer", at->getExprLoc());
  Region r;
  r.name = vd->getNameAsString();
  r.role = Region::Role::Global;
  r.writable = false;
  // Initializers are evaluated by this executor too, in a frame of their own,
  // so the same exactness rules apply to them as to kernel code.
  Frame frame;
  frames_.push_back(&frame);
  if (const auto* arr = ctx_.getAsConstantArrayType(t)) {
    const auto* il = dyn_cast<InitListExpr>(init->IgnoreImplicit());
    if (il == nullptr) cannot("array initializer that is not a brace list", init->getBeginLoc());
    const std::uint64_t n = arr->getSize().getZExtValue();
    r.size = static_cast<std::int64_t>(n);
    for (std::uint64_t i = 0; i < n; ++i) {
      const Expr* e = i < il->getNumInits() ? il->getInit(static_cast<unsigned>(i)) : il->getArrayFiller();
      if (e == nullptr) cannot("array initializer without filler", il->getBeginLoc());
      r.cells[Poly::constant(Rational(static_cast<std::int64_t>(i)))].value = init_value(e, arr->getElementType(), e);
    }
  } else if (t->isArrayType()) {
    cannot("global array of unknown size", vd->getLocation());
  } else {
    r.cells[Poly()].value = init_value(init, t, init);
  }
  frames_.pop_back();
  const int id = add_region(std::move(r));
  globals_[vd] = id;
  return Pointer{id, Poly(), {}};
}

Pointer Interpreter::variable(const ValueDecl* d, const Expr* at) {
  const auto* vd = dyn_cast<VarDecl>(d);
  if (vd == nullptr) cannot("reference to " + d->getNameAsString(), at->getExprLoc());
  if (vd->hasGlobalStorage() && !vd->isStaticLocal()) return global(vd, at);
  Frame& f = *frames_.back();
  const auto it = f.vars.find(vd);
  if (it == f.vars.end()) cannot("variable " + vd->getNameAsString() + " not in scope", at->getExprLoc());
  return it->second;
}

// ---- expressions: lvalues ---------------------------------------------------

Pointer Interpreter::lvalue(const Expr* e) {
  step(e);
  if (const auto* p = dyn_cast<ParenExpr>(e)) return lvalue(p->getSubExpr());
  if (const auto* dr = dyn_cast<DeclRefExpr>(e)) return variable(dr->getDecl(), e);
  if (const auto* as = dyn_cast<ArraySubscriptExpr>(e)) {
    const Value base = rvalue(as->getBase());
    const Value idx = rvalue(as->getIdx());
    if (base.kind != Value::Kind::Pointer || idx.kind != Value::Kind::Number) cannot("subscript", e->getExprLoc());
    if (!base.ptr.path.empty()) cannot("subscript of a pointer into a struct", e->getExprLoc());
    Pointer p = base.ptr;
    // a[i] of an array of arrays designates row i: i * (elements per row).
    std::int64_t scale = 1;
    QualType et = e->getType();
    while (const auto* at = ctx_.getAsConstantArrayType(et)) {
      scale *= static_cast<std::int64_t>(at->getSize().getZExtValue());
      et = at->getElementType();
    }
    scale *= p.unit;
    p.offset = p.offset + (scale == 1 ? idx.num : idx.num.scaled(Rational(scale)));
    return p;
  }
  if (const auto* ve = dyn_cast<ExtVectorElementExpr>(e)) {
    llvm::SmallVector<uint32_t, 16> idx;
    ve->getEncodedElementAccess(idx);
    if (idx.size() != 1 || ve->isArrow()) cannot("assignment to several vector components", e->getExprLoc());
    if (!ve->getBase()->isGLValue()) cannot("component of a vector temporary as an lvalue", e->getExprLoc());
    Pointer p = lvalue(ve->getBase());
    if (p.unit > 1) {
      // A component of a vector stored as scalar cells.
      p.offset = p.offset + Poly::constant(Rational(static_cast<std::int64_t>(idx[0])));
      p.unit = 1;
      return p;
    }
    p.path.push_back(idx[0]);
    return p;
  }
  if (const auto* me = dyn_cast<MemberExpr>(e)) {
    const auto* fd = dyn_cast<FieldDecl>(me->getMemberDecl());
    if (fd == nullptr) cannot("member that is not a field", e->getExprLoc());
    Pointer p;
    if (me->isArrow()) {
      const Value base = rvalue(me->getBase());
      if (base.kind != Value::Kind::Pointer) cannot("-> on a non-pointer", e->getExprLoc());
      p = base.ptr;
    } else {
      if (!me->getBase()->isGLValue()) cannot("member of a temporary", e->getExprLoc());
      p = lvalue(me->getBase());
    }
    if (fd->isBitField()) cannot("bit-field", e->getExprLoc());
    p.path.push_back(fd->getFieldIndex());
    return p;
  }
  if (const auto* uo = dyn_cast<UnaryOperator>(e)) {
    if (uo->getOpcode() == UO_Deref) {
      const Value v = rvalue(uo->getSubExpr());
      if (v.kind != Value::Kind::Pointer) cannot("dereference of a non-pointer", e->getExprLoc());
      return v.ptr;
    }
    if (uo->getOpcode() == UO_PreInc || uo->getOpcode() == UO_PreDec) {
      // C++ ++x is an lvalue: update, then designate x.
      unary(e);
      return lvalue(uo->getSubExpr());
    }
  }
  if (const auto* ce = dyn_cast<ImplicitCastExpr>(e); ce != nullptr && ce->getCastKind() == CK_NoOp) {
    return lvalue(ce->getSubExpr());
  }
  if (const auto* ce = dyn_cast<CXXStaticCastExpr>(e); ce != nullptr && ce->getCastKind() == CK_NoOp) {
    return lvalue(ce->getSubExpr());
  }
  if (const auto* bo = dyn_cast<BinaryOperator>(e); bo != nullptr && bo->isAssignmentOp()) {
    binary(e);
    return lvalue(bo->getLHS());
  }
  if (const auto* co = dyn_cast<ConditionalOperator>(e)) {
    const Expr* c = co->getCond();
    return truth(rvalue(c), c->getType(), c) ? lvalue(co->getTrueExpr()) : lvalue(co->getFalseExpr());
  }
  if (const auto* mt = dyn_cast<MaterializeTemporaryExpr>(e)) {
    Value v = rvalue(mt->getSubExpr());
    return Pointer{new_local("temporary", std::move(v), std::nullopt), Poly(), {}};
  }
  if (const auto* ewc = dyn_cast<ExprWithCleanups>(e)) return lvalue(ewc->getSubExpr());
  if (const auto* ce = dyn_cast<ConstantExpr>(e)) return lvalue(ce->getSubExpr());
  cannot(std::string("lvalue expression ") + e->getStmtClassName(), e->getExprLoc());
}

// ---- expressions: rvalues ---------------------------------------------------

Value Interpreter::rvalue(const Expr* e) {
  step(e);
  if (e->isGLValue()) {
    // A glvalue where a value is expected only appears under an
    // lvalue-to-rvalue cast, which is handled in cast_expr(); anything else
    // (assignment results used as values) is loaded here.
    return load(lvalue(e), where(e->getExprLoc()));
  }
  if (const auto* p = dyn_cast<ParenExpr>(e)) return rvalue(p->getSubExpr());
  if (const auto* il = dyn_cast<IntegerLiteral>(e)) {
    const llvm::APInt& v = il->getValue();
    if (v.getActiveBits() > 63) cannot("integer literal out of 63-bit range", e->getExprLoc());
    return Value::number(Poly::constant(Rational(static_cast<std::int64_t>(v.getZExtValue()))));
  }
  if (isa<FloatingLiteral>(e)) return Value::number(float_literal(e));
  if (const auto* bl = dyn_cast<CXXBoolLiteralExpr>(e)) return Value::number(Poly::constant(Rational(bl->getValue() ? 1 : 0)));
  if (isa<CXXNullPtrLiteralExpr>(e) || isa<GNUNullExpr>(e)) return Value::pointer(Pointer{});
  if (isa<CastExpr>(e)) return cast_expr(e);
  if (isa<BinaryOperator>(e)) return binary(e);
  if (isa<UnaryOperator>(e)) return unary(e);
  if (const auto* co = dyn_cast<ConditionalOperator>(e)) {
    const Expr* c = co->getCond();
    return truth(rvalue(c), c->getType(), c) ? rvalue(co->getTrueExpr()) : rvalue(co->getFalseExpr());
  }
  if (isa<CallExpr>(e)) return call_expr(e);
  if (const auto* dr = dyn_cast<DeclRefExpr>(e)) {
    if (const auto* ec = dyn_cast<EnumConstantDecl>(dr->getDecl())) {
      return Value::number(Poly::constant(Rational(ec->getInitVal().getExtValue())));
    }
    cannot("reference to " + dr->getDecl()->getNameAsString() + " as a value", e->getExprLoc());
  }
  if (const auto* ue = dyn_cast<UnaryExprOrTypeTraitExpr>(e)) {
    if (ue->getKind() != UETT_SizeOf) cannot("alignof or other type trait", e->getExprLoc());
    const QualType t = ue->getTypeOfArgument();
    if (t->isVariableArrayType() || t->isIncompleteType()) cannot("sizeof of this type", e->getExprLoc());
    return Value::number(Poly::constant(Rational(ctx_.getTypeSizeInChars(t).getQuantity())));
  }
  if (isa<CXXThisExpr>(e)) {
    const Frame& f = *frames_.back();
    if (!f.this_ptr) cannot("this outside a member function", e->getExprLoc());
    return Value::pointer(*f.this_ptr);
  }
  if (const auto* ewc = dyn_cast<ExprWithCleanups>(e)) return rvalue(ewc->getSubExpr());
  if (const auto* ce = dyn_cast<ConstantExpr>(e)) return rvalue(ce->getSubExpr());
  if (const auto* da = dyn_cast<CXXDefaultArgExpr>(e)) return rvalue(da->getExpr());
  if (const auto* di = dyn_cast<CXXDefaultInitExpr>(e)) return rvalue(di->getExpr());
  if (const auto* bt = dyn_cast<CXXBindTemporaryExpr>(e)) return rvalue(bt->getSubExpr());
  if (isa<InitListExpr>(e)) return init_value(e, e->getType(), e);
  if (const auto* cl = dyn_cast<CompoundLiteralExpr>(e)) return init_value(cl->getInitializer(), e->getType(), e);
  if (const auto* ve = dyn_cast<ExtVectorElementExpr>(e)) {
    const Expr* b = ve->getBase();
    if (ve->isArrow()) cannot("vector component through a pointer", e->getExprLoc());
    const Value v = b->isGLValue() ? load(lvalue(b), where(b->getExprLoc())) : rvalue(b);
    if (v.kind != Value::Kind::Aggregate) cannot("component of a non-vector value", e->getExprLoc());
    llvm::SmallVector<uint32_t, 16> idx;
    ve->getEncodedElementAccess(idx);
    Value out;
    out.kind = Value::Kind::Aggregate;
    for (uint32_t i : idx) {
      if (i >= v.elems.size()) cannot("vector component out of range", e->getExprLoc());
      out.elems.push_back(v.elems[i]);
    }
    if (idx.size() == 1) return out.elems[0];
    return out;
  }
  if (isa<ImplicitValueInitExpr>(e)) return default_value(e->getType(), true, e);
  if (const auto* ce = dyn_cast<CXXConstructExpr>(e)) {
    const CXXConstructorDecl* ctor = ce->getConstructor();
    if (ctor->isCopyOrMoveConstructor() && ctor->isTrivial() && ce->getNumArgs() == 1) {
      const Expr* arg = ce->getArg(0);
      return arg->isGLValue() ? load(lvalue(arg), where(arg->getExprLoc())) : rvalue(arg);
    }
    if (ctor->isDefaultConstructor() && ctor->isImplicit() && ce->getNumArgs() == 0) {
      return default_value(e->getType(), ce->requiresZeroInitialization(), e);
    }
    cannot("constructor call " + ctor->getQualifiedNameAsString(), e->getExprLoc());
  }
  cannot(std::string("expression ") + e->getStmtClassName(), e->getExprLoc());
}

Poly Interpreter::float_literal(const Expr* e) {
  const auto* fl = cast<FloatingLiteral>(e);
  llvm::APFloat v = fl->getValue();
  bool lost = false;
  v.convert(llvm::APFloat::IEEEdouble(), llvm::APFloat::rmNearestTiesToEven, &lost);
  if (lost) cannot("floating literal wider than double", e->getExprLoc());
  const double d = v.convertToDouble();
  if (!std::isfinite(d)) cannot("non-finite floating literal", e->getExprLoc());
  // The literal's exact binary value: mantissa * 2^exp with an integer mantissa.
  int exp = 0;
  const double frac = std::frexp(d, &exp);
  auto mant = static_cast<std::int64_t>(std::ldexp(frac, 53));
  exp -= 53;
  while (mant != 0 && (mant & 1) == 0 && exp < 0) {
    mant /= 2;
    ++exp;
  }
  if (exp > 0 && exp > 62 - 53) cannot("floating literal too large for exact 64-bit rationals", e->getExprLoc());
  if (exp < -62) cannot("floating literal too small for exact 64-bit rationals", e->getExprLoc());
  const Rational value = exp >= 0 ? Rational(mant * (std::int64_t{1} << exp))
                                  : Rational(mant, std::int64_t{1} << (-exp));
  // The text must denote that value exactly: 0.5 does, 0.1 and 0.333 do not
  // (their stored values are roundings, and a proof about them would be a
  // proof about a different kernel than the one the author meant).
  const SourceManager& sm = ctx_.getSourceManager();
  const std::string text = Lexer::getSourceText(CharSourceRange::getTokenRange(fl->getSourceRange()), sm,
                                                ctx_.getLangOpts())
                               .str();
  if (text.rfind("0x", 0) == 0 || text.rfind("0X", 0) == 0) return Poly::constant(value);
  std::int64_t digits = 0;
  int scale = 0;
  bool seen_point = false;
  std::size_t i = 0;
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '.') {
      seen_point = true;
    } else if (c >= '0' && c <= '9') {
      if (digits > (std::numeric_limits<std::int64_t>::max() - 9) / 10) cannot("floating literal " + text + " with too many digits", e->getExprLoc());
      digits = digits * 10 + (c - '0');
      if (seen_point) --scale;
    } else {
      break;
    }
  }
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    int sign = 1;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) sign = text[i++] == '-' ? -1 : 1;
    int ex = 0;
    for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) ex = ex * 10 + (text[i] - '0');
    scale += sign * ex;
  }
  Rational decimal(digits);
  try {
    for (int s = 0; s < scale; ++s) decimal *= Rational(10);
    for (int s = 0; s > scale; --s) decimal = decimal / Rational(10);
  } catch (const lai::gen::RationalOverflow&) {
    cannot("floating literal " + text + " outside exact 64-bit rationals", e->getExprLoc());
  }
  if (!(decimal == value)) {
    cannot("inexact floating literal " + text + " (not exactly representable, stored as a rounding)", e->getExprLoc());
  }
  return Poly::constant(value);
}

void Interpreter::check_float_constant(const Poly& p, const QualType& type, const Expr* at) {
  if (!p.is_constant()) return;
  const int bits = ctx_.getTypeSize(type) == 32 ? 24 : 53;
  if (ctx_.getTypeSize(type) != 32 && ctx_.getTypeSize(type) != 64) cannot("floating type " + type_name(type), at->getExprLoc());
  if (!representable(p.constant_term(), bits)) {
    cannot("constant " + p.constant_term().str() + " not exactly representable in " + type_name(type) +
               " (the folded value would be rounded)",
           at->getExprLoc());
  }
}

// Integer results: concrete values must fit the type (wrap-around is not
// modelled); symbolic ones are taken as mathematical integers.
Poly Interpreter::check_int(const Poly& p, const QualType& type, const Expr* at) {
  if (!p.is_constant()) return p;
  const Rational c = p.constant_term();
  if (!c.is_integer()) cannot("non-integer value in an integer expression", at->getExprLoc());
  const QualType t = type->isEnumeralType() ? type->castAs<EnumType>()->getDecl()->getIntegerType() : type;
  if (t->isBooleanType()) {
    if (c.num() != 0 && c.num() != 1) cannot("bool out of range", at->getExprLoc());
    return p;
  }
  const std::uint64_t width = ctx_.getIntWidth(t);
  const bool is_signed = t->isSignedIntegerType();
  const std::int64_t v = c.num();
  if (!is_signed && v < 0) cannot("unsigned wrap-around (" + std::to_string(v) + " in " + type_name(type) + ")", at->getExprLoc());
  if (width < 64) {
    const std::int64_t lim = std::int64_t{1} << (is_signed ? width - 1 : width);
    if (v >= lim || (is_signed && v < -lim)) cannot("integer overflow in " + type_name(type), at->getExprLoc());
  }
  return p;
}

Value Interpreter::convert(const Value& v, const QualType& from, const QualType& to, const Expr* at) {
  (void)from;
  if (v.kind != Value::Kind::Number) cannot("conversion of a non-number to " + type_name(to), at->getExprLoc());
  if (to->isBooleanType()) return Value::number(Poly::constant(Rational(truth(v, from, at) ? 1 : 0)));
  if (is_float(to)) {
    check_float_constant(v.num, to, at);
    return v;
  }
  if (is_integer(to)) {
    if (is_float(from)) {
      if (!v.num.is_constant()) cannot("conversion of a data value to an integer", at->getExprLoc());
      const Rational c = v.num.constant_term();
      const std::int64_t t = c.num() / c.den();  // truncation toward zero
      return Value::number(check_int(Poly::constant(Rational(t)), to, at));
    }
    return Value::number(check_int(v.num, to, at));
  }
  cannot("conversion to " + type_name(to), at->getExprLoc());
}

Value Interpreter::cast_expr(const Expr* e) {
  const auto* ce = cast<CastExpr>(e);
  const Expr* sub = ce->getSubExpr();
  switch (ce->getCastKind()) {
    case CK_LValueToRValue:
      return load(lvalue(sub), where(sub->getExprLoc()));
    case CK_NoOp:
    case CK_AddressSpaceConversion:
    case CK_BitCast:
      if (ce->getCastKind() == CK_BitCast && !(e->getType()->isPointerType() && sub->getType()->isPointerType())) {
        cannot("bit cast of a non-pointer", e->getExprLoc());
      }
      if (ce->getCastKind() == CK_BitCast) {
        // void* <-> T*: offsets count elements of the region, so a cast is
        // exact only where the offset is 0 (the start of the workspace).
        Value v = rvalue(sub);
        if (v.kind == Value::Kind::Pointer && v.ptr.region >= 0 && v.ptr.path.empty() && region(v.ptr.region).lanes > 1) {
          // vectorN* <-> T* into a region of vectors stored as scalars: the
          // offset counts cells either way; only the access width changes.
          const int lanes = region(v.ptr.region).lanes;
          const QualType to = e->getType()->getPointeeType();
          const auto* vt = to->getAs<VectorType>();
          if (vt != nullptr && static_cast<int>(vt->getNumElements()) == lanes &&
              ctx_.hasSameUnqualifiedType(vt->getElementType(), sub->getType()->getPointeeType())) {
            const Poly o = normalize(v.ptr.offset);
            if (!o.is_constant() || !o.constant_term().is_integer() || o.constant_term().num() % lanes != 0) {
              cannot("cast to a vector pointer at an offset that is not a whole vector", e->getExprLoc());
            }
            v.ptr.unit = lanes;
            return v;
          }
          const auto* fv = sub->getType()->getPointeeType()->getAs<VectorType>();
          if (vt == nullptr && fv != nullptr && ctx_.hasSameUnqualifiedType(fv->getElementType(), to)) {
            v.ptr.unit = 1;
            return v;
          }
          cannot("pointer cast between these types", e->getExprLoc());
        }
        if (v.kind == Value::Kind::Pointer && !v.ptr.offset.is_zero()) {
          cannot("pointer cast of a non-zero offset", e->getExprLoc());
        }
        return v;
      }
      return sub->isGLValue() ? load(lvalue(sub), where(sub->getExprLoc())) : rvalue(sub);
    case CK_ArrayToPointerDecay:
      return Value::pointer(lvalue(sub));
    case CK_FunctionToPointerDecay:
      cannot("function pointer", e->getExprLoc());
    case CK_ToVoid:
      if (sub->isGLValue()) {
        lvalue(sub);
      } else {
        rvalue(sub);
      }
      return Value();
    case CK_IntegralCast:
    case CK_IntegralToFloating:
    case CK_FloatingCast:
    case CK_FloatingToIntegral:
    case CK_IntegralToBoolean:
      return convert(rvalue(sub), sub->getType(), e->getType(), e);
    case CK_PointerToBoolean: {
      const Value v = rvalue(sub);
      return Value::number(Poly::constant(Rational(v.ptr.region >= 0 ? 1 : 0)));
    }
    case CK_NullToPointer:
      return Value::pointer(Pointer{});
    case CK_ConstructorConversion:
      return rvalue(sub);
    case CK_VectorSplat: {
      const Value x = rvalue(sub);
      Value v;
      v.kind = Value::Kind::Aggregate;
      v.elems.assign(e->getType()->castAs<VectorType>()->getNumElements(), x);
      return v;
    }
    default:
      break;
  }
  cannot(std::string("cast ") + ce->getCastKindName(), e->getExprLoc());
}

void Interpreter::count(bool multiply, bool constant_operand, const Poly& a, const Poly& b) {
  const auto upd = [this](VarId v) { return v < update_var_.size() && update_var_[v] != 0; };
  const bool update = a.uses(upd) || b.uses(upd);
  if (multiply) {
    if (constant_operand) {
      ++(update ? counts.update_scalings : counts.scalings);
    } else {
      ++(update ? counts.update_multiplications : counts.multiplications);
    }
  } else {
    ++(update ? counts.update_additions : counts.additions);
  }
}

Value Interpreter::arith(int opcode, const Value& a, const Value& b, const QualType& type, const Expr* at) {
  const auto op = static_cast<BinaryOperatorKind>(opcode);
  // Pointer arithmetic: offsets in elements.
  if (a.kind == Value::Kind::Pointer || b.kind == Value::Kind::Pointer) {
    if (a.kind == Value::Kind::Pointer && b.kind == Value::Kind::Number && (op == BO_Add || op == BO_Sub)) {
      if (!a.ptr.path.empty() || a.ptr.region < 0) cannot("arithmetic on a pointer into a struct or null", at->getExprLoc());
      Pointer p = a.ptr;
      const Poly step = p.unit == 1 ? b.num : b.num.scaled(Rational(static_cast<std::int64_t>(p.unit)));
      p.offset = op == BO_Add ? p.offset + step : p.offset - step;
      return Value::pointer(p);
    }
    if (b.kind == Value::Kind::Pointer && a.kind == Value::Kind::Number && op == BO_Add) return arith(opcode, b, a, type, at);
    if (a.kind == Value::Kind::Pointer && b.kind == Value::Kind::Pointer && op == BO_Sub && a.ptr.region == b.ptr.region &&
        a.ptr.path.empty() && b.ptr.path.empty()) {
      if (a.ptr.unit != 1 || b.ptr.unit != 1) cannot("difference of vector pointers", at->getExprLoc());
      return Value::number(a.ptr.offset - b.ptr.offset);
    }
    cannot("pointer arithmetic of this form", at->getExprLoc());
  }
  if (const auto* vt = type->getAs<VectorType>()) {
    // Component-wise (a scalar operand was splat by an implicit cast).
    if (a.kind != Value::Kind::Aggregate || b.kind != Value::Kind::Aggregate || a.elems.size() != b.elems.size() ||
        a.elems.size() != vt->getNumElements()) {
      cannot("vector arithmetic on operands of different shapes", at->getExprLoc());
    }
    Value v;
    v.kind = Value::Kind::Aggregate;
    for (std::size_t i = 0; i < a.elems.size(); ++i) v.elems.push_back(arith(opcode, a.elems[i], b.elems[i], vt->getElementType(), at));
    return v;
  }
  if (a.kind != Value::Kind::Number || b.kind != Value::Kind::Number) cannot("arithmetic on a non-number", at->getExprLoc());
  const Poly x = normalize(a.num), y = normalize(b.num);
  if (is_float(type)) {
    const bool both_constant = x.is_constant() && y.is_constant();
    Poly r;
    switch (op) {
      case BO_Add:
      case BO_Sub:
        r = op == BO_Add ? x + y : x - y;
        if (!both_constant) count(false, false, x, y);
        break;
      case BO_Mul:
        r = x * y;
        if (!both_constant) count(true, x.is_constant() || y.is_constant(), x, y);
        break;
      case BO_Div:
        if (!y.is_constant()) cannot("division by a data value", at->getExprLoc());
        if (y.is_zero()) throw KernelWrong("divides by zero at " + where(at->getExprLoc()));
        r = x.scaled(Rational(1) / y.constant_term());
        if (!both_constant) count(true, true, x, y);
        break;
      default:
        cannot(std::string("floating operator ") + BinaryOperator::getOpcodeStr(op).str(), at->getExprLoc());
    }
    if (both_constant) check_float_constant(r, type, at);
    return Value::number(r);
  }
  if (!is_integer(type)) cannot("arithmetic in type " + type_name(type), at->getExprLoc());
  switch (op) {
    case BO_Add: return Value::number(check_int(x + y, type, at));
    case BO_Sub: return Value::number(check_int(x - y, type, at));
    case BO_Mul: return Value::number(check_int(x * y, type, at));
    case BO_Div:
    case BO_Rem: {
      if (!x.is_constant() && y.is_constant() && y.constant_term().is_integer() && Rational(0) < y.constant_term()) {
        // (d*q + v) / d = q and % d = v for a residue v in [0, d) and integer
        // q >= 0 (indices): the terms divisible by d and the one residue.
        const std::int64_t d = y.constant_term().num();
        Poly quot, rest;
        for (const auto& [m, c] : x.terms()) {
          Poly term = Poly::constant(c);
          for (VarId v : m) term = term * Poly::variable(v);
          if (c.is_integer() && c.num() % d == 0) {
            quot += term.scaled(Rational(1, d));
          } else {
            rest += term;
          }
        }
        bool ok = rest.is_zero();
        if (!ok && rest.terms().size() == 1) {
          const auto& [m, c] = *rest.terms().begin();
          const auto r = m.size() == 1 ? residues_.find(m[0]) : residues_.end();
          ok = c == Rational(1) && r != residues_.end() && r->second <= d;
        }
        if (!ok) cannot("integer division of symbolic value " + x.str(vars_) + " by " + std::to_string(d), at->getExprLoc());
        return Value::number(op == BO_Div ? quot : rest);
      }
      if (!x.is_constant() || !y.is_constant()) cannot("integer division of symbolic values", at->getExprLoc());
      const std::int64_t p = x.constant_term().num(), q = y.constant_term().num();
      if (q == 0) throw KernelWrong("integer division by zero at " + where(at->getExprLoc()));
      return Value::number(check_int(Poly::constant(Rational(op == BO_Div ? p / q : p % q)), type, at));
    }
    case BO_Shl:
    case BO_Shr:
    case BO_And:
    case BO_Or:
    case BO_Xor: {
      // Bit operations on concrete values only (index arithmetic: e >> 2, e & 3).
      if (!x.is_constant() || !y.is_constant()) cannot("bit operation on symbolic values", at->getExprLoc());
      const std::int64_t p = x.constant_term().num(), q = y.constant_term().num();
      if ((op == BO_Shl || op == BO_Shr) && (q < 0 || q > 62 || p < 0)) cannot("shift out of range", at->getExprLoc());
      const std::int64_t v = op == BO_Shl ? (p << q) : op == BO_Shr ? (p >> q) : op == BO_And ? (p & q) : op == BO_Or ? (p | q) : (p ^ q);
      return Value::number(check_int(Poly::constant(Rational(v)), type, at));
    }
    default:
      cannot(std::string("integer operator ") + BinaryOperator::getOpcodeStr(op).str(), at->getExprLoc());
  }
}

bool Interpreter::compare(int opcode, const Value& a, const Value& b, const QualType& operand_type, const Expr* at) {
  const auto op = static_cast<BinaryOperatorKind>(opcode);
  Poly d;
  if (a.kind == Value::Kind::Pointer && b.kind == Value::Kind::Pointer) {
    if (a.ptr.region != b.ptr.region || a.ptr.path != b.ptr.path) {
      if (op == BO_EQ || op == BO_NE) return (op == BO_NE);
      cannot("ordering of pointers into different objects", at->getExprLoc());
    }
    d = normalize(a.ptr.offset - b.ptr.offset);
  } else if (a.kind == Value::Kind::Number && b.kind == Value::Kind::Number) {
    d = normalize(a.num - b.num);
  } else {
    cannot("comparison of these values", at->getExprLoc());
  }
  if (d.is_constant()) {
    const Rational c = d.constant_term();
    switch (op) {
      case BO_LT: return c < Rational(0);
      case BO_GT: return Rational(0) < c;
      case BO_LE: return !(Rational(0) < c);
      case BO_GE: return !(c < Rational(0));
      case BO_EQ: return c.is_zero();
      case BO_NE: return !c.is_zero();
      default: cannot("comparison operator", at->getExprLoc());
    }
  }
  if (is_float(operand_type)) {
    // Data compared with a constant (alpha == 0, beta == 1): fork into the
    // generic case and the case where the variable takes that value.
    if (op != BO_EQ && op != BO_NE) cannot("ordering comparison of data values", at->getExprLoc());
    if (d.degree() != 1 || d.terms().size() > 2) cannot("comparison of data values other than variable == constant", at->getExprLoc());
    VarId var = 0;
    Rational coef, c0 = d.constant_term();
    for (const auto& [m, c] : d.terms()) {
      if (m.size() == 1) {
        var = m[0];
        coef = c;
      }
    }
    const Rational value = -c0 / coef;
    // A variable already known to differ from this value (beta != 0 decided
    // in an earlier iteration) does not fork again: that path would be
    // infeasible.
    auto& excluded = excluded_[var];
    const bool known_different = std::find(excluded.begin(), excluded.end(), value) != excluded.end();
    const bool equal = !known_different && decide(2) == 1;
    if (equal) {
      subst_[var] = value;
      path_.push_back(vars_.name(var) + " = " + value.str());
    } else if (!known_different) {
      excluded.push_back(value);
      path_.push_back(vars_.name(var) + " != " + value.str());
    }
    return op == BO_EQ ? equal : !equal;
  }
  // Integer symbols: reuse a recorded fact about the same difference, or fork.
  Fact fact;
  switch (op) {
    case BO_LT: fact = {d, Fact::Rel::Lt0}; break;
    case BO_GE: fact = {d, Fact::Rel::Ge0}; break;
    case BO_GT: fact = {-d, Fact::Rel::Lt0}; break;
    case BO_LE: fact = {-d, Fact::Rel::Ge0}; break;
    case BO_EQ: fact = {d, Fact::Rel::Eq0}; break;
    case BO_NE: fact = {d, Fact::Rel::Ne0}; break;
    default: cannot("comparison operator", at->getExprLoc());
  }
  if ((fact.rel == Fact::Rel::Eq0 || fact.rel == Fact::Rel::Ne0) && fact.p.terms().rbegin()->second < Rational(0)) {
    fact.p = -fact.p;
  }
  for (const Fact& f : facts_) {
    if (f.p == fact.p && f.rel == fact.rel) return true;
    if (f.p == fact.p && f.rel == negate(fact.rel)) return false;
  }
  const bool holds = decide(2) == 1;
  Fact recorded = fact;
  if (!holds) recorded.rel = negate(fact.rel);
  path_.push_back(recorded.p.str(vars_) + rel_text(recorded.rel));
  facts_.push_back(recorded);
  return holds;
}

bool Interpreter::truth(const Value& v, const QualType& type, const Expr* at) {
  if (v.kind == Value::Kind::Pointer) return v.ptr.region >= 0;
  if (v.kind != Value::Kind::Number) cannot("condition that is not a number", at->getExprLoc());
  const Poly p = normalize(v.num);
  if (p.is_constant()) return !p.is_zero();
  return compare(BO_NE, v, Value::number(Poly()), type, at);
}

Value Interpreter::binary(const Expr* e) {
  const auto* bo = cast<BinaryOperator>(e);
  const BinaryOperatorKind op = bo->getOpcode();
  const Expr* l = bo->getLHS();
  const Expr* r = bo->getRHS();
  const std::string at = where(e->getExprLoc());
  switch (op) {
    case BO_LAnd:
      if (!truth(rvalue(l), l->getType(), l)) return Value::number(Poly());
      return Value::number(Poly::constant(Rational(truth(rvalue(r), r->getType(), r) ? 1 : 0)));
    case BO_LOr:
      if (truth(rvalue(l), l->getType(), l)) return Value::number(Poly::constant(Rational(1)));
      return Value::number(Poly::constant(Rational(truth(rvalue(r), r->getType(), r) ? 1 : 0)));
    case BO_Comma:
      rvalue(l);
      return rvalue(r);
    case BO_LT:
    case BO_GT:
    case BO_LE:
    case BO_GE:
    case BO_EQ:
    case BO_NE: {
      const Value a = rvalue(l), b = rvalue(r);
      return Value::number(Poly::constant(Rational(compare(op, a, b, l->getType(), e) ? 1 : 0)));
    }
    case BO_Assign: {
      Value v = r->isGLValue() ? load(lvalue(r), where(r->getExprLoc())) : rvalue(r);
      const Pointer p = lvalue(l);
      store(p, v, at);
      return v;
    }
    case BO_AddAssign:
    case BO_SubAssign:
    case BO_MulAssign:
    case BO_DivAssign: {
      const auto* cao = cast<CompoundAssignOperator>(bo);
      const Value rhs = rvalue(r);
      const Pointer p = lvalue(l);
      const Value old = load(p, at);
      const BinaryOperatorKind base = BinaryOperator::getOpForCompoundAssignment(op);
      const QualType ct = cao->getComputationResultType();
      Value lhs = old;
      if (!l->getType()->isPointerType() && !ctx_.hasSameUnqualifiedType(l->getType(), cao->getComputationLHSType())) {
        lhs = convert(old, l->getType(), cao->getComputationLHSType(), e);
      }
      Value res = arith(base, lhs, rhs, l->getType()->isPointerType() ? l->getType() : ct, e);
      if (!l->getType()->isPointerType() && !ctx_.hasSameUnqualifiedType(l->getType(), ct)) {
        res = convert(res, ct, l->getType(), e);
      }
      store(p, res, at);
      return res;
    }
    case BO_Add:
    case BO_Sub:
    case BO_Mul:
    case BO_Div:
    case BO_Rem:
    case BO_Shl:
    case BO_Shr:
    case BO_And:
    case BO_Or:
    case BO_Xor: {
      const Value a = rvalue(l), b = rvalue(r);
      return arith(op, a, b, e->getType(), e);
    }
    default:
      cannot(std::string("operator ") + BinaryOperator::getOpcodeStr(op).str(), e->getExprLoc());
  }
}

Value Interpreter::unary(const Expr* e) {
  const auto* uo = cast<UnaryOperator>(e);
  const Expr* sub = uo->getSubExpr();
  switch (uo->getOpcode()) {
    case UO_Minus: {
      const Value v = rvalue(sub);
      if (v.kind != Value::Kind::Number) cannot("negation of a non-number", e->getExprLoc());
      Poly r = -v.num;
      if (is_integer(e->getType())) r = check_int(r, e->getType(), e);
      return Value::number(r);
    }
    case UO_Plus:
      return rvalue(sub);
    case UO_LNot:
      return Value::number(Poly::constant(Rational(truth(rvalue(sub), sub->getType(), sub) ? 0 : 1)));
    case UO_AddrOf:
      return Value::pointer(lvalue(sub));
    case UO_Deref:
      return load(lvalue(e), where(e->getExprLoc()));
    case UO_PreInc:
    case UO_PreDec:
    case UO_PostInc:
    case UO_PostDec: {
      const Pointer p = lvalue(sub);
      const std::string at = where(e->getExprLoc());
      const Value old = load(p, at);
      const bool inc = uo->isIncrementOp();
      Value one = Value::number(Poly::constant(Rational(1)));
      const Value res = arith(inc ? BO_Add : BO_Sub, old, one, sub->getType(), e);
      store(p, res, at);
      return uo->isPrefix() ? res : old;
    }
    default:
      cannot(std::string("unary operator ") + UnaryOperator::getOpcodeStr(uo->getOpcode()).str(), e->getExprLoc());
  }
}

Value Interpreter::call_expr(const Expr* e) {
  const auto* ce = cast<CallExpr>(e);
  if (isa<CXXOperatorCallExpr>(e)) cannot("overloaded operator call", e->getExprLoc());
  const std::string at = where(e->getExprLoc());
  if (const auto* mc = dyn_cast<CXXMemberCallExpr>(e)) {
    const CXXMethodDecl* md = mc->getMethodDecl();
    if (md == nullptr || md->isVirtual()) cannot("virtual or indirect member call", e->getExprLoc());
    const Expr* obj = mc->getImplicitObjectArgument();
    Pointer self;
    if (const auto* me = dyn_cast<MemberExpr>(mc->getCallee()->IgnoreParens()); me != nullptr && me->isArrow()) {
      const Value v = rvalue(obj);
      if (v.kind != Value::Kind::Pointer) cannot("-> call on a non-pointer", e->getExprLoc());
      self = v.ptr;
    } else if (obj->isGLValue()) {
      self = lvalue(obj);
    } else {
      self = Pointer{new_local("temporary", rvalue(obj), std::nullopt), Poly(), {}};
    }
    std::vector<Value> args;
    for (unsigned i = 0; i < ce->getNumArgs(); ++i) {
      const Expr* a = ce->getArg(i);
      const bool by_ref = i < md->getNumParams() && md->getParamDecl(i)->getType()->isReferenceType();
      args.push_back(by_ref ? Value::pointer(lvalue(a)) : rvalue(a));
    }
    const FunctionDecl* def = nullptr;
    if (!md->hasBody(def)) cannot("call to " + md->getQualifiedNameAsString() + " without a body", e->getExprLoc());
    // The frame's `this` is set through a one-off wrapper of call().
    if (++depth_ > kMaxDepth) cannot_at("call depth over " + std::to_string(kMaxDepth), at);
    Frame frame;
    frame.this_ptr = self;
    frames_.push_back(&frame);
    for (unsigned i = 0; i < def->getNumParams(); ++i) {
      const ParmVarDecl* pd = def->getParamDecl(i);
      if (pd->getType()->isReferenceType()) {
        frame.vars[pd] = args[i].ptr;
      } else {
        frame.vars[pd] = Pointer{new_local(pd->getNameAsString(), std::move(args[i]), std::nullopt), Poly(), {}};
      }
    }
    exec(def->getBody());
    Value ret = std::move(frame.ret);
    for (auto& scope : frame.scopes) {
      for (int id : scope) regions_.erase(id);
    }
    frames_.pop_back();
    --depth_;
    return ret;
  }
  const FunctionDecl* fd = ce->getDirectCallee();
  if (fd == nullptr) cannot("indirect call", e->getExprLoc());
  std::vector<Value> args;
  for (unsigned i = 0; i < ce->getNumArgs(); ++i) {
    const Expr* a = ce->getArg(i);
    const bool by_ref = i < fd->getNumParams() && fd->getParamDecl(i)->getType()->isReferenceType();
    args.push_back(by_ref ? Value::pointer(lvalue(a)) : rvalue(a));
  }
  const auto ext = externals_.find(fd->getNameAsString());
  if (ext != externals_.end() && !fd->hasBody()) return ext->second(*this, ce, args);
  if (!fd->hasBody()) cannot("call to " + fd->getNameAsString() + ", which has no body and no model", e->getExprLoc());
  return call(fd, std::move(args), at);
}

// ---- OpenCL work-groups ------------------------------------------------------

namespace {

bool is_call_to(const Expr* e, const char* name) {
  const auto* ce = dyn_cast<CallExpr>(e->IgnoreParenImpCasts());
  if (ce == nullptr) return false;
  const FunctionDecl* fd = ce->getDirectCallee();
  return fd != nullptr && fd->getNameAsString() == name;
}

bool call_with_zero(const Expr* e, const char* name) {
  if (!is_call_to(e, name)) return false;
  const auto* ce = cast<CallExpr>(e->IgnoreParenImpCasts());
  if (ce->getNumArgs() != 1) return false;
  const auto* il = dyn_cast<IntegerLiteral>(ce->getArg(0)->IgnoreParenImpCasts());
  return il != nullptr && il->getValue() == 0;
}

const ValueDecl* ref_to(const Expr* e) {
  const auto* dr = dyn_cast<DeclRefExpr>(e->IgnoreParenImpCasts());
  return dr == nullptr ? nullptr : dr->getDecl();
}

// Whether s assigns (=, op=, ++, --) or takes the address of d.
bool modifies(const Stmt* s, const ValueDecl* d) {
  if (s == nullptr) return false;
  if (const auto* bo = dyn_cast<BinaryOperator>(s); bo != nullptr && bo->isAssignmentOp() && ref_to(bo->getLHS()) == d) return true;
  if (const auto* uo = dyn_cast<UnaryOperator>(s)) {
    if ((uo->isIncrementDecrementOp() || uo->getOpcode() == UO_AddrOf) && ref_to(uo->getSubExpr()) == d) return true;
  }
  for (const Stmt* c : s->children()) {
    if (modifies(c, d)) return true;
  }
  return false;
}

}  // namespace

bool Interpreter::grid_stride_loop(const Stmt* s) {
  const auto* fs = dyn_cast<ForStmt>(s);
  if (fs == nullptr || fs->getInit() == nullptr || fs->getCond() == nullptr || fs->getInc() == nullptr) return false;
  const auto* ds = dyn_cast<DeclStmt>(fs->getInit());
  if (ds == nullptr || !ds->isSingleDecl()) return false;
  const auto* vd = dyn_cast<VarDecl>(ds->getSingleDecl());
  if (vd == nullptr || vd->getInit() == nullptr || !call_with_zero(vd->getInit(), "get_global_id")) return false;
  const auto* cond = dyn_cast<BinaryOperator>(fs->getCond()->IgnoreParenImpCasts());
  if (cond == nullptr || cond->getOpcode() != BO_LT || ref_to(cond->getLHS()) != vd) return false;
  const auto* bound = dyn_cast_or_null<ParmVarDecl>(ref_to(cond->getRHS()));
  if (bound == nullptr) return false;
  const auto* inc = dyn_cast<CompoundAssignOperator>(fs->getInc());
  if (inc == nullptr || inc->getOpcode() != BO_AddAssign || ref_to(inc->getLHS()) != vd ||
      !call_with_zero(inc->getRHS(), "get_global_size")) {
    return false;
  }
  return !modifies(fs->getBody(), vd) && !modifies(fs->getBody(), bound) && !modifies(fs->getCond(), vd);
}

bool Interpreter::has_barrier(const Stmt* s) {
  if (s == nullptr) return false;
  const auto it = barrier_cache_.find(s);
  if (it != barrier_cache_.end()) return it->second;
  bool found = false;
  if (const auto* e = dyn_cast<Expr>(s); e != nullptr && (is_call_to(e, "barrier") || is_call_to(e, "work_group_barrier"))) {
    found = true;
  }
  // A warp-collective mma.sync runs like a barrier statement: all items
  // reach it together (uniform control flow), then it executes per warp.
  if (const auto* as = dyn_cast<GCCAsmStmt>(s); as != nullptr && is_warp_mma(as)) found = true;
  for (const Stmt* c : s->children()) {
    if (!found && has_barrier(c)) found = true;
  }
  barrier_cache_[s] = found;
  return found;
}

void Interpreter::switch_to(std::size_t item) {
  current_ = static_cast<int>(item);
  frames_.assign(1, items_[item].frame.get());
}

void Interpreter::race_check(Region& r, const Poly& off, bool write, const std::string& at) {
  const int me = items_[static_cast<std::size_t>(current_)].ids.uid;
  // __local memory is ordered by barriers; __global memory of the operands
  // is not ordered between work-items at all here (conservative).
  const long phase = r.shared ? phase_ : 0;
  Region::Access& a = r.access[off];
  const auto who = [](int uid) { return uid == -2 ? std::string("several work-items") : "work-item " + std::to_string(uid); };
  if (a.writer >= 0 && a.writer != me && a.write_phase == phase) {
    throw KernelWrong("data race: work-item " + std::to_string(me) + (write ? " writes " : " reads ") + offset_text(r, off, vars_) +
                      " at " + at + ", which " + who(a.writer) + " wrote " +
                      (r.shared ? "since the last barrier" : "(no barrier orders global memory between work-items)"));
  }
  if (write) {
    if (a.read_phase == phase && a.reader != -1 && a.reader != me) {
      throw KernelWrong("data race: work-item " + std::to_string(me) + " writes " + offset_text(r, off, vars_) + " at " + at +
                        ", which " + who(a.reader) + " read " + (r.shared ? "since the last barrier" : "(global memory)"));
    }
    a.writer = me;
    a.write_phase = phase;
  } else {
    if (a.read_phase == phase && a.reader != me) {
      a.reader = -2;
    } else {
      a.reader = me;
      a.read_phase = phase;
    }
  }
}

void Interpreter::call_group(const FunctionDecl* fd, const std::vector<WorkItem>& items,
                             const std::function<std::vector<Value>(const WorkItem&)>& args, const std::string& at) {
  const FunctionDecl* def = nullptr;
  if (!fd->hasBody(def) || def == nullptr) cannot_at("call to " + fd->getNameAsString() + " without a body", at);
  items_.clear();
  shared_locals_.clear();
  for (const WorkItem& w : items) {
    ItemState st;
    st.ids = w;
    st.frame = std::make_unique<Frame>();
    items_.push_back(std::move(st));
  }
  for (std::size_t i = 0; i < items_.size(); ++i) {
    switch_to(i);
    std::vector<Value> a = args(items_[i].ids);
    if (a.size() != def->getNumParams()) cannot_at("kernel call with a wrong number of arguments", at);
    for (unsigned p = 0; p < def->getNumParams(); ++p) {
      const ParmVarDecl* pd = def->getParamDecl(p);
      items_[i].frame->vars[pd] = Pointer{new_local(pd->getNameAsString(), std::move(a[p]), std::nullopt), Poly(), {}};
    }
  }
  exec_group(def->getBody());
  current_ = -1;
  frames_.clear();
  items_.clear();
}

void Interpreter::exec_group(const Stmt* s) {
  if (!has_barrier(s)) {
    for (std::size_t i = 0; i < items_.size(); ++i) {
      if (items_[i].done) continue;
      switch_to(i);
      const Flow flow = exec(s);
      if (flow == Flow::Return) items_[i].done = true;
      if (flow == Flow::Break || flow == Flow::Continue) cannot("break or continue across a loop that contains a barrier", s->getBeginLoc());
    }
    return;
  }
  const auto active = [&] {
    std::vector<std::size_t> v;
    for (std::size_t i = 0; i < items_.size(); ++i) {
      if (!items_[i].done) v.push_back(i);
    }
    return v;
  };
  // A condition every active work-item must evaluate alike (a barrier in
  // divergent control flow is undefined behaviour in OpenCL).
  const auto uniform = [&](const Expr* c) {
    std::optional<bool> r;
    for (std::size_t i : active()) {
      switch_to(i);
      const bool t = truth(rvalue(c), c->getType(), c);
      if (r && *r != t) {
        throw KernelWrong("work-items disagree on the condition at " + where(c->getExprLoc()) +
                          " of a statement that contains a barrier (barrier in divergent control flow)");
      }
      r = t;
    }
    return r.value_or(false);
  };
  if (const auto* as = dyn_cast<AttributedStmt>(s)) return exec_group(as->getSubStmt());
  if (const auto* cs = dyn_cast<CompoundStmt>(s)) {
    for (const Stmt* child : cs->body()) exec_group(child);
    return;
  }
  if (const auto* fs = dyn_cast<ForStmt>(s)) {
    if (fs->getConditionVariable() != nullptr) cannot("for with a condition variable", fs->getBeginLoc());
    if (fs->getInit() != nullptr) {
      for (std::size_t i : active()) {
        switch_to(i);
        exec(fs->getInit());
      }
    }
    for (;;) {
      step(fs);
      if (fs->getCond() != nullptr && !uniform(fs->getCond())) break;
      if (active().empty()) break;
      exec_group(fs->getBody());
      if (fs->getInc() != nullptr) {
        for (std::size_t i : active()) {
          switch_to(i);
          rvalue(fs->getInc());
        }
      }
    }
    return;
  }
  if (const auto* is = dyn_cast<IfStmt>(s)) {
    if (is->getInit() != nullptr || is->getConditionVariable() != nullptr) cannot("if with an initializer", is->getBeginLoc());
    if (uniform(is->getCond())) {
      exec_group(is->getThen());
    } else if (is->getElse() != nullptr) {
      exec_group(is->getElse());
    }
    return;
  }
  if (const auto* e = dyn_cast<Expr>(s); e != nullptr && (is_call_to(e, "barrier") || is_call_to(e, "work_group_barrier"))) {
    for (const auto& it : items_) {
      if (it.done) {
        throw KernelWrong("work-item " + std::to_string(it.ids.uid) + " returned before the barrier at " + where(s->getBeginLoc()) +
                          " that the other work-items of its group reach");
      }
    }
    ++phase_;
    return;
  }
  if (const auto* as = dyn_cast<GCCAsmStmt>(s); as != nullptr && is_warp_mma(as)) return warp_mma(as);
  cannot(std::string("barrier inside ") + s->getStmtClassName(), s->getBeginLoc());
}

bool Interpreter::is_warp_mma(const GCCAsmStmt* as) {
  const std::string text = as->getAsmString()->getString().str();
  return text.find("mma.sync") != std::string::npos;
}

// mma.sync.aligned.{m8n8k4,m16n8k4,m16n8k8,m16n8k16}.row.col.f64.f64.f64.f64 d, a, b, c
// executed for every warp of the group (32 consecutive work-items of a
// 1-dimensional group; lane = local id % 32). Fragment layouts of the PTX ISA
// ("Matrix Fragments for mma.m8n8k4 / m16n8k4 / m16n8k8 / m16n8k16 with .f64"),
// with g = lane >> 2, t = lane % 4:
//   A: a_r is A[g + 8*(r % 2)][t + 4*(r / 2)]   (m8n8k4: only a0 = A[g][t])
//   B: b_q is B[t + 4*q][g]
//   C, D: c_i is C[g + 8*(i / 2)][2*t + (i % 2)] (m8n8k4: c0, c1 in row g)
// D = A*B + C exactly; d and c must be the same "+d" operands here.
void Interpreter::warp_mma(const GCCAsmStmt* as) {
  const std::string at = where(as->getBeginLoc());
  const std::string text = as->getAsmString()->getString().str();
  static const std::regex re(
      R"(^\s*mma\.sync\.aligned\.m(8|16)n8k(4|8|16)\.row\.col\.f64\.f64\.f64\.f64\s*\{([^}]*)\}\s*,\s*\{([^}]*)\}\s*,\s*\{([^}]*)\}\s*,\s*\{([^}]*)\}\s*;?\s*$)");
  std::smatch m;
  if (!std::regex_match(text, m, re)) cannot("inline assembly other than mma.sync.aligned.m8n8k4/m16n8k{4,8,16}.row.col.f64: \"" + text + "\"", as->getBeginLoc());
  const int M = std::stoi(m[1]), K = std::stoi(m[2]), N = 8;
  if (M == 8 && K != 4) cannot("mma shape m8n8k" + std::to_string(K) + " (f64 has m8n8k4 only)", as->getBeginLoc());
  const auto operands = [&](const std::string& list) {
    std::vector<unsigned> v;
    static const std::regex op(R"(^\s*%([0-9]+)\s*$)");
    std::size_t b = 0;
    for (;;) {
      const std::size_t e = list.find(',', b);
      const std::string one = list.substr(b, e == std::string::npos ? std::string::npos : e - b);
      std::smatch om;
      if (!std::regex_match(one, om, op)) cannot("mma operand \"" + one + "\" that is not %N", as->getBeginLoc());
      v.push_back(static_cast<unsigned>(std::stoul(om[1])));
      if (e == std::string::npos) break;
      b = e + 1;
    }
    return v;
  };
  const std::vector<unsigned> d = operands(m[3]), a = operands(m[4]), b = operands(m[5]), c = operands(m[6]);
  const std::size_t na = static_cast<std::size_t>(M * K / 32), nb = static_cast<std::size_t>(K * N / 32),
                    nc = static_cast<std::size_t>(M * N / 32);
  if (a.size() != na || b.size() != nb || c.size() != nc || d != c) {
    cannot("mma operand lists that do not match the shape's fragments (or d differs from c)", as->getBeginLoc());
  }
  const unsigned nout = as->getNumOutputs();
  if (as->getNumClobbers() != 0 || as->getNumInputs() + nout != na + nb + nc) cannot("mma with unexpected operands", as->getBeginLoc());
  for (std::size_t i = 0; i < nc; ++i) {
    if (c[i] != i || as->getOutputConstraint(static_cast<unsigned>(i)) != "+d") cannot("mma accumulator that is not the \"+d\" output %" + std::to_string(i), as->getBeginLoc());
  }
  for (std::size_t i = 0; i < na + nb; ++i) {
    const unsigned o = i < na ? a[i] : b[i - na];
    if (o != nout + i || as->getInputConstraint(static_cast<unsigned>(i)) != "d") cannot("mma input operand %" + std::to_string(o) + " out of order or not \"d\"", as->getBeginLoc());
  }
  // Gather every lane's registers.
  const std::size_t n = items_.size();
  if (n % 32 != 0) cannot("mma.sync in a work-group whose size is not a multiple of 32", as->getBeginLoc());
  std::vector<std::vector<Pointer>> out(n);
  std::vector<std::vector<Poly>> acc(n), in(n);
  for (std::size_t i = 0; i < n; ++i) {
    const auto& ids = items_[i].ids;
    if (items_[i].done) throw KernelWrong("work-item " + std::to_string(ids.uid) + " returned before the warp-collective mma at " + at);
    if (ids.local[0] != static_cast<std::int64_t>(i) || ids.local[1] != 0 || ids.local[2] != 0) {
      cannot("mma.sync in a work-group that is not 1-dimensional", as->getBeginLoc());
    }
    switch_to(i);
    for (unsigned o = 0; o < nout; ++o) {
      out[i].push_back(lvalue(as->getOutputExpr(o)));
      const Value v = load(out[i].back(), at);
      if (v.kind != Value::Kind::Number) cannot("mma accumulator that is not a number", as->getBeginLoc());
      acc[i].push_back(normalize(v.num));
    }
    for (unsigned k = 0; k < as->getNumInputs(); ++k) {
      const Value v = rvalue(as->getInputExpr(k));
      if (v.kind != Value::Kind::Number) cannot("mma input that is not a number", as->getBeginLoc());
      in[i].push_back(normalize(v.num));
    }
  }
  for (std::size_t w = 0; w < n / 32; ++w) {
    std::vector<std::vector<Poly>> A(static_cast<std::size_t>(M), std::vector<Poly>(static_cast<std::size_t>(K))),
        B(static_cast<std::size_t>(K), std::vector<Poly>(static_cast<std::size_t>(N))),
        C(static_cast<std::size_t>(M), std::vector<Poly>(static_cast<std::size_t>(N)));
    for (int l = 0; l < 32; ++l) {
      const std::size_t it = w * 32 + static_cast<std::size_t>(l);
      const int g = l >> 2, t = l & 3;
      for (std::size_t r = 0; r < na; ++r) A[static_cast<std::size_t>(g + 8 * static_cast<int>(r % 2))][static_cast<std::size_t>(t + 4 * static_cast<int>(r / 2))] = in[it][r];
      for (std::size_t q = 0; q < nb; ++q) B[static_cast<std::size_t>(t + 4 * static_cast<int>(q))][static_cast<std::size_t>(g)] = in[it][na + q];
      for (std::size_t i = 0; i < nc; ++i) C[static_cast<std::size_t>(g + 8 * static_cast<int>(i / 2))][static_cast<std::size_t>(2 * t + static_cast<int>(i % 2))] = acc[it][i];
    }
    for (int l = 0; l < 32; ++l) {
      const std::size_t it = w * 32 + static_cast<std::size_t>(l);
      const int g = l >> 2, t = l & 3;
      switch_to(it);
      for (std::size_t i = 0; i < nc; ++i) {
        const std::size_t row = static_cast<std::size_t>(g + 8 * static_cast<int>(i / 2)), col = static_cast<std::size_t>(2 * t + static_cast<int>(i % 2));
        Poly dv = C[row][col];
        for (std::size_t k = 0; k < static_cast<std::size_t>(K); ++k) dv += A[row][k] * B[k][col];
        counts.multiplications += K;
        counts.additions += K;
        store(out[it][i], Value::number(normalize(dv)), at);
      }
    }
  }
}

}  // namespace lai::verify
