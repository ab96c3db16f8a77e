#include "core/clock.h"

// GCC 12 reports a false -Wmaybe-uninitialized inside date.h's from_stream when it inlines date::parse;
// the diagnostic is located in the header, so it is silenced for the header only.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <date/date.h>
#pragma GCC diagnostic pop

#include <chrono>
#include <sstream>

namespace tocsin {

using namespace std::chrono;

Micros now_micros() {
  return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}

std::string format_iso8601(Micros t) {
  sys_seconds s{duration_cast<seconds>(microseconds{t})};
  return date::format("%FT%TZ", s);
}

std::string format_iso8601_micros(Micros t) {
  sys_time<microseconds> s{microseconds{t}};
  return date::format("%FT%TZ", s);
}

std::optional<Micros> parse_iso8601(std::string_view in) {
  std::string s(in);
  for (auto& c : s)
    if (c == ' ') c = 'T';
  // Try the forms clients send, most specific first; date::parse validates ranges (no 2019-02-29).
  static const char* kZoned[] = {"%FT%T%Ez", "%FT%T%z"};
  for (const char* fmt : kZoned) {
    std::istringstream in_stream(s);
    sys_time<microseconds> tp;
    in_stream >> date::parse(fmt, tp);
    if (!in_stream.fail() && in_stream.peek() == EOF) return tp.time_since_epoch().count();
  }
  static const char* kLocal[] = {"%FT%TZ", "%FT%T", "%FT%RZ", "%FT%R", "%F"};
  for (const char* fmt : kLocal) {
    std::istringstream in_stream(s);
    sys_time<microseconds> tp;
    in_stream >> date::parse(fmt, tp);
    if (!in_stream.fail() && in_stream.peek() == EOF) return tp.time_since_epoch().count();
  }
  return std::nullopt;
}

}  // namespace tocsin
