// A bounded pickle *reader* for numpy object arrays of integer arrays.
//
// AlphaTensor's rectangular schemes are stored as `.npy` entries with dtype
// '|O': a pickle stream that rebuilds an object ndarray whose elements are
// integer ndarrays. Python's unpickler would import and call whatever the
// stream names; we instead interpret only the opcodes numpy's ndarray
// reconstruction uses, model the three allowed callables
// (_reconstruct, ndarray, dtype) as data, and refuse everything else with the
// byte offset and opcode. Nothing in the stream is ever executed.
//
// All objects live in one arena owned by the parse and are referred to by
// index, so memo references and self-referencing lists cannot leak or dangle;
// object count, memo size, stack depth and mark depth are capped.
#include <cstdio>
#include <cstring>
#include <limits>

#include "lai_gen/error.hpp"
#include "lai_gen/readers.hpp"
#include "npy_detail.hpp"

namespace lai::gen {
namespace {

constexpr std::size_t kMaxObjects = std::size_t{1} << 20;
constexpr std::size_t kMaxStack = std::size_t{1} << 16;
constexpr std::size_t kMaxMarks = 64;
constexpr std::uint64_t kMaxMemoIndex = std::uint64_t{1} << 16;
constexpr std::size_t kMaxArrays = 1024;  // elements of the object array

enum class Kind { None, Bool, Int, Bytes, Str, Tuple, List, Global, Dtype, Array };
enum class Callable { Reconstruct, Ndarray, Dtype };

struct Obj {
  Kind kind = Kind::None;
  std::int64_t i = 0;             // Int, Bool
  std::string s;                  // Bytes, Str, Dtype type string ("i4", "O8")
  std::vector<std::size_t> items; // Tuple, List
  Callable g = Callable::Ndarray; // Global
  // Dtype: byte order from BUILD ('=' until then). Array: built flag, state.
  char order = '=';
  bool built = false;
  std::vector<std::int64_t> shape;  // Array
  std::size_t dtype = 0;            // Array: arena index of its Dtype
  bool fortran = false;             // Array
  std::size_t payload = 0;          // Array: arena index of Bytes or List
};

const char* opcode_name(std::uint8_t op) {
  switch (op) {
    case 0x80: return "PROTO";
    case 0x95: return "FRAME";
    case '.': return "STOP";
    case 'c': return "GLOBAL";
    case 0x93: return "STACK_GLOBAL";
    case 'q': return "BINPUT";
    case 'r': return "LONG_BINPUT";
    case 0x94: return "MEMOIZE";
    case 'h': return "BINGET";
    case 'j': return "LONG_BINGET";
    case 'K': return "BININT1";
    case 'M': return "BININT2";
    case 'J': return "BININT";
    case 0x8a: return "LONG1";
    case '(': return "MARK";
    case ')': return "EMPTY_TUPLE";
    case 't': return "TUPLE";
    case 0x85: return "TUPLE1";
    case 0x86: return "TUPLE2";
    case 0x87: return "TUPLE3";
    case 'N': return "NONE";
    case 0x88: return "NEWTRUE";
    case 0x89: return "NEWFALSE";
    case 'C': return "SHORT_BINBYTES";
    case 'B': return "BINBYTES";
    case 'X': return "BINUNICODE";
    case 0x8c: return "SHORT_BINUNICODE";
    case ']': return "EMPTY_LIST";
    case 'a': return "APPEND";
    case 'e': return "APPENDS";
    case 'R': return "REDUCE";
    case 'b': return "BUILD";
    // Refused but named, so the message says what the file tried to do.
    case 'i': return "INST";
    case 'o': return "OBJ";
    case 0x81: return "NEWOBJ";
    case 0x92: return "NEWOBJ_EX";
    case 0x82: return "EXT1";
    case 0x83: return "EXT2";
    case 0x84: return "EXT4";
    case 'P': return "PERSID";
    case 'Q': return "BINPERSID";
    case 'I': return "INT";
    case 'L': return "LONG";
    case 'S': return "STRING";
    case 'V': return "UNICODE";
    case 'F': return "FLOAT";
    case 'G': return "BINFLOAT";
    case '}': return "EMPTY_DICT";
    case 's': return "SETITEM";
    case 'u': return "SETITEMS";
    case 'd': return "DICT";
    case 'l': return "LIST";
    case 'p': return "PUT";
    case 'g': return "GET";
    case '0': return "POP";
    case '1': return "POP_MARK";
    case '2': return "DUP";
    default: return nullptr;
  }
}

class Unpickler {
 public:
  Unpickler(std::span<const std::uint8_t> bytes, std::size_t base, const std::string& origin)
      : b_(bytes), base_(base), origin_(origin) {}

