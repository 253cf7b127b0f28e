// numpy .npy reader (format versions 1.0, 2.0, 3.0), integers only.
//
// The header is a Python dict literal; we parse the tiny subset numpy writes
// (string keys; string, bool and int-tuple values) with our own code instead
// of evaluating anything, and bound every length against the buffer before
// touching it, because the bytes come from files we do not control.
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>
#include <optional>

#include "lai_gen/error.hpp"
#include "lai_gen/readers.hpp"
#include "npy_detail.hpp"

namespace lai::gen::detail {
namespace {

std::string at(const std::string& origin, std::size_t offset) {
  return origin + ": byte " + std::to_string(offset);
}

// Cursor over the header dict text; `base` is the file offset of text[0] so
// that messages give file offsets.
class DictParser {
 public:
  DictParser(std::string_view text, std::size_t base, const std::string& origin)
      : text_(text), base_(base), origin_(origin) {}

  [[noreturn]] void fail(const std::string& rule) const {
    throw InputError(at(origin_, base_ + pos_) + ": npy header dict: " + rule);
  }
  void skip_space() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t' || text_[pos_] == '\n' ||
                                   text_[pos_] == '\r'))
      ++pos_;
  }
  bool peek(char c) {
    skip_space();
    return pos_ < text_.size() && text_[pos_] == c;
  }
  void expect(char c, const char* what) {
    if (!peek(c)) fail(std::string("expected '") + c + "' " + what);
    ++pos_;
  }
  std::string string_literal() {
    skip_space();
    if (pos_ >= text_.size() || (text_[pos_] != '\'' && text_[pos_] != '"')) fail("expected a quoted string");
    const char quote = text_[pos_++];
    std::string out;
    while (pos_ < text_.size() && text_[pos_] != quote) {
      // numpy never writes escapes in these strings; refusing them keeps the
      // parser trivially correct.
      if (text_[pos_] == '\\') fail("escape sequences are not accepted in strings");
      out += text_[pos_++];
      if (out.size() > 64) fail("string longer than 64 characters");
    }
    if (pos_ >= text_.size()) fail("unterminated string");
    ++pos_;
    return out;
  }
  bool boolean() {
    skip_space();
    if (text_.substr(pos_, 4) == "True") {
      pos_ += 4;
      return true;
    }
    if (text_.substr(pos_, 5) == "False") {
      pos_ += 5;
      return false;
    }
    fail("expected True or False");
  }
  std::int64_t integer() {
    skip_space();
    const std::size_t start = pos_;
    std::int64_t v = 0;
    while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') {
      const int d = text_[pos_] - '0';
      if (v > (std::numeric_limits<std::int64_t>::max() - d) / 10) {
        pos_ = start;
        fail("dimension does not fit in 64 bits (absurd dims)");
      }
      v = v * 10 + d;
      ++pos_;
    }
    if (pos_ == start) fail("expected a non-negative integer dimension");
    // Python 2 era numpy wrote longs as "3L".
    if (pos_ < text_.size() && text_[pos_] == 'L') ++pos_;
    return v;
  }
  std::vector<std::int64_t> shape_tuple() {
    expect('(', "to open the shape tuple");
    std::vector<std::int64_t> dims;
    if (peek(')')) {
      ++pos_;
      return dims;
    }
    for (;;) {
      if (dims.size() >= kMaxNpyDims) fail("shape has more than " + std::to_string(kMaxNpyDims) + " dimensions");
      dims.push_back(integer());
      if (peek(',')) {
        ++pos_;
        if (peek(')')) break;
        continue;
      }
      if (peek(')')) break;
      fail("expected ',' or ')' in the shape tuple");
    }
    ++pos_;
    return dims;
  }
  std::size_t pos() const { return pos_; }
  std::size_t size() const { return text_.size(); }

 private:
  std::string_view text_;
  std::size_t base_;
  const std::string& origin_;
  std::size_t pos_ = 0;
};

std::uint64_t load_le(const std::uint8_t* p, int n) {
  std::uint64_t v = 0;
  for (int i = n - 1; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}
std::uint64_t load_be(const std::uint8_t* p, int n) {
  std::uint64_t v = 0;
  for (int i = 0; i < n; ++i) v = (v << 8) | p[i];
  return v;
}

}  // namespace

