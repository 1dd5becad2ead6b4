// Two real processes: this test binary re-executes itself (posix_spawn of /proc/self/exe).
#include <gtest/gtest.h>

#include <chrono>

#include "common.hpp"

using namespace std::chrono_literals;

namespace {
void fill_pattern(const zinc::SharedRegion& r, std::uint32_t seed) {
  auto b = r.bytes();
  for (std::size_t i = 0; i < b.size(); ++i)
    b[i] = std::byte{zt::pattern(seed, static_cast<std::uint32_t>(i))};
}

// Waits (with a predicate, since our own notify also moves the counter) until every byte
// holds reply(seed, i); false after 30 s.
bool await_reply(const zinc::SharedRegion& r, std::uint32_t seed) {
  auto b = r.bytes();
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  for (;;) {
    bool all = true;
    for (std::size_t i = 0; i < b.size() && all; ++i) {
      all = std::to_integer<std::uint8_t>(b[i]) == zt::reply(seed, static_cast<std::uint32_t>(i));
    }
    if (all) return true;
    if (std::chrono::steady_clock::now() > deadline) return false;
    r.wait(1s);
  }
}
}  // namespace

TEST(Process, WriterAndReaderInTwoProcesses) {
  const auto name = zt::unique_name();
  const std::uint32_t seed = 77;
  auto w = zinc::SharedRegion::create(name, 16 * zt::kPage);
  const pid_t child = zt::spawn_child({"reader", name, std::to_string(seed)});
  ASSERT_TRUE(w.wait(30s)) << "child never opened";  // the child's announce
  fill_pattern(w, seed);
  w.notify();
  ASSERT_TRUE(await_reply(w, seed));
  EXPECT_EQ(zt::wait_child(child), 0);
  w.close();
  EXPECT_FALSE(zt::shm_exists(name));
}

TEST(Process, NotifyWakesAWaiterInAnotherProcess) {
  // The child opens, announces itself with notify(), then waits for our byte + notify.
  const auto name = zt::unique_name();
  auto w = zinc::SharedRegion::create(name, zt::kPage);
  const pid_t child = zt::spawn_child({"holder", name});
  ASSERT_TRUE(w.wait(30s)) << "child never opened";
  w.bytes()[0] = std::byte{42};
  w.notify();
  EXPECT_EQ(zt::wait_child(child), 0);
}

TEST(Process, RegionSurvivesCreatorCloseWhileOtherProcessHoldsIt) {
  const auto name = zt::unique_name();
  auto c = zinc::SharedRegion::create(name, zt::kPage);
  auto mine = zinc::SharedRegion::open(name);  // a second handle to signal after c is closed
  const pid_t child = zt::spawn_child({"holder", name});
  ASSERT_TRUE(c.wait(30s)) << "child never opened";
  c.close();  // the creator leaves; the child still holds the region
  EXPECT_TRUE(zt::shm_exists(name));
  mine.bytes()[0] = std::byte{42};
  mine.notify();
  mine.close();
  EXPECT_EQ(zt::wait_child(child), 0);
  EXPECT_FALSE(zt::shm_exists(name));  // the child was the last one out
}

TEST(Process, OpenFromAnotherProcessReportsCodes) {
  const auto missing = zt::unique_name();
  EXPECT_EQ(zt::wait_child(zt::spawn_child({"open-expect", "-2", missing})), 0);
  EXPECT_EQ(zt::wait_child(zt::spawn_child({"open-expect", "-22", "no/slash"})), 0);
}
