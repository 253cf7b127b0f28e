// PLinOpt .sms reader: one sparse matrix per file, three files per scheme.
//
// Format (as found in jgdumas/plinopt data/, see ../shared/factors/README.md):
//   optional '#' comment lines (and blank lines),
//   a header "rows cols F" where F is a one-letter domain tag (the published
//   files all say 'R'; LinBox's SMS writer uses other letters such as 'M',
//   so any single ASCII letter is accepted and does not change parsing),
//   then "i j value" triples, 1-based, value an integer or p/q,
//   terminated by "0 0 0"; after it only blank or '#' lines may follow.
// A scheme is the triple <prefix>_L.sms, _R.sms, _P.sms with
//   L: R x (m*k), R: R x (k*n), P: (m*n) x R,  c = P ((L a) ⊙ (R b)),
// a, b, c row-major, so U(x,r) = L[r][x], V(y,r) = R[r][y], W(z,r) = P[z][r].
#include <algorithm>
#include <cctype>
#include <stdexcept>

#include "lai_gen/error.hpp"
#include "lai_gen/readers.hpp"
#include "lai_gen/util.hpp"

namespace lai::gen {
namespace {

// Dense storage is rows*cols Rationals (16 bytes each); 4M entries is far
// above any published scheme (the largest is about 2000 x 144) and keeps a
// hostile header from requesting gigabytes.
constexpr long long kMaxSmsEntries = 1LL << 22;
constexpr long long kMaxSmsDim = kMaxRank > kMaxDimProduct ? kMaxRank : kMaxDimProduct;

std::vector<std::string_view> tokens(std::string_view line) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f'; };
  while (i < line.size()) {
    while (i < line.size() && space(line[i])) ++i;
    const std::size_t start = i;
    while (i < line.size() && !space(line[i])) ++i;
    if (i > start) out.push_back(line.substr(start, i - start));
    if (out.size() > 3) break;  // more than three is an error anyway
  }
  return out;
}

// Non-negative decimal; -1 when not one, or larger than `limit` (then `big`).
long long index_value(std::string_view t, long long limit, bool& big) {
  big = false;
  if (t.empty()) return -1;
  long long v = 0;
  for (char c : t) {
    if (c < '0' || c > '9') return -1;
    v = v * 10 + (c - '0');
    if (v > limit) {
      big = true;
      return -1;
    }
  }
  return v;
}

struct Entry {
  long long i, j;
  std::size_t line;
  Rational value;
};

}  // namespace

