#include "api/person_json.h"

#include <tuple>

#include "core/contact_point.h"
#include "core/text.h"

namespace tocsin::api {
namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

bool is_null(element e) {
  return e.type() == element_type::NULL_VALUE;
}

// Reads an optional string member into a Field: absent, null, or a string (anything else is a 400).
Status read_string(element obj, const char* key, const std::string& path, people::Field<std::string>& out) {
  element v;
  if (obj[key].get(v)) return Ok{};
  if (is_null(v)) {
    out.state = people::Field<std::string>::kNull;
    return Ok{};
  }
  std::string_view s;
  if (v.get_string().get(s)) return bad_request(path + key + " must be a string");
  out.set(std::string(s));
  return Ok{};
}

Result<std::optional<consent::Status>> read_status(element entry, const std::string& path, StatusRule rule) {
  element v;
  if (entry["status"].get(v) || is_null(v)) return std::optional<consent::Status>{};
  std::string_view s;
  if (v.get_string().get(s)) return bad_request(path + "status must be a string");
  if (s == "subscribed") return std::optional<consent::Status>{consent::Status::kSubscribed};
  if (s == "unsubscribed" && rule == StatusRule::kSubscribeOrUnsubscribe)
    return std::optional<consent::Status>{consent::Status::kUnsubscribed};
  return bad_request(
      path + "status \"" + std::string(s) + "\" is not accepted here; use " +
      (rule == StatusRule::kSubscribeOnly ? "\"subscribed\"" : "\"subscribed\" or \"unsubscribed\""));
}

// email_addresses / phone_numbers: AN keeps one of each per person. The primary entry (else the first)
// wins; an entry with a status but no address applies the status to the person's current one.
struct ContactEntry {
  people::Field<std::string> value;
  std::optional<consent::Status> status;
};

Result<ContactEntry> read_contact_array(element person, const char* key, const char* value_key,
                                        StatusRule rule) {
  ContactEntry out;
  element v;
  if (person[key].get(v)) return out;
  if (is_null(v)) {
    out.value.state = people::Field<std::string>::kNull;
    return out;
  }
  simdjson::dom::array arr;
  if (v.get_array().get(arr)) return bad_request(std::string(key) + " must be an array");
  int chosen = -1, index = 0;
  for (element e : arr) {
    if (!e.is_object())
      return bad_request(std::string(key) + "[" + std::to_string(index) + "] must be an object");
    bool primary = false;
    if (e["primary"].get_bool().get(primary)) primary = false;
    if (chosen < 0 || primary) chosen = index;
    ++index;
  }
  if (chosen < 0) return out;
  element e = arr.at(chosen).value_unsafe();
  std::string path = std::string(key) + "[" + std::to_string(chosen) + "].";
  if (auto s = read_string(e, value_key, path, out.value); !s) return s.error();
  auto st = read_status(e, path, rule);
  if (!st) return st.error();
  out.status = st.value();
  return out;
}

Status read_addresses(element person, people::PersonInput& in) {
  element v;
  if (person["postal_addresses"].get(v)) return Ok{};
  if (is_null(v)) {
    in.postal_addresses.state = people::Field<std::vector<PostalAddress>>::kNull;
    return Ok{};
  }
  simdjson::dom::array arr;
  if (v.get_array().get(arr)) return bad_request("postal_addresses must be an array");
  std::vector<PostalAddress> out;
  int i = 0;
  for (element e : arr) {
    std::string path = "postal_addresses[" + std::to_string(i++) + "].";
    if (!e.is_object()) return bad_request(path.substr(0, path.size() - 1) + " must be an object");
    PostalAddress a;
    if (e["primary"].get_bool().get(a.primary)) a.primary = false;
    element lines;
    if (!e["address_lines"].get(lines) && !is_null(lines)) {
      simdjson::dom::array la;
      if (lines.get_array().get(la)) return bad_request(path + "address_lines must be an array of strings");
      for (element l : la) {
        std::string_view s;
        if (l.get_string().get(s)) return bad_request(path + "address_lines must be an array of strings");
        a.address_lines.emplace_back(s);
      }
    }
    struct {
      const char* key;
      std::string* dst;
    } fields[] = {{"locality", &a.locality},
                  {"region", &a.region},
                  {"postal_code", &a.postal_code},
                  {"country", &a.country},
                  {"language", &a.language}};
    for (auto& f : fields) {
      people::Field<std::string> tmp;
      if (auto s = read_string(e, f.key, path, tmp); !s) return s;
      if (tmp.present()) *f.dst = tmp.value;
    }
    element loc;
    if (!e["location"].get(loc) && loc.is_object()) {
      GeoLocation g;
      double d;
      if (!loc["latitude"].get_double().get(d)) g.latitude = d;
      if (!loc["longitude"].get_double().get(d)) g.longitude = d;
      std::string_view acc;
      if (!loc["accuracy"].get_string().get(acc)) g.accuracy = acc;
      a.location = g;
    }
    out.push_back(std::move(a));
  }
  in.postal_addresses.set(std::move(out));
  return Ok{};
}

}  // namespace

