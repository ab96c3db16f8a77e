#include "importer/record_export.h"

#include <algorithm>

#include "core/clock.h"
#include "importer/csv_cell.h"

namespace tocsin::importer {
namespace {

void append_inert_cell(std::string& out, std::string_view v) {
  if (!v.empty() && (v.front() == '=' || v.front() == '+' || v.front() == '-' || v.front() == '@' ||
                     v.front() == '\t' || v.front() == '\r'))
    return append_csv_cell(out, "'" + std::string(v));
  append_csv_cell(out, v);
}

}  // namespace

Result<RecordExport> export_records_csv(const people::OrgState& org, const std::string& action_id) {
  const actions::Action* a = org.actions.find_action(action_id);
  if (!a) return not_found("no such action");
  RecordExport out;
  // The record fields that occur, in first-seen order, as columns after the fixed ones.
  std::vector<std::string> extra;
  const auto& ids = org.actions.records_of_action(action_id);
  for (const auto& id : ids)
    if (const auto* r = org.actions.find_record(id))
      for (const auto& f : r->fields)
        if (std::find(extra.begin(), extra.end(), f.first) == extra.end()) extra.push_back(f.first);
  out.csv = "record_id,person_id,given_name,family_name,email,phone,postal_code,created_date";
  for (const auto& e : extra) {
    out.csv.push_back(',');
    append_inert_cell(out.csv, e);
  }
  out.csv += "\r\n";
  for (const auto& id : ids) {
    const auto* r = org.actions.find_record(id);
    if (!r) continue;
    const Person* p = org.find_person(r->person_id);
    std::string postal = p && !p->postal_addresses.empty() ? p->postal_addresses.front().postal_code : "";
    for (std::string_view cell : {std::string_view(r->id), std::string_view(r->person_id)}) {
      append_csv_cell(out.csv, cell);
      out.csv.push_back(',');
    }
    for (const std::string& cell :
         {p ? p->given_name : std::string(), p ? p->family_name : std::string(),
          p && p->email ? *p->email : std::string(), p && p->phone ? *p->phone : std::string(), postal}) {
      append_inert_cell(out.csv, cell);
      out.csv.push_back(',');
    }
    out.csv += format_iso8601(r->created);
    for (const auto& e : extra) {
      out.csv.push_back(',');
      // A string field as its text; numbers, objects and arrays as their JSON.
      auto text = actions::string_field(r->fields, e);
      const std::string* raw = actions::find_field(r->fields, e);
      append_inert_cell(out.csv, text ? *text : raw ? *raw : std::string());
    }
    out.csv += "\r\n";
    out.person_ids.push_back(r->person_id);
  }
  return out;
}

}  // namespace tocsin::importer