  std::vector<detail::ExactArray> run();

 private:
  [[noreturn]] void fail(const std::string& rule) const {
    std::string op;
    char hex[8];
    std::snprintf(hex, sizeof hex, "0x%02x", static_cast<unsigned>(op_));
    const char* name = opcode_name(op_);
    op = std::string(" opcode ") + hex + " (" + (name ? name : "unknown") + ")";
    throw InputError(origin_ + ": byte " + std::to_string(base_ + op_pos_) + ": pickle" + op + ": " + rule);
  }
  const std::uint8_t* take(std::size_t n) {
    if (n > b_.size() - pos_) fail("truncated: needs " + std::to_string(n) + " more bytes");
    const std::uint8_t* p = b_.data() + pos_;
    pos_ += n;
    return p;
  }
  std::uint64_t le(std::size_t n) {
    const std::uint8_t* p = take(n);
    std::uint64_t v = 0;
    for (std::size_t i = n; i-- > 0;) v = (v << 8) | p[i];
    return v;
  }
  std::string line() {  // GLOBAL's newline-terminated text arguments
    std::string out;
    for (;;) {
      const char c = static_cast<char>(*take(1));
      if (c == '\n') return out;
      if (out.size() >= 64) fail("GLOBAL name longer than 64 characters");
      out += c;
    }
  }
  std::size_t make(Obj o) {
    if (arena_.size() >= kMaxObjects) fail("more than " + std::to_string(kMaxObjects) + " objects");
    arena_.push_back(std::move(o));
    return arena_.size() - 1;
  }
  void push(std::size_t idx) {
    if (stack_.size() >= kMaxStack) fail("stack deeper than " + std::to_string(kMaxStack));
    stack_.push_back(idx);
  }
  std::size_t pop() {
    if (stack_.size() <= floor()) fail("stack underflow");
    const std::size_t v = stack_.back();
    stack_.pop_back();
    return v;
  }
  std::size_t top() {
    if (stack_.size() <= floor()) fail("stack underflow (nothing to memoize)");
    return stack_.back();
  }
  // Items above the innermost MARK are the only ones ordinary opcodes may use.
  std::size_t floor() const { return marks_.empty() ? 0 : marks_.back(); }
  std::vector<std::size_t> pop_to_mark() {
    if (marks_.empty()) fail("no MARK to close");
    std::vector<std::size_t> items(stack_.begin() + static_cast<std::ptrdiff_t>(marks_.back()), stack_.end());
    stack_.resize(marks_.back());
    marks_.pop_back();
    return items;
  }
  void put(std::uint64_t index) {
    if (index >= kMaxMemoIndex) fail("memo index " + std::to_string(index) + " exceeds the limit");
    if (memo_.size() <= index) memo_.resize(static_cast<std::size_t>(index) + 1, kUnset);
    if (memo_[index] == kUnset) ++memo_count_;
    memo_[index] = top();
  }
  void get(std::uint64_t index) {
    if (index >= memo_.size() || memo_[index] == kUnset) fail("memo index " + std::to_string(index) + " was never stored");
    push(memo_[index]);
  }
  void global(const std::string& module, const std::string& name) {
    Obj o;
    o.kind = Kind::Global;
    if ((module == "numpy.core.multiarray" || module == "numpy._core.multiarray") && name == "_reconstruct")
      o.g = Callable::Reconstruct;
    else if (module == "numpy" && name == "ndarray")
      o.g = Callable::Ndarray;
    else if (module == "numpy" && name == "dtype")
      o.g = Callable::Dtype;
    else
      fail("global " + module + "." + name +
           " is not allowed (only numpy.core.multiarray._reconstruct, numpy.ndarray, numpy.dtype)");
    push(make(std::move(o)));
  }
  std::int64_t int_of(std::size_t idx, const char* what) {
    const Obj& o = arena_[idx];
    if (o.kind != Kind::Int && o.kind != Kind::Bool) fail(std::string(what) + " must be an integer");
    return o.i;
  }
  const Obj& tuple_of(std::size_t idx, std::size_t n_min, std::size_t n_max, const char* what) {
    const Obj& o = arena_[idx];
    if (o.kind != Kind::Tuple || o.items.size() < n_min || o.items.size() > n_max)
      fail(std::string(what) + " has the wrong form");
    return o;
  }
  std::vector<std::int64_t> shape_of(std::size_t idx) {
    const Obj& t = tuple_of(idx, 0, detail::kMaxNpyDims, "array shape");
    std::vector<std::int64_t> shape;
    for (std::size_t it : t.items) shape.push_back(int_of(it, "a shape dimension"));
    return shape;
  }
  void reduce();
  void build();
  std::vector<detail::ExactArray> finish(std::size_t result);
  detail::ExactArray convert(std::size_t array_idx, std::size_t element);

