// Staged host<->device copies (staging.h says why and when).
#include "opencl/staging.h"

#include <algorithm>
#include <atomic>
#include <barrier>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "dispatch/env.h"
#include "opencl/cl_error.h"

namespace lai::ocl {

namespace {

constexpr std::size_t kMinBytes = std::size_t{8} << 20;
constexpr std::size_t kSlotBytes = std::size_t{2} << 20;
constexpr int kMaxThreads = kMaxCopyThreads;
constexpr int kSets = 2;  // one set filling while the other transfers

struct Slot {
  cl_mem buf = nullptr;
  void* ptr = nullptr;      // mapped for the process's lifetime
  cl_event done = nullptr;  // the last transfer through this slot
};

// The staging buffers: created on first use, kept (kSets * kMaxThreads *
// 2 MB = 32 MB of pinned memory) for the process.
struct Stage {
  std::mutex busy;  // held by the one copy that uses the slots
  std::once_flag made;
  bool ok = false;
  std::vector<Slot> slots;
};

std::atomic<std::size_t> g_staged{0};

Stage& stage() {
  static Stage s;
  return s;
}

// LAI_STAGING: 0 off, 1 forced on; -1 (unset or another value) the policy.
int env_staging() {
  const int v = env_int("LAI_STAGING").value_or(-1);
  return v == 0 || v == 1 ? v : -1;
}

void make_slots(const Runtime& rt, Stage& s) {
  std::vector<Slot> slots(static_cast<std::size_t>(kMaxThreads * kSets));
  for (Slot& sl : slots) {
    cl_int rc = CL_SUCCESS;
    sl.buf = clCreateBuffer(rt.context, CL_MEM_ALLOC_HOST_PTR | CL_MEM_READ_WRITE, kSlotBytes, nullptr, &rc);
    if (rc == CL_SUCCESS)
      sl.ptr = clEnqueueMapBuffer(rt.queue, sl.buf, CL_TRUE, CL_MAP_READ | CL_MAP_WRITE, 0, kSlotBytes, 0, nullptr,
                                  nullptr, &rc);
    if (rc != CL_SUCCESS) {
      // No pinned memory to be had: plain copies from now on.
      for (Slot& f : slots)
        if (f.buf != nullptr) clReleaseMemObject(f.buf);
      return;
    }
  }
  s.slots = std::move(slots);
  s.ok = true;
}

std::size_t columns_per_slot(std::size_t col_bytes) { return col_bytes == 0 ? 0 : kSlotBytes / col_bytes; }

bool wanted(const Runtime& rt, std::size_t bytes, std::size_t col_bytes) {
  const int env = env_staging();
  if (env == 0 || bytes < kMinBytes || columns_per_slot(col_bytes) == 0) return false;
  return env == 1 || rt.device.gpu;
}

int thread_count(std::size_t chunks) {
  const unsigned hw = std::max(1u, std::thread::hardware_concurrency());
  int t = static_cast<int>(std::clamp(hw / 2, 1u, static_cast<unsigned>(kMaxThreads)));  // 8 on the H200 machine
  t = std::clamp(env_int("LAI_STAGING_THREADS").value_or(t), 1, kMaxThreads);
  return static_cast<int>(std::min<std::size_t>(static_cast<std::size_t>(t), chunks));
}

void wait_slot(Slot& sl, const std::string& dev) {
  if (sl.done == nullptr) return;
  const cl_int rc = clWaitForEvents(1, &sl.done);
  clReleaseEvent(sl.done);
  sl.done = nullptr;
  check(rc, "clWaitForEvents(staging)", dev);
}

// A staged copy in batches: batch b is chunks b*nt .. b*nt+nt-1 (cpc columns
// each) through slot set b % 2 (nt slots), so the host copies batch b while
// the device transfers batch b-1. Only the calling thread (t = 0) makes
// OpenCL calls; helpers only memcpy. Why: with four threads each enqueueing
// its own transfers, every later kernel launch of the process got slower
// (the 2048^2 bidiagonalization took 0.054-0.059 s instead of 0.046 s on the
// H200 machine, bench/results/svd_nvidia_h200_run16_probe_host.log).
void copy_batches(const Runtime& rt, Stage& s, bool to_device, cl_mem dev_mem, std::size_t dev_offset,
                  std::size_t dev_pitch, char* host, std::size_t host_pitch, std::size_t col_bytes, std::size_t cols,
                  std::size_t cpc, int nt, const char* what, const ColumnVisitor* visit) {
  const std::string& dev = rt.device.name;
  const std::size_t nchunks = (cols + cpc - 1) / cpc;
  const std::size_t nb = (nchunks + static_cast<std::size_t>(nt) - 1) / static_cast<std::size_t>(nt);
  auto slot = [&](std::size_t b, int t) -> Slot& {
    return s.slots[(b % 2) * static_cast<std::size_t>(nt) + static_cast<std::size_t>(t)];
  };
  auto chunk = [&](std::size_t b, int t, std::size_t& c0, std::size_t& nc) {
    const std::size_t ch = b * static_cast<std::size_t>(nt) + static_cast<std::size_t>(t);
    if (ch >= nchunks) return false;
    c0 = ch * cpc;
    nc = std::min(cpc, cols - c0);
    return true;
  };
  const std::string call =
      std::string(to_device ? "clEnqueueWriteBufferRect(" : "clEnqueueReadBufferRect(") + what + ")";
  auto enqueue_batch = [&](std::size_t b) {
    for (int t = 0; t < nt; ++t) {
      std::size_t c0 = 0, nc = 0;
      if (!chunk(b, t, c0, nc)) break;
      Slot& sl = slot(b, t);
      const std::size_t host_origin[3] = {0, 0, 0};
      const std::size_t region[3] = {col_bytes, nc, 1};
      const std::size_t dev_o[3] = {dev_offset, c0, 0};  // byte dev_offset of column c0
      const cl_int rc =
          to_device ? clEnqueueWriteBufferRect(rt.queue, dev_mem, CL_FALSE, dev_o, host_origin, region, dev_pitch, 0,
                                               col_bytes, 0, sl.ptr, 0, nullptr, &sl.done)
                    : clEnqueueReadBufferRect(rt.queue, dev_mem, CL_FALSE, dev_o, host_origin, region, dev_pitch, 0,
                                              col_bytes, 0, sl.ptr, 0, nullptr, &sl.done);
      check(rc, call.c_str(), dev);
    }
    check(clFlush(rt.queue), "clFlush(staging)", dev);
  };
  auto wait_batch = [&](std::size_t b) {
    for (int t = 0; t < nt; ++t) wait_slot(slot(b, t), dev);
  };
  std::barrier sync(nt);
  std::exception_ptr error;
  std::atomic<bool> failed{false};
  auto guarded = [&](auto&& f) {  // thread 0 only
    if (failed.load()) return;
    try {
      f();
    } catch (...) {
      error = std::current_exception();
      failed.store(true);
    }
  };
  auto body = [&](int t) {
    for (std::size_t b = 0; b < nb; ++b) {
      if (t == 0) {
        guarded([&] {
          if (to_device) {
            wait_batch(b);  // batch b-2's transfers out of this slot set
          } else {
            if (b == 0) enqueue_batch(0);
            if (b + 1 < nb) enqueue_batch(b + 1);  // its set held batch b-1, copied out already
            wait_batch(b);
          }
        });
      }
      sync.arrive_and_wait();
      std::size_t c0 = 0, nc = 0;
      if (!failed.load() && chunk(b, t, c0, nc)) {
        char* sp = static_cast<char*>(slot(b, t).ptr);
        for (std::size_t c = 0; c < nc; ++c) {
          char* h = host + (c0 + c) * host_pitch;
          if (to_device) {
            std::memcpy(sp + c * col_bytes, h, col_bytes);
            if (visit != nullptr) (*visit)(t, c0 + c);
          } else {
            std::memcpy(h, sp + c * col_bytes, col_bytes);
          }
        }
      }
      sync.arrive_and_wait();
      if (t == 0 && to_device) guarded([&] { enqueue_batch(b); });
    }
  };
  std::vector<std::thread> helpers;
  for (int t = 1; t < nt; ++t) helpers.emplace_back(body, t);
  body(0);
  for (std::thread& h : helpers) h.join();
  // Leave no transfer running into a slot that the next copy reuses.
  for (Slot& sl : s.slots) {
    if (sl.done == nullptr) continue;
    const cl_int rc = clWaitForEvents(1, &sl.done);
    clReleaseEvent(sl.done);
    sl.done = nullptr;
    if (rc != CL_SUCCESS && !error) {
      try {
        check(rc, "clWaitForEvents(staging)", dev);
      } catch (...) {
        error = std::current_exception();
      }
    }
  }
  if (error) std::rethrow_exception(error);
}

// Returns false (nothing copied) when the staged path is not taken.
bool staged(const Runtime& rt, bool to_device, cl_mem dev_mem, std::size_t dev_offset, std::size_t dev_pitch,
            char* host, std::size_t host_pitch, std::size_t col_bytes, std::size_t cols, const char* what,
            const ColumnVisitor* visit) {
  if (!wanted(rt, col_bytes * cols, col_bytes)) return false;
  Stage& s = stage();
  std::call_once(s.made, [&] { make_slots(rt, s); });
  if (!s.ok) return false;
  std::unique_lock<std::mutex> lock(s.busy, std::try_to_lock);
  if (!lock.owns_lock()) return false;
  const std::size_t cpc = columns_per_slot(col_bytes);
  const int nt = thread_count((cols + cpc - 1) / cpc);
  copy_batches(rt, s, to_device, dev_mem, dev_offset, dev_pitch, host, host_pitch, col_bytes, cols, cpc, nt, what,
               visit);
  g_staged.fetch_add(1, std::memory_order_relaxed);
  return true;
}

}  // namespace

bool staging_used(const Runtime& rt, std::size_t bytes) noexcept {
  return wanted(rt, bytes, 1);
}

std::size_t staged_copies() noexcept { return g_staged.load(std::memory_order_relaxed); }

void write_columns(const Runtime& rt, cl_mem dst, std::size_t dst_offset, std::size_t dst_pitch, const void* src,
                   std::size_t src_pitch, std::size_t col_bytes, std::size_t cols, const char* what,
                   const ColumnVisitor* visit) {
  if (col_bytes == 0 || cols == 0) return;
  char* h = const_cast<char*>(static_cast<const char*>(src));  // only read on this path
  if (staged(rt, true, dst, dst_offset, dst_pitch, h, src_pitch, col_bytes, cols, what, visit)) return;
  if (visit != nullptr)
    for (std::size_t c = 0; c < cols; ++c) (*visit)(0, c);
  const std::size_t dev_o[3] = {dst_offset, 0, 0}, host_o[3] = {0, 0, 0}, region[3] = {col_bytes, cols, 1};
  check(clEnqueueWriteBufferRect(rt.queue, dst, CL_TRUE, dev_o, host_o, region, dst_pitch, 0, src_pitch, 0, src, 0,
                                 nullptr, nullptr),
        (std::string("clEnqueueWriteBufferRect(") + what + ")").c_str(), rt.device.name);
}

void read_columns(const Runtime& rt, cl_mem src, std::size_t src_offset, std::size_t src_pitch, void* dst,
                  std::size_t dst_pitch, std::size_t col_bytes, std::size_t cols, const char* what) {
  if (col_bytes == 0 || cols == 0) return;
  if (staged(rt, false, src, src_offset, src_pitch, static_cast<char*>(dst), dst_pitch, col_bytes, cols, what,
             nullptr))
    return;
  const std::size_t dev_o[3] = {src_offset, 0, 0}, host_o[3] = {0, 0, 0}, region[3] = {col_bytes, cols, 1};
  check(clEnqueueReadBufferRect(rt.queue, src, CL_TRUE, dev_o, host_o, region, src_pitch, 0, dst_pitch, 0, dst, 0,
                                nullptr, nullptr),
        (std::string("clEnqueueReadBufferRect(") + what + ")").c_str(), rt.device.name);
}

}  // namespace lai::ocl
