// /tocsin:sms_senders and /tocsin:sending_domains (GET): the key's organization's senders as the platform
// administrator set them up, with the state of the platform operator's levers and of the opt-out-rate
// breaker, so the organization sees why a number or domain sends nothing (docs/SMS.md "Per-sender levers").
// Read-only: senders and domains are the administrator's facts (app/messaging_commands.h,
// app/sender_levers.h). A domain's DKIM private key is never part of the answer.
#include <mutex>
#include <shared_mutex>

#include "api/handlers.h"
#include "messaging/book.h"
#include "messaging/settings.h"

namespace tocsin::api::handlers {
namespace {

void optional_time(JsonOut& j, const char* key, Micros at) {
  if (at > 0) j.kv(key, format_iso8601(at));
}

// Answers one kind of the organization's senders as a list (read under its lock shared): `items` picks the
// map from the book, `write` one entry's fields.
template <typename Items, typename Write>
void reply_list(Call& c, const char* rel, Items items, Write write) {
  JsonOut j;
  std::shared_lock lock(c.org->mu);
  const auto& all = items(c.org->messaging);
  j.begin().kv("total_records", static_cast<int64_t>(all.size()));
  j.begin("_embedded").begin_array(rel);
  for (const auto& [key, item] : all) {
    j.begin();
    write(j, item);
    j.end();
  }
  j.end_array().end().end();
  lock.unlock();
  c.reply(200, j.take());
}

void write_sender(JsonOut& j, const messaging::SmsSender& s) {
  j.kv("number", s.number)
      .kv("type", messaging::sender_type_name(s.type))
      .kv("registered", s.registered)
      .kv("mps", s.mps)
      .kv("daily_cap", s.daily_cap)
      .kv("disabled", !s.disabled_reason.empty())
      .kv("blasts_paused", !s.blasts_paused_reason.empty());
  if (!s.disabled_reason.empty()) j.kv("disabled_reason", s.disabled_reason);
  optional_time(j, "disabled_at", s.disabled_at);
  if (!s.blasts_paused_reason.empty()) j.kv("blasts_paused_reason", s.blasts_paused_reason);
  optional_time(j, "blasts_paused_at", s.blasts_paused_at);
}

void write_domain(JsonOut& j, const messaging::SendingDomain& d) {
  j.kv("domain", d.domain)
      .kv("selector", d.selector)
      .kv("verified", d.verified_at > 0)
      .kv("last_check", d.last_check)
      .kv("disabled", !d.disabled_reason.empty());
  if (!d.disabled_reason.empty()) j.kv("disabled_reason", d.disabled_reason);
  optional_time(j, "disabled_at", d.disabled_at);
  // The bulk-sender checks of the last verification (docs/MAIL.md "Bulk-sender checks"): whether blasts
  // may leave from the domain, and each check with the record to publish.
  auto shortfall = messaging::dmarc_shortfall(d);
  j.kv("tocsin:dkim_domain", d.signing_domain())
      .kv("tocsin:dmarc", d.dmarc_state.empty() ? std::string("not_checked") : d.dmarc_state)
      .kv("tocsin:blasts_allowed", d.verified_at > 0 && !shortfall);
  if (shortfall)
    j.kv("tocsin:blasts_refused_reason", shortfall->misaligned ? "dmarc_misaligned" : "dmarc_missing");
  optional_time(j, "tocsin:checked_at", d.auth_checked_at);
  j.begin_array("tocsin:checks");
  for (const auto& c : d.auth_checks) {
    j.begin().kv("check", c.name).kv("outcome", c.outcome);
    if (!c.record_name.empty()) j.kv("record_name", c.record_name).kv("record_type", "TXT");
    if (!c.record_value.empty()) j.kv("record_value", c.record_value);
    j.kv("sentence", c.sentence).end();
  }
  j.end_array();
}

}  // namespace

void senders(Call& c) {
  if (c.seg.size() != 1) return c.error(404, "no such resource");
  if (c.req.method != "GET")
    return c.error(405, "only GET: senders are set up by the platform administrator");
  if (c.seg[0] == "tocsin:sms_senders")
    return reply_list(
        c, "tocsin:sms_senders", [](const messaging::MessagingBook& b) -> auto& { return b.senders(); },
        write_sender);
  reply_list(
      c, "tocsin:sending_domains", [](const messaging::MessagingBook& b) -> auto& { return b.domains(); },
      write_domain);
}

}  // namespace tocsin::api::handlers