NpyDtype parse_dtype_descr(std::string_view descr, const std::string& where) {
  NpyDtype dt;
  dt.descr = std::string(descr);
  auto refuse = [&](const std::string& why) -> NpyDtype {
    throw InputError(where + ": dtype '" + dt.descr + "': " + why);
  };
  if (descr.size() < 2) return refuse("not a numpy type string (e.g. '<i4')");
  const char order = descr[0];
  if (order != '<' && order != '>' && order != '|' && order != '=')
    return refuse("unknown byte order '" + std::string(1, order) + "' (expected <, > or |)");
  dt.kind = descr[1];
  int size = 0;
  for (char c : descr.substr(2)) {
    if (c < '0' || c > '9' || size > 1000) return refuse("bad item size");
    size = size * 10 + (c - '0');
  }
  dt.itemsize = size;
  dt.big_endian = order == '>';
  switch (dt.kind) {
    case 'i':
    case 'u':
      if (size != 1 && size != 2 && size != 4 && size != 8) return refuse("integer item size must be 1, 2, 4 or 8");
      break;
    case 'f':
      // AlphaTensor stores a few schemes (9,9,9; 11,11,11; some rectangular
      // ones) as float64 holding integers; we accept IEEE single/double and
      // check every value is an exact integer, so nothing is rounded.
      if (size != 4 && size != 8)
        return refuse("float dtype refused: only float32/float64 holding exact integers are accepted");
      break;
    case 'O':
      if (descr.size() != 2 && descr.substr(2) != "8") return refuse("bad object item size");
      dt.itemsize = 8;
      break;
    default:
      return refuse("unsupported element type '" + std::string(1, dt.kind) +
                    "' (scheme files hold integer arrays: i1/i2/i4/i8, u1/u2/u4/u8, or integral f4/f8)");
  }
  // '=' means "native", which a portable file must not use for multi-byte data.
  if (order == '=' && dt.itemsize > 1 && dt.kind != 'O')
    return refuse("native byte order '=' is ambiguous in a file; expected '<' or '>'");
  return dt;
}

std::int64_t element_count(const std::vector<std::int64_t>& shape, const std::string& where) {
  std::int64_t count = 1;
  for (std::int64_t d : shape) {
    if (d < 0) throw InputError(where + ": negative dimension in shape");
    if (d > kMaxNpyElements)
      throw InputError(where + ": absurd dims: dimension " + std::to_string(d) + " exceeds the limit of " +
                       std::to_string(kMaxNpyElements) + " elements");
    if (d != 0 && count > kMaxNpyElements / d) {
      throw InputError(where + ": absurd dims: the shape has more than " + std::to_string(kMaxNpyElements) +
                       " elements");
    }
    count *= d;
  }
  return count;
}

