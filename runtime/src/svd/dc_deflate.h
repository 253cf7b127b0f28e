// The deflation step of one divide-and-conquer merge: the decisions of
// LAPACK's ?lasd2 (which values deflate, the Givens rotations that zero z
// entries of close values, the order of the rest) computed on the O(N) data
// they depend on, apart from the O(N^2) work of applying them to U and VT.
//
// Why: ?lasd2 applies its rotations and copies U's columns and VT's rows
// (strided) one after the other on one thread. At the top merge of a 4096
// bidiagonal that serial copying was most of the 0.17 s of deflation in the
// thin 4096^2 GPU SVD (bench/svd run 24). Split, the decisions stay
// LAPACK's while the copying runs on all host threads (apply_deflation_*),
// and a merge whose products run elsewhere can apply the same plan there.
//
// Indices follow bdsdc_hybrid's merge of the block of rows 0..N-1 of B:
// left child rows 0..nl-1 (its VT is (nl+1) x (nl+1)), the row nl holding
// (alpha, beta), right child rows nl+1..N-1; M = N + sqre.
#pragma once

#include <vector>

namespace lai::svd {

template <class T>
struct DeflationPlan {
  struct Rotation {
    int a, b;  // columns of U / rows of VT, 0-based, applied as DROT(x=a, y=b)
    T c, s;
  };
  int K = 0;                       // the secular problem's order (>= 1)
  std::vector<T> dsigma;           // N: the K poles (dsigma[0] = 0), then the deflated values
  std::vector<T> z;                // K: the updating row in the order of dsigma
  std::vector<int> src;            // N: new column j >= 1 of U2 (row of VT2) is old column src[j]
  std::vector<Rotation> rotations;  // in the order ?lasd2 applies them
  T c0 = 1, s0 = 0;                // sqre = 1: the rotation of VT's rows nl and M-1 into VT2's row 0
};

// The plan of the merge, as ?lasd2 would decide it.
// D (N): the children's values at 0..nl-1 and nl+1..N-1 (D[nl] ignored);
// on return D[K..N-1] = the deflated values (D[0..K-1] is free for the
// roots). vt_left (nl+1 entries): column nl of the left child's VT, rows
// 0..nl; vt_right (N + sqre - nl - 1 entries): column nl+1 of the right
// child's VT, rows nl+1..M-1. idxq (N, 1-based): the children's sorting
// permutations at 0..nl-1 and nl+1..N-1 (?lasd1's IDXQ). Returns 0.
template <class T>
int plan_deflation(int nl, int nr, int sqre, T* D, T alpha, T beta, const T* vt_left, const T* vt_right,
                   const int* idxq, DeflationPlan<T>& plan);

// The plan on the host, on up to `threads` threads: U's rotations in place,
// U2 (N x N, ldu2) = U's columns in the plan's order with column 0 = e_nl,
// and U's columns K..N-1 = the deflated ones (as ?lasd2 leaves them).
template <class T>
void apply_deflation_u(const DeflationPlan<T>& plan, int nl, int N, T* U, int ldu, T* U2, int ldu2, int threads);

// The same for VT (M x M, ldvt) and VT2 (M x M, ldvt2), per column of VT:
// rotations of its rows, VT2's row 0 and (sqre = 1) VT's and VT2's row
// M-1, the gathered rows, VT's rows K..N-1 = the deflated ones.
template <class T>
void apply_deflation_vt(const DeflationPlan<T>& plan, int nl, int N, int M, T* VT, int ldvt, T* VT2, int ldvt2,
                        int threads);

// The merge as one product per side, for merges whose U and V = VT^T stay
// on the device (bdsdc_hybrid's DcDevice): U_new = U_old W (side_v false,
// W N x N) or V_new = V_old W (side_v true, W M x M), with the plan's
// rotations and order folded into W. Q (K x K, ldq): the secular problem's
// vectors as the host path multiplies them, QL for U, QR^T for V. Column j
// of W is the merge's column order[j] (order null: j; the root's final
// sort), negated where negate[j] (may be null). ldw >= N or M.
template <class T>
void merge_matrix(const DeflationPlan<T>& plan, bool side_v, int nl, int N, int M, const T* Q, int ldq,
                  const int* order, const unsigned char* negate, T* W, int ldw, int threads);

}  // namespace lai::svd
