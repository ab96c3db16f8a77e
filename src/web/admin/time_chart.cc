#include "web/admin/time_chart.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "core/html_escape.h"

namespace tocsin::web::admin {
namespace {

constexpr int kWidth = 640, kHeight = 240;
constexpr int kLeft = 48, kRight = 12, kTop = 12, kBottom = 40;
constexpr Micros kHour = int64_t{3600} * 1'000'000;

// Colours with at least 3:1 contrast on white, each series also drawn with its own dash pattern so the
// lines differ without colour.
struct Style {
  const char* colour;
  const char* dash;
};
constexpr Style kStyles[] = {{"#0645ad", ""},        {"#1b7f3b", "6 3"},  {"#b00020", "2 3"},
                             {"#8a4b00", "8 3 2 3"}, {"#6a1b9a", "1 2"},  {"#00695c", "10 4"},
                             {"#c2185b", "4 4"},     {"#37474f", "12 3"}, {"#5d4037", "3 6"},
                             {"#283593", "6 2 2 2"}};

struct KindInfo {
  store::HourKind kind;
  const char* key;
  const char* label;
};
constexpr KindInfo kKinds[] = {
    {store::HourKind::kHandedOver, "sent", "Sent (handed over)"},
    {store::HourKind::kDelivered, "delivered", "Delivered"},
    {store::HourKind::kHardBounce, "hard_bounce", "Hard bounces"},
    {store::HourKind::kSoftBounce, "soft_bounce", "Soft bounces"},
    {store::HourKind::kOtherBounce, "other_bounce", "Other bounces"},
    {store::HourKind::kFailed, "failed", "Failed"},
    {store::HourKind::kComplained, "complained", "Spam complaints"},
    {store::HourKind::kOpened, "opened", "Opened (where tracked)"},
    {store::HourKind::kClicked, "clicked", "Clicked (where tracked)"},
    {store::HourKind::kUnsubscribed, "unsubscribed", "Unsubscribed"},
};

}  // namespace

std::string render_chart(const TimeChart& c) {
  const std::string id = escape_html(c.id);
  std::string out =
      fmt::format("<figure class=\"chart\" id=\"{}\"><figcaption id=\"{}-caption\">{}</figcaption>", id, id,
                  escape_html(c.caption));
  if (c.labels.empty() || c.series.empty()) return out + "<p>Nothing yet.</p></figure>";
  int64_t max = 1;
  for (const auto& s : c.series)
    for (int64_t v : s.values) max = std::max(max, v);
  const int plot_w = kWidth - kLeft - kRight, plot_h = kHeight - kTop - kBottom;
  const size_t n = c.labels.size();
  auto x = [&](size_t i) {
    return kLeft + (n == 1 ? plot_w / 2.0 : plot_w * static_cast<double>(i) / (n - 1));
  };
  auto y = [&](int64_t v) { return kTop + plot_h - plot_h * static_cast<double>(v) / max; };
  out += fmt::format(
      "<svg viewBox=\"0 0 {} {}\" width=\"100%\" role=\"img\" aria-labelledby=\"{}-caption\" "
      "style=\"max-width:40rem;height:auto\" focusable=\"false\">",
      kWidth, kHeight, id);
  // Axes, the maximum and zero on the y axis, the first and last label on the x axis.
  out += fmt::format(
      "<g stroke=\"#555\" aria-hidden=\"true\"><line x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\"/>"
      "<line x1=\"{0}\" y1=\"{2}\" x2=\"{3}\" y2=\"{2}\"/></g>",
      kLeft, kTop, kTop + plot_h, kLeft + plot_w);
  out += fmt::format(
      "<g font-size=\"11\" fill=\"#333\" aria-hidden=\"true\"><text x=\"{0}\" y=\"{1}\" "
      "text-anchor=\"end\">{2}</text>"
      "<text x=\"{0}\" y=\"{3}\" text-anchor=\"end\">0</text>"
      "<text x=\"{4}\" y=\"{5}\">{6}</text><text x=\"{7}\" y=\"{5}\" text-anchor=\"end\">{8}</text></g>",
      kLeft - 4, kTop + 10, max, kTop + plot_h, kLeft, kTop + plot_h + 16, escape_html(c.labels.front()),
      kLeft + plot_w, escape_html(c.labels.back()));
  for (size_t si = 0; si < c.series.size(); ++si) {
    const auto& s = c.series[si];
    const Style& st = kStyles[si % std::size(kStyles)];
    std::string points;
    for (size_t i = 0; i < n && i < s.values.size(); ++i)
      points += fmt::format("{}{:.1f},{:.1f}", points.empty() ? "" : " ", x(i), y(s.values[i]));
    out += fmt::format(
        "<polyline class=\"series\" data-series=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"2\"{} "
        "points=\"{}\"/>",
        escape_html(s.key), st.colour,
        *st.dash ? fmt::format(" stroke-dasharray=\"{}\"", st.dash) : std::string(), points);
    if (n == 1)  // a single point draws no line: a dot
      out += fmt::format("<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"3\" fill=\"{}\"/>", x(0), y(s.values[0]),
                         st.colour);
  }
  out += "</svg><ul class=\"legend\" aria-hidden=\"true\">";
  for (size_t si = 0; si < c.series.size(); ++si) {
    const Style& st = kStyles[si % std::size(kStyles)];
    out += fmt::format(
        "<li><svg width=\"28\" height=\"10\" focusable=\"false\"><line x1=\"0\" y1=\"5\" x2=\"28\" y2=\"5\" "
        "stroke=\"{}\" stroke-width=\"2\"{}/></svg> {}</li>",
        st.colour, *st.dash ? fmt::format(" stroke-dasharray=\"{}\"", st.dash) : std::string(),
        escape_html(c.series[si].label));
  }
  out += fmt::format(
      "</ul><div class=\"scroll\"><table id=\"{0}-table\"><caption>{1} (as a table)</caption><thead><tr>"
      "<th scope=\"col\">Time (UTC)</th>",
      id, escape_html(c.caption));
  for (const auto& s : c.series)
    out +=
        fmt::format("<th scope=\"col\" data-series=\"{}\">{}</th>", escape_html(s.key), escape_html(s.label));
  out += "</tr></thead><tbody>";
  for (size_t i = 0; i < n; ++i) {
    out += fmt::format("<tr><th scope=\"row\">{}</th>", escape_html(c.labels[i]));
    for (const auto& s : c.series) out += fmt::format("<td>{}</td>", i < s.values.size() ? s.values[i] : 0);
    out += "</tr>";
  }
  return out + "</tbody></table></div></figure>";
}

TimeChart delivery_chart(const std::vector<store::DeliveryHour>& hours) {
  TimeChart c;
  c.id = "over-time";
  if (hours.empty()) {
    c.caption = "Over time";
    return c;
  }
  Micros first = hours.front().hour, last = hours.front().hour;
  for (const auto& h : hours) first = std::min(first, h.hour), last = std::max(last, h.hour);
  // Hours for up to three days; beyond that, days (a week-long blast would be 168 points of mostly zeros).
  const bool daily = last - first > 72 * kHour;
  const Micros step = daily ? 24 * kHour : kHour;
  first -= first % step;
  const size_t points = static_cast<size_t>((last - first) / step) + 1;
  c.caption = daily ? "Over time, per day (UTC)" : "Over time, per hour (UTC)";
  for (size_t i = 0; i < points; ++i) {
    std::string t = format_iso8601(first + static_cast<Micros>(i) * step);
    c.labels.push_back(daily ? t.substr(0, 10) : t.substr(0, 10) + " " + t.substr(11, 5));
  }
  std::map<store::HourKind, std::vector<int64_t>> by_kind;
  for (const auto& h : hours) {
    auto& v = by_kind[h.kind];
    v.resize(points);
    v[static_cast<size_t>((h.hour - first) / step)] += h.count;
  }
  for (const auto& k : kKinds)
    if (auto it = by_kind.find(k.kind); it != by_kind.end())
      c.series.push_back({k.key, k.label, std::move(it->second)});
  return c;
}

}  // namespace tocsin::web::admin
