// Lifecycle, zero-copy, move semantics, close and view lifetime (deferred unmap).
#include <gtest/gtest.h>

#include <cstring>
#include <type_traits>
#include <utility>

#include "common.hpp"

using namespace std::chrono_literals;

static_assert(!std::is_copy_constructible_v<zinc::SharedRegion>);
static_assert(!std::is_copy_assignable_v<zinc::SharedRegion>);
static_assert(std::is_nothrow_move_constructible_v<zinc::SharedRegion>);
static_assert(std::is_nothrow_move_assignable_v<zinc::SharedRegion>);
static_assert(std::is_base_of_v<std::system_error, zinc::Error>);

TEST(Region, CreateOpenCapacityAndData) {
  const auto name = zt::unique_name();
  {
    auto w = zinc::SharedRegion::create(name, 3 * zt::kPage);
    EXPECT_TRUE(w.is_open());
    EXPECT_TRUE(static_cast<bool>(w));
    EXPECT_EQ(w.capacity(), 3 * zt::kPage);
    EXPECT_EQ(w.name(), name);
    ASSERT_NE(w.data(), nullptr);
    EXPECT_EQ(reinterpret_cast<std::uintptr_t>(w.data()) % 64, 0u);
    EXPECT_NE(w.native_handle(), nullptr);
    EXPECT_TRUE(zt::shm_exists(name));

    auto r = zinc::SharedRegion::open(name);
    EXPECT_EQ(r.capacity(), 3 * zt::kPage);
    EXPECT_NE(r.data(), w.data());  // two handles, two mappings of the same pages
  }
  EXPECT_FALSE(zt::shm_exists(name));
}

TEST(Region, ZeroCopyBothWays) {
  const auto name = zt::unique_name();
  auto w = zinc::SharedRegion::create(name, zt::kPage);
  auto r = zinc::SharedRegion::open(name);

  // Native pointer -> view of the same handle and of another handle.
  std::memcpy(w.data() + 100, "zinc", 4);
  auto wb = w.bytes();
  auto rb = r.bytes();
  EXPECT_EQ(wb.size(), zt::kPage);
  EXPECT_EQ(std::memcmp(wb.data() + 100, "zinc", 4), 0);
  EXPECT_EQ(std::memcmp(rb.data() + 100, "zinc", 4), 0);
  EXPECT_EQ(wb.data(), w.data());

  // View -> native pointer.
  rb[zt::kPage - 1] = std::byte{0xAB};
  EXPECT_EQ(std::to_integer<int>(w.data()[zt::kPage - 1]), 0xAB);

  // Typed access goes to the same bytes.
  r.as<std::uint32_t>(8) = 0xDEADBEEFu;
  std::uint32_t v = 0;
  std::memcpy(&v, w.data() + 8, 4);
  EXPECT_EQ(v, 0xDEADBEEFu);
}

TEST(Region, MoveConstructTransfersOwnership) {
  const auto name = zt::unique_name();
  auto a = zinc::SharedRegion::create(name, zt::kPage);
  std::byte* p = a.data();
  zinc::SharedRegion b(std::move(a));
  EXPECT_FALSE(a.is_open());  // NOLINT(bugprone-use-after-move): the point of the test
  EXPECT_TRUE(b.is_open());
  EXPECT_EQ(b.data(), p);
  // A moved-from region behaves like a closed one.
  zt::expect_closed([&] { a.data(); });
  zt::expect_closed([&] { a.wait(0ms); });
  zt::expect_closed([&] { a.bytes(); });
  EXPECT_EQ(a.capacity(), 0u);
  a.notify();
  a.close();
  EXPECT_TRUE(zt::shm_exists(name));
  b.close();
  EXPECT_FALSE(zt::shm_exists(name));
}

TEST(Region, MoveAssignClosesTheTarget) {
  const auto n1 = zt::unique_name();
  const auto n2 = zt::unique_name();
  auto a = zinc::SharedRegion::create(n1, zt::kPage);
  auto b = zinc::SharedRegion::create(n2, zt::kPage);
  b = std::move(a);  // b's old region (n2) is closed and, being its creator, removed
  EXPECT_FALSE(zt::shm_exists(n2));
  EXPECT_TRUE(zt::shm_exists(n1));
  EXPECT_EQ(b.name(), n1);
  EXPECT_FALSE(a.is_open());  // NOLINT(bugprone-use-after-move)

  // Self-move leaves it intact.
  auto& alias = b;
  b = std::move(alias);
  EXPECT_TRUE(b.is_open());

  // Moving into a moved-from object revives it.
  a = std::move(b);
  EXPECT_TRUE(a.is_open());
  EXPECT_EQ(a.name(), n1);
}

