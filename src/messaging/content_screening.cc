#include "messaging/content_screening.h"

#include "messaging/render.h"

namespace tocsin::messaging {

std::shared_ptr<const policy::EmailContent> email_content(const Message& m) {
  return std::make_shared<const policy::EmailContent>(
      policy::EmailContent{m.from, m.subject, m.body, m.review_approved(), m.sender_address()});
}

policy::content::Screening screen_message(const policy::Gate& gate, const std::string& org_id,
                                          const std::string& brand, const Message& m) {
  if (m.channel == Channel::kEmail)
    return gate.screen(org_id,
                       policy::content::Content{false, m.from, m.subject, m.body, true, m.sender_address()});
  std::string text = render_sms(m.body, brand, true, {});
  return gate.screen(org_id, policy::content::Content{true, {}, {}, text, false});
}

namespace {

void write_findings(JsonOut& j, const policy::content::Screening& s) {
  for (const auto& f : s.findings) {
    j.begin()
        .kv("verdict", policy::content::verdict_name(f.verdict))
        .kv("code", f.code)
        .kv("part", policy::content::part_name(f.part))
        .kv("begin", static_cast<int64_t>(f.begin))
        .kv("end", static_cast<int64_t>(f.end))
        .kv("excerpt", f.excerpt)
        .kv("sentence", f.sentence)
        .end();
  }
}

}  // namespace

void write_screening(JsonOut& j, const policy::content::Screening& s) {
  j.kv("verdict", policy::content::verdict_name(s.verdict));
  j.begin_array("findings");
  write_findings(j, s);
  j.end_array();
  j.begin("spam");
  if (s.spam_score) {
    j.kv("score", *s.spam_score).kv("threshold", s.spam_threshold).begin_array("rules");
    for (const auto& r : s.spam_rules) j.str(r);
    j.end_array();
  } else {
    j.kv("computed", false).kv("note", s.spam_note);
  }
  j.end();
}

std::string findings_json(const policy::content::Screening& s) {
  JsonOut j;
  j.begin_array();
  write_findings(j, s);
  j.end_array();
  return j.take();
}

}  // namespace tocsin::messaging
