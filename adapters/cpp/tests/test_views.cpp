// Zero-copy views: bytes(), windowed bytes(offset, length), span<T>(), as<T>(); bounds and
// alignment checks. Under C++20 a zinc::View<T> is a std::span<T>.
#include <gtest/gtest.h>

#include <atomic>
#include <cstring>
#include <limits>
#include <numeric>

#include "common.hpp"

#if ZINC_HAS_SPAN
#include <span>
static_assert(std::is_base_of_v<std::span<std::byte>, zinc::View<std::byte>>);
static_assert(std::is_convertible_v<zinc::View<float>, std::span<float>>);
#endif

namespace {
struct Quote {
  double bid;
  double ask;
  std::uint64_t seq;
};
}  // namespace

TEST(Views, WholeAndWindowedBytes) {
  const auto name = zt::unique_name();
  auto r = zinc::SharedRegion::create(name, 2 * zt::kPage);
  auto all = r.bytes();
  EXPECT_EQ(all.size(), 2 * zt::kPage);
  EXPECT_EQ(all.data(), r.data());

  auto win = r.bytes(100, 50);
  EXPECT_EQ(win.size(), 50u);
  EXPECT_EQ(win.data(), r.data() + 100);
  win[0] = std::byte{5};
  EXPECT_EQ(std::to_integer<int>(all[100]), 5);

  EXPECT_EQ(r.bytes(2 * zt::kPage, 0).size(), 0u);  // empty window at the end is fine
  EXPECT_EQ(r.bytes(0, 2 * zt::kPage).size(), 2 * zt::kPage);
  EXPECT_THROW(r.bytes(2 * zt::kPage, 1), std::out_of_range);
  EXPECT_THROW(r.bytes(1, 2 * zt::kPage), std::out_of_range);
  EXPECT_THROW(r.bytes(2 * zt::kPage + 1, 0), std::out_of_range);
  // Overflowing offset + length must not wrap around into "in bounds".
  EXPECT_THROW(r.bytes(10, std::numeric_limits<std::size_t>::max() - 5), std::out_of_range);
  EXPECT_THROW(r.bytes(std::numeric_limits<std::size_t>::max(), 2), std::out_of_range);
}

TEST(Views, TypedSpanBoundsAndAlignment) {
  const auto name = zt::unique_name();
  auto r = zinc::SharedRegion::create(name, zt::kPage);

  auto floats = r.span<float>();
  EXPECT_EQ(floats.size(), zt::kPage / sizeof(float));
  auto u64 = r.span<std::uint64_t>(8, 10);
  EXPECT_EQ(u64.size(), 10u);
  EXPECT_EQ(reinterpret_cast<std::byte*>(u64.data()), r.data() + 8);
  u64[0] = 0x1122334455667788ull;
  std::uint64_t check = 0;
  std::memcpy(&check, r.data() + 8, 8);
  EXPECT_EQ(check, 0x1122334455667788ull);

  EXPECT_EQ(r.span<std::uint64_t>(zt::kPage - 8, 1).size(), 1u);
  EXPECT_THROW(r.span<std::uint64_t>(zt::kPage - 8, 2), std::out_of_range);
  EXPECT_THROW(r.span<std::uint64_t>(0, zt::kPage / 8 + 1), std::out_of_range);
  EXPECT_THROW(r.span<std::uint64_t>(0, std::numeric_limits<std::size_t>::max() / 4),
               std::out_of_range);  // count * sizeof(T) would overflow
  EXPECT_THROW(r.span<std::uint32_t>(2, 1), std::invalid_argument);  // misaligned
  EXPECT_THROW(r.span<std::uint64_t>(4, 1), std::invalid_argument);
  EXPECT_NO_THROW(r.span<std::uint16_t>(2, 1));

  // Whole-area span rounds down to whole elements.
  struct Odd {
    char c[3];
  };
  EXPECT_EQ(r.span<Odd>().size(), zt::kPage / 3);
  auto cs = r.span<const std::uint32_t>(0, 4);  // read-only typed view
  EXPECT_EQ(cs.size(), 4u);
}

TEST(Views, AsStructAtOffset) {
  const auto name = zt::unique_name();
  auto w = zinc::SharedRegion::create(name, zt::kPage);
  auto rd = zinc::SharedRegion::open(name);

  auto& q = w.as<Quote>(64);
  q.bid = 101.25;
  q.ask = 101.5;
  q.seq = 7;
  const auto& seen = rd.as<const Quote>(64);
  EXPECT_EQ(seen.bid, 101.25);
  EXPECT_EQ(seen.ask, 101.5);
  EXPECT_EQ(seen.seq, 7u);

  EXPECT_NO_THROW(w.as<Quote>(zt::kPage - sizeof(Quote)));
  EXPECT_THROW(w.as<Quote>(zt::kPage - sizeof(Quote) + 8), std::out_of_range);
  EXPECT_THROW(w.as<Quote>(zt::kPage), std::out_of_range);
  EXPECT_THROW(w.as<Quote>(4), std::invalid_argument);
  EXPECT_THROW(w.as<std::uint32_t>(1), std::invalid_argument);
  EXPECT_NO_THROW(w.as<std::uint8_t>(zt::kPage - 1));
  // Error texts say what went wrong.
  try {
    w.as<Quote>(4);
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("aligned"), std::string::npos) << e.what();
  }
  try {
    w.span<float>(0, zt::kPage);
  } catch (const std::out_of_range& e) {
    EXPECT_NE(std::string(e.what()).find("capacity 4096"), std::string::npos) << e.what();
  }
}

TEST(Views, IterationAndStdAlgorithms) {
  const auto name = zt::unique_name();
  auto r = zinc::SharedRegion::create(name, zt::kPage);
  auto v = r.span<std::uint32_t>(0, 100);
  std::iota(v.begin(), v.end(), 1u);
  EXPECT_EQ(std::accumulate(v.begin(), v.end(), 0ull), 5050ull);
  std::uint32_t raw = 0;
  std::memcpy(&raw, r.data() + 99 * 4, 4);
  EXPECT_EQ(raw, 100u);
  EXPECT_FALSE(v.empty());
  EXPECT_EQ(v.size_bytes(), 400u);
}

#if ZINC_HAS_SPAN
TEST(Views, Cxx20SpanInterop) {
  const auto name = zt::unique_name();
  auto r = zinc::SharedRegion::create(name, zt::kPage);
  std::span<std::byte> s = r.bytes();  // slicing gives a plain, borrowed std::span
  EXPECT_EQ(s.size(), zt::kPage);
  auto first = r.bytes().first(16);
  first[3] = std::byte{3};
  EXPECT_EQ(std::to_integer<int>(s[3]), 3);
  std::span<const float> f = r.span<float>(16, 4);
  EXPECT_EQ(f.size(), 4u);
  EXPECT_EQ(r.bytes().span().size(), zt::kPage);
  // A function taking std::span<std::byte> accepts a View directly.
  auto fill = [](std::span<std::byte> out, std::byte v) {
    for (auto& b : out) b = v;
  };
  fill(r.bytes(64, 64), std::byte{0x5A});
  EXPECT_EQ(std::to_integer<int>(r.data()[127]), 0x5A);
  EXPECT_EQ(std::to_integer<int>(r.data()[128]), 0);
}
#endif