TEST(Region, DefaultConstructedIsClosed) {
  zinc::SharedRegion r;
  EXPECT_FALSE(r.is_open());
  EXPECT_EQ(r.capacity(), 0u);
  EXPECT_EQ(r.name(), "");
  r.notify();  // no-op
  r.close();   // no-op
  zt::expect_closed([&] { r.wait(0ms); });
  zt::expect_closed([&] { r.data(); });
}

// docs/ADAPTER_CONTRACT.md: a second close and notify do nothing, capacity is 0, wait and views
// throw the core's ZINC_EBADF error.
TEST(Region, UseAfterCloseAndDoubleClose) {
  const auto name = zt::unique_name();
  auto r = zinc::SharedRegion::create(name, zt::kPage);
  r.close();
  EXPECT_FALSE(r.is_open());
  EXPECT_FALSE(zt::shm_exists(name));
  EXPECT_NO_THROW(r.close());
  EXPECT_NO_THROW(r.close());
  EXPECT_NO_THROW(r.notify());
  EXPECT_EQ(r.capacity(), 0u);
  EXPECT_EQ(r.name(), name);
  zt::expect_closed([&] { r.wait(10ms); });
  zt::expect_closed([&] { r.wait(0ms); });
  zt::expect_closed([&] { r.wait(zinc::forever); });
  zt::expect_closed([&] { r.data(); });
  zt::expect_closed([&] { r.native_handle(); });
  zt::expect_closed([&] { r.bytes(); });
  zt::expect_closed([&] { r.bytes(0, 1); });
  zt::expect_closed([&] { r.span<int>(0, 1); });
  zt::expect_closed([&] { r.span<int>(); });
  zt::expect_closed([&] { r.as<int>(); });
}

TEST(Region, ViewKeepsMappingAliveAfterClose) {
  const auto name = zt::unique_name();
  auto r = zinc::SharedRegion::create(name, 2 * zt::kPage);
  auto view = r.bytes();
  auto tail = r.span<std::uint64_t>(zt::kPage, 4);
  view[0] = std::byte{7};
  r.close();
  zt::expect_closed([&] { r.bytes(); });
  // Deferred unmap: the views still work, and the region (and its name) is still held.
  EXPECT_TRUE(view.holds_mapping());
  EXPECT_TRUE(zt::shm_exists(name));
  EXPECT_EQ(std::to_integer<int>(view[0]), 7);
  view[2 * zt::kPage - 1] = std::byte{9};
  tail[3] = 0x0102030405060708ull;
  EXPECT_EQ(std::to_integer<int>(view[zt::kPage + 3 * 8]), 0x08);

  // A sub-view shares the keep-alive.
  auto sub = view.subview(10, 20);
  EXPECT_EQ(sub.size(), 20u);
  EXPECT_THROW(view.subview(2 * zt::kPage, 1), std::out_of_range);

  view = zinc::View<std::byte>{};
  tail = zinc::View<std::uint64_t>{};
  EXPECT_TRUE(zt::shm_exists(name));  // `sub` still holds it
  sub = zinc::View<std::byte>{};
  EXPECT_FALSE(zt::shm_exists(name));  // last view gone: zinc_close ran, the name is removed
}

TEST(Region, ViewOutlivesDestroyedRegionObject) {
  const auto name = zt::unique_name();
  zinc::View<std::byte> view;
  EXPECT_FALSE(view.holds_mapping());
  EXPECT_EQ(view.size(), 0u);
  {
    auto r = zinc::SharedRegion::create(name, zt::kPage);
    view = r.bytes(100, 10);
  }
  EXPECT_TRUE(zt::shm_exists(name));
  view[9] = std::byte{1};
  EXPECT_EQ(view.size(), 10u);
  view = {};
  EXPECT_FALSE(zt::shm_exists(name));
}

TEST(Region, OpenerKeepsRegionAfterCreatorCloses) {
  const auto name = zt::unique_name();
  auto c = zinc::SharedRegion::create(name, zt::kPage);
  auto o = zinc::SharedRegion::open(name);
  c.close();
  EXPECT_TRUE(zt::shm_exists(name));  // an opener is still there
  o.close();
  EXPECT_FALSE(zt::shm_exists(name));  // the last one out removes it
  // And the name is free for a new region.
  auto again = zinc::SharedRegion::create(name, zt::kPage);
  EXPECT_TRUE(zt::shm_exists(name));
}
