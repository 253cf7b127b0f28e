// Builders for the reader tests: small, well-formed .npy, pickle and ZIP files
// made in the test itself, which individual tests then break in one way each.
// (No binary blobs in the repository: every malformed input is derived here.)
#pragma once

#include <gtest/gtest.h>
#include <zip.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "lai_gen/error.hpp"
#include "lai_gen/rational.hpp"
#include "lai_gen/scheme.hpp"

namespace lai::test {

using Bytes = std::vector<std::uint8_t>;

inline Bytes bytes_of(const std::string& s) { return Bytes(s.begin(), s.end()); }

// Little-endian encoding of integers of `width` bytes.
inline Bytes le_ints(const std::vector<std::int64_t>& values, int width) {
  Bytes out;
  for (std::int64_t v : values)
    for (int b = 0; b < width; ++b) out.push_back(static_cast<std::uint8_t>(static_cast<std::uint64_t>(v) >> (8 * b)));
  return out;
}

// A .npy file: magic, version, header length, `dict` padded like numpy does.
inline Bytes npy_file(const std::string& dict, const Bytes& data, int major = 1) {
  const std::size_t prefix = major == 1 ? 10 : 12;
  std::string header = dict;
  while ((prefix + header.size() + 1) % 64 != 0) header += ' ';
  header += '\n';
  Bytes out = {0x93, 'N', 'U', 'M', 'P', 'Y', static_cast<std::uint8_t>(major), 0};
  const std::size_t len = header.size();
  const int len_bytes = major == 1 ? 2 : 4;
  for (int b = 0; b < len_bytes; ++b) out.push_back(static_cast<std::uint8_t>(len >> (8 * b)));
  out.insert(out.end(), header.begin(), header.end());
  out.insert(out.end(), data.begin(), data.end());
  return out;
}

inline std::string npy_dict(const std::string& descr, const std::string& shape, bool fortran = false) {
  return "{'descr': '" + descr + "', 'fortran_order': " + (fortran ? "True" : "False") + ", 'shape': " + shape +
         ", }";
}

// Emits pickle opcodes the way numpy (protocol 3) writes an object array of
// integer ndarrays; `extra` lets a test splice arbitrary bytes in.
class PickleWriter {
 public:
  PickleWriter& raw(const std::string& s) {
    out_.insert(out_.end(), s.begin(), s.end());
    return *this;
  }
  PickleWriter& byte(std::uint8_t b) {
    out_.push_back(b);
    return *this;
  }
  PickleWriter& global(const std::string& module, const std::string& name) {
    return byte('c').raw(module + "\n" + name + "\n");
  }
  PickleWriter& int1(std::uint8_t v) { return byte('K').byte(v); }
  PickleWriter& int4(std::int32_t v) {
    byte('J');
    for (int b = 0; b < 4; ++b) byte(static_cast<std::uint8_t>(static_cast<std::uint32_t>(v) >> (8 * b)));
    return *this;
  }
  PickleWriter& unicode(const std::string& s) {
    byte('X');
    for (int b = 0; b < 4; ++b) byte(static_cast<std::uint8_t>(s.size() >> (8 * b)));
    return raw(s);
  }
  PickleWriter& binbytes(const Bytes& data) {
    byte('B');
    for (int b = 0; b < 4; ++b) byte(static_cast<std::uint8_t>(data.size() >> (8 * b)));
    out_.insert(out_.end(), data.begin(), data.end());
    return *this;
  }
  // dtype(typestr, False, True) then BUILD with byte order `order`.
  PickleWriter& dtype(const std::string& typestr, const std::string& order) {
    global("numpy", "dtype").unicode(typestr).byte(0x89).byte(0x88).byte(0x87).byte('R');
    byte('(').int1(3).unicode(order).byte('N').byte('N').byte('N').int4(-1).int4(-1).int1(0).byte('t').byte('b');
    return *this;
  }
  // _reconstruct(ndarray, (0,), b'b')
  PickleWriter& reconstruct() {
    global("numpy.core.multiarray", "_reconstruct").global("numpy", "ndarray");
    return int1(0).byte(0x85).byte('C').byte(1).byte('b').byte(0x87).byte('R');
  }
  // A complete int32 ndarray (rows x cols), left on the stack.
  PickleWriter& int_array(std::int64_t rows, std::int64_t cols, const std::vector<std::int64_t>& values) {
    reconstruct();
    byte('(').int1(1).int1(static_cast<std::uint8_t>(rows)).int1(static_cast<std::uint8_t>(cols)).byte(0x86);
    dtype("i4", "<").byte(0x89).binbytes(le_ints(values, 4)).byte('t').byte('b');
    return *this;
  }
  // Starts the object array of `count` elements, up to the MARK of its list.
  PickleWriter& begin_object_array(std::uint8_t count) {
    byte(0x80).byte(3).reconstruct();
    byte('(').int1(1).int1(count).byte(0x85).dtype("O8", "|").byte(0x89).byte(']').byte('(');
    return *this;
  }
  PickleWriter& end_object_array() { return byte('e').byte('t').byte('b').byte('.'); }
  const Bytes& bytes() const { return out_; }

