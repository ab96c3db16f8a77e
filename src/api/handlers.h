// The resource handlers, one file per resource family (api/<resource>_handlers.cc). Each receives a Call
// whose path segments start at the resource name and answers exactly once through call.reply/error.
#pragma once

#include "api/call.h"

namespace tocsin::api::handlers {

void entry_point(Call& call);
void people(Call& call);    // /people, /people/{id}, /people/{id}/taggings, /people/{id}/consent
void tags(Call& call);      // /tags, /tags/{id}, /tags/{id}/taggings[/{id}]
void lists(Call& call);     // /lists, /lists/{id}, /lists/{id}/items[/{id}]
void metadata(Call& call);  // /metadata, /metadata/custom_fields
// Every collection of actions/action_type.h: /petitions, /petitions/{id}, /petitions/{id}/signatures[/{id}],
// /event_campaigns/{id}/events[/...], likewise for the other kinds (api/action_handlers.cc).
void actions(Call& call);
void donations(Call& call);
// /messages, /messages/{id}, /messages/{id}/schedule|send (POST, DELETE), /messages/{id}/tocsin:preflight.
void messages(Call& call);  // /donations, /donations/{id}
// /people/{id}/<record collection>[/{id}] (signatures, attendances, submissions, donations, outreaches).
void records_of_person(Call& call, const std::string& person_id, const std::string& record_collection);
// POST /<action collection>/{id}/<record collection>: the keyless record helper posts.
bool is_record_helper_post(const Call& call);

// /tocsin:evidence_requests[/{id}], POST /tocsin:evidence_requests/{id}/tocsin:answer (the signed ZIP packet)
// (api/privacy_handlers.cc).
void evidence_requests(Call& call);
// /tocsin:privacy_requests[/{id}], POST /tocsin:privacy_requests/{id}/tocsin:fulfil: data-subject requests
// (api/privacy_request_handlers.cc).
void privacy_requests(Call& call);
// /tocsin:access_log[/tocsin:verify]: who read which supporters' data (api/access_log_handlers.cc).
void access_log(Call& call);
// /tocsin:disclosure_log: to whom supporters' data went (api/access_log_handlers.cc).
void disclosure_log(Call& call);
// GET/PUT /tocsin:privacy_notice: what the organization's privacy notice page says about it
// (api/privacy_notice_handlers.cc).
void privacy_notice(Call& call);
// GET/PUT /tocsin:special_categories: the tags, lists and actions marked as special-category data
// (api/special_category_handlers.cc).
void special_categories(Call& call);

// GET/POST /tocsin:acceptable_use: the platform's published acceptable-use policy and the organization's
// acceptances of it (api/acceptable_use_handlers.cc).
void acceptable_use(Call& call);

// /tocsin:sms_senders, /tocsin:sending_domains (GET): the organization's senders and the state of their
// levers (api/sender_handlers.cc).
void senders(Call& call);

// GET/PUT /tocsin:messaging_settings: the texting program's HELP-answer fields (the emergency contact line
// among them) and the organization's standing, read-only (api/program_settings_handlers.cc).
void program_settings(Call& call);

// Paths outside /api/v2 that people and gateways reach without an API key, each authenticated its own way
// (a signed token in the path, a gateway's shared secret or signature): /unsubscribe/{token} (one-click
// unsubscribe), /resubscribe/{token} (confirming a re-subscription), /sms/... (gateway callbacks), /mail/...
// (bounce and complaint ingest).
void outside(Call& call);
void unsubscribe(Call& call);  // /unsubscribe/{token} (api/unsubscribe_handlers.cc)
void resubscribe(Call& call);  // /resubscribe/{token} (api/resubscribe_handlers.cc)
void mail(Call& call);         // /mail/inbound (api/mail_handlers.cc)
// /sms/kannel/mo|dlr, /sms/twilio/inbound|status: SMS gateway callbacks (api/sms_handlers.cc)
void sms(Call& call);
void tracking(Call& call);  // /t/c/{token}, /t/o/{token}.gif (api/tracking_handlers.cc)
void metrics(Call& call);   // /metrics: Prometheus gauges for the operator (api/metrics_handlers.cc)
void abuse(Call& call);     // POST /abuse: public abuse reports (api/abuse_handlers.cc)

// Shared representations.
void write_tagging(JsonOut& j, const Tagging& t, const std::string& api_base);

}  // namespace tocsin::api::handlers
