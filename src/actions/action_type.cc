#include "actions/action_type.h"

namespace tocsin::actions {
namespace {

// Fields every action page shares (reference §3.5).
std::vector<std::string_view> page_fields(std::initializer_list<std::string_view> extra) {
  std::vector<std::string_view> f = {"origin_system",         "name",        "title",
                                     "description",           "browser_url", "featured_image_url",
                                     "action_network:hidden", "tag_list",    "action_network:sponsor"};
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
               .fields = page_fields({"petition_text", "target"}),
               .record_fields = {"comments"}});
  t.push_back({.collection = "events",
               .rel = "osdi:events",
               .singular = "event",
               .link_ns = "osdi",
               .record_collection = "attendances",
               .record_rel = "osdi:attendances",
               .helper_rel = "osdi:record_attendance_helper",
               .dedup = true,
               .counters = {{"total_accepted", Count::kAccepted}},
               .fields = page_fields({"instructions", "start_date", "end_date", "status", "visibility",
                                      "transparence", "guests_can_invite_others", "capacity", "reminders",
                                      "location", "action_network:event_campaign_id"}),
               .date_fields = {"start_date", "end_date"},
               .record_fields = {"status", "comments"}});
  t.push_back({.collection = "event_campaigns",
               .rel = "action_network:event_campaigns",
               .singular = "event_campaign",
               .link_ns = "action_network",
               .child_collection = "events",
               .counters = {{"total_events", Count::kChildActions}, {"total_rsvps", Count::kChildRecords}},
               .fields = page_fields({"host_pitch", "host_instructions", "host_url"})});
  t.push_back({.collection = "forms",
               .rel = "osdi:forms",
               .singular = "form",
               .link_ns = "osdi",
               .record_collection = "submissions",
               .record_rel = "osdi:submissions",
               .helper_rel = "osdi:record_submission_helper",
               .dedup = true,
               .counters = {{"total_submissions", Count::kRecords}},
               .fields = page_fields({"call_to_action"}),
               .record_fields = {"comments"}});
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
       .fields = page_fields({"currency"}),
       .record_fields = {"amount", "currency", "recipients", "payment", "action_network:recurrence"}});
  t.push_back({.collection = "advocacy_campaigns",
               .rel = "osdi:advocacy_campaigns",
               .singular = "advocacy_campaign",
               .link_ns = "osdi",
               .record_collection = "outreaches",
               .record_rel = "osdi:outreaches",
               .helper_rel = "osdi:record_outreach_helper",
               .dedup = false,
               .counters = {{"total_outreaches", Count::kRecords}},
               .fields = page_fields({"targets", "type"}),
               .record_fields = {"type", "subject", "message", "targets"}});
  // Read-only over the API (AN creates these in its UI; tocsin with `tocsin actions create`).
  t.push_back({.collection = "queries",
               .rel = "osdi:queries",
               .singular = "query",
               .link_ns = "osdi",
               .writable = false,
               .has_creator = false,
               .fields = {"origin_system", "name", "description", "browser_url"}});
  t.push_back({.collection = "wrappers",
               .rel = "osdi:wrappers",
               .singular = "wrapper",
               .link_ns = "osdi",
               .writable = false,
               .has_creator = false,
               .fields = {"origin_system", "name", "administrative_url", "header", "footer",
                          "action_network:suffix", "wrapper_type", "default"}});
  t.push_back({.collection = "campaigns",
               .rel = "action_network:campaigns",
               .singular = "campaign",
               .link_ns = "action_network",
               .writable = false,
               .has_creator = false,
               .fields = {"origin_system", "title", "description", "browser_url", "featured_image_url",
                          "action_network:sponsor", "action_network:hidden", "actions"}});
  // Unique ID lists: created and changed over the API (Parsons create_unique_id_list), no records.
  t.push_back({.collection = "unique_id_lists",
               .rel = "osdi:unique_id_lists",
               .singular = "unique_id_list",
               .link_ns = "osdi",
               .has_creator = false,
               .fields = {"origin_system", "name", "description", "administrative_url", "unique_ids"}});
  return t;
}

}  // namespace

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
