#include "web/notice_pages.h"

#include <mstch/mstch.hpp>

#include <shared_mutex>

#include "actions/sms_disclosure.h"
#include "privacy/privacy_notice.h"
#include "privacy/retention.h"
#include "web/catalog.h"
#include "web/templates.h"

namespace tocsin::web {

std::string program_disclosure(const people::OrgState& org, const std::string& public_url) {
  actions::SmsDisclosure d;
  auto view = org.messaging.gate_view();
  d.program_name = view && !view->brand_name.empty() ? view->brand_name : org.org.name;
  d.message_frequency = org.messaging.settings().message_frequency;
  d.rates = "Msg & data rates may apply";
  d.help = "Text HELP for help";
  d.stop = "Text STOP to cancel";
  d.terms_url = d.privacy_url = public_url + "/o/" + org.slug + "/privacy";
  return actions::disclosure_text(d);
}

namespace {

// The retention policy the sweeper applies (privacy/retention.h), in the reader's language: what the code
// does, so the notice cannot say otherwise.
mstch::array retention_sentences(const Strings& s, const privacy::RetentionPolicy& p) {
  auto say = [&](const char* key, int n, const char* kept) -> mstch::node {
    return n > 0 ? mstch::render(s.at(key), mstch::map{{"n", std::to_string(n)}}) : s.at(kept);
  };
  return {say("pn_ret_inactive", p.inactive_people_months, "pn_ret_inactive_never"),
          say("pn_ret_evidence", p.evidence_days, "pn_ret_evidence_kept"),
          say("pn_ret_texts", p.inbound_text_days, "pn_ret_texts_kept"), s.at("pn_ret_erasure")};
}

}  // namespace

void privacy_page(const WebContext& ctx, const std::shared_ptr<Exchange>& ex, const people::OrgState& org) {
  Visit& v = ex->visit();
  const auto& s = strings(v.lang);
  std::optional<privacy::PrivacyNotice> stored;
  privacy::RetentionPolicy retention;
  if (ctx.store) {
    auto scope = ctx.store->scope(org.org.id);
    auto doc = scope.doc(privacy::kPrivacyNoticeKind, std::string(privacy::kPrivacyNoticeId));
    auto policy = privacy::load_retention(scope);
    if (!doc || !policy) return ex->message(503, org.slug, s.at("privacy_notice"), s.at("try_again"));
    if (doc.value())
      if (auto n = privacy::decode_privacy_notice(doc.value()->doc)) stored = std::move(n).value();
    retention = policy.value();
  }
  privacy::PrivacyNotice n;
  std::string sms;
  bool texts = false;
  {
    std::shared_lock lock(org.mu);
    n = privacy::notice_as_shown(stored, org.org, org.messaging.settings());
    texts = !org.messaging.senders().empty();
    sms = program_disclosure(org, ctx.public_url);
  }
  mstch::map page{{"s", strings_map(v.lang)},
                  {"heading", s.at("privacy_notice") + ": " + org.org.name},
                  {"controller", n.controller_name},
                  {"contact", n.contact},
                  {"dpo", n.dpo},
                  {"retention", n.retention},
                  {"retention_policy", retention_sentences(s, retention)},
                  {"gdpr", org.org.gdpr_applies},
                  {"org_slug", org.slug}};
  if (texts) page["sms"] = sms;
  ex->page(200, org.slug, s.at("privacy_notice"), mstch::render(templates::kPrivacyPage, page));
}

}  // namespace tocsin::web
