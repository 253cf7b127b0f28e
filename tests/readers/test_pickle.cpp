// parse_pickled_object_array: accepts numpy's object-array pickle and nothing
// else; every refusal names the byte offset and the opcode.
#include <gtest/gtest.h>

#include "builders.hpp"
#include "lai_gen/readers.hpp"

namespace {

using lai::gen::parse_pickled_object_array;
using namespace lai::test;

Bytes three_arrays() {
  PickleWriter w;
  w.begin_object_array(3);
  w.int_array(2, 2, {1, 0, 0, 1});
  w.int_array(2, 1, {-1, 2});
  w.int_array(1, 3, {3, 4, 5});
  w.end_object_array();
  return w.bytes();
}

TEST(Pickle, ReadsNumpyObjectArrayOfIntArrays) {
  const auto arrays = parse_pickled_object_array(three_arrays(), "p");
  ASSERT_EQ(arrays.size(), 3u);
  EXPECT_EQ(arrays[0].shape, (std::vector<std::int64_t>{2, 2}));
  EXPECT_EQ(arrays[0].data, (std::vector<std::int64_t>{1, 0, 0, 1}));
  EXPECT_EQ(arrays[1].data, (std::vector<std::int64_t>{-1, 2}));
  EXPECT_EQ(arrays[2].shape, (std::vector<std::int64_t>{1, 3}));
}

TEST(Pickle, ReadsItInsideAnNpyFile) {
  const Bytes f = npy_file(npy_dict("|O", "(3,)"), three_arrays());
  EXPECT_EQ(parse_pickled_object_array(f, "p.npy").size(), 3u);
  const Bytes wrong = npy_file(npy_dict("|O", "(4,)"), three_arrays());
  EXPECT_INPUT_ERROR(parse_pickled_object_array(wrong, "p.npy"), "header shape does not match");
  const Bytes ints = npy_file(npy_dict("<i4", "(1,)"), le_ints({1}, 4));
  EXPECT_INPUT_ERROR(parse_pickled_object_array(ints, "p.npy"), "not an object array");
}

TEST(Pickle, ForbiddenGlobalIsRefused) {
  PickleWriter w;
  w.byte(0x80).byte(3).global("os", "system").unicode("echo hi").byte(0x85).byte('R').byte('.');
  EXPECT_INPUT_ERROR(parse_pickled_object_array(w.bytes(), "evil.npy"), "evil.npy", "byte 2", "GLOBAL",
                     "os.system is not allowed");
  PickleWriter b;
  b.byte(0x80).byte(3).global("builtins", "eval");
  EXPECT_INPUT_ERROR(parse_pickled_object_array(b.bytes(), "evil.npy"), "builtins.eval is not allowed");
  // STACK_GLOBAL (protocol 4) goes through the same allow-list.
  PickleWriter s;
  s.byte(0x80).byte(4).unicode("subprocess").unicode("call").byte(0x93);
  EXPECT_INPUT_ERROR(parse_pickled_object_array(s.bytes(), "evil.npy"), "STACK_GLOBAL", "subprocess.call");
}

TEST(Pickle, ForbiddenOpcodesAreRefused) {
  for (std::uint8_t op : {std::uint8_t{'i'}, std::uint8_t{'o'}, std::uint8_t{0x81}, std::uint8_t{'}'},
                          std::uint8_t{'P'}, std::uint8_t{0x82}, std::uint8_t{0xff}}) {
    PickleWriter w;
    w.byte(0x80).byte(3).byte(op);
    char hex[8];
    std::snprintf(hex, sizeof hex, "0x%02x", op);
    EXPECT_INPUT_ERROR(parse_pickled_object_array(w.bytes(), "op.npy"), "op.npy", "byte 2", hex, "not accepted");
  }
}

TEST(Pickle, StructuralErrorsAreRefused) {
  const Bytes good = three_arrays();
  // Truncated anywhere: never a crash, always the offset.
  for (std::size_t cut : {std::size_t{1}, std::size_t{5}, good.size() / 2, good.size() - 1}) {
    const Bytes t(good.begin(), good.begin() + static_cast<std::ptrdiff_t>(cut));
    EXPECT_INPUT_ERROR(parse_pickled_object_array(t, "t.npy"), "t.npy", "byte");
  }
  Bytes trailing = good;
  trailing.push_back('N');
  EXPECT_INPUT_ERROR(parse_pickled_object_array(trailing, "t.npy"), "trailing garbage");

  PickleWriter memo;
  memo.byte(0x80).byte(3).byte('h').byte(7);
  EXPECT_INPUT_ERROR(parse_pickled_object_array(memo.bytes(), "m.npy"), "BINGET", "memo index 7 was never stored");

  PickleWriter under;
  under.byte(0x80).byte(3).byte('R');
  EXPECT_INPUT_ERROR(parse_pickled_object_array(under.bytes(), "u.npy"), "REDUCE", "stack underflow");

  PickleWriter marks;
  marks.byte(0x80).byte(3);
  for (int i = 0; i < 100; ++i) marks.byte('(');
  EXPECT_INPUT_ERROR(parse_pickled_object_array(marks.bytes(), "k.npy"), "MARK", "nested deeper");

  PickleWriter proto;
  proto.byte(0x80).byte(1);
  EXPECT_INPUT_ERROR(parse_pickled_object_array(proto.bytes(), "p.npy"), "PROTO", "protocol 1");

  // A pickle of a plain integer is not an object array.
  PickleWriter scalar;
  scalar.byte(0x80).byte(3).int1(5).byte('.');
  EXPECT_INPUT_ERROR(parse_pickled_object_array(scalar.bytes(), "s.npy"), "does not produce a numpy array");

  // ndarray called directly instead of through _reconstruct.
  PickleWriter direct;
  direct.byte(0x80).byte(3).global("numpy", "ndarray").byte(')').byte('R');
  EXPECT_INPUT_ERROR(parse_pickled_object_array(direct.bytes(), "d.npy"), "calling numpy.ndarray directly");
}

TEST(Pickle, ElementRulesAreThoseOfNpy) {
  // An element whose byte count does not match its shape.
  PickleWriter w;
  w.begin_object_array(1);
  w.int_array(2, 2, {1, 2, 3});
  w.end_object_array();
  EXPECT_INPUT_ERROR(parse_pickled_object_array(w.bytes(), "e.npy"), "e.npy", "element 0", "does not match");

  // A float element with a non-integral value.
  PickleWriter f;
  f.begin_object_array(1).reconstruct();
  f.byte('(').int1(1).int1(1).byte(0x85).dtype("f8", "<").byte(0x89).binbytes(Bytes{0, 0, 0, 0, 0, 0, 0xe0, 0x3f});
  f.byte('t').byte('b').end_object_array();
  EXPECT_INPUT_ERROR(parse_pickled_object_array(f.bytes(), "f.npy"), "element 0", "is not an integer");

  // Absurd element shape.
  PickleWriter big;
  big.begin_object_array(1).reconstruct();
  big.byte('(').int1(1).int4(0x7fffffff).int4(0x7fffffff).byte(0x86).dtype("i4", "<").byte(0x89).binbytes({});
  big.byte('t').byte('b').end_object_array();
  EXPECT_INPUT_ERROR(parse_pickled_object_array(big.bytes(), "b.npy"), "absurd dims");
}

}  // namespace