Result<people::WriteAuthority> parse_authority(element body, bool keyed, const std::string& age_field) {
  people::WriteAuthority who;
  who.writer = keyed ? people::Writer::kApiKey : people::Writer::kAnonymous;
  who.age_field = age_field;
  element v;
  if (!keyed || body["tocsin:consent"].get(v) || is_null(v)) return who;
  if (!v.is_object()) return bad_request("tocsin:consent must be an object with source and method");
  people::Attestation a;
  for (auto [key, dst, required] :
       {std::tuple{"source", &a.source, true}, std::tuple{"method", &a.method, true},
        std::tuple{"disclosure", &a.disclosure, false}}) {
    people::Field<std::string> f;
    if (auto s = read_string(v, key, "tocsin:consent.", f); !s) return s.error();
    if (f.present()) *dst = std::string(trim_ascii_space(f.value));
    if (required && dst->empty())
      return bad_request(std::string("tocsin:consent.") + key + " is required (a non-empty string)");
  }
  who.attestation = std::move(a);
  return who;
}

Result<std::vector<std::string>> parse_string_list(element parent, const char* key) {
  std::vector<std::string> out;
  element v;
  if (parent[key].get(v) || is_null(v)) return out;
  simdjson::dom::array arr;
  if (v.get_array().get(arr)) return bad_request(std::string(key) + " must be an array of strings");
  for (element e : arr) {
    std::string_view s;
    if (e.get_string().get(s)) return bad_request(std::string(key) + " must be an array of strings");
    out.emplace_back(s);
  }
  return out;
}

Result<people::PersonInput> parse_person(element person, std::string_view region, StatusRule rule) {
  if (!person.is_object()) return bad_request("person must be an object");
  people::PersonInput in;
  if (auto s = read_string(person, "given_name", "", in.given_name); !s) return s.error();
  if (auto s = read_string(person, "family_name", "", in.family_name); !s) return s.error();
  if (auto s = read_string(person, "birthdate", "", in.birthdate); !s) return s.error();
  if (in.birthdate.present() && !parse_iso8601(in.birthdate.value))
    return bad_request("birthdate must be a date (YYYY-MM-DD)");

  auto email = read_contact_array(person, "email_addresses", "address", rule);
  if (!email) return email.error();
  if (email->value.present()) {
    auto n = normalize_email(email->value.value);
    if (!n) return bad_request("email_addresses: invalid email address");
    in.email.set(std::move(n).value());
  } else {
    in.email.state = email->value.state;
  }
  in.email_status = email->status;

  auto phone = read_contact_array(person, "phone_numbers", "number", rule);
  if (!phone) return phone.error();
  if (phone->value.present()) {
    auto n = normalize_phone(phone->value.value, region);
    if (!n) return bad_request("phone_numbers: invalid phone number");
    in.phone.set(std::move(n).value());
  } else {
    in.phone.state = phone->value.state;
  }
  in.phone_status = phone->status;

  if (auto s = read_addresses(person, in); !s) return s.error();

  element v;
  if (!person["languages_spoken"].get(v)) {
    if (is_null(v)) {
      in.languages_spoken.state = people::Field<std::vector<std::string>>::kNull;
    } else {
      auto langs = parse_string_list(person, "languages_spoken");
      if (!langs) return langs.error();
      in.languages_spoken.set(std::move(langs).value());
    }
  }
  if (!person["custom_fields"].get(v) && !is_null(v)) {
    simdjson::dom::object obj;
    if (v.get_object().get(obj)) return bad_request("custom_fields must be an object");
    for (auto f : obj) {
      std::string key(f.key);
      if (key.empty() || key.size() > 255)
        return bad_request("custom_fields: a field name must have 1 to 255 characters");
      switch (f.value.type()) {
        case element_type::NULL_VALUE:
          in.custom_fields[key] = std::nullopt;
          break;
        case element_type::STRING:
          in.custom_fields[key] = std::string(f.value.get_string().value_unsafe());
          break;
        case element_type::BOOL:
          in.custom_fields[key] = f.value.get_bool().value_unsafe() ? "true" : "false";
          break;
        case element_type::INT64:
        case element_type::UINT64:
        case element_type::DOUBLE:
          in.custom_fields[key] = simdjson::minify(f.value);
          break;
        default:
          return bad_request("custom_fields." + key + " must be a string");
      }
    }
  }
  auto ids = parse_string_list(person, "identifiers");
  if (!ids) return ids.error();
  for (auto& id : ids.value()) {
    auto colon = id.find(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == id.size())
      return bad_request("identifiers must look like \"system:id\"");
    if (id.compare(0, colon, "action_network") == 0) continue;  // our own id: not settable
    in.identifiers.push_back(id);
  }
  return in;
}

