#include "app/progress.h"

#include <unistd.h>

#include <algorithm>
#include <iostream>

#include <fmt/format.h>

namespace tocsin {
namespace {

// 1234567 -> "1,234,567"
std::string grouped(int64_t n) {
  std::string digits = std::to_string(n < 0 ? -n : n), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return n < 0 ? "-" + out : out;
}

// 75 -> "1:15", 3700 -> "1:01:40"
std::string clock_time(double seconds) {
  auto s = static_cast<int64_t>(std::max(0.0, seconds) + 0.5);
  if (s >= 3600) return fmt::format("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60);
  return fmt::format("{}:{:02}", s / 60, s % 60);
}

constexpr int kBarWidth = 24;

}  // namespace

Progress::Progress(std::string label, std::string unit)
    : Progress(std::move(label), std::move(unit), ::isatty(2) == 1) {}

Progress::Progress(std::string label, std::string unit, bool terminal)
    : label_(std::move(label)),
      unit_(std::move(unit)),
      on_(terminal),
      start_(std::chrono::steady_clock::now()) {}

std::string Progress::line(std::string_view label, std::string_view unit, int64_t done, int64_t total,
                           int64_t shown, double seconds) {
  int64_t count = shown >= 0 ? shown : done;
  if (total <= 0) {
    double rate = seconds > 0 ? static_cast<double>(count) / seconds : 0;
    return fmt::format("{} {} {}  {} {}/s  {:.1f} s", label, grouped(count), unit,
                       grouped(static_cast<int64_t>(rate)), unit, seconds);
  }
  double fraction = std::clamp(static_cast<double>(done) / static_cast<double>(total), 0.0, 1.0);
  int filled = static_cast<int>(fraction * kBarWidth);
  std::string bar = std::string(static_cast<size_t>(filled), '#') +
                    std::string(static_cast<size_t>(kBarWidth - filled), '-');
  std::string counted = shown >= 0 ? grouped(count) + " " + std::string(unit)
                                   : grouped(done) + "/" + grouped(total) + " " + std::string(unit);
  // Time left at the average rate so far; unknown until something is done.
  std::string eta = done > 0 ? clock_time(seconds * static_cast<double>(total - std::min(done, total)) /
                                          static_cast<double>(done))
                             : "?";
  // Rounded down: 100% only when everything is done.
  return fmt::format("{} [{}] {:3}%  {}  ETA {}", label, bar, static_cast<int>(fraction * 100), counted, eta);
}

void Progress::update(int64_t done, int64_t total, int64_t shown) {
  done_ = done;
  total_ = total;
  shown_ = shown;
  dirty_ = true;
  ended_ = false;
  draw(false);
}

void Progress::restart(std::string label) {
  finish();
  label_ = std::move(label);
  start_ = std::chrono::steady_clock::now();
  done_ = total_ = 0;
  shown_ = -1;
  ended_ = false;
}

void Progress::draw(bool force) {
  if (!on_) return;
  auto now = std::chrono::steady_clock::now();
  if (!force && drawn_ && now - last_ < std::chrono::milliseconds(100)) return;
  last_ = now;
  double seconds = std::chrono::duration<double>(now - start_).count();
  std::cerr << "\r\033[K" << line(label_, unit_, done_, total_, shown_, seconds) << std::flush;
  drawn_ = true;
  dirty_ = false;
}

void Progress::clear() {
  if (on_ && drawn_) std::cerr << "\r\033[K" << std::flush;
  drawn_ = false;
}

void Progress::finish() {
  if (!on_ || ended_) return;
  if (dirty_ || (!drawn_ && (done_ > 0 || total_ > 0))) draw(true);
  if (drawn_) std::cerr << "\n" << std::flush;
  drawn_ = dirty_ = false;
  ended_ = true;
}

}  // namespace tocsin
