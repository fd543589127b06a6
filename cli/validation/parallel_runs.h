#pragma once
/// Independent simulation runs of a validation suite on threads, up to the hardware's
/// (run_jobs: the first failing job's exception, in job order, is rethrown, so the outcome does
/// not depend on the thread count).

#include <cstddef>
#include <thread>

#include "cli/app/parallel_jobs.h"

namespace moesim {

template <typename Job>
void run_in_parallel(size_t count, const Job& job) {
  run_jobs(count, std::thread::hardware_concurrency(), job);
}

}  // namespace moesim
