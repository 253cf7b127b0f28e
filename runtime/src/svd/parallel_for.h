// f(i) for i in [0, count) on up to `threads` host threads, in chunks taken
// from a shared counter; the calling thread is one of them. The divide and
// conquer (bdsdc_hybrid.cpp) and its deflation (dc_deflate.cpp) use it for
// their per-root, per-column and per-row loops.
//
// The first exception thrown by f stops the others from taking chunks and
// is rethrown here after every thread has joined; if no thread can be
// started the threads already running (or this one alone) do the work.
#pragma once

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <system_error>
#include <thread>
#include <vector>

namespace lai::svd {

// grain: the fewest items per chunk; fewer than 8 grains run on this thread
// alone (8 items of a cheap loop are not worth a thread start).
template <class F>
void parallel_for(int count, int threads, F&& f, int grain = 8) {
  if (threads <= 1 || count < 8 * grain) {
    for (int i = 0; i < count; ++i) f(i);
    return;
  }
  const int chunk = std::max(grain, count / (threads * 4));
  std::atomic<int> next{0};
  std::exception_ptr error;
  std::mutex error_mu;
  auto work = [&] {
    try {
      for (;;) {
        const int b = next.fetch_add(chunk);
        if (b >= count) return;
        const int end = std::min(count, b + chunk);
        for (int i = b; i < end; ++i) f(i);
      }
    } catch (...) {
      std::lock_guard<std::mutex> lock(error_mu);
      if (!error) error = std::current_exception();
      next.store(count);
    }
  };
  std::vector<std::thread> pool;
  const int nt = std::min(threads, (count + chunk - 1) / chunk);
  try {
    for (int t = 1; t < nt; ++t) pool.emplace_back(work);
  } catch (const std::system_error&) {
    // fewer threads to be had: the ones started and this one share the work
  }
  work();
  for (std::thread& th : pool) th.join();
  if (error) std::rethrow_exception(error);
}

}  // namespace lai::svd
