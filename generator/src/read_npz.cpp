// AlphaTensor .npz reader: a ZIP of .npy members keyed "m,k,n".
//
// Square schemes are plain integer arrays of shape (3, m*k, R); rectangular
// ones are pickled object arrays of three arrays U (m*k,R), V (k*n,R),
// W (n*m,R) (read by our bounded pickle reader, never by executing it).
// AlphaTensor's W describes C transposed: C[i][l] = sum_r W[l*m+i][r] m_r
// (../shared/factors/README.md, checked), so W rows are permuted into the
// internal row-major index i*n+l of scheme.hpp.
#include <zip.h>

#include <memory>
#include <stdexcept>

#include "lai_gen/error.hpp"
#include "lai_gen/readers.hpp"
#include "lai_gen/util.hpp"
#include "npy_detail.hpp"

namespace lai::gen {
namespace {

// A member larger than this is refused before any allocation; the largest
// published member (11,12,12) is about 3 MB.
constexpr zip_uint64_t kMaxMemberBytes = zip_uint64_t{64} << 20;

struct ZipDiscard {
  void operator()(zip_t* z) const { zip_discard(z); }
};
struct ZipFileClose {
  void operator()(zip_file_t* f) const { zip_fclose(f); }
};
using ZipPtr = std::unique_ptr<zip_t, ZipDiscard>;
using ZipFilePtr = std::unique_ptr<zip_file_t, ZipFileClose>;

ZipPtr open_zip(const std::string& path) {
  int code = 0;
  // CHECKCONS makes libzip compare the central directory with the local
  // headers, so a truncated or spliced archive fails here and not halfway.
  zip_t* z = zip_open(path.c_str(), ZIP_RDONLY | ZIP_CHECKCONS, &code);
  if (!z) {
    zip_error_t err;
    zip_error_init_with_code(&err, code);
    const std::string why = zip_error_strerror(&err);
    zip_error_fini(&err);
    throw InputError(path + ": cannot open as a ZIP archive (.npz): " + why +
                     " (an .npz must be a complete, uncorrupted ZIP file; truncated or damaged?)");
  }
  return ZipPtr(z);
}

std::vector<std::string> entries_of(zip_t* z) {
  std::vector<std::string> out;
  const zip_int64_t n = zip_get_num_entries(z, 0);
  for (zip_int64_t i = 0; i < n; ++i) {
    const char* name = zip_get_name(z, static_cast<zip_uint64_t>(i), 0);
    if (!name) continue;
    std::string s = name;
    if (s.size() > 4 && s.compare(s.size() - 4, 4, ".npy") == 0) out.push_back(s.substr(0, s.size() - 4));
  }
  return out;
}

std::vector<std::uint8_t> read_member(zip_t* z, const std::string& path, const std::string& entry) {
  const std::string member = entry + ".npy";
  const std::string where = path + ":" + entry;
  const zip_int64_t idx = zip_name_locate(z, member.c_str(), 0);
  if (idx < 0) {
    const auto names = entries_of(z);
    std::string few;
    for (std::size_t i = 0; i < names.size() && i < 8; ++i) few += (i ? ", " : "") + names[i];
    if (names.size() > 8) few += ", ... (" + std::to_string(names.size()) + " in all)";
    throw InputError(where + ": missing entry: no member '" + member + "' in the archive; available entries: " +
                     (few.empty() ? "(none)" : few));
  }
  zip_stat_t st;
  zip_stat_init(&st);
  if (zip_stat_index(z, static_cast<zip_uint64_t>(idx), 0, &st) != 0 || !(st.valid & ZIP_STAT_SIZE))
    throw InputError(where + ": cannot stat member '" + member + "': " + zip_strerror(z));
  if (st.size > kMaxMemberBytes)
    throw InputError(where + ": member '" + member + "' claims " + std::to_string(st.size) +
                     " bytes, more than the limit of " + std::to_string(kMaxMemberBytes));
  ZipFilePtr f(zip_fopen_index(z, static_cast<zip_uint64_t>(idx), 0));
  if (!f) throw InputError(where + ": cannot open member '" + member + "': " + zip_strerror(z));
  // One spare byte: a member that inflates to more than its declared size is
  // caught instead of silently cut.
  std::vector<std::uint8_t> buf(static_cast<std::size_t>(st.size) + 1);
  std::size_t got = 0;
  for (;;) {
    const zip_int64_t r = zip_fread(f.get(), buf.data() + got, buf.size() - got);
    if (r < 0)
      throw InputError(where + ": reading member '" + member + "' failed: " + zip_file_strerror(f.get()) +
                       " (corrupt archive: bad CRC or damaged compressed data)");
    if (r == 0) break;
    got += static_cast<std::size_t>(r);
    if (got == buf.size()) break;
  }
  if (got != st.size)
    throw InputError(where + ": member '" + member + "' yielded " + std::to_string(got) +
                     " bytes, the archive directory says " + std::to_string(st.size) + " (corrupt archive)");
  buf.resize(got);
  return buf;
}

// "m,k,n" -> dims, each a positive number within the scheme limits.
void parse_key(const std::string& entry, const std::string& where, int dims[3]) {
  std::size_t pos = 0;
  for (int d = 0; d < 3; ++d) {
    long long v = 0;
    const std::size_t start = pos;
    while (pos < entry.size() && entry[pos] >= '0' && entry[pos] <= '9') {
      v = v * 10 + (entry[pos] - '0');
      if (v > kMaxDimProduct) throw InputError(where + ": absurd dims in entry key (each must be <= " +
                                               std::to_string(kMaxDimProduct) + ")");
      ++pos;
    }
    if (pos == start || v == 0) throw InputError(where + ": entry key must be \"m,k,n\" with positive integers");
    dims[d] = static_cast<int>(v);
    if (d < 2) {
      if (pos >= entry.size() || entry[pos] != ',')
        throw InputError(where + ": entry key must be \"m,k,n\" with positive integers");
      ++pos;
    }
  }
  if (pos != entry.size()) throw InputError(where + ": entry key must be \"m,k,n\" with positive integers");
}

std::string shape_str(const std::vector<std::int64_t>& s) {
  std::string out = "(";
  for (std::size_t i = 0; i < s.size(); ++i) out += (i ? ", " : "") + std::to_string(s[i]);
  return out + (s.size() == 1 ? ",)" : ")");
}

}  // namespace

std::vector<std::string> list_npz_entries(const std::string& path) {
  ZipPtr z = open_zip(path);
  return entries_of(z.get());
}

Scheme read_npz_scheme(const std::string& path, const std::string& entry_in) {
  std::string entry = entry_in;
  if (entry.size() > 4 && entry.compare(entry.size() - 4, 4, ".npy") == 0) entry.resize(entry.size() - 4);
  const std::string where = path + ":" + entry;
  if (entry.empty()) throw InputError(path + ": an .npz holds many schemes; name one as FILE:m,k,n");
  int dims[3];
  parse_key(entry, where, dims);
  const int m = dims[0], k = dims[1], n = dims[2];
  const std::int64_t mk = std::int64_t{m} * k, kn = std::int64_t{k} * n, nm = std::int64_t{n} * m;

  ZipPtr z = open_zip(path);
  const std::vector<std::uint8_t> bytes = read_member(z.get(), path, entry);
  const std::span<const std::uint8_t> span(bytes);
  const detail::NpyHeader h = detail::parse_npy_header(span, where);

  // Collect U, V, W as (rows x R) row-major arrays in AlphaTensor's layout.
  std::vector<detail::ExactArray> f;
  if (h.dtype.kind == 'O') {
    f = detail::parse_pickled_exact(span, where);
    if (f.size() != 3)
      throw InputError(where + ": wrong shape: object array holds " + std::to_string(f.size()) +
                       " arrays, expected 3 (U, V, W)");
  } else {
    const detail::ExactArray a = detail::parse_npy_exact(span, where);
    if (a.shape.size() != 3 || a.shape[0] != 3)
      throw InputError(where + ": wrong shape " + shape_str(a.shape) + ": expected (3, m*k, R) or an object array");
    if (mk != kn || kn != nm)
      throw InputError(where + ": wrong shape " + shape_str(a.shape) + " vs key \"" + entry +
                       "\": a single (3, X, R) array needs m*k = k*n = n*m");
    const auto plane = static_cast<std::size_t>(a.shape[1] * a.shape[2]);
    for (std::size_t t = 0; t < 3; ++t) {
      detail::ExactArray p;
      p.shape = {a.shape[1], a.shape[2]};
      p.data.assign(a.data.begin() + static_cast<std::ptrdiff_t>(t * plane),
                    a.data.begin() + static_cast<std::ptrdiff_t>((t + 1) * plane));
      f.push_back(std::move(p));
    }
  }
  const char* names[3] = {"U", "V", "W"};
  const std::int64_t rows[3] = {mk, kn, nm};
  const std::int64_t rank = f[0].shape.size() == 2 ? f[0].shape[1] : -1;
  for (int t = 0; t < 3; ++t) {
    if (f[t].shape.size() != 2 || f[t].shape[0] != rows[t] || f[t].shape[1] != rank)
      throw InputError(where + ": wrong shape: " + names[t] + " is " + shape_str(f[t].shape) + ", key \"" + entry +
                       "\" needs (" + std::to_string(rows[t]) + ", R) with the same R for U, V, W");
  }
  if (rank < 1 || rank > kMaxRank)
    throw InputError(where + ": absurd rank " + std::to_string(rank) + " (limit " + std::to_string(kMaxRank) + ")");

  Scheme s;
  try {
    s.resize(m, k, n, static_cast<int>(rank));
  } catch (const std::invalid_argument& e) {
    throw InputError(where + ": absurd dims: " + e.what());
  }
  const int R = static_cast<int>(rank);
  auto at = [&](int t, std::int64_t row, int r) { return f[t].data[static_cast<std::size_t>(row * R + r)]; };
  for (int r = 0; r < R; ++r) {
    for (int x = 0; x < m * k; ++x) s.u(x, r) = at(0, x, r);
    for (int y = 0; y < k * n; ++y) s.v(y, r) = at(1, y, r);
    for (int i = 0; i < m; ++i)
      for (int l = 0; l < n; ++l) s.w(i * n + l, r) = at(2, std::int64_t{l} * m + i, r);
  }
  const std::string file = base_name(path);
  const bool f2 = file.find("f2") != std::string::npos;
  s.name = std::string(f2 ? "alphatensorf2" : "alphatensor") + "_" + std::to_string(m) + "x" + std::to_string(k) +
           "x" + std::to_string(n) + "_r" + std::to_string(R);
  // Integer arrays give "Z"; a few float64 entries hold dyadic coefficients
  // such as 1/2 and 1/8, which are read exactly and make the field "Q".
  s.field = s.integral() ? "Z" : "Q";
  s.provenance = "DeepMind AlphaTensor " + file + " entry \"" + entry + "\" (" + path + ")" +
                 (f2 ? ", arithmetic modulo 2 (not valid over the reals)" : "") +
                 "; W rows re-indexed from AlphaTensor's transposed l*m+i to i*n+l";
  return s;
}

}  // namespace lai::gen
