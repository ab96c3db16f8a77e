#include "actions/action_type.h"

namespace tocsin::actions {
namespace {

using K = FieldKind;

FieldSpec str(std::string_view name) {
  return {name, K::kString};
}

// Objects whose members clients read by name (Action Network's shapes, reference §3.5).
FieldSpec sponsor() {
  return {"action_network:sponsor", K::kObject, {str("title"), str("browser_url")}};
}

FieldSpec location() {
  return {"location",
          K::kObject,
          {str("venue"),
           {"address_lines", K::kList, {str("")}},
           str("locality"),
           str("region"),
           str("postal_code"),
           str("country"),
           str("language"),
           {"location", K::kObject, {{"latitude", K::kNumber}, {"longitude", K::kNumber}, str("accuracy")}}}};
}

// A list of people or offices named by strings (petition target, outreach targets).
FieldSpec named_list(std::string_view name, std::initializer_list<std::string_view> members) {
  FieldSpec element{"", K::kObject};
  for (auto m : members) element.members.push_back(str(m));
  return {name, K::kList, {element}};
}

// Fields every action page shares (reference §3.5).
std::vector<FieldSpec> page_fields(std::initializer_list<FieldSpec> extra) {
  std::vector<FieldSpec> f = {str("origin_system"),
                              str("name"),
                              str("title"),
                              str("description"),
                              str("browser_url"),
                              str("featured_image_url"),
                              {"action_network:hidden", K::kBool},
                              {"tag_list", K::kStringOrList, {str("")}},
                              sponsor()};
  f.insert(f.end(), extra);
  return f;
}

std::vector<ActionType> make_types() {
  std::vector<ActionType> t;
  t.push_back({.collection = "petitions",
               .rel = "osdi:petitions",
               .singular = "petition",
               .link_ns = "osdi",
               .record_collection = "signatures",
               .record_rel = "osdi:signatures",
               .helper_rel = "osdi:record_signature_helper",
               .dedup = true,
               .counters = {{"total_signatures", Count::kRecords}},
               .fields = page_fields({str("petition_text"), named_list("target", {"name"})}),
               .record_fields = {str("comments")}});
  t.push_back({.collection = "events",
               .rel = "osdi:events",
               .singular = "event",
               .link_ns = "osdi",
               .record_collection = "attendances",
               .record_rel = "osdi:attendances",
               .helper_rel = "osdi:record_attendance_helper",
               .dedup = true,
               .counters = {{"total_accepted", Count::kAccepted}},
               .fields = page_fields(
                   {str("instructions"),
                    {"start_date", K::kDate},
                    {"end_date", K::kDate},
                    str("status"),
                    str("visibility"),
                    str("transparence"),
                    {"guests_can_invite_others", K::kBool},
                    {"capacity", K::kCount},
                    {"reminders", K::kList, {{"", K::kObject, {str("method"), {"minutes", K::kCount}}}}},
                    location(),
                    str("action_network:event_campaign_id")}),
               .record_fields = {str("status"), str("comments")}});
  t.push_back({.collection = "event_campaigns",
               .rel = "action_network:event_campaigns",
               .singular = "event_campaign",
               .link_ns = "action_network",
               .child_collection = "events",
               .counters = {{"total_events", Count::kChildActions}, {"total_rsvps", Count::kChildRecords}},
               .fields = page_fields({str("host_pitch"), str("host_instructions"), str("host_url")})});
  t.push_back({.collection = "forms",
               .rel = "osdi:forms",
               .singular = "form",
               .link_ns = "osdi",
               .record_collection = "submissions",
               .record_rel = "osdi:submissions",
               .helper_rel = "osdi:record_submission_helper",
               .dedup = true,
               .counters = {{"total_submissions", Count::kRecords}},
               .fields = page_fields({str("call_to_action")}),
               .record_fields = {str("comments")}});
  t.push_back(
      {.collection = "fundraising_pages",
       .rel = "osdi:fundraising_pages",
       .singular = "fundraising_page",
       .link_ns = "osdi",
       .record_collection = "donations",
       .record_rel = "osdi:donations",
       .helper_rel = "osdi:record_donation_helper",
       .dedup = false,
       .counters = {{"total_donations", Count::kRecords}, {"total_amount", Count::kAmount}},
       // tocsin:amounts: the amounts the hosted page offers (actions/donation_amounts.h).
       .fields = page_fields({str("currency"), {"tocsin:amounts", K::kList, {{"", K::kAmount}}}}),
       .record_fields = {{"amount", K::kAmount},
                         str("currency"),
                         {"recipients",
                          K::kList,
                          {{"", K::kObject, {str("display_name"), {"amount", K::kAmount}}}}},
                         {"payment",
                          K::kObject,
                          {str("method"), str("reference_number"), {"authorization_stored", K::kBool}}},
                         {"action_network:recurrence", K::kObject, {{"recurring", K::kBool}, str("period")}},
                         // A recurring donation's installment names the first record; a refund
                         // (web/donation_events.h) is kept on the donation it gave back.
                         str("tocsin:recurring_donation"),
                         {"tocsin:refund",
                          K::kObject,
                          {{"amount", K::kAmount}, {"refunded", K::kBool}, str("refunded_date")}}},
       // Action Network always answers with these (pyactionnetwork's Donation model needs them).
       .record_defaults = {{"amount", Derive::kRecipientsTotal},
                           {"currency", Derive::kActionFieldOrJson, R"("USD")"},
                           {"action_network:recurrence", Derive::kJson, R"({"recurring":false})"}}});
  t.push_back(
      {.collection = "advocacy_campaigns",
       .rel = "osdi:advocacy_campaigns",
       .singular = "advocacy_campaign",
       .link_ns = "osdi",
       .record_collection = "outreaches",
       .record_rel = "osdi:outreaches",
       .helper_rel = "osdi:record_outreach_helper",
       .dedup = false,
       .counters = {{"total_outreaches", Count::kRecords}},
       // targets: a string in Action Network's own example ("Acme CEO"), a list of offices in OSDI.
       .fields = page_fields(
           {{"targets",
             K::kStringOrList,
             {{"",
               K::kObject,
               {str("title"), str("given_name"), str("family_name"), str("ocdid"), str("email")}}}},
            str("type"),
            // The hosted page's letter (actions/letter.h).
            {"tocsin:letter", K::kObject, {str("subject"), str("body")}},
            {"tocsin:letter_editable", K::kBool}}),
       .record_fields = {str("type"), str("subject"), str("message"),
                         named_list("targets", {"title", "given_name", "family_name", "ocdid", "email"})}});
  // Surveys (Action Network since 2024): a form-like page whose records are responses.
  t.push_back({.collection = "surveys",
               .rel = "action_network:surveys",
               .singular = "survey",
               .link_ns = "action_network",
               .record_collection = "responses",
               .record_rel = "action_network:responses",
               .helper_rel = "action_network:record_response_helper",
               .dedup = true,
               .counters = {{"total_responses", Count::kRecords}},
               .fields = page_fields({str("call_to_action")}),
               .record_fields = {str("comments")}});
  // Read-only over the API (AN creates these in its UI; tocsin with `tocsin actions create`).
  t.push_back({.collection = "queries",
               .rel = "osdi:queries",
               .singular = "query",
               .link_ns = "osdi",
               .writable = false,
               .has_creator = false,
               .fields = {str("origin_system"), str("name"), str("description"), str("browser_url")}});
  t.push_back({.collection = "wrappers",
               .rel = "osdi:wrappers",
               .singular = "wrapper",
               .link_ns = "osdi",
               .writable = false,
               .has_creator = false,
               .fields = {str("origin_system"),
                          str("name"),
                          str("administrative_url"),
                          str("header"),
                          str("footer"),
                          str("action_network:suffix"),
                          str("wrapper_type"),
                          {"default", K::kBool}}});
  t.push_back({.collection = "campaigns",
               .rel = "action_network:campaigns",
               .singular = "campaign",
               .link_ns = "action_network",
               .writable = false,
               .has_creator = false,
               .fields = {str("origin_system"),
                          str("title"),
                          str("description"),
                          str("browser_url"),
                          str("featured_image_url"),
                          sponsor(),
                          {"action_network:hidden", K::kBool},
                          named_list("actions", {"title", "browser_url"})}});
  // Unique ID lists: created and changed over the API (Parsons create_unique_id_list), no records. Listed
  // under `osdi:unique_id_lists` (Action Network's collection key), linked as an extension from the entry
  // point.
  t.push_back({.collection = "unique_id_lists",
               .rel = "osdi:unique_id_lists",
               .entry_rel = "action_network:unique_id_lists",
               .singular = "unique_id_list",
               .link_ns = "osdi",
               .has_creator = false,
               .fields = {str("origin_system"),
                          str("name"),
                          str("description"),
                          str("administrative_url"),
                          {"unique_ids", K::kList, {str("")}}}});
  return t;
}

}  // namespace

const FieldSpec* find_spec(const std::vector<FieldSpec>& specs, std::string_view name) {
  for (const auto& s : specs)
    if (s.name == name) return &s;
  return nullptr;
}

std::string_view entry_rel(const ActionType& type) {
  return type.entry_rel.empty() ? type.rel : type.entry_rel;
}

std::string_view record_name(const ActionType& type) {
  std::string_view h = type.helper_rel;  // "osdi:record_signature_helper"
  auto b = h.find("record_"), e = h.rfind("_helper");
  if (b == std::string_view::npos || e == std::string_view::npos || e <= b + 7) return {};
  return h.substr(b + 7, e - b - 7);
}

const std::vector<ActionType>& action_types() {
  static const std::vector<ActionType> kTypes = make_types();
  return kTypes;
}

const ActionType* type_by_collection(std::string_view collection) {
  for (const auto& t : action_types())
    if (t.collection == collection) return &t;
  return nullptr;
}

const ActionType* type_by_record_collection(std::string_view record_collection) {
  if (record_collection.empty()) return nullptr;
  for (const auto& t : action_types())
    if (t.record_collection == record_collection) return &t;
  return nullptr;
}

}  // namespace tocsin::actions
