// HostArray: see host_array.h for why these arrays are not std::vector.
#include "svd/host_array.h"

#include <sys/mman.h>

#include <new>
#include <utility>

namespace lai::svd {

namespace {
constexpr std::size_t kHuge = std::size_t{2} << 20;  // x86-64 huge page
}

template <class T>
HostArray<T>::HostArray(std::size_t n) : n_(n) {
  if (n == 0) return;
  if (n > static_cast<std::size_t>(-1) / sizeof(T)) throw std::bad_alloc();
  const std::size_t bytes = n * sizeof(T);
  if (bytes < kHuge) {
    p_ = static_cast<T*>(::operator new(bytes));
    return;
  }
  const std::size_t len = (bytes + kHuge - 1) / kHuge * kHuge;
  void* p = mmap(nullptr, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) throw std::bad_alloc();
  // Advice only: without transparent huge pages this changes nothing.
  (void)madvise(p, len, MADV_HUGEPAGE);
  p_ = static_cast<T*>(p);
  mapped_ = len;
}

template <class T>
HostArray<T>::~HostArray() {
  release();
}

template <class T>
HostArray<T>::HostArray(HostArray&& o) noexcept
    : p_(std::exchange(o.p_, nullptr)), n_(std::exchange(o.n_, 0)), mapped_(std::exchange(o.mapped_, 0)) {}

template <class T>
HostArray<T>& HostArray<T>::operator=(HostArray&& o) noexcept {
  if (this != &o) {
    release();
    p_ = std::exchange(o.p_, nullptr);
    n_ = std::exchange(o.n_, 0);
    mapped_ = std::exchange(o.mapped_, 0);
  }
  return *this;
}

template <class T>
void HostArray<T>::release() noexcept {
  if (p_ == nullptr) return;
  if (mapped_ != 0)
    munmap(p_, mapped_);
  else
    ::operator delete(p_);
  p_ = nullptr;
  n_ = mapped_ = 0;
}

int padded_ld(int n) noexcept {
  const int r = (n + 7) / 8 * 8;
  return r % 256 == 0 ? r + 8 : r;
}

template class HostArray<double>;
template class HostArray<float>;
template class HostArray<int>;

}  // namespace lai::svd
