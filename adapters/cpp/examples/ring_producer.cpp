// Producer of the small-message ring (docs/PATTERNS.md): opens the region and sends COUNT
// messages, calling notify() only when the consumer announced that it may be asleep.
// Usage: ring_producer NAME COUNT (after ring_consumer NAME COUNT printed "ready").
#include "ring.hpp"

#include <iostream>

int main(int argc, char** argv) {
  std::string name;
  std::uint64_t count = 0;
  ring::args(argc, argv, name, count);
  auto region = zinc::SharedRegion::open(name);
  ring::Ring r(region);
  std::uint64_t notifies = 0;
  // Messages below `room` have a free slot; `head` (the consumer's word) is read only when that
  // runs out, so its cache line does not bounce on every message.
  std::uint64_t room = ring::kSlots;
  for (std::uint64_t i = 0; i < count; ++i) {
    while (i == room) {  // full until the consumer frees slots: it is awake and behind
      room = r.head->load(std::memory_order_acquire) + ring::kSlots;
    }
    auto* slot = r.slot(i);
    slot[0].store(i, std::memory_order_relaxed);
    slot[1].store(i * ring::kCheck, std::memory_order_relaxed);
    r.tail->store(i + 1, std::memory_order_release);
    std::atomic_thread_fence(std::memory_order_seq_cst);  // publish `tail` before reading `parked`
    if (r.parked->load(std::memory_order_relaxed) != 0) {
      region.notify();
      ++notifies;
    }
  }
  std::cout << "sent " << count << " messages, " << notifies << " notifies" << std::endl;
}
