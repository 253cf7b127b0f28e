#pragma once
// CPU placement of par2's team of two (fast_gemm.cpp).
//
// Why: OpenBLAS's idle worker keeps spinning (sched_yield) for about 2^28
// cycles (~0.1 s) after each of its multi-threaded calls. With that spinner
// and the team's two threads runnable on a 2-core machine, Linux's load
// balancer sees 2 + 1 tasks as balanced and may leave both team members
// time-sharing one core while the spinner has the other to itself; the
// member that falls behind then holds the other at every phase barrier.
// Pinning the two members to two different CPUs of the caller's allowed set
// for the duration of the call keeps one member per core (the spinner then
// yields to the member that shares its core). The caller's own affinity mask
// is restored before the call returns.

namespace lai::cpu {

class TeamPlacement {
 public:
  // Pins the calling thread to the CPU it is running on, and picks another
  // CPU of its allowed set for the helper. Does nothing where the allowed set
  // has fewer than two CPUs, where LAI_PAR2_PIN=0, or off Linux.
  TeamPlacement();
  ~TeamPlacement();  // restores the caller's mask
  TeamPlacement(const TeamPlacement&) = delete;
  TeamPlacement& operator=(const TeamPlacement&) = delete;

  // Called by the helper thread itself before it starts work.
  void place_helper() const;
  bool active() const { return active_; }

 private:
  bool active_ = false;
  int helper_cpu_ = -1;
  alignas(8) unsigned char saved_[128] = {};  // the caller's cpu_set_t (1024 CPUs)
};

}  // namespace lai::cpu
