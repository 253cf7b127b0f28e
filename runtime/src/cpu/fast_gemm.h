// The tuned block engine: one or two levels of generated schemes over blocks
// of the operands, on OpenBLAS leaves, in the variants lai-tune measures.
//
// A variant is written as text (tuning tables, lai-tune, lai-bench):
//   blas                                  OpenBLAS alone
//   <scheme>[+<scheme2>]/g<G>/<threads>   e.g. strassen2_4x4x4_r49/g7/split2
// <scheme> is the first level (a registry entry with cpp-block tables),
// +<scheme2> a second level applied to each leaf product (the same scheme for
// two levels of it, strassen_2x2x2_r7 for the hybrid 4x4-then-2x2); without
// it the leaves are classical (cblas). G is the addition strategy: the number
// of consecutive products whose linear combinations are formed in one
// row-interleaved pass over the operands (each source row read once per
// batch, every C row updated once per batch); G = 1 is write-once per
// temporary, G = rank streams each operand once. In every variant a product
// whose left or right form is a single block passes that block to the leaf
// without a copy (coefficient folded into alpha), and a product used by a
// single C block is accumulated into C by the leaf (beta = 1).
// <threads>: "blas" runs the leaves on OpenBLAS's threads and the additions on
// the calling thread; "split2" splits C into two row halves computed by two
// threads, each with single-threaded OpenBLAS leaves and its own additions
// (OpenBLAS's idle worker no longer spins against the additions, but each
// thread forms every right temporary of B itself and the leaves are half
// height); "par2" runs the whole product on two threads that share the
// temporaries: per batch, each forms half the rows of every temporary of A
// and B, then (barrier) runs half the batch's leaf products whole with
// single-threaded OpenBLAS (an odd one split by rows), then (barrier) adds
// half the rows of C. split2 and par2 set OpenBLAS to one thread for the
// call (process-wide; restored by the last concurrent such call).
// In every variant, beta = 0 sets each C block from its first product instead
// of zeroing C first.
//
// Extra memory (elements, n x n x n, one level, per call): the largest batch's
// temporaries, at most G*(mb*kb + kb*nb + mb*nb) = 3G/16 n^2 for 4x4 schemes
// (3G/4 n^2 for 2x2 ones); split2 keeps one set per thread of (n/2) x n
// halves: G*(1/32+1/16+1/32) n^2 per thread (4x4); par2 one shared set,
// 3G/16 n^2 as blas. A second level adds its own (n/4-sized) set, per thread
// for split2 and par2 (par2: + 2 * 3G2/16 (n/4)^2 with G2 = G). The workspace
// is the calling thread's (cpu/workspace.h), allocated once and reused; par2's
// helper thread works in it too.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "cpu/gemm_call.h"

namespace lai::cpu {

// How a variant uses the machine's two cores (see above).
enum class Threads { kBlas, kSplit2, kPar2 };

// "blas", "split2", "par2": the text form's last field.
const char* threads_name(Threads t) noexcept;

struct Variant {
  int scheme = -1;   // registry index of the first level; -1: OpenBLAS alone
  int scheme2 = -1;  // registry index of the second level; -1: classical leaves
  int batch = 1;     // products per addition pass
  Threads threads = Threads::kBlas;

  bool is_blas() const { return scheme < 0; }
  std::string name() const;
};

// Parses the text form; on failure returns nullopt and says why in *error.
std::optional<Variant> parse_variant(std::string_view text, std::string* error);

// Whether the kernels the variant names exist for T in this build.
template <class T>
bool variant_available(const Variant& v) noexcept;

// Workspace elements the variant needs for a row-major m x n x k product.
template <class T>
std::size_t variant_workspace_elements(const Variant& v, int m, int n, int k) noexcept;

// Runs the product with the variant (variant_available, alpha != 0, k > 0).
// Throws lai::Error on workspace allocation failure (C untouched).
template <class T>
void gemm_variant(const Variant& v, const GemmCall<T>& c);

}  // namespace lai::cpu
