// /tocsin:messaging_settings: the organization's texting program as its HELP answer uses it — brand, support
// contact, message frequency, the emergency contact line and the preference-center link — and, read-only,
// its standing with the platform (trusted, automatic pauses with the figures that caused them). GET answers
// them with the HELP answer as it would be texted now (and its segments); PUT changes any of the program's
// fields, in one group commit (MessagingBook::put_settings), so the next HELP answer uses them. Only the
// key's organization is ever read or changed.
#include <simdjson.h>

#include "api/handlers.h"
#include "core/text.h"
#include "policy/sms_segments.h"
#include "sms/keyword_replies.h"

namespace tocsin::api::handlers {
namespace {

constexpr size_t kMaxField = 200;

sms::ProgramInfo program_of(const people::OrgState& org, const messaging::Settings& s) {
  std::string brand = s.brand_name.empty() ? org.org.name : s.brand_name;
  return {brand, "", s.support_contact, s.message_frequency, s.emergency_contact};
}

void reply_settings(Call& c) {
  messaging::Settings s;
  sms::ProgramInfo p;
  {
    std::shared_lock lock(c.org->mu);
    s = c.org->messaging.settings();
    p = program_of(*c.org, s);
  }
  JsonOut j;
  j.begin()
      .kv("brand_name", p.brand)
      .kv("support_contact", s.support_contact)
      .kv("message_frequency", s.message_frequency)
      .kv("emergency_contact", s.emergency_contact)
      .kv("help_preferences_link", s.help_preferences_link);
  if (auto ok = sms::validate(p); ok) {
    std::string answer = sms::help_answer(p);
    j.kv("help_answer", answer).kv("help_answer_segments", int64_t{policy::count_segments(answer).segments});
  } else {
    j.kv("help_answer_problem", ok.error().message);
  }
  j.kv("trusted", s.trusted)
      .kv("bulk_email_paused", s.bulk_email_paused)
      .kv("bulk_email_paused_reason", s.bulk_email_paused_reason)
      .kv("bulk_texts_paused", s.bulk_texts_paused)
      .kv("bulk_texts_paused_reason", s.bulk_texts_paused_reason);
  c.reply(200, j.end().take());
}

// The changes a PUT body asks for: each field optional, strings bounded and on one line.
struct Change {
  std::optional<std::string> brand, support, frequency, emergency;
  std::optional<bool> link;
};

Status read_change(simdjson::dom::element body, Change& ch) {
  simdjson::dom::object obj;
  if (body.get_object().get(obj)) return bad_request("the body must be a JSON object");
  for (auto field : obj) {
    std::string_view key = field.key;
    simdjson::dom::element value = field.value;
    std::optional<std::string>* out = key == "brand_name"          ? &ch.brand
                                      : key == "support_contact"   ? &ch.support
                                      : key == "message_frequency" ? &ch.frequency
                                      : key == "emergency_contact" ? &ch.emergency
                                                                   : nullptr;
    if (key == "help_preferences_link") {
      bool b;
      if (value.get_bool().get(b)) return bad_request("help_preferences_link must be true or false");
      ch.link = b;
      continue;
    }
    if (!out) return bad_request("unknown field " + std::string(key));
    std::string_view v;
    if (value.get_string().get(v)) return bad_request(std::string(key) + " must be a string");
    if (v.size() > kMaxField)
      return bad_request(std::string(key) + " is too long (" + std::to_string(kMaxField) + " bytes at most)");
    for (unsigned char b : v)
      if (b < 0x20 || b == 0x7f) return bad_request(std::string(key) + " has a control character");
    *out = std::string(trim_ascii_space(v));
  }
  return Ok{};
}

void change(Call& c) {
  thread_local simdjson::dom::parser parser;
  simdjson::dom::element body;
  if (!c.parse_body(parser, body)) return;
  Change ch;
  if (auto s = read_change(body, ch); !s) return c.error(s.error());
  Status result = Ok{};
  c.ctx.committer.run_sync([&](store::WriteBatch& b) {
    auto w = b.for_org(c.org->org.id);
    std::unique_lock lock(c.org->mu);
    messaging::Settings next = c.org->messaging.settings();
    if (ch.brand) next.brand_name = *ch.brand;
    if (ch.support) next.support_contact = *ch.support;
    if (ch.frequency && !ch.frequency->empty()) next.message_frequency = *ch.frequency;
    if (ch.emergency) next.emergency_contact = *ch.emergency;
    if (ch.link) next.help_preferences_link = *ch.link;
    // The line is judged with the program it will be texted with (segments count the whole answer).
    if (!next.emergency_contact.empty())
      if (auto s = sms::check_emergency_line(program_of(*c.org, next), next.emergency_contact); !s) {
        result = s;
        return std::function<void()>{};
      }
    c.org->messaging.put_settings(w, std::move(next));
    return std::function<void()>{};
  });
  if (!result) return c.error(result.error());
  reply_settings(c);
}

}  // namespace

void program_settings(Call& c) {
  if (c.seg.size() != 1) return c.error(404, "no such resource");
  if (c.req.method == "GET") return reply_settings(c);
  if (c.req.method == "PUT") return change(c);
  c.error(405, "method not allowed");
}

}  // namespace tocsin::api::handlers
