// Large copies of column-major matrices between host memory and the device
// through pinned (page-locked) staging buffers.
//
// Why: NVIDIA's OpenCL copies from and to pageable memory through its own
// bounce buffer, one copy at a time: 128 MB (A of a 4096^2 f64 SVD) took
// 12.9-15.4 ms, 10 GB/s, on the H200 machine (bench/svd runs 13, 16). Here up
// to eight host threads copy columns into mapped CL_MEM_ALLOC_HOST_PTR buffers
// while the device's copy engine drains the ones filled before, so the host
// copy and the transfer overlap and neither waits on one thread's memcpy
// (5.5 ms for the same 128 MB). Only the calling thread makes OpenCL calls
// (staging.cpp says why). LAI_STAGING_THREADS (1-8) sets the number of
// copying threads; default half the hardware threads, at most 8.
//
// Policy: staged when the copy is at least 8 MB and the device is a GPU
// (LAI_STAGING=1 forces it on any device, so that PoCL tests the path;
// LAI_STAGING=0 turns it off; other values are ignored); else, or when another thread holds the
// staging buffers, or a column does not fit a staging slot, one plain
// blocking clEnqueue{Write,Read}BufferRect. Both calls are blocking.
#pragma once

#include <cstddef>
#include <functional>

#include "opencl/cl_api.h"
#include "opencl/runtime.h"

namespace lai::ocl {

// At most this many threads copy; a visitor's thread index is below it.
constexpr int kMaxCopyThreads = 8;

// visit(t, c): called for every host column c of a write, by the copying
// thread t (0 <= t < kMaxCopyThreads; 0 on the plain path) right after it
// copied the column, so that a caller's pass over the data (gesvd_opencl's
// NaN/Inf check and max |A|) reads it while it is in cache instead of in a
// pass of its own. Calls from different threads run concurrently.
using ColumnVisitor = std::function<void(int t, std::size_t c)>;

// Device dst (byte offset dst_offset, column pitch dst_pitch bytes) <- host
// src (column pitch src_pitch bytes): `cols` columns of `col_bytes` bytes.
// `what` names the matrix in error messages.
void write_columns(const Runtime& rt, cl_mem dst, std::size_t dst_offset, std::size_t dst_pitch, const void* src,
                   std::size_t src_pitch, std::size_t col_bytes, std::size_t cols, const char* what,
                   const ColumnVisitor* visit = nullptr);

// Host dst <- device src, the same layout arguments the other way round.
void read_columns(const Runtime& rt, cl_mem src, std::size_t src_offset, std::size_t src_pitch, void* dst,
                  std::size_t dst_pitch, std::size_t col_bytes, std::size_t cols, const char* what);

// Whether a copy of `bytes` would be staged now (policy above; the test's
// check that the path it means to cover is the one taken).
bool staging_used(const Runtime& rt, std::size_t bytes) noexcept;

// How many copies took the staged path in this process (for the tests).
std::size_t staged_copies() noexcept;

}  // namespace lai::ocl
