// Private to the .npy/.npz/pickle readers (npy.cpp, pickle.cpp, read_npz.cpp):
// the pieces of .npy decoding that the pickle reader reuses, so that an array
// inside a pickled object array is checked by exactly the same rules as a
// plain .npy file.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "lai_gen/rational.hpp"
#include "lai_gen/readers.hpp"

namespace lai::gen::detail {

// A hostile header must not make us allocate or loop beyond this; the largest
// published scheme (AlphaTensor 11,12,12) has about 0.4M coefficients.
inline constexpr std::int64_t kMaxNpyElements = std::int64_t{1} << 26;
inline constexpr std::size_t kMaxNpyDims = 32;  // numpy's own NPY_MAXDIMS

// The element types a scheme file may hold.
struct NpyDtype {
  char kind = 0;         // 'i' signed, 'u' unsigned, 'f' float (integral values only), 'O' object
  int itemsize = 0;      // bytes per element
  bool big_endian = false;
  std::string descr;     // as written, for messages
};

// Parses a numpy type string such as "<i4", "|u1", ">f8", "|O". Refuses
// anything that is not an integer, an IEEE float of 4/8 bytes or an object.
// `where` is the message prefix ("<origin>: byte <off>").
NpyDtype parse_dtype_descr(std::string_view descr, const std::string& where);

struct NpyHeader {
  int major = 0;
  NpyDtype dtype;
  bool fortran_order = false;
  std::vector<std::int64_t> shape;
  std::size_t data_offset = 0;  // first byte after the header
};

// Magic, version, header length and the header dict; does not look at data.
NpyHeader parse_npy_header(std::span<const std::uint8_t> bytes, const std::string& origin);

// Number of elements of `shape`, refusing negative dims, overflow and more
// than kMaxNpyElements.
std::int64_t element_count(const std::vector<std::int64_t>& shape, const std::string& where);

// Decodes `data` (exactly count*itemsize bytes, else InputError) into exact
// rationals in C order; Fortran-ordered data is transposed. Floats are
// converted exactly (every finite binary float is a dyadic rational: several
// AlphaTensor schemes hold coefficients such as 0.5 and 0.125 as float64);
// NaN, infinities and values outside checked 64-bit rationals are refused.
std::vector<Rational> decode_exact(std::span<const std::uint8_t> data, const NpyDtype& dtype,
                                   const std::vector<std::int64_t>& shape, bool fortran_order,
                                   const std::string& where);

// Same, for the public integer-only API: a non-integral value is refused.
std::vector<std::int64_t> decode_integers(std::span<const std::uint8_t> data, const NpyDtype& dtype,
                                          const std::vector<std::int64_t>& shape, bool fortran_order,
                                          const std::string& where);

// Exact forms used by the .npz reader, which must accept dyadic float
// coefficients that the integer-only public NpyArray cannot hold.
struct ExactArray {
  std::vector<std::int64_t> shape;
  std::vector<Rational> data;  // C order
};
ExactArray parse_npy_exact(std::span<const std::uint8_t> bytes, const std::string& origin);
std::vector<ExactArray> parse_pickled_exact(std::span<const std::uint8_t> bytes, const std::string& origin);

}  // namespace lai::gen::detail