SmsMatrix parse_sms_text(std::string_view text, const std::string& origin) {
  auto fail = [&](std::size_t line, const std::string& rule) -> void {
    throw InputError(origin + ":" + std::to_string(line) + ": " + rule);
  };
  SmsMatrix out;
  bool have_header = false, terminated = false;
  std::vector<Entry> entries;
  std::size_t line_no = 0, pos = 0;
  while (pos < text.size()) {
    const std::size_t nl = text.find('\n', pos);
    const std::string_view line = text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    pos = nl == std::string_view::npos ? text.size() : nl + 1;
    ++line_no;
    const auto tok = tokens(line);
    if (tok.empty() || tok[0].front() == '#') continue;
    if (terminated) fail(line_no, "trailing garbage after the terminator '0 0 0'");
    if (tok.size() != 3)
      fail(line_no, std::string(have_header ? "expected a triple 'i j value'" : "expected a header 'rows cols R'") +
                        ", found " + (tok.size() > 3 ? "more than 3" : std::to_string(tok.size())) + " fields");
    if (!have_header) {
      bool big_r = false, big_c = false;
      const long long r = index_value(tok[0], kMaxSmsDim, big_r);
      const long long c = index_value(tok[1], kMaxSmsDim, big_c);
      if (big_r || big_c)
        fail(line_no, "absurd dims in header: rows and cols must be <= " + std::to_string(kMaxSmsDim));
      if (r < 0 || c < 0) fail(line_no, "header rows/cols are not non-negative integers (non-numeric)");
      if (r == 0 || c == 0) fail(line_no, "absurd dims in header: rows and cols must be positive");
      if (r * c > kMaxSmsEntries)
        fail(line_no, "absurd dims in header: " + std::to_string(r) + " x " + std::to_string(c) +
                          " exceeds the limit of " + std::to_string(kMaxSmsEntries) + " entries");
      if (tok[2].size() != 1 || !std::isalpha(static_cast<unsigned char>(tok[2][0])))
        fail(line_no, "header domain tag must be one letter (e.g. 'R'), found '" + std::string(tok[2]) + "'");
      out.rows = static_cast<int>(r);
      out.cols = static_cast<int>(c);
      have_header = true;
      continue;
    }
    bool big_i = false, big_j = false;
    const long long i = index_value(tok[0], out.rows, big_i);
    const long long j = index_value(tok[1], out.cols, big_j);
    if (!big_i && i < 0) fail(line_no, "row index '" + std::string(tok[0]) + "' is non-numeric");
    if (!big_j && j < 0) fail(line_no, "column index '" + std::string(tok[1]) + "' is non-numeric");
    Rational value;
    try {
      value = Rational::parse(tok[2]);
    } catch (const std::exception& e) {
      fail(line_no, std::string("bad value (non-numeric or zero denominator): ") + e.what());
    }
    if (i == 0 && j == 0 && !big_i && !big_j) {
      if (!value.is_zero()) fail(line_no, "terminator must be '0 0 0'");
      terminated = true;
      continue;
    }
    if (big_i || i == 0 || big_j || j == 0)
      fail(line_no, "index out of range: (" + std::string(tok[0]) + ", " + std::string(tok[1]) +
                        ") is outside 1.." + std::to_string(out.rows) + " x 1.." + std::to_string(out.cols));
    if (static_cast<long long>(entries.size()) >= kMaxSmsEntries) fail(line_no, "more triples than matrix entries");
    entries.push_back({i - 1, j - 1, line_no, value});
  }
  if (!have_header) fail(line_no, "no header 'rows cols R' found (empty file?)");
  if (!terminated) fail(line_no, "missing terminator '0 0 0' at end of file (truncated?)");

  std::stable_sort(entries.begin(), entries.end(),
                   [](const Entry& a, const Entry& b) { return a.i != b.i ? a.i < b.i : a.j < b.j; });
  for (std::size_t e = 1; e < entries.size(); ++e)
    if (entries[e].i == entries[e - 1].i && entries[e].j == entries[e - 1].j)
      fail(entries[e].line, "duplicate entry (" + std::to_string(entries[e].i + 1) + ", " +
                                std::to_string(entries[e].j + 1) + "), first given on line " +
                                std::to_string(entries[e - 1].line));
  out.data.assign(static_cast<std::size_t>(out.rows) * static_cast<std::size_t>(out.cols), Rational(0));
  for (const Entry& e : entries)
    out.data[static_cast<std::size_t>(e.i) * static_cast<std::size_t>(out.cols) + static_cast<std::size_t>(e.j)] =
        e.value;
  return out;
}