void write_curies(JsonOut& j, const std::string& api_base) {
  std::string root = api_base.substr(0, api_base.rfind("/api/v2"));
  j.begin_array("curies");
  j.begin().kv("name", "osdi").kv("href", root + "/docs/v2/{rel}").kv("templated", true).end();
  j.begin().kv("name", "action_network").kv("href", root + "/docs/v2/{rel}").kv("templated", true).end();
  j.begin().kv("name", "tocsin").kv("href", root + "/docs/tocsin/{rel}").kv("templated", true).end();
  j.end_array();
}

namespace {

void write_person_as(JsonOut& j, const Person& p, consent::Status email_status, consent::Status phone_status,
                     const std::string& api_base, const std::vector<std::string>& notices) {
  j.begin();
  j.begin_array("identifiers").str("action_network:" + p.id);
  for (const auto& id : p.identifiers) j.str(id);
  j.end_array();
  j.kv("created_date", format_iso8601(p.created)).kv("modified_date", format_iso8601(p.modified));
  if (!p.given_name.empty()) j.kv("given_name", p.given_name);
  if (!p.family_name.empty()) j.kv("family_name", p.family_name);
  j.begin_array("email_addresses");
  if (p.email)
    j.begin()
        .kv("primary", true)
        .kv("address", *p.email)
        .kv("status", consent::status_name(email_status))
        .end();
  j.end_array();
  j.begin_array("phone_numbers");
  if (p.phone)
    j.begin()
        .kv("primary", true)
        .kv("number", phone_for_display(*p.phone))
        .kv("number_type", "Mobile")
        .kv("status", consent::status_name(phone_status))
        .end();
  j.end_array();
  j.begin_array("postal_addresses");
  for (const auto& a : p.postal_addresses) {
    j.begin().kv("primary", a.primary);
    if (!a.address_lines.empty()) {
      j.begin_array("address_lines");
      for (const auto& l : a.address_lines) j.str(l);
      j.end_array();
    }
    if (!a.locality.empty()) j.kv("locality", a.locality);
    if (!a.region.empty()) j.kv("region", a.region);
    if (!a.postal_code.empty()) j.kv("postal_code", a.postal_code);
    if (!a.country.empty()) j.kv("country", a.country);
    if (!a.language.empty()) j.kv("language", a.language);
    if (a.location) {
      j.begin("location");
      if (a.location->latitude)
        j.kv("latitude", *a.location->latitude);
      else
        j.null("latitude");
      if (a.location->longitude)
        j.kv("longitude", *a.location->longitude);
      else
        j.null("longitude");
      if (!a.location->accuracy.empty())
        j.kv("accuracy", a.location->accuracy);
      else
        j.null("accuracy");
      j.end();
    }
    j.end();
  }
  j.end_array();
  j.begin_array("languages_spoken");
  for (const auto& l : p.languages_spoken) j.str(l);
  j.end_array();
  j.begin("custom_fields");
  for (const auto& [k, v] : p.custom_fields) j.kv(k, v);
  j.end();
  // Read-only: set by an objection to tracking (privacy/tracking_objection.h), never by a PUT.
  if (p.tracking_objection) j.kv("tocsin:tracking_objection", format_iso8601(p.tracking_objection));
  if (!notices.empty()) {
    j.begin_array("tocsin:notices");
    for (const auto& n : notices) j.str(n);
    j.end_array();
  }
  std::string self = api_base + "/people/" + p.id;
  j.begin("_links");
  j.link("self", self);
  j.link("osdi:attendances", self + "/attendances");
  j.link("osdi:signatures", self + "/signatures");
  j.link("osdi:submissions", self + "/submissions");
  j.link("osdi:donations", self + "/donations");
  j.link("osdi:outreaches", self + "/outreaches");
  j.link("osdi:taggings", self + "/taggings");
  j.link("action_network:responses", self + "/responses");
  j.link("tocsin:consent", self + "/consent");
  write_curies(j, api_base);
  j.end();
  j.end();
}

}  // namespace

void write_person(JsonOut& j, const people::OrgState& org, const Person& p, const std::string& api_base,
                  const std::vector<std::string>& notices) {
  PersonView none;
  write_person_as(j, p, p.email ? org.status_of(Channel::kEmail, *p.email) : none.email_status,
                  p.phone ? org.status_of(Channel::kSms, *p.phone) : none.phone_status, api_base, notices);
}

PersonView person_view(const people::OrgState& org, const Person& p, std::vector<std::string> notices) {
  PersonView v{p, {}, {}, std::move(notices)};
  if (p.email) v.email_status = org.status_of(Channel::kEmail, *p.email);
  if (p.phone) v.phone_status = org.status_of(Channel::kSms, *p.phone);
  return v;
}

void write_person(JsonOut& j, const PersonView& v, const std::string& api_base) {
  write_person_as(j, v.person, v.email_status, v.phone_status, api_base, v.notices);
}

}  // namespace tocsin::api
