#include "cpu/team_affinity.h"

#include <cstdlib>
#include <cstring>

#ifdef __linux__
#include <pthread.h>
#include <sched.h>
#endif

namespace lai::cpu {

#ifdef __linux__
static_assert(sizeof(cpu_set_t) <= 128, "TeamPlacement::saved_ holds one cpu_set_t");

TeamPlacement::TeamPlacement() {
  if (const char* e = std::getenv("LAI_PAR2_PIN"); e != nullptr && std::strcmp(e, "0") == 0) return;
  cpu_set_t allowed;
  CPU_ZERO(&allowed);
  if (pthread_getaffinity_np(pthread_self(), sizeof allowed, &allowed) != 0) return;
  if (CPU_COUNT(&allowed) < 2) return;
  const int here = sched_getcpu();
  if (here < 0 || here >= CPU_SETSIZE || !CPU_ISSET(here, &allowed)) return;
  // The helper takes the next allowed CPU after ours (wrapping), so two
  // concurrent par2 calls from threads on different CPUs tend to spread out.
  for (int d = 1; d < CPU_SETSIZE && helper_cpu_ < 0; ++d) {
    const int c = (here + d) % CPU_SETSIZE;
    if (CPU_ISSET(c, &allowed)) helper_cpu_ = c;
  }
  if (helper_cpu_ < 0) return;
  cpu_set_t mine;
  CPU_ZERO(&mine);
  CPU_SET(here, &mine);
  if (pthread_setaffinity_np(pthread_self(), sizeof mine, &mine) != 0) return;
  std::memcpy(saved_, &allowed, sizeof allowed);
  active_ = true;
}

TeamPlacement::~TeamPlacement() {
  if (!active_) return;
  cpu_set_t allowed;
  std::memcpy(&allowed, saved_, sizeof allowed);
  pthread_setaffinity_np(pthread_self(), sizeof allowed, &allowed);
}

void TeamPlacement::place_helper() const {
  if (!active_) return;
  cpu_set_t one;
  CPU_ZERO(&one);
  CPU_SET(helper_cpu_, &one);
  pthread_setaffinity_np(pthread_self(), sizeof one, &one);  // best effort: unpinned still computes correctly
}
#else
TeamPlacement::TeamPlacement() = default;
TeamPlacement::~TeamPlacement() = default;
void TeamPlacement::place_helper() const {}
#endif

}  // namespace lai::cpu