namespace {

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// "<m>x<k>x<n>_<rank>[_<variant>]". Naming rule (kept simple, see the brief's
// names): the variant is dropped when it is "rational" (the plain scheme), all
// digits (an addition count such as "156") or capitalised (the name of a
// classical algorithm such as "Winograd"); any other word is appended to the
// source ("accurate" -> plinoptaccurate) so distinct variants get distinct
// names.
struct SmsName {
  int m = 0, k = 0, n = 0, rank = 0;
  std::string source = "plinopt";
};

SmsName parse_sms_name(const std::string& stem, const std::string& where) {
  auto bad = [&]() -> SmsName {
    throw InputError(where + ": cannot derive the scheme shape from the file name '" + stem +
                     "': expected <m>x<k>x<n>_<rank>[_<variant>]_{L,R,P}.sms (e.g. 4x4x4_48_rational_L.sms)");
  };
  SmsName out;
  std::size_t pos = 0;
  auto number = [&](long long limit) -> int {
    const std::size_t start = pos;
    long long v = 0;
    while (pos < stem.size() && std::isdigit(static_cast<unsigned char>(stem[pos]))) {
      v = v * 10 + (stem[pos++] - '0');
      if (v > limit) bad();
    }
    if (pos == start || v == 0) bad();
    return static_cast<int>(v);
  };
  auto expect = [&](char c) {
    if (pos >= stem.size() || stem[pos] != c) bad();
    ++pos;
  };
  out.m = number(kMaxDimProduct);
  expect('x');
  out.k = number(kMaxDimProduct);
  expect('x');
  out.n = number(kMaxDimProduct);
  expect('_');
  out.rank = number(kMaxRank);
  if (pos == stem.size()) return out;
  expect('_');
  const std::string variant = stem.substr(pos);
  if (variant.empty()) bad();
  const bool digits = std::all_of(variant.begin(), variant.end(), [](char c) { return c >= '0' && c <= '9'; });
  const bool capital = variant[0] >= 'A' && variant[0] <= 'Z';
  if (variant == "rational" || digits || capital) return out;
  for (char c : variant)
    if (std::isalnum(static_cast<unsigned char>(c))) out.source += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

Scheme read_sms_triple(const std::string& path_or_prefix) {
  std::string prefix = path_or_prefix;
  if (ends_with(prefix, "_L.sms") || ends_with(prefix, "_R.sms") || ends_with(prefix, "_P.sms"))
    prefix.resize(prefix.size() - 6);
  else if (ends_with(prefix, ".sms"))
    throw InputError(path_or_prefix + ": a PLinOpt scheme is a triple of files ending in _L.sms, _R.sms, _P.sms");
  const std::string stem = base_name(prefix);
  const SmsName nm = parse_sms_name(stem, path_or_prefix);

  const SmsMatrix L = parse_sms_text(read_file_text(prefix + "_L.sms"), prefix + "_L.sms");
  const SmsMatrix Rm = parse_sms_text(read_file_text(prefix + "_R.sms"), prefix + "_R.sms");
  const SmsMatrix P = parse_sms_text(read_file_text(prefix + "_P.sms"), prefix + "_P.sms");

  const long long mk = 1LL * nm.m * nm.k, kn = 1LL * nm.k * nm.n, mn = 1LL * nm.m * nm.n;
  auto check = [&](const SmsMatrix& s, const char* which, long long rows, long long cols, const char* what) {
    if (s.rows != rows || s.cols != cols)
      throw InputError(prefix + "_" + which + ".sms: 1: shape " + std::to_string(s.rows) + " x " +
                       std::to_string(s.cols) + " does not match the file name '" + stem + "': " + which +
                       " must be " + what + " = " + std::to_string(rows) + " x " + std::to_string(cols));
  };
  check(L, "L", nm.rank, mk, "rank x (m*k)");
  check(Rm, "R", nm.rank, kn, "rank x (k*n)");
  check(P, "P", mn, nm.rank, "(m*n) x rank");

  Scheme s;
  try {
    s.resize(nm.m, nm.k, nm.n, nm.rank);
  } catch (const std::invalid_argument& e) {
    throw InputError(path_or_prefix + ": absurd dims: " + e.what());
  }
  const int R = nm.rank;
  for (int r = 0; r < R; ++r) {
    for (int x = 0; x < mk; ++x) s.u(x, r) = L.data[static_cast<std::size_t>(r) * mk + x];
    for (int y = 0; y < kn; ++y) s.v(y, r) = Rm.data[static_cast<std::size_t>(r) * kn + y];
    for (int z = 0; z < mn; ++z) s.w(z, r) = P.data[static_cast<std::size_t>(z) * R + r];
  }
  s.name = nm.source + "_" + std::to_string(nm.m) + "x" + std::to_string(nm.k) + "x" + std::to_string(nm.n) + "_r" +
           std::to_string(R);
  s.field = s.integral() ? "Z" : "Q";
  s.provenance = "PLinOpt " + stem + "_{L,R,P}.sms (" + prefix + "_*.sms); U = L^T, V = R^T, W = P";
  return s;
}

}  // namespace lai::gen
