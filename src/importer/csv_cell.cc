#include "importer/csv_cell.h"

namespace tocsin::importer {

void append_csv_cell(std::string& out, std::string_view v) {
  bool quote = !v.empty() && (v.front() == ' ' || v.front() == '\t' || v.back() == ' ' || v.back() == '\t');
  for (char c : v) quote |= c == ',' || c == '"' || c == '\n' || c == '\r';
  if (!quote) {
    out.append(v);
    return;
  }
  out.push_back('"');
  for (char c : v) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
}

}  // namespace tocsin::importer