NpyHeader parse_npy_header(std::span<const std::uint8_t> bytes, const std::string& origin) {
  static constexpr std::uint8_t kMagic[6] = {0x93, 'N', 'U', 'M', 'P', 'Y'};
  if (bytes.size() < 6 || std::memcmp(bytes.data(), kMagic, 6) != 0)
    throw InputError(at(origin, 0) + ": bad magic: not a .npy file (expected \\x93NUMPY)");
  if (bytes.size() < 8) throw InputError(at(origin, 6) + ": truncated: no version bytes");
  NpyHeader h;
  h.major = bytes[6];
  if (h.major < 1 || h.major > 3 || bytes[7] != 0)
    throw InputError(at(origin, 6) + ": unsupported .npy version " + std::to_string(bytes[6]) + "." +
                     std::to_string(bytes[7]) + " (accepted: 1.0, 2.0, 3.0)");
  const std::size_t len_bytes = h.major == 1 ? 2 : 4;
  if (bytes.size() < 8 + len_bytes) throw InputError(at(origin, 8) + ": truncated: no header length");
  const std::uint64_t header_len = load_le(bytes.data() + 8, static_cast<int>(len_bytes));
  const std::size_t text_start = 8 + len_bytes;
  if (header_len > bytes.size() - text_start)
    throw InputError(at(origin, 8) + ": truncated: header length " + std::to_string(header_len) +
                     " runs past the end of the data (" + std::to_string(bytes.size()) + " bytes)");
  h.data_offset = text_start + static_cast<std::size_t>(header_len);
  const std::string_view text(reinterpret_cast<const char*>(bytes.data() + text_start),
                              static_cast<std::size_t>(header_len));
  // Headers are latin-1 (v1, v2) or utf-8 (v3); the accepted content is ASCII
  // either way, so a non-ASCII byte can only be part of a malformed header.
  for (std::size_t i = 0; i < text.size(); ++i)
    if (static_cast<unsigned char>(text[i]) >= 0x80 || text[i] == '\0')
      throw InputError(at(origin, text_start + i) + ": npy header dict: non-ASCII or NUL byte");

  DictParser p(text, text_start, origin);
  std::optional<std::string> descr;
  std::optional<bool> fortran;
  std::optional<std::vector<std::int64_t>> shape;
  std::size_t descr_offset = 0;
  p.expect('{', "at the start of the header");
  while (!p.peek('}')) {
    const std::string key = p.string_literal();
    p.expect(':', "after a key");
    if (key == "descr") {
      if (descr) p.fail("duplicate key 'descr'");
      if (p.peek('[')) p.fail("structured dtypes are not accepted (scheme files hold plain integer arrays)");
      p.skip_space();
      descr_offset = text_start + p.pos();
      descr = p.string_literal();
    } else if (key == "fortran_order") {
      if (fortran) p.fail("duplicate key 'fortran_order'");
      fortran = p.boolean();
    } else if (key == "shape") {
      if (shape) p.fail("duplicate key 'shape'");
      shape = p.shape_tuple();
    } else {
      p.fail("unknown key '" + key + "' (expected descr, fortran_order, shape)");
    }
    if (p.peek(',')) {
      p.expect(',', "");
      continue;
    }
    if (!p.peek('}')) p.fail("expected ',' or '}' after a value");
  }
  p.expect('}', "");
  p.skip_space();
  if (p.pos() != p.size()) p.fail("unexpected text after the closing '}'");
  if (!descr || !fortran || !shape) p.fail("missing key (descr, fortran_order and shape are all required)");

  h.dtype = parse_dtype_descr(*descr, at(origin, descr_offset));
  h.fortran_order = *fortran;
  h.shape = std::move(*shape);
  element_count(h.shape, at(origin, text_start) + ": npy header 'shape'");
  return h;
}

namespace {

// Exact value of a finite double as a checked 64-bit rational.
Rational exact_from_double(double v, const NpyDtype& dtype, std::size_t e, const std::string& where) {
  auto refuse = [&](const std::string& why) -> Rational {
    throw InputError(where + ": float dtype '" + dtype.descr + "' element " + std::to_string(e) + " " + why);
  };
  if (!std::isfinite(v)) return refuse("is NaN or infinite");
  if (v == 0) return Rational(0);
  int exp = 0;
  const double frac = std::frexp(v, &exp);  // v = frac * 2^exp, 0.5 <= |frac| < 1
  // frac * 2^53 is an integer for any double; strip trailing zero bits so the
  // denominator is as small as possible.
  auto mant = static_cast<std::int64_t>(std::ldexp(frac, 53));
  exp -= 53;
  while (exp < 0 && (mant & 1) == 0) {
    mant /= 2;
    ++exp;
  }
  if (exp >= 0) {
    if (exp > 62 || (mant > 0 ? mant : -mant) > (std::numeric_limits<std::int64_t>::max() >> exp))
      return refuse("is too large for exact 64-bit arithmetic");
    return Rational(mant * (std::int64_t{1} << exp));
  }
  if (exp < -62) return refuse("has a denominator beyond 2^62 (not exactly representable)");
  return Rational(mant, std::int64_t{1} << -exp);
}

}  // namespace

