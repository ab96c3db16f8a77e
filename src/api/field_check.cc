#include "api/field_check.h"

#include <cmath>

#include "actions/tally.h"
#include "core/clock.h"

namespace tocsin::api {
namespace {

using actions::FieldKind;
using simdjson::dom::element;

std::string what_is_wanted(const actions::FieldSpec& spec) {
  switch (spec.kind) {
    case FieldKind::kString:
      return "a string";
    case FieldKind::kBool:
      return "true or false";
    case FieldKind::kCount:
      return "a whole number, 0 or more";
    case FieldKind::kNumber:
      return "a number";
    case FieldKind::kDate:
      return "a date like \"2014-03-25T14:00:00Z\"";
    case FieldKind::kAmount:
      return "a non-negative decimal like \"3.00\"";
    case FieldKind::kObject:
      return "an object";
    case FieldKind::kList:
      return "an array";
    case FieldKind::kStringOrList:
      return "a string or an array";
  }
  return "valid";
}

bool is_amount(element v) {
  if (!v.is_string() && !v.is_number()) return false;
  return actions::parse_amount_cents(simdjson::minify(v)).has_value();
}

bool is_date(element v) {
  std::string_view s;
  return !v.get_string().get(s) && parse_iso8601(s).has_value();
}

bool is_finite_number(element v) {
  double d = 0;
  return v.is_number() && !v.get_double().get(d) && std::isfinite(d);
}

bool is_count(element v) {
  if (v.is_uint64()) return true;
  int64_t i = 0;
  return !v.get_int64().get(i) && i >= 0;
}

Status check_elements(const actions::FieldSpec& spec, element value, const std::string& path) {
  simdjson::dom::array elements;
  if (spec.members.empty() || value.get_array().get(elements)) return Ok{};
  size_t i = 0;
  for (element e : elements) {
    if (auto s = check_field(spec.members.front(), e, path + "[" + std::to_string(i++) + "]"); !s) return s;
  }
  return Ok{};
}

Status check_members(const actions::FieldSpec& spec, element value, const std::string& path) {
  for (const auto& m : spec.members) {
    element v;
    if (value[m.name].get(v)) continue;
    if (auto s = check_field(m, v, path + "." + std::string(m.name)); !s) return s;
  }
  return Ok{};
}

}  // namespace

Status check_field(const actions::FieldSpec& spec, element value, const std::string& path) {
  if (value.is_null()) return Ok{};
  bool ok = false;
  switch (spec.kind) {
    case FieldKind::kString:
      ok = value.is_string();
      break;
    case FieldKind::kBool:
      ok = value.is_bool();
      break;
    case FieldKind::kCount:
      ok = is_count(value);
      break;
    case FieldKind::kNumber:
      ok = is_finite_number(value);
      break;
    case FieldKind::kDate:
      ok = is_date(value);
      break;
    case FieldKind::kAmount:
      ok = is_amount(value);
      break;
    case FieldKind::kObject:
      if (!value.is_object()) break;
      return check_members(spec, value, path);
    case FieldKind::kStringOrList:
      if (value.is_string()) return Ok{};
      [[fallthrough]];
    case FieldKind::kList:
      if (!value.is_array()) break;
      return check_elements(spec, value, path);
  }
  if (ok) return Ok{};
  return bad_request(path + " must be " + what_is_wanted(spec));
}

}  // namespace tocsin::api
