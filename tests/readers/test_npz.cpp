// read_npz_scheme / list_npz_entries on archives built here with libzip.
#include <gtest/gtest.h>

#include <algorithm>

#include "builders.hpp"
#include "lai_gen/readers.hpp"

namespace {

using lai::gen::list_npz_entries;
using lai::gen::read_npz_scheme;
using namespace lai::test;

// The naive scheme <m,k,n; m*k*n> in AlphaTensor's convention (W row l*m+i),
// as three (rows x R) row-major matrices.
struct AtFactors {
  std::vector<std::int64_t> u, v, w;
  int rank;
};
AtFactors naive_alphatensor(int m, int k, int n) {
  AtFactors f;
  f.rank = m * k * n;
  f.u.assign(static_cast<std::size_t>(m * k * f.rank), 0);
  f.v.assign(static_cast<std::size_t>(k * n * f.rank), 0);
  f.w.assign(static_cast<std::size_t>(n * m * f.rank), 0);
  int r = 0;
  for (int i = 0; i < m; ++i)
    for (int j = 0; j < k; ++j)
      for (int l = 0; l < n; ++l, ++r) {
        f.u[static_cast<std::size_t>((i * k + j) * f.rank + r)] = 1;
        f.v[static_cast<std::size_t>((j * n + l) * f.rank + r)] = 1;
        f.w[static_cast<std::size_t>((l * m + i) * f.rank + r)] = 1;
      }
  return f;
}

Bytes square_member(int m) {
  const AtFactors f = naive_alphatensor(m, m, m);
  std::vector<std::int64_t> all = f.u;
  all.insert(all.end(), f.v.begin(), f.v.end());
  all.insert(all.end(), f.w.begin(), f.w.end());
  return npy_file(npy_dict("<i8", "(3, " + std::to_string(m * m) + ", " + std::to_string(f.rank) + ")"),
                  le_ints(all, 8));
}

Bytes rect_member(int m, int k, int n) {
  const AtFactors f = naive_alphatensor(m, k, n);
  PickleWriter w;
  w.begin_object_array(3);
  w.int_array(m * k, f.rank, f.u).int_array(k * n, f.rank, f.v).int_array(n * m, f.rank, f.w);
  w.end_object_array();
  return npy_file(npy_dict("|O", "(3,)"), w.bytes());
}

TEST(Npz, ReadsSquareAndRectangularEntriesInTheInternalConvention) {
  TempDir dir;
  const std::string path = dir.file("factorizations_r.npz");
  write_zip(path, {{"2,2,2.npy", square_member(2)}, {"2,1,3.npy", rect_member(2, 1, 3)}});
  EXPECT_EQ(list_npz_entries(path), (std::vector<std::string>{"2,2,2", "2,1,3"}));

  const auto sq = read_npz_scheme(path, "2,2,2");
  EXPECT_EQ(sq.name, "alphatensor_2x2x2_r8");
  EXPECT_EQ(sq.field, "Z");
  EXPECT_NE(sq.provenance.find("factorizations_r.npz"), std::string::npos);
  EXPECT_NE(sq.provenance.find("2,2,2"), std::string::npos);
  EXPECT_EQ(check_scheme_numerically(sq), "");

  // m != n makes a wrong W re-indexing visible.
  const auto rect = read_npz_scheme(path, "2,1,3");
  EXPECT_EQ(rect.name, "alphatensor_2x1x3_r6");
  EXPECT_EQ(rect.m, 2);
  EXPECT_EQ(rect.k, 1);
  EXPECT_EQ(rect.n, 3);
  EXPECT_EQ(check_scheme_numerically(rect), "");
}

TEST(Npz, F2FileGetsItsOwnSource) {
  TempDir dir;
  const std::string path = dir.file("factorizations_f2.npz");
  write_zip(path, {{"2,2,2.npy", square_member(2)}});
  EXPECT_EQ(read_npz_scheme(path, "2,2,2").name, "alphatensorf2_2x2x2_r8");
}

TEST(Npz, MissingEntryListsAvailableOnes) {
  TempDir dir;
  const std::string path = dir.file("a.npz");
  write_zip(path, {{"2,2,2.npy", square_member(2)}, {"2,1,3.npy", rect_member(2, 1, 3)}});
  EXPECT_INPUT_ERROR(read_npz_scheme(path, "4,4,4"), "a.npz:4,4,4", "missing entry", "2,2,2, 2,1,3");
  EXPECT_INPUT_ERROR(read_npz_scheme(path, "four"), "a.npz:four", "\"m,k,n\"");
  EXPECT_INPUT_ERROR(read_npz_scheme(path, "100000,1,1"), "absurd dims");
}

TEST(Npz, ShapeMustMatchTheKey) {
  TempDir dir;
  const std::string path = dir.file("a.npz");
  // A 2x2x2 array stored under a 3,3,3 key, and a rectangular one under the wrong key.
  write_zip(path, {{"3,3,3.npy", square_member(2)}, {"1,2,3.npy", rect_member(2, 1, 3)},
                   {"2,2,3.npy", square_member(2)}});
  EXPECT_INPUT_ERROR(read_npz_scheme(path, "3,3,3"), "a.npz:3,3,3", "wrong shape", "U is (4, 8)");
  EXPECT_INPUT_ERROR(read_npz_scheme(path, "1,2,3"), "a.npz:1,2,3", "wrong shape");
  EXPECT_INPUT_ERROR(read_npz_scheme(path, "2,2,3"), "wrong shape", "m*k = k*n = n*m");
}

TEST(Npz, WrongDtypeIsRefusedWithEntry) {
  TempDir dir;
  const std::string path = dir.file("a.npz");
  write_zip(path, {{"1,1,1.npy", npy_file(npy_dict("<c8", "(3, 1, 1)"), Bytes(24))}});
  EXPECT_INPUT_ERROR(read_npz_scheme(path, "1,1,1"), "a.npz:1,1,1", "dtype '<c8'");
}

TEST(Npz, TruncatedZipIsRefused) {
  TempDir dir;
  const std::string good = dir.file("good.npz");
  write_zip(good, {{"2,2,2.npy", square_member(2)}});
  const Bytes all = read_bytes(good);
  for (std::size_t keep : {std::size_t{0}, std::size_t{10}, all.size() / 2, all.size() - 10}) {
    const std::string cut = dir.file("cut.npz");
    write_bytes(cut, Bytes(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(keep)));
    EXPECT_INPUT_ERROR(read_npz_scheme(cut, "2,2,2"), "cut.npz", "cannot open as a ZIP archive");
    EXPECT_INPUT_ERROR(list_npz_entries(cut), "cut.npz", "ZIP");
  }
  EXPECT_INPUT_ERROR(list_npz_entries(dir.file("absent.npz")), "absent.npz", "cannot open");
}

TEST(Npz, CorruptZipIsRefused) {
  TempDir dir;
  const std::string good = dir.file("good.npz");
  write_zip(good, {{"2,2,2.npy", square_member(2)}});
  Bytes all = read_bytes(good);
  // Flip the bytes of the central directory signature (PK\1\2).
  const Bytes sig = {'P', 'K', 1, 2};
  const auto at = std::search(all.begin(), all.end(), sig.begin(), sig.end());
  ASSERT_NE(at, all.end());
  for (int b = 0; b < 4; ++b) at[b] = static_cast<std::uint8_t>(~at[b]);
  const std::string bad = dir.file("corrupt.npz");
  write_bytes(bad, all);
  EXPECT_INPUT_ERROR(read_npz_scheme(bad, "2,2,2"), "corrupt.npz", "ZIP");
}

TEST(Npz, BadCrcIsRefused) {
  TempDir dir;
  const std::string good = dir.file("good.npz");
  write_zip(good, {{"2,2,2.npy", square_member(2)}}, /*store=*/true);
  Bytes all = read_bytes(good);
  // The stored member's data contains the npy magic; flip a data byte past
  // the header so that only the CRC can notice.
  const Bytes magic = {0x93, 'N', 'U', 'M', 'P', 'Y'};
  const auto at = std::search(all.begin(), all.end(), magic.begin(), magic.end());
  ASSERT_NE(at, all.end());
  at[64 + 3] ^= 0x01;
  const std::string bad = dir.file("crc.npz");
  write_bytes(bad, all);
  EXPECT_INPUT_ERROR(read_npz_scheme(bad, "2,2,2"), "crc.npz:2,2,2", "CRC");
}

TEST(Npz, DeflatedGarbageIsRefused) {
  TempDir dir;
  const std::string good = dir.file("good.npz");
  write_zip(good, {{"2,2,2.npy", square_member(2)}});
  Bytes all = read_bytes(good);
  // Local header is 30 bytes + name (9); scribble over the compressed data.
  for (std::size_t i = 39; i < 60 && i < all.size(); ++i) all[i] = static_cast<std::uint8_t>(all[i] ^ 0x5a);
  const std::string bad = dir.file("deflate.npz");
  write_bytes(bad, all);
  EXPECT_INPUT_ERROR(read_npz_scheme(bad, "2,2,2"), "deflate.npz:2,2,2");
}

}  // namespace
