// Threads sharing regions: notify/wait ping-pong, one handle shared by several threads, and
// close() racing with a blocked wait(). Built also with -fsanitize=thread. No gtest assertion
// runs inside a worker thread: workers record what they saw, the main thread checks it.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "common.hpp"

using namespace std::chrono_literals;

namespace {
// The shared counters live in the region; every access is atomic so that TSan (which cannot see
// the uninstrumented core's own synchronisation) has nothing to report.
std::atomic<std::uint32_t>& slot(const zinc::SharedRegion& r, std::size_t index) {
  static_assert(std::atomic<std::uint32_t>::is_always_lock_free);
  return r.as<std::atomic<std::uint32_t>>(index * 64);
}

// Waits on `r` until pred() holds; false after `limit`.
template <class Pred>
bool wait_until(const zinc::SharedRegion& r, Pred pred, std::chrono::milliseconds limit = 30s) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!pred()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    r.wait(500ms);
  }
  return true;
}
}  // namespace

TEST(Threads, PingPongBetweenTwoHandles) {
  const auto name = zt::unique_name();
  auto a = zinc::SharedRegion::create(name, zt::kPage);
  auto b = zinc::SharedRegion::open(name);
  constexpr std::uint32_t kRounds = 300;
  std::atomic<bool> worker_ok{true};

  std::thread worker([&] {
    try {
      for (std::uint32_t i = 1; i <= kRounds; ++i) {
        if (!wait_until(b, [&] { return slot(b, 0).load() == i; })) {
          worker_ok = false;
          return;
        }
        slot(b, 1).store(i);
        b.notify();
      }
    } catch (...) {
      worker_ok = false;
    }
  });
  bool main_ok = true;
  for (std::uint32_t i = 1; i <= kRounds && main_ok; ++i) {
    slot(a, 0).store(i);
    a.notify();
    main_ok = wait_until(a, [&] { return slot(a, 1).load() == i; });
  }
  worker.join();
  EXPECT_TRUE(main_ok);
  EXPECT_TRUE(worker_ok.load());
  EXPECT_EQ(slot(a, 1).load(), kRounds);
}

TEST(Threads, OneHandleSharedByNotifiersAndAWaiter) {
  const auto name = zt::unique_name();
  auto r = zinc::SharedRegion::create(name, zt::kPage);
  constexpr int kNotifiers = 3;
  constexpr std::uint32_t kEach = 500;
  std::atomic<int> waiter_wakeups{0};
  std::atomic<bool> waiter_ok{true};

  std::thread waiter([&] {
    try {
      const std::uint32_t total = kNotifiers * kEach;
      while (slot(r, 0).load() != total) {
        if (r.wait(500ms)) ++waiter_wakeups;
      }
    } catch (...) {
      waiter_ok = false;
    }
  });
  std::vector<std::thread> notifiers;
  for (int t = 0; t < kNotifiers; ++t) {
    notifiers.emplace_back([&] {
      for (std::uint32_t i = 0; i < kEach; ++i) {
        slot(r, 0).fetch_add(1);
        r.notify();
      }
    });
  }
  for (auto& t : notifiers) t.join();
  waiter.join();
  EXPECT_TRUE(waiter_ok.load());
  EXPECT_EQ(slot(r, 0).load(), kNotifiers * kEach);
  // Notifications coalesce: at least one wake-up, never more than notifications sent.
  EXPECT_GE(waiter_wakeups.load(), 1);
  EXPECT_LE(waiter_wakeups.load(), static_cast<int>(kNotifiers * kEach));
}

TEST(Threads, CloseWhileAnotherThreadWaits) {
  const auto name = zt::unique_name();
  auto r = zinc::SharedRegion::create(name, zt::kPage);
  std::atomic<bool> entering{false};
  std::atomic<int> outcome{0};  // 1 notified, 2 timed out, 3 ClosedError, 4 other

  std::thread waiter([&] {
    entering = true;
    try {
      outcome = r.wait(30s) ? 1 : 2;
    } catch (const zinc::ClosedError&) {
      outcome = 3;
    } catch (...) {
      outcome = 4;
    }
  });
  while (!entering.load()) std::this_thread::yield();
  std::this_thread::sleep_for(50ms);  // let the waiter block (not an assertion)
  r.close();                          // returns at once; no race with the blocked wait
  EXPECT_FALSE(r.is_open());
  EXPECT_THROW(r.notify(), zinc::ClosedError);

  if (zt::shm_exists(name)) {
    // The waiter holds the mapping: its wait is still running on a live handle. Wake it.
    auto other = zinc::SharedRegion::open(name);
    other.notify();
    waiter.join();
    EXPECT_EQ(outcome.load(), 1);
    other.close();
  } else {
    // close() came first: the waiter's call found the region closed.
    waiter.join();
    EXPECT_EQ(outcome.load(), 3);
  }
  EXPECT_FALSE(zt::shm_exists(name));  // the deferred zinc_close ran when the wait returned
}
