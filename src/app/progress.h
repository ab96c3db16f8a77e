// Progress of long CLI work (import, export, store copy, key rotation, retention sweeps), one reporter for
// every command. On a terminal (standard error is a tty) it draws one status line, redrawn at most ten times
// a second: a bar, the percentage, the count and the time left; off a terminal it draws nothing, and the
// command's one JSON summary line on standard output is all it says (scripts and tests read that line).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace tocsin {

class Progress {
 public:
  // `label` says what is being done ("importing people.csv"); `unit` what is counted ("rows").
  Progress(std::string label, std::string unit);
  // As above, drawing (or not) whatever standard error is (tests).
  Progress(std::string label, std::string unit, bool terminal);
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;
  ~Progress() { finish(); }

  bool on() const { return on_; }
  // `done` of `total` (total <= 0: not known yet, so no percentage or time left). `shown`, when >= 0, is
  // the count drawn instead of `done` (an import measures its progress in bytes and counts rows).
  void update(int64_t done, int64_t total, int64_t shown = -1);
  // Another walk or phase: the label changes, the clock and the last figures start again.
  void restart(std::string label);
  // Clears the line so another message can be printed on standard error.
  void clear();
  // Draws the last figures once more, if they were not, and ends the line.
  void finish();

  // One status line: "LABEL [#####-----]  52%  52,000/100,000 rows  ETA 0:03" (no total: "LABEL 52,000 rows
  // 10,400 rows/s 5.0 s").
  static std::string line(std::string_view label, std::string_view unit, int64_t done, int64_t total,
                          int64_t shown, double seconds);

 private:
  void draw(bool force);

  std::string label_, unit_;
  bool on_;
  bool drawn_ = false, dirty_ = false, ended_ = false;
  int64_t done_ = 0, total_ = 0, shown_ = -1;
  std::chrono::steady_clock::time_point start_, last_{};
};

}  // namespace tocsin
