// lai-probe-launch: what a kernel launch costs on this OpenCL device against
// a grid-wide barrier inside one persistent kernel. The one-stage
// bidiagonalization makes four dependent launches per column (16,380 at
// n = 4096), so whether a persistent panel kernel could replace them is a
// question of these three numbers (docs/svd.md, "Where the time goes"):
//  1. host: clEnqueueNDRangeKernel of an empty kernel, back to back (the
//     host is the pacer: the time per launch is the enqueue's cost);
//  2. device: a kernel of fixed work (a dependent FMA chain of n steps per
//     item) launched back to back, against the same work as phases of one
//     persistent kernel separated by a grid barrier (one atomic counter);
//  3. whether the barrier makes other groups' writes visible: each group
//     reads its neighbour's word before and after the barrier, with
//     OpenCL's mem_fence only and (NVIDIA, inline PTX) fence.acq_rel.gpu.
// The persistent kernel assumes all its groups are resident at once (no
// forward-progress guarantee in OpenCL); its spin is capped so that a
// device that does not run them concurrently ends with an error count, not
// a hang. Output: a table on stdout and, with --json FILE, the numbers.
//   lai-probe-launch [--quick] [--json FILE]
#define CL_TARGET_OPENCL_VERSION 120
#include <CL/cl.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

namespace {

const char* kSource = R"CLC(
#ifndef SPINCAP
#define SPINCAP (1 << 24)
#endif
#if PTX_FENCE
#define GRID_FENCE() asm volatile("fence.acq_rel.gpu;" ::: "memory")
#else
#define GRID_FENCE() mem_fence(CLK_GLOBAL_MEM_FENCE)
#endif
__kernel void empty(__global int* x) { if (get_global_id(0) == 0) x[0] += 1; }
inline double chain(double a, const int n) {
  for (int i = 0; i < n; ++i) a = fma(a, 1.0000001, 1e-12);
  return a;
}
__kernel void busy(__global double* o, const int n) {
  const double a = chain(get_global_id(0) * 1e-9, n);
  if (a == 12345.0) o[0] = a;  // never true: keeps the chain
}
// Arrival number `target` of the counter: every group adds 1, then waits
// until all have. A capped spin counts a timeout in err instead of hanging.
inline void grid_sync(volatile __global int* cnt, const int target, __global int* err) {
  barrier(CLK_GLOBAL_MEM_FENCE | CLK_LOCAL_MEM_FENCE);
  if (get_local_id(0) == 0) {
    GRID_FENCE();
    atomic_inc(cnt);
    int spins = 0;
    while (*cnt < target && ++spins < SPINCAP) {
    }
    if (spins >= SPINCAP) atomic_inc(err);
    GRID_FENCE();
  }
  barrier(CLK_GLOBAL_MEM_FENCE | CLK_LOCAL_MEM_FENCE);
}
__kernel void phases(__global double* o, volatile __global int* cnt, __global int* err, const int n,
                     const int rounds) {
  const int ng = get_num_groups(0);
  double a = get_global_id(0) * 1e-9;
  for (int r = 0; r < rounds; ++r) {
    a = chain(a, n);
    grid_sync(cnt, ng * (r + 1), err);
  }
  if (a == 12345.0) o[0] = a;
}
// Round r: group g writes r into its word, barrier, reads its neighbour's
// word (which it had read, and so may hold in a cache, before the barrier):
// anything but r is a stale read, counted in stale.
__kernel void visibility(__global int* data, volatile __global int* cnt, __global int* err,
                         __global int* stale, const int rounds) {
  const int g = get_group_id(0), ng = get_num_groups(0);
  __global int* mine = data + g * 32;
  __global int* next = data + ((g + 1) % ng) * 32;
  int bad = 0;
  for (int r = 0; r < rounds; ++r) {
    if (get_local_id(0) == 0) *mine = r;
    const int before = *next;
    grid_sync(cnt, ng * (2 * r + 1), err);
    if (*next != r) ++bad;
    grid_sync(cnt, ng * (2 * r + 2), err);  // nobody writes round r+1 before all have read round r
    (void)before;
  }
  if (bad != 0 && get_local_id(0) == 0) atomic_add(stale, bad);
}
)CLC";

struct Fail {
  std::string what;
};

void ck(cl_int rc, const char* what) {
  if (rc != CL_SUCCESS) throw Fail{std::string(what) + " returned " + std::to_string(rc)};
}

using Clock = std::chrono::steady_clock;
double us_since(Clock::time_point t0) { return std::chrono::duration<double, std::micro>(Clock::now() - t0).count(); }

