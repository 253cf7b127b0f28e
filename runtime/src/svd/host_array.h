// Large host work arrays for the bidiagonal SVD that gesvd_opencl runs on the
// host (LAPACK ?bdsdc with vectors: U_B, VT_B and 3 n^2 of workspace).
//
// Why not std::vector: measured with dbdsdc at n=4096 on the development
// machine (bench/svd notes in docs/results.md):
//  - value-initialising 5 n^2 elements cost 0.3 s before LAPACK started
//    (dbdsdc sets U and VT itself and needs no zeroed workspace);
//  - dbdsdc's row copies and swaps of VT (stride ldvt) touch a new 4 KB page
//    at every element; backing the arrays with transparent huge pages
//    (madvise, where the kernel offers them) took it from 0.76 to 0.46 s;
//  - a leading dimension of 4096 puts a whole row of VT into one cache set:
//    padded_ld() keeps it off multiples of 256 elements (0.89 -> 0.59 s).
#pragma once

#include <cstddef>

namespace lai::svd {

// Uninitialised storage for n elements of T; throws std::bad_alloc when the
// memory cannot be had. Arrays of 2 MB and more are mapped separately and
// advised to use huge pages; smaller ones come from operator new.
template <class T>
class HostArray {
 public:
  HostArray() = default;
  explicit HostArray(std::size_t n);
  ~HostArray();
  HostArray(const HostArray&) = delete;
  HostArray& operator=(const HostArray&) = delete;
  HostArray(HostArray&& o) noexcept;
  HostArray& operator=(HostArray&& o) noexcept;

  T* data() const noexcept { return p_; }
  std::size_t size() const noexcept { return n_; }
  T& operator[](std::size_t i) const noexcept { return p_[i]; }

 private:
  void release() noexcept;
  T* p_ = nullptr;
  std::size_t n_ = 0;
  std::size_t mapped_ = 0;  // bytes mapped with mmap; 0: from operator new
};

// A leading dimension >= n for n x n host matrices that LAPACK walks by rows:
// n rounded up to 8 elements, plus 8 when that is a multiple of 256.
int padded_ld(int n) noexcept;

}  // namespace lai::svd