  static constexpr std::size_t kUnset = std::numeric_limits<std::size_t>::max();
  std::span<const std::uint8_t> b_;
  std::size_t base_;
  const std::string& origin_;
  std::size_t pos_ = 0;
  std::size_t op_pos_ = 0;
  std::uint8_t op_ = 0;
  std::vector<Obj> arena_;
  std::vector<std::size_t> stack_;
  std::vector<std::size_t> marks_;
  std::vector<std::size_t> memo_;
  std::size_t memo_count_ = 0;
};

void Unpickler::reduce() {
  const std::size_t args_idx = pop();
  const std::size_t callee_idx = pop();
  if (arena_[callee_idx].kind != Kind::Global) fail("REDUCE of something that is not an allowed global");
  const Obj& args = tuple_of(args_idx, 0, 8, "REDUCE argument tuple");
  Obj out;
  switch (arena_[callee_idx].g) {
    case Callable::Reconstruct: {
      // _reconstruct(ndarray, shape, typecode): an empty array to be filled by BUILD.
      if (args.items.size() != 3 || arena_[args.items[0]].kind != Kind::Global ||
          arena_[args.items[0]].g != Callable::Ndarray || arena_[args.items[1]].kind != Kind::Tuple ||
          arena_[args.items[2]].kind != Kind::Bytes)
        fail("_reconstruct arguments must be (numpy.ndarray, shape, bytes)");
      out.kind = Kind::Array;
      break;
    }
    case Callable::Dtype: {
      // dtype(typestr, align, copy)
      if (args.items.empty() || args.items.size() > 3 || arena_[args.items[0]].kind != Kind::Str)
        fail("dtype arguments must be (type string, bool, bool)");
      out.kind = Kind::Dtype;
      out.s = arena_[args.items[0]].s;
      break;
    }
    case Callable::Ndarray:
      fail("calling numpy.ndarray directly is not accepted (only through _reconstruct)");
  }
  push(make(std::move(out)));
}

void Unpickler::build() {
  // BUILD leaves the object on the stack (state is applied in place).
  const std::size_t state_idx = pop();
  const std::size_t obj_idx = top();
  if (arena_[obj_idx].kind == Kind::Dtype) {
    // dtype state: (version, byteorder, subarray, names, fields, elsize, alignment, flags[, metadata])
    const Obj& st = tuple_of(state_idx, 8, 9, "dtype state");
    if (arena_[obj_idx].built) fail("dtype built twice");
    const Obj& order = arena_[st.items[1]];
    if (order.kind != Kind::Str || order.s.size() != 1) fail("dtype byte order must be a one-character string");
    if (arena_[st.items[2]].kind != Kind::None || arena_[st.items[3]].kind != Kind::None ||
        arena_[st.items[4]].kind != Kind::None)
      fail("structured or sub-array dtypes are not accepted");
    arena_[obj_idx].order = order.s[0];
    arena_[obj_idx].built = true;
    return;
  }
  if (arena_[obj_idx].kind != Kind::Array) fail("BUILD target is not an ndarray or dtype");
  if (arena_[obj_idx].built) fail("ndarray built twice");
  // ndarray state: (version, shape, dtype, is_fortran, data bytes | list of objects)
  const Obj& st = tuple_of(state_idx, 5, 5, "ndarray state");
  if (arena_[st.items[2]].kind != Kind::Dtype) fail("ndarray state: third item must be a numpy.dtype");
  const Kind payload_kind = arena_[st.items[4]].kind;
  if (payload_kind != Kind::Bytes && payload_kind != Kind::List)
    fail("ndarray state: data must be bytes or a list");
  Obj& a = arena_[obj_idx];
  a.shape = shape_of(st.items[1]);
  a.dtype = st.items[2];
  a.fortran = int_of(st.items[3], "ndarray state: is_fortran") != 0;
  a.payload = st.items[4];
  a.built = true;
}

std::vector<detail::ExactArray> Unpickler::run() {
  for (;;) {
    op_pos_ = pos_;
    op_ = *take(1);
    switch (op_) {
      case 0x80: {
        const std::uint8_t proto = *take(1);
        if (proto < 2 || proto > 5) fail("protocol " + std::to_string(proto) + " (accepted: 2 to 5)");
        break;
      }
      case 0x95: le(8); break;  // FRAME: only a read-ahead hint
      case 'c': {
        std::string module = line();
        std::string name = line();
        global(module, name);
        break;
      }
      case 0x93: {
        const std::size_t name = pop(), module = pop();
        if (arena_[name].kind != Kind::Str || arena_[module].kind != Kind::Str)
          fail("STACK_GLOBAL needs two strings");
        global(arena_[module].s, arena_[name].s);
        break;
      }
      case 'q': put(le(1)); break;
      case 'r': put(le(4)); break;
      case 0x94: put(memo_count_); break;
      case 'h': get(le(1)); break;
      case 'j': get(le(4)); break;
      case 'K':
      case 'M':
      case 'J': {
        Obj o;
        o.kind = Kind::Int;
        const std::uint64_t raw = le(op_ == 'K' ? 1 : op_ == 'M' ? 2 : 4);
        o.i = op_ == 'J' ? static_cast<std::int32_t>(static_cast<std::uint32_t>(raw)) : static_cast<std::int64_t>(raw);
        push(make(std::move(o)));
        break;
      }
      case 0x8a: {
        const std::size_t n = static_cast<std::size_t>(le(1));
        if (n > 8) fail("LONG1 integer wider than 64 bits");
        std::uint64_t raw = n ? le(n) : 0;
        if (n > 0 && n < 8 && (raw >> (8 * n - 1)) != 0) raw |= ~std::uint64_t{0} << (8 * n);  // sign-extend
        Obj o;
        o.kind = Kind::Int;
        o.i = static_cast<std::int64_t>(raw);
        push(make(std::move(o)));
        break;
      }
      case '(':
        if (marks_.size() >= kMaxMarks) fail("MARKs nested deeper than " + std::to_string(kMaxMarks));
        marks_.push_back(stack_.size());
        break;
      case ')':
      case 't':
      case 0x85:
      case 0x86:
      case 0x87: {
        Obj o;
        o.kind = Kind::Tuple;
        if (op_ == 't') {
          o.items = pop_to_mark();
        } else {
          const std::size_t n = op_ == ')' ? 0 : static_cast<std::size_t>(op_ - 0x84);
          o.items.resize(n);
          for (std::size_t i = n; i-- > 0;) o.items[i] = pop();
        }
        push(make(std::move(o)));
        break;
      }
      case 'N':
      case 0x88:
      case 0x89: {
        Obj o;
        o.kind = op_ == 'N' ? Kind::None : Kind::Bool;
        o.i = op_ == 0x88 ? 1 : 0;
        push(make(std::move(o)));
        break;
      }
      case 'C':
      case 'B':
      case 'X':
      case 0x8c: {
        const std::size_t n = static_cast<std::size_t>(le(op_ == 'C' || op_ == 0x8c ? 1 : 4));
        const std::uint8_t* p = take(n);
        Obj o;
        o.kind = op_ == 'C' || op_ == 'B' ? Kind::Bytes : Kind::Str;
        o.s.assign(reinterpret_cast<const char*>(p), n);
        push(make(std::move(o)));
        break;
      }
      case ']': {
        Obj o;
        o.kind = Kind::List;
        push(make(std::move(o)));
        break;
      }
      case 'a': {
        const std::size_t item = pop();
        const std::size_t list = top();
        if (arena_[list].kind != Kind::List) fail("APPEND target is not a list");
        arena_[list].items.push_back(item);
        break;
      }
      case 'e': {
        std::vector<std::size_t> items = pop_to_mark();
        const std::size_t list = top();
        if (arena_[list].kind != Kind::List) fail("APPENDS target is not a list");
        auto& dst = arena_[list].items;
        if (dst.size() + items.size() > kMaxObjects) fail("list too long");
        dst.insert(dst.end(), items.begin(), items.end());
        break;
      }
      case 'R': reduce(); break;
      case 'b': build(); break;
      case '.': {
        if (!marks_.empty()) fail("STOP with an open MARK");
        if (stack_.size() != 1) fail("STOP with " + std::to_string(stack_.size()) + " objects on the stack (expected 1)");
        if (pos_ != b_.size())
          fail("trailing garbage: " + std::to_string(b_.size() - pos_) + " bytes after STOP");
        return finish(stack_.back());
      }
      default:
        fail("not accepted (only the opcodes numpy uses to pickle an ndarray are read)");
    }
  }
}

detail::ExactArray Unpickler::convert(std::size_t array_idx, std::size_t element) {
  const std::string where = origin_ + ": object array element " + std::to_string(element);
  const Obj& a = arena_[array_idx];
  if (a.kind != Kind::Array || !a.built) throw InputError(where + ": not a fully built numpy array");
  const Obj& dt = arena_[a.dtype];
  if (!dt.built) throw InputError(where + ": dtype without byte order (never built)");
  const detail::NpyDtype dtype = detail::parse_dtype_descr(std::string(1, dt.order) + dt.s, where);
  if (dtype.kind == 'O') throw InputError(where + ": nested object arrays are not accepted");
  if (arena_[a.payload].kind != Kind::Bytes) throw InputError(where + ": integer array data must be bytes");
  const std::string& data = arena_[a.payload].s;
  detail::ExactArray out;
  out.shape = a.shape;
  out.data = detail::decode_exact(
      std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(data.data()), data.size()), dtype,
      a.shape, a.fortran, where);
  return out;
}

std::vector<detail::ExactArray> Unpickler::finish(std::size_t result) {
  const Obj& a = arena_[result];
  if (a.kind != Kind::Array || !a.built) fail("the pickle does not produce a numpy array");
  const Obj& dt = arena_[a.dtype];
  if (dt.s != "O8" && dt.s != "O") fail("the pickled array has dtype '" + dt.s + "', expected an object array");
  if (arena_[a.payload].kind != Kind::List) fail("object array data must be a list");
  // Copy: convert() below may not invalidate it, but `a` is a reference into
  // the arena and we want no aliasing doubts.
  const std::vector<std::size_t> elems = arena_[a.payload].items;
  const std::int64_t count = detail::element_count(a.shape, origin_ + ": pickled object array shape");
  if (a.shape.size() != 1 || static_cast<std::size_t>(count) != elems.size())
    fail("object array must be one-dimensional with as many elements as its data list (" +
         std::to_string(elems.size()) + ")");
  if (elems.size() > kMaxArrays) fail("object array with more than " + std::to_string(kMaxArrays) + " elements");
  std::vector<detail::ExactArray> out;
  for (std::size_t e = 0; e < elems.size(); ++e) out.push_back(convert(elems[e], e));
  return out;
}

}  // namespace

