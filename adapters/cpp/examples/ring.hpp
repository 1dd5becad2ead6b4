// The layout of the small-message ring of docs/PATTERNS.md, shared by ring_producer.cpp and
// ring_consumer.cpp (the Rust pair in examples/src/ring.rs uses the same offsets): `tail`
// (u64, producer) at 0, `head` (u64, consumer) at 64, `parked` (u32, consumer) at 128, then
// 1024 slots of 64 bytes from byte 4096. Message i carries i and i * kCheck.
#pragma once

#include <zinc/zinc.hpp>

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>

namespace ring {

constexpr std::uint64_t kSlots = 1024;
constexpr std::size_t kSlotBytes = 64;
constexpr std::size_t kSlotsAt = 4096;
constexpr std::size_t kCapacity = kSlotsAt + kSlots * kSlotBytes;
constexpr std::uint64_t kCheck = 0x9E3779B97F4A7C15ull;

static_assert(std::atomic<std::uint64_t>::is_always_lock_free, "the ring needs lock-free atomics");

struct Ring {
  std::atomic<std::uint64_t>* tail;
  std::atomic<std::uint64_t>* head;
  std::atomic<std::uint32_t>* parked;
  std::byte* base;

  explicit Ring(const zinc::SharedRegion& r) : base(r.data()) {
    if (r.capacity() < kCapacity) throw std::runtime_error("region too small for the ring");
    // The data area is page-aligned shared memory that the other process also reaches only
    // through lock-free atomics, so these words may be treated as atomic objects.
    tail = reinterpret_cast<std::atomic<std::uint64_t>*>(base);
    head = reinterpret_cast<std::atomic<std::uint64_t>*>(base + 64);
    parked = reinterpret_cast<std::atomic<std::uint32_t>*>(base + 128);
  }
  std::atomic<std::uint64_t>* slot(std::uint64_t i) const {
    return reinterpret_cast<std::atomic<std::uint64_t>*>(base + kSlotsAt +
                                                         (i % kSlots) * kSlotBytes);
  }
};

inline void args(int argc, char** argv, std::string& name, std::uint64_t& count) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s NAME COUNT\n", argv[0]);
    std::exit(2);
  }
  name = argv[1];
  count = std::strtoull(argv[2], nullptr, 10);
}

}  // namespace ring
