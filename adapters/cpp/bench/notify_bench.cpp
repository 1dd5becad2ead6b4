// Tiny timing of the adapter's overhead: zinc::SharedRegion::notify() against a bare
// zinc_notify() on the same handle (no waiter parked, so neither makes a system call).
// Not a test: numbers depend on the machine. Usage: zinc-cpp-bench [iterations]
#include <zinc/zinc.hpp>

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

int main(int argc, char** argv) {
  const long iters = argc > 1 ? std::atol(argv[1]) : 5'000'000;
  const std::string name = "bench_cpp_" + std::to_string(::getpid());
  auto r = zinc::SharedRegion::create(name, 4096);
  ZincHandle h = r.native_handle();
  using Clock = std::chrono::steady_clock;
  auto per_call = [&](auto&& fn) {
    fn();  // warm up
    const auto t0 = Clock::now();
    for (long i = 0; i < iters; ++i) fn();
    return std::chrono::duration<double, std::nano>(Clock::now() - t0).count() / iters;
  };
  double best_noop = 1e300, best_notify = 1e300, best_wait = 1e300;
  for (int round = 0; round < 3; ++round) {
    const double noop = per_call([&] { (void)zinc_capacity(nullptr); });
    const double bare = per_call([&] { zinc_notify(h); });
    const double wrapped = per_call([&] { r.notify(); });
    const double poll_bare = per_call([&] { zinc_wait(h, 0); });
    const double poll_wrapped = per_call([&] { (void)r.wait(std::chrono::milliseconds(0)); });
    std::printf(
        "round %d: zinc_notify %.1f ns, SharedRegion::notify %.1f ns (+%.1f); "
        "zinc_wait(0) %.1f ns, SharedRegion::wait(0ms) %.1f ns (+%.1f)\n",
        round, bare, wrapped, wrapped - bare, poll_bare, poll_wrapped, poll_wrapped - poll_bare);
    best_noop = std::min(best_noop, noop);
    best_notify = std::min(best_notify, wrapped);
    best_wait = std::min(best_wait, poll_wrapped);
  }
  // The one-line form bench/report.py reads into BENCHMARKS.md (best of the rounds).
  std::printf(
      "{\"lang\":\"cpp\",\"runtime\":\"C++, zinc.hpp (notify / wait(0ms); no-op = "
      "zinc_capacity(nullptr))\","
      "\"noop_ns\":%.1f,\"notify_ns\":%.1f,\"wait0_ns\":%.1f}\n",
      best_noop, best_notify, best_wait);
  return 0;
}