namespace detail {

std::vector<ExactArray> parse_pickled_exact(std::span<const std::uint8_t> bytes, const std::string& origin) {
  // Accept either a whole .npy file with dtype '|O' (as stored in an .npz) or
  // the bare pickle stream that follows such a header.
  std::size_t base = 0;
  std::vector<std::int64_t> header_shape;
  bool have_header = false;
  if (bytes.size() >= 1 && bytes[0] == 0x93) {
    const detail::NpyHeader h = detail::parse_npy_header(bytes, origin);
    if (h.dtype.kind != 'O')
      throw InputError(origin + ": dtype '" + h.dtype.descr + "' is not an object array; read it with parse_npy");
    base = h.data_offset;
    header_shape = h.shape;
    have_header = true;
  }
  if (base >= bytes.size()) throw InputError(origin + ": byte " + std::to_string(base) + ": pickle: empty stream");
  Unpickler u(bytes.subspan(base), base, origin);
  std::vector<ExactArray> arrays = u.run();
  if (have_header && (header_shape.size() != 1 || static_cast<std::size_t>(header_shape[0]) != arrays.size()))
    throw InputError(origin + ": npy header shape does not match the pickled object array (" +
                     std::to_string(arrays.size()) + " elements)");
  return arrays;
}

}  // namespace detail

std::vector<NpyArray> parse_pickled_object_array(std::span<const std::uint8_t> bytes, const std::string& origin) {
  std::vector<NpyArray> out;
  for (detail::ExactArray& a : detail::parse_pickled_exact(bytes, origin)) {
    NpyArray n;
    n.shape = std::move(a.shape);
    n.data.resize(a.data.size());
    for (std::size_t e = 0; e < a.data.size(); ++e) {
      if (!a.data[e].is_integer())
        throw InputError(origin + ": object array element " + std::to_string(out.size()) + ": element " +
                         std::to_string(e) + " (C order) is " + a.data[e].str() +
                         ", which is not an integer (this API returns integers only)");
      n.data[e] = a.data[e].num();
    }
    out.push_back(std::move(n));
  }
  return out;
}

}  // namespace lai::gen
