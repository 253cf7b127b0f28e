// C API misuse: every argument rule of lai_dgemm/lai_sgemm gives
// LAI_ERROR_INVALID_ARGUMENT, a message naming argument, value and rule, and
// leaves C byte-for-byte untouched.
#include <algorithm>
#include <array>
#include <cstring>
#include <string>
#include <vector>

#include "test_support.h"

namespace {

using namespace lai_test;

// Operands big enough for every call below (ld up to 8, 8 lines).
struct Buffers {
  std::vector<double> A = std::vector<double>(64, 1.0);
  std::vector<double> B = std::vector<double>(64, 2.0);
  std::vector<double> C = std::vector<double>(64, 3.0);
};

// Calls lai_dgemm and checks status, message substrings and that C is
// unchanged. The message must start with the function's name.
void expect_invalid(lai_layout layout, lai_transpose ta, lai_transpose tb, int m, int n, int k, const double* A,
                    int lda, const double* B, int ldb, int ldc, const std::vector<std::string>& needles) {
  Buffers buf;
  const std::vector<double> before = buf.C;
  const lai_status st = lai_dgemm(layout, ta, tb, m, n, k, 1.0, A, lda, B, ldb, 0.0, buf.C.data(), ldc);
  EXPECT_EQ(st, LAI_ERROR_INVALID_ARGUMENT);
  const std::string msg = lai_last_error();
  EXPECT_EQ(msg.rfind("lai_dgemm: ", 0), 0u) << msg;
  for (const std::string& s : needles) EXPECT_NE(msg.find(s), std::string::npos) << "'" << s << "' not in: " << msg;
  EXPECT_EQ(std::memcmp(buf.C.data(), before.data(), before.size() * sizeof(double)), 0) << "C was written";
}

const double* a_ptr() {
  static Buffers b;
  return b.A.data();
}
const double* b_ptr() {
  static Buffers b;
  return b.B.data();
}

TEST(GemmArgs, BadEnums) {
  expect_invalid(bad_enum<lai_layout>(0), LAI_NO_TRANS, LAI_NO_TRANS, 2, 2, 2, a_ptr(), 2, b_ptr(), 2, 2,
                 {"layout=0", "LAI_ROW_MAJOR (101)", "LAI_COL_MAJOR (102)"});
  expect_invalid(LAI_ROW_MAJOR, bad_enum<lai_transpose>(110), LAI_NO_TRANS, 2, 2, 2, a_ptr(), 2, b_ptr(), 2, 2,
                 {"transa=110", "LAI_NO_TRANS (111)"});
  expect_invalid(LAI_COL_MAJOR, LAI_TRANS, bad_enum<lai_transpose>(114), 2, 2, 2, a_ptr(), 2, b_ptr(), 2, 2,
                 {"transb=114", "LAI_CONJ_TRANS (113)"});
}

TEST(GemmArgs, NegativeSizes) {
  expect_invalid(LAI_ROW_MAJOR, LAI_NO_TRANS, LAI_NO_TRANS, -1, 2, 2, a_ptr(), 2, b_ptr(), 2, 2, {"m=-1 must be >= 0"});
  expect_invalid(LAI_ROW_MAJOR, LAI_NO_TRANS, LAI_NO_TRANS, 2, -3, 2, a_ptr(), 2, b_ptr(), 2, 2, {"n=-3 must be >= 0"});
  expect_invalid(LAI_COL_MAJOR, LAI_NO_TRANS, LAI_NO_TRANS, 2, 2, -7, a_ptr(), 2, b_ptr(), 2, 2, {"k=-7 must be >= 0"});
}

TEST(GemmArgs, FirstBrokenRuleInArgumentOrderIsReported) {
  // Like CBLAS: layout before sizes before leading dimensions.
  expect_invalid(bad_enum<lai_layout>(5), LAI_NO_TRANS, LAI_NO_TRANS, -1, 2, 2, a_ptr(), 0, b_ptr(), 2, 2,
                 {"layout=5"});
  expect_invalid(LAI_ROW_MAJOR, LAI_NO_TRANS, LAI_NO_TRANS, 2, 2, -1, a_ptr(), 0, b_ptr(), 0, 0, {"k=-1"});
  expect_invalid(LAI_ROW_MAJOR, LAI_NO_TRANS, LAI_NO_TRANS, 2, 2, 2, a_ptr(), 1, b_ptr(), 1, 1, {"lda=1"});
}

TEST(GemmArgs, NullPointersThatWouldBeRead) {
  expect_invalid(LAI_ROW_MAJOR, LAI_NO_TRANS, LAI_NO_TRANS, 2, 3, 4, nullptr, 4, b_ptr(), 3, 3,
                 {"A is NULL", "m=2, n=3, k=4"});
  expect_invalid(LAI_COL_MAJOR, LAI_NO_TRANS, LAI_TRANS, 2, 3, 4, a_ptr(), 2, nullptr, 3, 2, {"B is NULL"});
  const lai_status st =
      lai_dgemm(LAI_ROW_MAJOR, LAI_NO_TRANS, LAI_NO_TRANS, 2, 2, 2, 1.0, a_ptr(), 2, b_ptr(), 2, 0.0, nullptr, 2);
  EXPECT_EQ(st, LAI_ERROR_INVALID_ARGUMENT);
  EXPECT_NE(std::string(lai_last_error()).find("C is NULL"), std::string::npos) << lai_last_error();
}

TEST(GemmArgs, NullPointersThatAreNotReadAreFine) {
  // m = 0: nothing is touched, even C may be NULL (CBLAS checks no pointer).
  EXPECT_EQ(lai_dgemm(LAI_ROW_MAJOR, LAI_NO_TRANS, LAI_NO_TRANS, 0, 2, 2, 1.0, nullptr, 2, nullptr, 2, 0.0, nullptr, 2),
            LAI_SUCCESS)
      << lai_last_error();
  EXPECT_EQ(lai_dgemm(LAI_COL_MAJOR, LAI_NO_TRANS, LAI_NO_TRANS, 2, 0, 2, 1.0, nullptr, 2, nullptr, 2, 0.0, nullptr, 2),
            LAI_SUCCESS)
      << lai_last_error();
}

// Required leading dimension of each operand, written from the CBLAS rules
// independently of the library: the number of elements in a stored line.
struct Need {
  const char* dim;
  int value;
};
Need need_lda(bool row, bool ta, int m, int k) {
  const bool k_long = row != ta;  // row-major no-trans lines are rows of length k
  return k_long ? Need{"k", std::max(1, k)} : Need{"m", std::max(1, m)};
}
Need need_ldb(bool row, bool tb, int k, int n) {
  const bool n_long = row != tb;
  return n_long ? Need{"n", std::max(1, n)} : Need{"k", std::max(1, k)};
}
Need need_ldc(bool row, int m, int n) { return row ? Need{"n", std::max(1, n)} : Need{"m", std::max(1, m)}; }

std::string what(bool row, const char* op, bool trans) {
  return std::string(row ? "row-major " : "column-major ") + op + (trans ? " with transpose" : " without transpose");
}

TEST(GemmArgs, LeadingDimensionsEveryLayoutAndTranspose) {
  // Distinct sizes so the message's max(1,dim)=value identifies the rule;
  // sizes 0 check the max(1, .) part (CBLAS requires ld >= 1 even then).
  const int shapes[][3] = {{3, 5, 7}, {6, 2, 4}, {0, 5, 7}, {3, 0, 7}, {3, 5, 0}};
  for (lai_layout layout : {LAI_ROW_MAJOR, LAI_COL_MAJOR}) {
    const bool row = layout == LAI_ROW_MAJOR;
    for (lai_transpose ta : {LAI_NO_TRANS, LAI_TRANS, LAI_CONJ_TRANS}) {
      for (lai_transpose tb : {LAI_NO_TRANS, LAI_TRANS, LAI_CONJ_TRANS}) {
        for (const auto& sh : shapes) {
          const int m = sh[0], n = sh[1], k = sh[2];
          SCOPED_TRACE("layout=" + std::to_string(layout) + " ta=" + std::to_string(ta) + " tb=" +
                       std::to_string(tb) + " m=" + std::to_string(m) + " n=" + std::to_string(n) +
                       " k=" + std::to_string(k));
          const Need la = need_lda(row, is_trans(ta), m, k);
          const Need lb = need_ldb(row, is_trans(tb), k, n);
          const Need lc = need_ldc(row, m, n);
          std::vector<double> A(64, 1.0), B(64, 1.0);
          // The minimal leading dimensions are accepted.
          {
            std::vector<double> C(64, 0.0);
            EXPECT_EQ(lai_dgemm(layout, ta, tb, m, n, k, 1.0, A.data(), la.value, B.data(), lb.value, 0.0, C.data(),
                                lc.value),
                      LAI_SUCCESS)
                << lai_last_error();
          }
          const std::string ma = "lda=" + std::to_string(la.value - 1) + " must be >= max(1," + la.dim +
                                 ")=" + std::to_string(la.value) + " for " + what(row, "A", is_trans(ta));
          expect_invalid(layout, ta, tb, m, n, k, A.data(), la.value - 1, B.data(), lb.value, lc.value, {ma});
          const std::string mb = "ldb=" + std::to_string(lb.value - 1) + " must be >= max(1," + lb.dim +
                                 ")=" + std::to_string(lb.value) + " for " + what(row, "B", is_trans(tb));
          expect_invalid(layout, ta, tb, m, n, k, A.data(), la.value, B.data(), lb.value - 1, lc.value, {mb});
          const std::string mc = "ldc=" + std::to_string(lc.value - 1) + " must be >= max(1," + lc.dim +
                                 ")=" + std::to_string(lc.value) + " for " +
                                 (row ? "row-major C" : "column-major C");
          expect_invalid(layout, ta, tb, m, n, k, A.data(), la.value, B.data(), lb.value, lc.value - 1, {mc});
        }
      }
    }
  }
}

TEST(GemmArgs, ExampleMessageFromTheHeader) {
  expect_invalid(LAI_ROW_MAJOR, LAI_NO_TRANS, LAI_NO_TRANS, 2, 2, 4, a_ptr(), 3, b_ptr(), 2, 2,
                 {"lai_dgemm: lda=3 must be >= max(1,k)=4 for row-major A without transpose"});
}

TEST(GemmArgs, SgemmUsesItsOwnName) {
  std::vector<float> A(16, 1.0f), C(16, 5.0f);
  const std::vector<float> before = C;
  EXPECT_EQ(lai_sgemm(LAI_COL_MAJOR, LAI_TRANS, LAI_NO_TRANS, 4, 4, 4, 1.0f, A.data(), 4, A.data(), 4, 0.0f, C.data(),
                      3),
            LAI_ERROR_INVALID_ARGUMENT);
  EXPECT_STREQ(lai_last_error(), "lai_sgemm: ldc=3 must be >= max(1,m)=4 for column-major C");
  EXPECT_EQ(std::memcmp(C.data(), before.data(), C.size() * sizeof(float)), 0);
}

TEST(GemmArgs, SuccessLeavesLastErrorAlone) {
  expect_invalid(LAI_ROW_MAJOR, LAI_NO_TRANS, LAI_NO_TRANS, -4, 2, 2, a_ptr(), 2, b_ptr(), 2, 2, {"m=-4"});
  std::vector<double> C(4, 0.0);
  EXPECT_EQ(lai_dgemm(LAI_ROW_MAJOR, LAI_NO_TRANS, LAI_NO_TRANS, 2, 2, 2, 1.0, a_ptr(), 2, b_ptr(), 2, 0.0, C.data(), 2),
            LAI_SUCCESS);
  EXPECT_NE(std::string(lai_last_error()).find("m=-4"), std::string::npos);
}

TEST(Status, StringsAreDistinctAndTotal) {
  const lai_status all[] = {LAI_SUCCESS,         LAI_ERROR_INVALID_ARGUMENT, LAI_ERROR_OUT_OF_MEMORY,
                            LAI_ERROR_NO_DEVICE, LAI_ERROR_OPENCL_BUILD,     LAI_ERROR_OPENCL_RUNTIME,
                            LAI_ERROR_NOT_SUPPORTED, LAI_ERROR_INTERNAL};
  std::vector<std::string> seen;
  for (lai_status s : all) {
    const std::string text = lai_status_string(s);
    EXPECT_FALSE(text.empty());
    EXPECT_EQ(std::count(seen.begin(), seen.end(), text), 0) << text;
    seen.push_back(text);
  }
  EXPECT_STREQ(lai_status_string(bad_enum<lai_status>(99)), "unknown status");
  EXPECT_STREQ(lai_status_string(LAI_SUCCESS), "success");
}

}  // namespace