 private:
  Bytes out_;
};

// A temporary folder removed at the end of the test.
class TempDir {
 public:
  TempDir() {
    std::random_device rd;
    path_ = std::filesystem::temp_directory_path() / ("lai_readers_" + std::to_string(rd()) + std::to_string(rd()));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

inline void write_bytes(const std::string& path, const Bytes& data) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(data.size()));
  ASSERT_TRUE(out.good()) << path;
}
inline void write_text(const std::string& path, const std::string& text) { write_bytes(path, bytes_of(text)); }
inline Bytes read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return Bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// A ZIP archive written with libzip; `store` keeps members uncompressed so a
// test can find and flip their data bytes.
inline void write_zip(const std::string& path, const std::vector<std::pair<std::string, Bytes>>& members,
                      bool store = false) {
  int err = 0;
  zip_t* z = zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &err);
  ASSERT_NE(z, nullptr) << "zip_open " << err;
  for (const auto& [name, data] : members) {
    zip_source_t* src = zip_source_buffer(z, data.data(), data.size(), 0);
    ASSERT_NE(src, nullptr);
    const zip_int64_t idx = zip_file_add(z, name.c_str(), src, ZIP_FL_OVERWRITE);
    ASSERT_GE(idx, 0) << zip_strerror(z);
    if (store) {
      ASSERT_EQ(zip_set_file_compression(z, static_cast<zip_uint64_t>(idx), ZIP_CM_STORE, 0), 0);
    }
  }
  ASSERT_EQ(zip_close(z), 0);  // the buffers are read here, while `members` is alive
}

// Multiplies random small integer matrices with the scheme, exactly, and
// compares with the naive product. Returns "" on success, else the first
// mismatch in words. Independent of verify.cpp on purpose: a reader test must
// not rely on the verifier it feeds.
inline std::string check_scheme_numerically(const lai::gen::Scheme& s, unsigned seed = 1) {
  using lai::gen::Rational;
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> dist(-3, 3);
  std::vector<Rational> a(static_cast<std::size_t>(s.m * s.k)), b(static_cast<std::size_t>(s.k * s.n));
  for (auto& x : a) x = dist(rng);
  for (auto& x : b) x = dist(rng);
  std::vector<Rational> c(static_cast<std::size_t>(s.m * s.n));
  for (int r = 0; r < s.rank; ++r) {
    Rational la, lb;
    for (int x = 0; x < s.m * s.k; ++x)
      if (!s.u(x, r).is_zero()) la += s.u(x, r) * a[static_cast<std::size_t>(x)];
    for (int y = 0; y < s.k * s.n; ++y)
      if (!s.v(y, r).is_zero()) lb += s.v(y, r) * b[static_cast<std::size_t>(y)];
    const Rational p = la * lb;
    for (int z = 0; z < s.m * s.n; ++z)
      if (!s.w(z, r).is_zero()) c[static_cast<std::size_t>(z)] += s.w(z, r) * p;
  }
  for (int i = 0; i < s.m; ++i)
    for (int l = 0; l < s.n; ++l) {
      Rational want;
      for (int j = 0; j < s.k; ++j) want += a[static_cast<std::size_t>(i * s.k + j)] * b[static_cast<std::size_t>(j * s.n + l)];
      if (!(c[static_cast<std::size_t>(i * s.n + l)] == want))
        return "C[" + std::to_string(i) + "][" + std::to_string(l) + "] = " + c[static_cast<std::size_t>(i * s.n + l)].str() +
               ", expected " + want.str();
    }
  return "";
}

}  // namespace lai::test

// Runs `stmt`, expects lai::gen::InputError whose message contains every
// given substring.
#define EXPECT_INPUT_ERROR(stmt, ...)                                                          \
  do {                                                                                         \
    try {                                                                                      \
      stmt;                                                                                    \
      ADD_FAILURE() << "expected InputError from: " #stmt;                                     \
    } catch (const ::lai::gen::InputError& e_) {                                               \
      for (const std::string& want_ : std::initializer_list<std::string>{__VA_ARGS__})                                                \
        EXPECT_NE(std::string(e_.what()).find(want_), std::string::npos) \
            << "message \"" << e_.what() << "\" lacks \"" << want_ << "\"";                    \
    } catch (const std::exception& e_) {                                                       \
      ADD_FAILURE() << "expected InputError, got another exception: " << e_.what();            \
    }                                                                                          \
  } while (0)
