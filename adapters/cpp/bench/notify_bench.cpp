// Tiny timing of the adapter's overhead: zinc::SharedRegion::notify() against a bare
// zinc_notify() on the same handle (no waiter parked, so neither makes a system call).
// Not a test: numbers depend on the machine. Usage: zinc-cpp-bench [iterations]
#include <zinc/zinc.hpp>

#include <unistd.h>

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
  for (int round = 0; round < 3; ++round) {
    const double bare = per_call([&] { zinc_notify(h); });
    const double wrapped = per_call([&] { r.notify(); });
    const double poll_bare = per_call([&] { zinc_wait(h, 0); });
    const double poll_wrapped = per_call([&] { (void)r.wait(std::chrono::milliseconds(0)); });
    std::printf("round %d: zinc_notify %.1f ns, SharedRegion::notify %.1f ns (+%.1f); "
                "zinc_wait(0) %.1f ns, SharedRegion::wait(0ms) %.1f ns (+%.1f)\n",
                round, bare, wrapped, wrapped - bare, poll_bare, poll_wrapped,
                poll_wrapped - poll_bare);
  }
  return 0;
}
