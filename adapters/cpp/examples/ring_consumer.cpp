// Consumer of the small-message ring (docs/PATTERNS.md): creates the region, then takes COUNT
// messages, parking in wait() only when the ring is empty, after announcing it in `parked`.
// Usage: ring_consumer NAME COUNT (start it first, then ring_producer NAME COUNT).
#include "ring.hpp"

#include <chrono>
#include <iostream>

int main(int argc, char** argv) {
  std::string name;
  std::uint64_t count = 0;
  ring::args(argc, argv, name, count);
  auto region = zinc::SharedRegion::create(name, ring::kCapacity);
  ring::Ring r(region);
  std::cout << "ready" << std::endl;
  std::uint64_t head = 0, sleeps = 0;
  std::chrono::steady_clock::time_point start;
  while (head < count) {
    for (int i = 0; i < 4096 && r.tail->load(std::memory_order_acquire) == head; ++i) {
    }  // a message is often only a moment away: poll briefly before considering sleep
    if (r.tail->load(std::memory_order_acquire) == head) {
      // Empty: announce that we may sleep, then look again (the producer publishes `tail`
      // before reading `parked`; with seq_cst fences on both sides one of us sees the other).
      r.parked->store(1, std::memory_order_relaxed);
      std::atomic_thread_fence(std::memory_order_seq_cst);
      if (r.tail->load(std::memory_order_acquire) == head) {
        region.wait(std::chrono::milliseconds(1000));
        ++sleeps;
      }
      r.parked->store(0, std::memory_order_relaxed);
      continue;
    }
    if (head == 0) start = std::chrono::steady_clock::now();
    // Take every message published so far, then free their slots with one store: each shared
    // word crosses between the cores once per batch, not once per message.
    const std::uint64_t tail = r.tail->load(std::memory_order_acquire);
    for (; head < tail; ++head) {
      const auto* slot = r.slot(head);
      const std::uint64_t seq = slot[0].load(std::memory_order_relaxed);
      const std::uint64_t check = slot[1].load(std::memory_order_relaxed);
      if (seq != head || check != head * ring::kCheck) {
        std::cerr << "message " << head << ": got sequence " << seq << "\n";
        return 1;
      }
    }
    r.head->store(head, std::memory_order_release);
  }
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cout << "received " << count << " messages in order, " << count / secs / 1e6 << " M msg/s, "
            << sleeps << " sleeps" << std::endl;
}
