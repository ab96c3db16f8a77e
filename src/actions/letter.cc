#include "actions/letter.h"

#include <simdjson.h>

#include "core/contact_point.h"
#include "core/json_out.h"

namespace tocsin::actions {
namespace {

std::string member(simdjson::dom::element o, const char* name) {
  std::string_view s;
  if (o[name].get_string().get(s)) return {};
  return std::string(s);
}

}  // namespace

std::optional<Letter> campaign_letter(const Action& a) {
  const std::string* raw = find_field(a.fields, "tocsin:letter");
  if (!raw || *raw == "null") return std::nullopt;
  thread_local simdjson::dom::parser parser;
  simdjson::dom::element o;
  if (parser.parse(*raw).get(o) || !o.is_object()) return std::nullopt;
  Letter l{member(o, "subject"), member(o, "body"), false};
  if (const std::string* e = find_field(a.fields, "tocsin:letter_editable")) l.editable = *e == "true";
  return l;
}

namespace {

std::string line_of(simdjson::dom::element t) {
  std::string line;
  for (const char* m : {"title", "given_name", "family_name"}) {
    std::string part = member(t, m);
    if (part.empty()) continue;
    line += (line.empty() ? "" : " ") + part;
  }
  return line;
}

}  // namespace

std::vector<LetterTarget> letter_targets(const std::string& targets_json) {
  std::vector<LetterTarget> out;
  thread_local simdjson::dom::parser parser;
  simdjson::dom::array arr;
  if (parser.parse(targets_json).get_array().get(arr)) return out;
  for (auto t : arr) {
    LetterTarget lt{line_of(t), member(t, "email")};
    // Stored normalized (check_target_emails); a record written before that keeps what it had.
    if (auto e = normalize_email(lt.email); e) lt.email = e.value();
    out.push_back(std::move(lt));
  }
  return out;
}

Status check_target_emails(const RawFields& fields) {
  const std::string* raw = find_field(fields, "targets");
  if (!raw) return Ok{};
  thread_local simdjson::dom::parser parser;
  simdjson::dom::array arr;
  if (parser.parse(*raw).get_array().get(arr)) return Ok{};
  for (auto t : arr) {
    std::string_view sv;
    if (t["email"].get_string().get(sv) || sv.empty()) continue;
    if (!normalize_email(sv))
      return bad_request("targets: \"" + std::string(sv) + "\" is not an email address");
  }
  return Ok{};
}

std::vector<std::string> target_lines(const Action& a) {
  std::vector<std::string> out;
  const std::string* raw = find_field(a.fields, "targets");
  if (!raw) return out;
  thread_local simdjson::dom::parser parser;
  simdjson::dom::element v;
  if (parser.parse(*raw).get(v)) return out;
  std::string_view s;
  if (!v.get_string().get(s)) {
    if (!s.empty()) out.emplace_back(s);
    return out;
  }
  simdjson::dom::array arr;
  if (v.get_array().get(arr)) return out;
  for (auto t : arr) {
    std::string line;
    for (const char* m : {"title", "given_name", "family_name"}) {
      std::string part = member(t, m);
      if (part.empty()) continue;
      line += (line.empty() ? "" : " ") + part;
    }
    if (!line.empty()) out.push_back(std::move(line));
  }
  return out;
}

std::string outreach_targets_json(const Action& a) {
  const std::string* raw = find_field(a.fields, "targets");
  if (!raw) return "[]";
  thread_local simdjson::dom::parser parser;
  simdjson::dom::element v;
  if (parser.parse(*raw).get(v)) return "[]";
  std::string_view s;
  if (!v.get_string().get(s)) {
    if (s.empty()) return "[]";
    JsonOut j;
    j.begin_array().begin().kv("title", s).end().end_array();
    return j.take();
  }
  return v.is_array() ? *raw : "[]";
}

Status check_letter_settings(const RawFields& fields) {
  const std::string* raw = find_field(fields, "tocsin:letter");
  if (!raw || *raw == "null") return Ok{};
  Action probe;
  probe.fields = {{"tocsin:letter", *raw}};
  auto l = campaign_letter(probe);
  if (!l || l->body.empty())
    return bad_request("tocsin:letter must be {\"subject\": \"...\", \"body\": \"...\"} with a body");
  if (l->subject.size() > kMaxLetterSubject)
    return bad_request("tocsin:letter.subject is longer than " + std::to_string(kMaxLetterSubject) +
                       " bytes");
  if (l->body.size() > kMaxLetterBody)
    return bad_request("tocsin:letter.body is longer than " + std::to_string(kMaxLetterBody) + " bytes");
  return Ok{};
}

}  // namespace tocsin::actions
