#include "svd/svd_args.h"

#include <algorithm>
#include <cctype>

namespace lai::svd {

namespace {

std::string show(char c) {
  if (std::isprint(static_cast<unsigned char>(c))) return std::string("'") + c + "'";
  return "character code " + std::to_string(static_cast<int>(static_cast<unsigned char>(c)));
}

ArgError err(int pos, std::string msg) { return ArgError{pos, std::move(msg)}; }

}  // namespace

ArgError check_gesvd_args(char jobu, char jobvt, int m, int n, int lda, int ldu, int ldvt, const void* A,
                          const void* s, const void* U, const void* VT, bool check_pointers, char* ju, char* jv) {
  const char u = static_cast<char>(std::toupper(static_cast<unsigned char>(jobu)));
  const char v = static_cast<char>(std::toupper(static_cast<unsigned char>(jobvt)));
  const std::string jobs = "'A' (all), 'S' (min(m,n) vectors), 'O' (overwrite A) or 'N' (none)";
  if (u != 'A' && u != 'S' && u != 'O' && u != 'N') return err(1, "jobu=" + show(jobu) + " must be " + jobs);
  if (v != 'A' && v != 'S' && v != 'O' && v != 'N') return err(2, "jobvt=" + show(jobvt) + " must be " + jobs);
  if (u == 'O' && v == 'O') {
    return err(2, "jobu and jobvt are both 'O': only one of U and VT can overwrite A; ask for the other as 'S'");
  }
  if (m < 0) return err(3, "m=" + std::to_string(m) + " must be >= 0");
  if (n < 0) return err(4, "n=" + std::to_string(n) + " must be >= 0");
  const int k = std::min(m, n);
  if (lda < std::max(1, m)) {
    return err(6, "lda=" + std::to_string(lda) + " must be >= max(1,m)=" + std::to_string(std::max(1, m)) +
                      " (column-major A, m rows)");
  }
  const bool wu = u == 'A' || u == 'S';
  if (ldu < 1 || (wu && ldu < m)) {
    return err(9, "ldu=" + std::to_string(ldu) + " must be >= " + (wu ? "max(1,m)=" + std::to_string(std::max(1, m)) : std::string("1")) +
                      " for jobu=" + show(u));
  }
  const int need_vt = v == 'A' ? n : (v == 'S' ? k : 1);
  if (ldvt < std::max(1, need_vt)) {
    return err(11, "ldvt=" + std::to_string(ldvt) + " must be >= " +
                       (v == 'A' ? "max(1,n)=" : v == 'S' ? "max(1,min(m,n))=" : "") +
                       std::to_string(std::max(1, need_vt)) + " for jobvt=" + show(v));
  }
  if (check_pointers) {
    if (A == nullptr && m > 0 && n > 0) return err(5, "A is NULL but m=" + std::to_string(m) + ", n=" + std::to_string(n) + " > 0");
    if (s == nullptr && k > 0) return err(7, "s is NULL but min(m,n)=" + std::to_string(k) + " > 0");
    const int ucols = u == 'A' ? m : k;
    if (wu && U == nullptr && m > 0 && ucols > 0) return err(8, "U is NULL but jobu=" + show(u) + " writes it");
    const int vtrows = v == 'A' ? n : k;
    if ((v == 'A' || v == 'S') && VT == nullptr && n > 0 && vtrows > 0) {
      return err(10, "VT is NULL but jobvt=" + show(v) + " writes it");
    }
  }
  *ju = u;
  *jv = v;
  return {};
}

}  // namespace lai::svd