struct Device {
  cl_device_id id{};
  cl_context ctx{};
  cl_command_queue q{};
  cl_command_queue qp{};  // with CL_QUEUE_PROFILING_ENABLE (nullptr if refused)
  std::string name, driver, vendor;
  cl_uint cus = 0;
};

std::string info(cl_device_id d, cl_device_info what) {
  char buf[512] = {};
  clGetDeviceInfo(d, what, sizeof buf - 1, buf, nullptr);
  return buf;
}

cl_program build(const Device& dev, bool ptx) {
  cl_int rc = CL_SUCCESS;
  cl_program p = clCreateProgramWithSource(dev.ctx, 1, &kSource, nullptr, &rc);
  ck(rc, "clCreateProgramWithSource");
  const std::string opts = ptx ? "-DPTX_FENCE=1" : "-DPTX_FENCE=0";
  if (clBuildProgram(p, 1, &dev.id, opts.c_str(), nullptr, nullptr) != CL_SUCCESS) {
    clReleaseProgram(p);
    return nullptr;  // PTX only builds on NVIDIA's compiler
  }
  return p;
}

struct Kernel {
  cl_kernel k{};
  Kernel(cl_program p, const char* name) {
    cl_int rc = CL_SUCCESS;
    k = clCreateKernel(p, name, &rc);
    ck(rc, name);
  }
  ~Kernel() { clReleaseKernel(k); }
  // All arguments in order.
  template <class... T>
  void args(const T&... v) {
    cl_uint i = 0;
    (ck(clSetKernelArg(k, i++, sizeof v, &v), "clSetKernelArg"), ...);
  }
};

void launch(const Device& dev, cl_kernel k, std::size_t groups, std::size_t wg) {
  const std::size_t global = groups * wg;
  ck(clEnqueueNDRangeKernel(dev.q, k, 1, nullptr, &global, &wg, 0, nullptr, nullptr), "clEnqueueNDRangeKernel");
}

// The median event start..end of `count` launches of k on the profiling
// queue (the first few dropped), in us; -1 without one. This is how
// LAI_SVD_PROFILE times kernels, so it says what that adds to a launch.
double median_event_us(const Device& dev, cl_kernel k, std::size_t groups, std::size_t wg, int count) {
  if (dev.qp == nullptr) return -1;
  const std::size_t global = groups * wg;
  std::vector<cl_event> ev(static_cast<std::size_t>(count));
  for (cl_event& e : ev)
    ck(clEnqueueNDRangeKernel(dev.qp, k, 1, nullptr, &global, &wg, 0, nullptr, &e), "clEnqueueNDRangeKernel");
  ck(clFinish(dev.qp), "clFinish");
  std::vector<double> us;
  for (std::size_t i = 0; i < ev.size(); ++i) {
    cl_ulong t0 = 0, t1 = 0;
    clGetEventProfilingInfo(ev[i], CL_PROFILING_COMMAND_START, sizeof t0, &t0, nullptr);
    clGetEventProfilingInfo(ev[i], CL_PROFILING_COMMAND_END, sizeof t1, &t1, nullptr);
    if (i >= 5) us.push_back(1e-3 * static_cast<double>(t1 - t0));
    clReleaseEvent(ev[i]);
  }
  if (us.empty()) return -1;
  std::sort(us.begin(), us.end());
  return us[us.size() / 2];
}

// One launch of k, waited for: its wall time in us.
double timed_launch(const Device& dev, cl_kernel k, std::size_t groups, std::size_t wg) {
  ck(clFinish(dev.q), "clFinish");
  const auto t0 = Clock::now();
  launch(dev, k, groups, wg);
  ck(clFinish(dev.q), "clFinish");
  return us_since(t0);
}

void zero(const Device& dev, cl_mem b, std::size_t bytes) {
  const int z = 0;
  ck(clEnqueueFillBuffer(dev.q, b, &z, sizeof z, 0, bytes, 0, nullptr, nullptr), "clEnqueueFillBuffer");
}

int read_int(const Device& dev, cl_mem b) {
  int v = 0;
  ck(clEnqueueReadBuffer(dev.q, b, CL_TRUE, 0, sizeof v, &v, 0, nullptr, nullptr), "clEnqueueReadBuffer");
  return v;
}

}  // namespace

