// Stage 2 of the planned two-stage SVD (docs/svd.md, "Planned"): an upper
// band matrix (bandwidth b) reduced to upper bidiagonal form by Householder
// bulge chasing on the host, values only (the reflectors are not kept).
//
// Why on the host: stage 2 is n sweeps of n/b small steps that depend on
// each other; each step touches a (2b-1) x b and a b x 2b block. On the GPU
// that is a chain of tiny launches or a persistent kernel whose groups wait
// on each other (docs/results.md, sessions 8 and 11: a launch costs ~5 us,
// and OpenCL gives no cross-group visibility without NVIDIA's PTX fence).
// On the host the steps of consecutive sweeps pipeline over threads, as in
// PLASMA/MAGMA's bulge chasing.
//
// Method. Sweep i makes row i bidiagonal. Its step k works at column
// c = i + 1 + k b: a reflector from the right on columns [c, c + b) that
// zeroes row r (r = i for k = 0, else c - b) beyond column c, applied to
// rows (r, c + b); then a reflector from the left on rows [c, c + b) that
// zeroes column c below its diagonal, applied to columns (c, c + 2b). The
// fill each step leaves (below the diagonal inside the block, and up to
// column c + 2b - 1 in its rows) is inside the blocks the next sweep's
// same step works on, so the matrix stays within rows c - 2b + 1 .. c + b - 1
// of each column c, which the working storage holds.
//
// Threads: sweeps are taken in order by T threads; step k of sweep s (at
// column c) starts once sweep s-1 has finished its step k + 2, whose row
// reflector sits on row c + b - 1, the last row of our column step, and
// shares element (c + b - 1, c + 2b - 1) with it (step k + 1 overlaps more,
// step k + 3 nothing; a wait for k + 1 only gave wrong values in the tests).
// Steps of one sweep touch the elements in the same order whatever the
// thread count, so the result is bitwise the same for every T (the tests
// rely on it).
#pragma once

namespace lai::svd {

// Input: the n x n upper band matrix in LAPACK's band storage with kl = 0,
// ku = b (as ?gbbrd takes it): element (r, c), max(0, c - b) <= r <= c, at
// ab[(b + r - c) + c * ldab], ldab >= b + 1; not modified.
// Output: d[0..n) the diagonal and e[0..n-1) the superdiagonal of an upper
// bidiagonal matrix with the same singular values (signs not normalised).
// threads: host threads for the sweeps (<= 0: all hardware threads).
// group: consecutive sweeps one thread takes at a time (>= 1; cache reuse
// against pipeline depth: the chain of waits grows as 3 n group steps).
// Returns 0, or -(argument position) for an invalid argument, as LAPACK's
// info does: 1 n < 0, 2 b < 0, 3 ab null with n > 0, 4 ldab < b + 1,
// 5 d null with n > 0, 6 e null with n > 1, 8 group < 1.
int band_to_bidiagonal(int n, int b, const double* ab, int ldab, double* d, double* e, int threads, int group = 1);
int band_to_bidiagonal(int n, int b, const float* ab, int ldab, float* d, float* e, int threads, int group = 1);

// Floating-point operations of the chase as counted for rates: 16 b n^2
// (two b-long reflectors per step, each applied to about 2 b^2 entries).
double band_to_bidiagonal_flops(int n, int b);

}  // namespace lai::svd
