#include "api/action_json.h"

#include "actions/embed_code.h"
#include "actions/embed_sites.h"
#include "actions/page_path.h"

#include "actions/tally.h"
#include "api/consent_fields.h"
#include "api/field_check.h"
#include "api/person_json.h"

namespace tocsin::api {
namespace {

using simdjson::dom::element;

// Copies the documented fields present in `body`, as minified JSON, once each has its declared type.
Status read_fields(element body, const std::vector<actions::FieldSpec>& specs, actions::RawFields& out) {
  for (const auto& spec : specs) {
    element v;
    if (body[spec.name].get(v)) continue;
    if (auto s = check_field(spec, v, std::string(spec.name)); !s) return s;
    out.emplace_back(std::string(spec.name), simdjson::minify(v));
  }
  return Ok{};
}

// identifiers: foreign "system:id" only; our own action_network: ids (clients echo them back) are skipped.
Result<std::vector<std::string>> read_identifiers(element body) {
  auto ids = parse_string_list(body, "identifiers");
  if (!ids) return ids.error();
  std::vector<std::string> out;
  for (auto& id : ids.value())
    if (id.rfind("action_network:", 0) != 0) out.push_back(std::move(id));
  return out;
}

void raw(JsonOut& j, std::string_view key, const std::string& json) {
  j.k(key);
  j.w().RawValue(json.data(), json.size(), rapidjson::kObjectType);
}

void write_fields(JsonOut& j, const actions::RawFields& fields) {
  for (const auto& [k, v] : fields) raw(j, k, v);
}

// The kind's record defaults the record does not carry itself (donations: amount, currency, recurrence).
void write_record_defaults(JsonOut& j, const actions::ActionType& type, const actions::ActionRecord& r,
                           const actions::Action* action) {
  for (const auto& d : type.record_defaults) {
    if (actions::find_field(r.fields, d.name)) continue;
    switch (d.how) {
      case actions::Derive::kRecipientsTotal:
        j.kv(d.name, actions::format_cents(actions::donation_cents(r)));
        break;
      case actions::Derive::kActionFieldOrJson: {
        const std::string* v = action ? actions::find_field(action->fields, d.name) : nullptr;
        raw(j, d.name, v && *v != "null" ? *v : std::string(d.json));
        break;
      }
      case actions::Derive::kJson:
        raw(j, d.name, std::string(d.json));
        break;
    }
  }
}

void write_identifiers(JsonOut& j, const std::string& id, const std::vector<std::string>& foreign) {
  j.begin_array("identifiers").str("action_network:" + id);
  for (const auto& f : foreign) j.str(f);
  j.end_array();
}

}  // namespace

std::optional<std::string> linked_id(element body, const char* rel) {
  std::string_view href;
  if (body["_links"][rel]["href"].get_string().get(href)) return std::nullopt;
  while (!href.empty() && href.back() == '/') href.remove_suffix(1);
  auto slash = href.rfind('/');
  return std::string(slash == std::string_view::npos ? href : href.substr(slash + 1));
}

namespace {

// tocsin:slug, tocsin:fields, tocsin:language, tocsin:goal, tocsin:challenge (actions/action.h); checked
// further on write. tocsin:embed_allowed_sites (actions/embed_sites.h) is checked here.
Status read_page_settings(element body, actions::ActionInput& in) {
  element v;
  std::string_view s;
  if (!body["tocsin:slug"].get(v)) {
    if (v.get_string().get(s)) return bad_request("tocsin:slug must be a string");
    in.slug = std::string(s);
  }
  if (!body["tocsin:language"].get(v)) {
    if (v.get_string().get(s)) return bad_request("tocsin:language must be a string");
    in.language = std::string(s);
  }
  if (!body["tocsin:goal"].get(v)) {
    int64_t n = 0;
    if (v.get_int64().get(n)) return bad_request("tocsin:goal must be an integer");
    in.goal = n;
  }
  if (!body["tocsin:fields"].get(v)) {
    simdjson::dom::array arr;
    if (v.get_array().get(arr)) return bad_request("tocsin:fields must be an array of field names");
    std::vector<std::string> names;
    for (element f : arr) {
      if (f.get_string().get(s)) return bad_request("tocsin:fields must be an array of field names");
      names.emplace_back(s);
    }
    in.page_fields = std::move(names);
  }
  if (!body["tocsin:challenge"].get(v)) {
    if (v.get_string().get(s)) return bad_request("tocsin:challenge must be a string");
    in.challenge = std::string(s);
  }
  if (!body["tocsin:embed_allowed_sites"].get(v)) {
    // null or [] removes the list (any site may frame the embed again); entries are checked and normalized
    // here, the one parser every way in (API, console, CLI) goes through.
    std::vector<std::string> sites;
    simdjson::dom::array arr;
    if (!v.is_null()) {
      if (v.get_array().get(arr))
        return unprocessable("tocsin:embed_allowed_sites must be an array of https origins");
      for (element f : arr) {
        if (f.get_string().get(s))
          return unprocessable("tocsin:embed_allowed_sites must be an array of https origins");
        sites.emplace_back(s);
      }
    }
    auto normalized = actions::normalize_embed_sites(sites);
    if (!normalized) return normalized.error();
    JsonOut list;
    list.begin_array();
    for (const auto& site : normalized.value()) list.str(site);
    list.end_array();
    actions::set_field(in.fields, std::string(actions::kEmbedSitesField), list.take());
  }
  return Ok{};
}

}  // namespace

Result<actions::ActionInput> parse_action(element body, const actions::ActionType& type) {
  actions::ActionInput in;
  if (auto s = read_fields(body, type.fields, in.fields); !s) return s.error();
  auto ids = read_identifiers(body);
  if (!ids) return ids.error();
  in.identifiers = std::move(ids).value();
  if (type.has_creator) in.creator_id = linked_id(body, "osdi:creator");
  element v;
  if (!body["tocsin:disclosure"].get(v)) {
    std::string_view s;
    if (v.get_string().get(s)) return bad_request("tocsin:disclosure must be a string");
    in.disclosure = std::string(s);
  }
  if (!body["tocsin:sms_disclosure"].get(v))
    in.sms_disclosure = v.is_null() ? std::string() : simdjson::minify(v);
  auto purpose = read_purpose(body);
  if (!purpose) return purpose.error();
  in.purpose = std::move(purpose).value();
  if (auto s = read_page_settings(body, in); !s) return s.error();
  return in;
}

Result<actions::RecordInput> parse_record(element body, const actions::ActionType& type) {
  actions::RecordInput in;
  if (auto s = read_fields(body, type.record_fields, in.fields); !s) return s.error();
  if (auto status = actions::string_field(in.fields, "status")) {
    static const char* kStatuses[] = {"declined", "tentative", "accepted", "needs action"};
    if (std::find(std::begin(kStatuses), std::end(kStatuses), *status) == std::end(kStatuses))
      return bad_request("status must be one of declined, tentative, accepted, needs action");
  }
  auto ids = read_identifiers(body);
  if (!ids) return ids.error();
  in.identifiers = std::move(ids).value();
  for (const char* key : {"action_network:referrer_data", "referrer_data"}) {
    element v;
    if (body[key].get(v) || v.is_null()) continue;
    if (!v.is_object()) return bad_request(std::string(key) + " must be an object");
    in.referrer_data = simdjson::minify(v);
    break;
  }
  element enabled;
  if (!body["triggers"]["autoresponse"]["enabled"].get(enabled)) {
    bool b = false;
    if (enabled.get_bool().get(b)) return bad_request("triggers.autoresponse.enabled must be true or false");
    in.autoresponse_requested = b;
  }
  return in;
}

std::string action_href(const std::string& api_base, const actions::Action& a) {
  return api_base + "/" + a.kind + "/" + a.id;
}

std::string record_href(const std::string& api_base, const actions::ActionType& type,
                        const actions::ActionRecord& r) {
  return api_base + "/" + std::string(type.collection) + "/" + r.action_id + "/" +
         std::string(type.record_collection) + "/" + r.id;
}

ActionLive action_live(const people::OrgState& org, const actions::ActionType& type, const actions::Action& a,
                       const std::string& api_base) {
  ActionLive live;
  for (const auto& c : type.counters) live.counters.push_back(org.actions.counter_json(c, a));
  if (const Person* creator = a.creator_id.empty() ? nullptr : org.find_person(a.creator_id)) {
    JsonOut j;
    write_person(j, org, *creator, api_base);
    live.creator = j.take();
  }
  return live;
}

void write_action(JsonOut& j, const people::OrgState& org, const actions::ActionType& type,
                  const actions::Action& a, const std::string& api_base) {
  write_action(j, org, type, a, api_base, action_live(org, type, a, api_base));
}

void write_action(JsonOut& j, const people::OrgState& org, const actions::ActionType& type,
                  const actions::Action& a, const std::string& api_base, const ActionLive& live) {
  const std::string self = action_href(api_base, a);
  j.begin();
  write_identifiers(j, a.id, a.identifiers);
  if (!actions::find_field(a.fields, "origin_system")) j.kv("origin_system", "tocsin");
  j.kv("created_date", format_iso8601(a.created)).kv("modified_date", format_iso8601(a.modified));
  if (actions::has_page(a.kind)) {
    // browser_url is the canonical hosted page (web/), whatever a client once sent.
    actions::RawFields fields = a.fields;
    std::erase_if(fields, [](const auto& f) {
      return f.first == "browser_url" || f.first == actions::kEmbedSitesField;
    });
    write_fields(j, fields);
    std::string site =
        api_base.substr(0, api_base.size() - std::min<size_t>(api_base.size(), 7));  // "/api/v2"
    j.kv("browser_url", site + actions::page_path(org.slug, a));
    j.kv("tocsin:slug", actions::page_slug(a));
    j.begin_array("tocsin:fields");
    for (const auto& f : a.page_fields) j.str(f);
    j.end_array();
    if (!a.language.empty()) j.kv("tocsin:language", a.language);
    if (a.goal > 0) j.kv("tocsin:goal", a.goal);
    j.kv("tocsin:challenge", a.challenge.empty() ? "auto" : a.challenge);
    j.begin_array("tocsin:embed_allowed_sites");  // empty: any site may frame the embed
    for (const auto& site : actions::embed_allowed_sites(a)) j.str(site);
    j.end_array();
    // What an organizer pastes into their own site (actions/embed_code.h; web/embed.h serves it).
    j.begin("tocsin:embed_code");
    j.kv("script", actions::embed_script_tag(site, a)).kv("iframe", actions::embed_iframe_tag(site, a));
    j.end();
  } else {
    write_fields(j, a.fields);
  }
  for (size_t i = 0; i < type.counters.size(); ++i) raw(j, type.counters[i].name, live.counters[i]);
  if (!a.disclosure.empty()) j.kv("tocsin:disclosure", a.disclosure);
  if (!a.sms_disclosure.empty()) raw(j, "tocsin:sms_disclosure", a.sms_disclosure);
  if (!a.purpose.empty()) j.kv("tocsin:purpose", a.purpose);
  if (!type.record_collection.empty()) j.kv("tocsin:disclosure_version", a.disclosure_version);
  if (live.creator) {
    j.begin("_embedded");
    raw(j, "osdi:creator", *live.creator);
    j.end();
  }
  j.begin("_links").link("self", self);
  if (!type.record_collection.empty()) {
    std::string records = self + "/" + std::string(type.record_collection);
    j.link(type.record_rel, records).link(type.helper_rel, records);
  }
  if (!type.child_collection.empty()) j.link("osdi:" + std::string(type.child_collection), self + "/events");
  if (!a.parent_id.empty())
    j.link("action_network:event_campaign", api_base + "/event_campaigns/" + a.parent_id);
  if (live.creator) {
    j.link("osdi:creator", api_base + "/people/" + a.creator_id);
    if (type.collection == "events") j.link("osdi:organizer", api_base + "/people/" + a.creator_id);
  }
  write_curies(j, api_base);
  j.end();
  j.end();
}

namespace {

void write_record_as(JsonOut& j, const actions::ActionType& type, const actions::ActionRecord& r,
                     const actions::Action* a, const std::string& api_base,
                     const std::vector<std::string>& notices, const std::string& deliveries) {
  const std::string action = api_base + "/" + std::string(type.collection) + "/" + r.action_id;
  j.begin();
  write_identifiers(j, r.id, r.identifiers);
  j.kv("created_date", format_iso8601(r.created)).kv("modified_date", format_iso8601(r.modified));
  j.kv("action_network:person_id", r.person_id);
  j.kv("action_network:" + std::string(type.singular) + "_id", r.action_id);
  write_fields(j, r.fields);
  write_record_defaults(j, type, r, a);
  if (type.collection == "events" && !actions::find_field(r.fields, "status")) j.kv("status", "accepted");
  if (!r.referrer_data.empty()) raw(j, "action_network:referrer_data", r.referrer_data);
  if (r.autoresponse_requested) j.kv("tocsin:autoresponse_requested", true);  // for messaging to honor
  if (!deliveries.empty()) raw(j, "tocsin:deliveries", deliveries);
  if (!notices.empty()) {
    j.begin_array("tocsin:notices");
    for (const auto& n : notices) j.str(n);
    j.end_array();
  }
  j.begin("_links").link("self", record_href(api_base, type, r));
  j.link(std::string(type.link_ns) + ":" + std::string(type.singular), action);
  j.link("osdi:person", api_base + "/people/" + r.person_id);
  write_curies(j, api_base);
  j.end();
  j.end();
}

}  // namespace

void write_record(JsonOut& j, const people::OrgState& org, const actions::ActionType& type,
                  const actions::ActionRecord& r, const std::string& api_base,
                  const std::vector<std::string>& notices, const std::string& deliveries) {
  write_record_as(j, type, r, org.actions.find_action(r.action_id), api_base, notices, deliveries);
}

RecordView record_view(const people::OrgState& org, const actions::ActionType& type,
                       const actions::ActionRecord& r, std::vector<std::string> notices) {
  RecordView v{&type, r, std::nullopt, std::move(notices)};
  if (const actions::Action* a = org.actions.find_action(r.action_id)) {
    actions::Action only;
    for (const auto& d : type.record_defaults)
      if (d.how == actions::Derive::kActionFieldOrJson)
        if (const std::string* f = actions::find_field(a->fields, d.name))
          actions::set_field(only.fields, std::string(d.name), *f);
    v.action = std::move(only);
  }
  return v;
}

void write_record(JsonOut& j, const RecordView& v, const std::string& api_base) {
  write_record_as(j, *v.type, v.record, v.action ? &*v.action : nullptr, api_base, v.notices, {});
}

}  // namespace tocsin::api