int main(int argc, char** argv) {
  bool quick = false;
  std::string json;
  for (int a = 1; a < argc; ++a) {
    if (std::strcmp(argv[a], "--quick") == 0) {
      quick = true;
    } else if (std::strcmp(argv[a], "--json") == 0 && a + 1 < argc) {
      json = argv[++a];
    } else {
      std::fprintf(stderr, "lai-probe-launch: unknown argument '%s' (usage: lai-probe-launch [--quick] [--json FILE])\n",
                   argv[a]);
      return 2;
    }
  }
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  std::string rows;  // JSON rows
  try {
    Device dev;
    // The first GPU of any platform (the device machine also has PoCL's
    // CPU device), else the first device.
    cl_uint np = 0;
    ck(clGetPlatformIDs(0, nullptr, &np), "clGetPlatformIDs");
    std::vector<cl_platform_id> plats(np);
    ck(clGetPlatformIDs(np, plats.data(), nullptr), "clGetPlatformIDs");
    bool found = false;
    for (cl_device_type type : {cl_device_type{CL_DEVICE_TYPE_GPU}, cl_device_type{CL_DEVICE_TYPE_ALL}}) {
      for (cl_platform_id p : plats)
        if (!found && clGetDeviceIDs(p, type, 1, &dev.id, nullptr) == CL_SUCCESS) found = true;
    }
    if (!found) throw Fail{"no OpenCL device"};
    dev.name = info(dev.id, CL_DEVICE_NAME);
    dev.driver = info(dev.id, CL_DRIVER_VERSION);
    dev.vendor = info(dev.id, CL_DEVICE_VENDOR);
    clGetDeviceInfo(dev.id, CL_DEVICE_MAX_COMPUTE_UNITS, sizeof dev.cus, &dev.cus, nullptr);
    cl_int rc = CL_SUCCESS;
    dev.ctx = clCreateContext(nullptr, 1, &dev.id, nullptr, nullptr, &rc);
    ck(rc, "clCreateContext");
    dev.q = clCreateCommandQueue(dev.ctx, dev.id, 0, &rc);
    ck(rc, "clCreateCommandQueue");
    dev.qp = clCreateCommandQueue(dev.ctx, dev.id, CL_QUEUE_PROFILING_ENABLE, &rc);
    if (rc != CL_SUCCESS) dev.qp = nullptr;
    std::printf("device: %s (%s), driver %s, %u compute units\n", dev.name.c_str(), dev.vendor.c_str(),
                dev.driver.c_str(), dev.cus);
    cl_mem scratch = clCreateBuffer(dev.ctx, CL_MEM_READ_WRITE, 1 << 20, nullptr, &rc);
    ck(rc, "clCreateBuffer");
    cl_mem cnt = clCreateBuffer(dev.ctx, CL_MEM_READ_WRITE, 64, nullptr, &rc);
    ck(rc, "clCreateBuffer");
    cl_mem err = clCreateBuffer(dev.ctx, CL_MEM_READ_WRITE, 64, nullptr, &rc);
    ck(rc, "clCreateBuffer");
    cl_mem stale = clCreateBuffer(dev.ctx, CL_MEM_READ_WRITE, 64, nullptr, &rc);
    ck(rc, "clCreateBuffer");
    const std::size_t wg = 128;
    const std::size_t cu = std::max<cl_uint>(1, dev.cus);
    auto add_row = [&](const std::string& r) { rows += (rows.empty() ? "" : ",\n") + std::string("    ") + r; };

    for (int ptx = 0; ptx < 2; ++ptx) {
      cl_program prog = build(dev, ptx != 0);
      if (prog == nullptr) {
        std::printf("fence %s: does not build on this device (inline PTX is NVIDIA's)\n", ptx ? "PTX" : "mem_fence");
        continue;
      }
      const char* fence = ptx ? "ptx fence.acq_rel.gpu" : "mem_fence";
      Kernel empty(prog, "empty"), busy(prog, "busy"), phases(prog, "phases"), vis(prog, "visibility");
      {
        // One untimed launch each: some implementations compile at the first.
        const int none = 0;
        empty.args(scratch);
        busy.args(scratch, none);
        phases.args(scratch, cnt, err, none, none);
        vis.args(scratch, cnt, err, stale, none);
        for (cl_kernel k : {empty.k, busy.k, phases.k, vis.k}) launch(dev, k, 1, wg);
        ck(clFinish(dev.q), "clFinish");
      }
      if (ptx == 0) {
        // 1. Host enqueue cost (no device work to speak of).
        const int L = quick ? 50 : 20000;
        for (std::size_t groups : {std::size_t{1}, cu, 8 * cu}) {
          ck(clFinish(dev.q), "clFinish");
          const auto t0 = Clock::now();
          for (int i = 0; i < L; ++i) launch(dev, empty.k, groups, wg);
          ck(clFinish(dev.q), "clFinish");
          const double per = us_since(t0) / L;
          std::printf("empty kernel, %4zu groups: %6.2f us per launch (back to back, %d launches)\n", groups, per, L);
          add_row("{\"test\": \"empty\", \"groups\": " + std::to_string(groups) + ", \"us_per_launch\": " +
                  std::to_string(per) + "}");
        }
      }
      // 2. Fixed work: launches against phases of one persistent kernel.
      for (int n : {0, 2500, 5000}) {
        if (quick && n > 0) break;
        for (std::size_t groups : {cu, 2 * cu}) {
          double per_launch = -1, per_event = -1;
          if (ptx == 0) {
            const int L = quick ? 20 : 2000;
            busy.args(scratch, n);
            ck(clFinish(dev.q), "clFinish");
            const auto t0 = Clock::now();
            for (int i = 0; i < L; ++i) launch(dev, busy.k, groups, wg);
            ck(clFinish(dev.q), "clFinish");
            per_launch = us_since(t0) / L;
            per_event = median_event_us(dev, busy.k, groups, wg, quick ? 10 : 200);
          }
          const int R = quick ? 5 : 2000;
          zero(dev, cnt, 64);
          zero(dev, err, 64);
          phases.args(scratch, cnt, err, n, R);
          const double per_phase = timed_launch(dev, phases.k, groups, wg) / R;
          const int timeouts = read_int(dev, err);
          std::printf("chain of %5d FMAs, %4zu groups, %-22s: ", n, groups, fence);
          if (per_launch >= 0) std::printf("%6.2f us per launch (event-timed %6.2f), ", per_launch, per_event);
          std::printf("%6.2f us per persistent phase (timeouts %d)\n", per_phase, timeouts);
          add_row("{\"test\": \"phases\", \"fence\": \"" + std::string(fence) + "\", \"fma_chain\": " +
                  std::to_string(n) + ", \"groups\": " + std::to_string(groups) + ", \"us_per_launch\": " +
                  (per_launch >= 0 ? std::to_string(per_launch) : std::string("null")) + ", \"us_event_timed\": " +
                  (per_event >= 0 ? std::to_string(per_event) : std::string("null")) +
                  ", \"us_per_phase\": " + std::to_string(per_phase) + ", \"timeouts\": " + std::to_string(timeouts) +
                  "}");
        }
      }
      // 3. Visibility of other groups' writes across the barrier.
      std::vector<std::size_t> vis_groups{2};
      for (std::size_t g : {cu, 2 * cu, 4 * cu})
        if (g > vis_groups.back() && !quick) vis_groups.push_back(g);
      for (std::size_t groups : vis_groups) {
        const int R = quick ? 5 : 5000;
        zero(dev, scratch, 1 << 20);
        zero(dev, cnt, 64);
        zero(dev, err, 64);
        zero(dev, stale, 64);
        vis.args(scratch, cnt, err, stale, R);
        const double per_barrier = timed_launch(dev, vis.k, groups, wg) / (2.0 * R);
        const int bad = read_int(dev, stale), timeouts = read_int(dev, err);
        std::printf("grid barrier, %4zu groups, %-22s: %6.2f us per barrier, stale reads %d of %zu, timeouts %d\n", groups,
                    fence, per_barrier, bad, groups * static_cast<std::size_t>(R), timeouts);
        add_row("{\"test\": \"visibility\", \"fence\": \"" + std::string(fence) + "\", \"groups\": " +
                std::to_string(groups) + ", \"us_per_barrier\": " + std::to_string(per_barrier) +
                ", \"stale_reads\": " + std::to_string(bad) + ", \"reads\": " +
                std::to_string(groups * static_cast<std::size_t>(R)) + ", \"timeouts\": " + std::to_string(timeouts) +
                "}");
      }
      clReleaseProgram(prog);
    }
    for (cl_mem b : {scratch, cnt, err, stale}) clReleaseMemObject(b);
    if (dev.qp != nullptr) clReleaseCommandQueue(dev.qp);
    clReleaseCommandQueue(dev.q);
    clReleaseContext(dev.ctx);
    if (!json.empty()) {
      std::ofstream f(json);
      f << "{\n  \"tool\": \"lai-probe-launch\",\n  \"device\": \"" << dev.name << "\",\n  \"vendor\": \"" << dev.vendor
        << "\",\n  \"driver\": \"" << dev.driver << "\",\n  \"compute_units\": " << dev.cus
        << ",\n  \"work_group\": " << wg << ",\n  \"rows\": [\n"
        << rows << "\n  ]\n}\n";
      if (!f) throw Fail{"cannot write " + json};
    }
  } catch (const Fail& f) {
    std::fprintf(stderr, "lai-probe-launch: %s\n", f.what.c_str());
    return 1;
  }
  return 0;
}
