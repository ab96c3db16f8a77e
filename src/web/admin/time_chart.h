// Charts over time for the console (message statistics per hour, the dashboard's growth), drawn on the
// server as inline SVG: no chart library and no script. Each chart is a <figure> whose SVG is an image named
// by the figure's caption, followed by the same figures as a table — the accessible reading of the chart
// for screen readers, and the numbers a person can copy.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/clock.h"
#include "store/store.h"

namespace tocsin::web::admin {

struct ChartSeries {
  std::string key;              // stable name for tests and CSS ("delivered")
  std::string label;            // what the legend and the table say ("Delivered")
  std::vector<int64_t> values;  // one per label of the chart
};

struct TimeChart {
  std::string id;                   // unique on the page: ids of the caption and the table derive from it
  std::string caption;              // what the chart shows
  std::vector<std::string> labels;  // the x axis: one per point, oldest first
  std::vector<ChartSeries> series;
};

// HTML (already escaped): the figure with the SVG and the table. A chart without points says so in words.
std::string render_chart(const TimeChart& c);

// A message's hourly counts (store::DeliveryHour) as one chart: a point per hour from the first hour with
// anything to the last (per day when that spans more than 72 hours), a series per kind that happened.
TimeChart delivery_chart(const std::vector<store::DeliveryHour>& hours);

}  // namespace tocsin::web::admin
