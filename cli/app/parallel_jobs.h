#pragma once
/// Independent jobs on a few threads with an outcome that does not depend on how many: jobs
/// start in index order, each exactly once, and the exception of the lowest failing index is
/// rethrown once every started job has ended. After a failure no new job starts; every job
/// below the failing one had already started, so the exception rethrown is the same for any
/// thread count.

#include <sched.h>

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <exception>
#include <thread>
#include <vector>

namespace moesim {

/// The CPUs this process may run on (its affinity: a Slurm allocation, a container's cpuset),
/// else the machine's; at least 1.
inline size_t available_cores() {
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) == 0) {
    return std::max(1, CPU_COUNT(&set));
  }
  return std::max(1u, std::thread::hardware_concurrency());
}

/// Runs job(0) ... job(count - 1) on up to `threads` threads, the calling thread one of them.
template <typename Job>
void run_jobs(size_t count, size_t threads, const Job& job) {
  std::vector<std::exception_ptr> errors(count);
  std::atomic<size_t> next{0};
  std::atomic<bool> failed{false};
  const auto work = [&] {
    for (size_t i = next++; i < count && !failed; i = next++) {
      try {
        job(i);
      } catch (...) {
        errors[i] = std::current_exception();
        failed = true;
      }
    }
  };
  {
    const size_t used = std::clamp<size_t>(threads, 1, std::max<size_t>(1, count));
    std::vector<std::jthread> pool;
    for (size_t t = 1; t < used; ++t) pool.emplace_back(work);
    work();
  }
  for (const std::exception_ptr& e : errors)
    if (e) std::rethrow_exception(e);
}

}  // namespace moesim