std::vector<Rational> decode_exact(std::span<const std::uint8_t> data, const NpyDtype& dtype,
                                   const std::vector<std::int64_t>& shape, bool fortran_order,
                                   const std::string& where) {
  if (dtype.kind == 'O') throw InputError(where + ": object array where an integer array was expected");
  const std::int64_t count = element_count(shape, where);
  const auto need = static_cast<std::uint64_t>(count) * static_cast<std::uint64_t>(dtype.itemsize);
  if (data.size() != need)
    throw InputError(where + ": data length " + std::to_string(data.size()) + " bytes does not match shape x " +
                     std::to_string(dtype.itemsize) + "-byte items = " + std::to_string(need) + " bytes" +
                     (data.size() < need ? " (truncated data)" : " (trailing bytes)"));
  std::vector<Rational> raw(static_cast<std::size_t>(count));
  const int sz = dtype.itemsize;
  for (std::size_t e = 0; e < raw.size(); ++e) {
    const std::uint8_t* p = data.data() + e * static_cast<std::size_t>(sz);
    const std::uint64_t bits = dtype.big_endian ? load_be(p, sz) : load_le(p, sz);
    switch (dtype.kind) {
      case 'i': {
        // Sign-extend from sz bytes.
        const int shift = 64 - 8 * sz;
        raw[e] = Rational(static_cast<std::int64_t>(bits << shift) >> shift);
        break;
      }
      case 'u':
        if (bits > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
          throw InputError(where + ": element " + std::to_string(e) + " does not fit in a signed 64-bit integer");
        raw[e] = Rational(static_cast<std::int64_t>(bits));
        break;
      default: {  // 'f'
        const double v = sz == 8 ? std::bit_cast<double>(bits)
                                 : static_cast<double>(std::bit_cast<float>(static_cast<std::uint32_t>(bits)));
        raw[e] = exact_from_double(v, dtype, e, where);
      }
    }
  }
  if (!fortran_order || shape.size() < 2) return raw;

  // Fortran order: the first index varies fastest. Walk the C-order index
  // with an odometer and read the matching Fortran position.
  std::vector<Rational> out(raw.size());
  std::vector<std::int64_t> idx(shape.size(), 0);
  std::vector<std::int64_t> fstride(shape.size(), 1);
  for (std::size_t d = 1; d < shape.size(); ++d) fstride[d] = fstride[d - 1] * shape[d - 1];
  for (std::size_t e = 0; e < out.size(); ++e) {
    std::int64_t f = 0;
    for (std::size_t d = 0; d < shape.size(); ++d) f += idx[d] * fstride[d];
    out[e] = raw[static_cast<std::size_t>(f)];
    for (std::size_t d = shape.size(); d-- > 0;) {
      if (++idx[d] < shape[d]) break;
      idx[d] = 0;
    }
  }
  return out;
}

std::vector<std::int64_t> decode_integers(std::span<const std::uint8_t> data, const NpyDtype& dtype,
                                          const std::vector<std::int64_t>& shape, bool fortran_order,
                                          const std::string& where) {
  const std::vector<Rational> exact = decode_exact(data, dtype, shape, fortran_order, where);
  std::vector<std::int64_t> out(exact.size());
  for (std::size_t e = 0; e < exact.size(); ++e) {
    if (!exact[e].is_integer())
      throw InputError(where + ": dtype '" + dtype.descr + "' element " + std::to_string(e) + " (C order) is " +
                       exact[e].str() + ", which is not an integer (this API returns integers only)");
    out[e] = exact[e].num();
  }
  return out;
}

ExactArray parse_npy_exact(std::span<const std::uint8_t> bytes, const std::string& origin) {
  const NpyHeader h = parse_npy_header(bytes, origin);
  if (h.dtype.kind == 'O')
    throw InputError(origin + ": dtype '|O' is a pickled object array; it is read only by the pickle path "
                     "(parse_pickled_object_array), never as plain data");
  ExactArray a;
  a.shape = h.shape;
  a.data = decode_exact(bytes.subspan(h.data_offset), h.dtype, h.shape, h.fortran_order,
                        origin + ": byte " + std::to_string(h.data_offset));
  return a;
}

}  // namespace lai::gen::detail

namespace lai::gen {

NpyArray parse_npy(std::span<const std::uint8_t> bytes, const std::string& origin) {
  detail::ExactArray exact = detail::parse_npy_exact(bytes, origin);
  NpyArray a;
  a.shape = std::move(exact.shape);
  a.data.resize(exact.data.size());
  for (std::size_t e = 0; e < exact.data.size(); ++e) {
    if (!exact.data[e].is_integer())
      throw InputError(origin + ": element " + std::to_string(e) + " (C order) is " + exact.data[e].str() +
                       ", which is not an integer (parse_npy returns integers only)");
    a.data[e] = exact.data[e].num();
  }
  return a;
}

}  // namespace lai::gen
