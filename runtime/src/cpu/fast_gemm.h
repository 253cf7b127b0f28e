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
// (OpenBLAS's idle worker no longer spins against the additions).
//
// Extra memory (elements, square n, one level, per call): the largest batch's
// temporaries, at most G*(mb*kb + kb*nb + mb*nb) = 3G/16 n^2 for 4x4 schemes;
// split2 keeps one set per thread of (n/2) x n halves: G*(1/32+1/16+1/32) n^2
// per thread. A second level adds its own (n/4-sized) set. The workspace is
// the calling thread's (cpu/workspace.h), allocated once and reused.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "cpu/gemm_call.h"

namespace lai::cpu {

struct Variant {
  int scheme = -1;   // registry index of the first level; -1: OpenBLAS alone
  int scheme2 = -1;  // registry index of the second level; -1: classical leaves
  int batch = 1;     // products per addition pass
  bool split2 = false;

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
