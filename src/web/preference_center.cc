#include "web/preference_center.h"

#include <mstch/mstch.hpp>

#include <shared_mutex>

#include "core/contact_point.h"
#include "messaging/org_write.h"
#include "messaging/resubscribe_confirmation.h"
#include "people/subscribe_rule.h"
#include "privacy/access_bundle.h"
#include "privacy/privacy_request.h"
#include "privacy/tracking_objection.h"
#include "web/catalog.h"
#include "web/notice_pages.h"
#include "web/templates.h"

namespace tocsin::web {
namespace {

using consent::Status;

// A link that verified: whose page it is and which contact point it was sent to.
struct Holder {
  people::OrgState* org = nullptr;
  email::PreferenceClaim claim;
  std::string address;  // the contact point the link was sent to, as the person holds it
  std::string token;
};

std::optional<Holder> open_link(const WebContext& ctx, const std::string& token) {
  if (!ctx.preferences) return std::nullopt;
  Holder h;
  auto claim = ctx.preferences->verify(token, now_micros(),
                                       [&](const email::PreferenceClaim& c) -> std::optional<std::string> {
                                         h.org = ctx.directory.find(c.org_id);
                                         if (!h.org) return std::nullopt;
                                         std::shared_lock lock(h.org->mu);
                                         const Person* p = h.org->find_person(c.person_id);
                                         if (!p) return std::nullopt;
                                         return c.channel == Channel::kEmail ? p->email : p->phone;
                                       });
  if (!claim || !h.org) return std::nullopt;
  h.claim = claim.value();
  {
    std::shared_lock lock(h.org->mu);
    const Person* p = h.org->find_person(h.claim.person_id);
    const auto& a = p ? (h.claim.channel == Channel::kEmail ? p->email : p->phone) : std::nullopt;
    if (!a) return std::nullopt;
    h.address = *a;
  }
  h.token = token;
  return h;
}

std::optional<policy::SuppressionHit> suppression(const WebContext& ctx, const people::OrgState& org,
                                                  const ContactHash& contact) {
  return ctx.suppressions ? ctx.suppressions->find(org.org.id, contact)
                          : org.messaging.suppressions().find(org.org.id, contact);
}

// Erased and platform-wide suppressions are final: no write of any kind re-subscribes them.
bool final_suppression(const std::optional<policy::SuppressionHit>& hit) {
  return hit && hit->scope != policy::SuppressionScope::kOrg;
}

std::string mask(Channel c, const std::string& address) {
  if (c == Channel::kSms) return "•••" + address.substr(address.size() > 2 ? address.size() - 2 : 0);
  auto at = address.find('@');
  return address.substr(0, std::min<size_t>(1, at)) + "•••" +
         (at == std::string::npos ? "" : address.substr(at));
}

std::string status_key(Status s, const std::optional<policy::SuppressionHit>& hit) {
  if (hit && hit->scope == policy::SuppressionScope::kErased) return "st_erased";
  if (hit && hit->scope == policy::SuppressionScope::kPlatform) return "st_platform";
  switch (s) {
    case Status::kSubscribed:
      return "st_subscribed";
    case Status::kBouncing:
      return "st_bouncing";
    case Status::kSpamComplaint:
      return "st_complaint";
    default:
      return "st_unsubscribed";
  }
}

const char* key_of(Channel c) {
  return c == Channel::kEmail ? "email" : "sms";
}

std::string csrf_purpose(const Holder& h) {
  return "my:" + h.claim.person_id;
}

// The page as it is now (statuses read under the organization's shared lock), with `notice` or `error`.
void render(const WebContext& ctx, const CsrfGuard& csrf, Exchange& ex, const Holder& h, int status,
            const std::string& notice, const std::string& error) {
  Visit& v = ex.visit();
  const auto& s = strings(v.lang);
  std::string action = "/my/" + h.token;
  std::string csrf_token = csrf.token(v.session, csrf_purpose(h));
  mstch::array channels;
  std::string org_name, slug;
  Micros tracking_objection = 0;
  {
    const people::OrgState& org = *h.org;
    std::shared_lock lock(org.mu);
    org_name = org.org.name;
    slug = org.slug;
    const Person* p = org.find_person(h.claim.person_id);
    if (p) tracking_objection = p->tracking_objection;
    for (Channel c : {Channel::kEmail, Channel::kSms}) {
      const auto& address = !p ? std::nullopt : c == Channel::kEmail ? p->email : p->phone;
      if (!address) continue;
      ContactHash contact = org.hasher->hash(c, *address);
      Status st = org.status_of(contact);
      auto hit = suppression(ctx, org, contact);
      bool own = c == h.claim.channel;
      bool can_resubscribe = st != Status::kSubscribed && !final_suppression(hit);
      std::string k = key_of(c);
      mstch::map row{{"key", k},
                     {"label", s.at("channel_" + k)},
                     {"address", own ? *address : mask(c, *address)},
                     {"status", s.at(status_key(st, hit))},
                     {"action", action},
                     {"csrf", csrf_token},
                     {"other_only", !own && can_resubscribe}};
      if (st == Status::kSubscribed) row["unsubscribe"] = s.at("my_unsubscribe_" + k);
      if (own && can_resubscribe) {
        row["resubscribe"] = s.at("my_resubscribe_" + k);
        if (c == Channel::kSms) row["disclosure"] = program_disclosure(org, ctx.public_url);
      }
      channels.push_back(std::move(row));
    }
  }
  // Shown whatever the organization's tracking setting: an objection recorded now also binds a later change
  // of that setting.
  mstch::map tracking{{"action", action}, {"csrf", csrf_token}};
  if (tracking_objection)
    tracking["objected"] =
        s.at("my_not_tracked") + " " + format_iso8601(tracking_objection).substr(0, 10) + ".";
  mstch::map page{{"s", strings_map(v.lang)}, {"heading", s.at("my_heading") + ": " + org_name},
                  {"notice", notice},         {"error", error},
                  {"channels", channels},     {"action", action},
                  {"csrf_data", csrf_token},  {"tracking", tracking}};
  ex.page(status, slug, s.at("my_heading"), mstch::render(templates::kPreferences, page));
}

consent::Evidence page_evidence(const WebContext& ctx, const Holder& h, const Visit& v, std::string method) {
  consent::Evidence ev;
  ev.actor = "recipient";  // the signed link sent to the contact point is the credential
  // The page without its token: the token is a credential and has no place in the ledger.
  ev.source = ctx.public_url + "/my/ (preference center; link sent to " +
              (h.claim.channel == Channel::kEmail ? "the email address" : "the phone number") + ")";
  ev.method = std::move(method);
  ev.ip = v.req.remote_ip;
  if (const auto* ua = v.req.header("user-agent")) ev.user_agent = ua->substr(0, 512);
  return ev;
}

// Renders the page once the write is durable: the notice its result names (a catalog key), or the error.
std::function<void(Result<std::string>)> answer(const WebContext& ctx, const CsrfGuard& csrf,
                                                const std::shared_ptr<Exchange>& ex, const Holder& h) {
  return [&ctx, &csrf, ex, h](Result<std::string> r) {
    const auto& s = strings(ex->visit().lang);
    // The person no longer holds the link's contact point (changed or erased since the page was shown).
    if (!r && r.error().http_status == 404)
      return ex->message(404, "", s.at("not_found"), s.at("link_invalid"));
    if (!r) return render(ctx, csrf, *ex, h, 503, "", s.at("try_again"));
    if (r.value() == "cannot_resubscribe") return render(ctx, csrf, *ex, h, 409, "", s.at(r.value()));
    render(ctx, csrf, *ex, h, 200, s.at(r.value()), "");
  };
}

void unsubscribe(const WebContext& ctx, const CsrfGuard& csrf, const std::shared_ptr<Exchange>& ex,
                 const Holder& h, Channel c) {
  auto ev = page_evidence(ctx, h, ex->visit(), "preference center: unsubscribed by the recipient");
  auto opted_out = std::make_shared<std::vector<ContactHash>>();
  messaging::commit_org_write(
      ctx.committer, *h.org,
      [person_id = h.claim.person_id, c, ev, opted_out](people::OrgState& o, store::WriteBatch::OrgWrites& w,
                                                        Micros now) -> Result<std::string> {
        const Person* p = o.find_person(person_id);
        const auto& address = !p ? std::nullopt : c == Channel::kEmail ? p->email : p->phone;
        if (!address || o.status_of(c, *address) != Status::kSubscribed) return std::string("done_unchanged");
        o.record_status(w, c, *address, person_id, Status::kUnsubscribed, ev, now);
        opted_out->push_back(o.hasher->hash(c, *address));
        return std::string("done_unsubscribed");
      },
      answer(ctx, csrf, ex, h), ctx.fence, opted_out);
}

void resubscribe(const WebContext& ctx, const CsrfGuard& csrf, const std::shared_ptr<Exchange>& ex,
                 const Holder& h) {
  Channel c = h.claim.channel;
  auto ev =
      page_evidence(ctx, h, ex->visit(), "preference center: re-subscribed by the contact point's owner");
  people::WriteAuthority who;
  who.writer = people::Writer::kOwner;
  if (c == Channel::kSms) {
    std::shared_lock lock(h.org->mu);
    who.sms_disclosure = ev.disclosure_text = program_disclosure(*h.org, ctx.public_url);
  }
  auto confirm = std::make_shared<bool>(false);
  auto done = answer(ctx, csrf, ex, h);
  messaging::commit_org_write(
      ctx.committer, *h.org,
      [&ctx, h, c, ev, who, confirm](people::OrgState& o, store::WriteBatch::OrgWrites& w,
                                     Micros now) -> Result<std::string> {
        const Person* p = o.find_person(h.claim.person_id);
        const auto& address = !p ? std::nullopt : c == Channel::kEmail ? p->email : p->phone;
        if (!address || *address != h.address) return not_found("the link's contact point is gone");
        ContactHash contact = o.hasher->hash(c, *address);
        auto hit = suppression(ctx, o, contact);
        if (final_suppression(hit)) return std::string("cannot_resubscribe");
        Status current = o.status_of(contact);
        if (current == Status::kSubscribed) return std::string("done_unchanged");
        auto ruling = people::rule_on_subscribe(c, current, who, ev);
        if (ruling.verdict == people::Verdict::kConfirmFirst) {
          *confirm = true;
          return std::string("done_confirm");
        }
        if (ruling.verdict != people::Verdict::kRecord) return std::string("done_unchanged");
        o.record_status(w, c, *address, h.claim.person_id, Status::kSubscribed, ruling.evidence, now);
        // A re-subscription lifts the organization's suppression (as START does); never an erasure's or
        // the platform's (refused above).
        if (hit) {
          w.add(store::op::DeleteSuppression{c, contact});
          o.messaging.suppressions().remove_org(o.org.id, contact);
        }
        return std::string("done_resubscribed");
      },
      [&ctx, h, confirm, done](Result<std::string> r) {
        if (r && *confirm && ctx.confirmations)
          ctx.confirmations->request(h.org->org.id, h.claim.person_id, h.address);
        done(std::move(r));
      });
}

void privacy_request(const WebContext& ctx, const CsrfGuard& csrf, const std::shared_ptr<Exchange>& ex,
                     const Holder& h, privacy::RequestKind kind) {
  const auto& s = strings(ex->visit().lang);
  privacy::ContactRef subject{h.claim.channel,
                              h.claim.channel == Channel::kEmail ? email_match_key(h.address) : h.address};
  auto shown = [&ctx, &csrf, ex, h](const std::string& what, const privacy::PrivacyRequest& r) {
    const auto& st = strings(ex->visit().lang);
    render(ctx, csrf, *ex, h, 200,
           st.at(what) + " " + st.at("request_reference") + ": " + r.id + ". " + st.at("request_due") + ": " +
               format_iso8601(r.due).substr(0, 10) + ".",
           "");
  };
  // One open request per kind and subject: a second click shows the first.
  if (ctx.store) {
    auto docs = ctx.store->scope(h.org->org.id).docs_of_kind(privacy::kPrivacyRequestKind);
    if (!docs) return render(ctx, csrf, *ex, h, 503, "", s.at("try_again"));
    for (const auto& d : docs.value()) {
      auto r = privacy::decode_privacy_request(d.doc);
      if (r && r->kind == kind && r->subject == subject &&
          (r->state == privacy::RequestState::kOpen || r->state == privacy::RequestState::kInProgress))
        return shown("request_exists", r.value());
    }
  }
  size_t matched;
  bool gdpr;
  {
    std::shared_lock lock(h.org->mu);
    matched = privacy::subject_people(*h.org, subject).size();
    gdpr = h.org->org.gdpr_applies;
  }
  const char* sent_to = h.claim.channel == Channel::kEmail ? "email address" : "phone number";
  auto r = std::make_shared<privacy::PrivacyRequest>(privacy::receive_privacy_request(
      kind, subject, gdpr, std::string("subject:verified_link:") + key_of(h.claim.channel),
      std::string("made by the subject on the preference center, verified by the signed link sent to this ") +
          sent_to,
      now_micros(), matched));
  messaging::commit_org_write(
      ctx.committer, *h.org,
      [r](people::OrgState&, store::WriteBatch::OrgWrites& w, Micros) -> Result<std::string> {
        w.add(store::op::PutDoc{privacy::privacy_request_doc(*r)});
        return std::string();
      },
      [&ctx, &csrf, ex, h, r, shown](Result<std::string> out) {
        if (!out) return render(ctx, csrf, *ex, h, 503, "", strings(ex->visit().lang).at("try_again"));
        shown("request_recorded", *r);
      });
}

// "Do not track whether I open or click": an objection to tracking (privacy/tracking_objection.h) made by the
// subject through the signed link — received as a request like any other (actor the verified link) and
// fulfilled in the same commit, since stopping tracking needs nothing from the organization. An objection
// already on file changes nothing and files nothing.
void object_to_tracking(const WebContext& ctx, const CsrfGuard& csrf, const std::shared_ptr<Exchange>& ex,
                        const Holder& h) {
  privacy::ContactRef subject{h.claim.channel,
                              h.claim.channel == Channel::kEmail ? email_match_key(h.address) : h.address};
  std::string actor = std::string("subject:verified_link:") + key_of(h.claim.channel);
  const char* sent_to = h.claim.channel == Channel::kEmail ? "email address" : "phone number";
  std::string note =
      std::string(
          "objection to tracking made by the subject on the preference center, verified by the signed "
          "link sent to this ") +
      sent_to;
  messaging::commit_org_write(
      ctx.committer, *h.org,
      [h, subject, actor, note](people::OrgState& o, store::WriteBatch::OrgWrites& w,
                                Micros now) -> Result<std::string> {
        const Person* p = o.find_person(h.claim.person_id);
        const auto& address = !p ? std::nullopt : h.claim.channel == Channel::kEmail ? p->email : p->phone;
        if (!address || *address != h.address) return not_found("the link's contact point is gone");
        if (p->tracking_objection) return std::string("done_unchanged");
        auto people = privacy::subject_people(o, subject);
        auto r = privacy::receive_privacy_request(privacy::RequestKind::kObjection, subject,
                                                  o.org.gdpr_applies, actor, note, now, people.size());
        r.objection_to = privacy::ObjectionScope::kTracking;
        privacy::fulfil_objection(o, w, r, people, actor, now);
        w.add(store::op::PutDoc{privacy::privacy_request_doc(r)});
        return std::string("done_not_tracked");
      },
      answer(ctx, csrf, ex, h));
}

}  // namespace

void preference_center(const WebContext& ctx, const CsrfGuard& csrf, const std::shared_ptr<Exchange>& ex,
                       const std::string& token) {
  Visit& v = ex->visit();
  const auto& s = strings(v.lang);
  auto h = open_link(ctx, token);
  // Forged, altered, expired, retired, another person's contact point: one answer, so a prober learns
  // nothing (not even whether the organization exists).
  if (!h) return ex->message(404, "", s.at("not_found"), s.at("link_invalid"));
  const std::string& method = v.req.method;
  if (method == "GET" || method == "HEAD") {
    if (!ctx.access_log) return render(ctx, csrf, *ex, *h, 200, "", "");
    // Logged like any read of a person's data, with the link as the reader's credential; never the URL
    // (the token in it is that credential).
    std::string actor =
        std::string("subject:verified_link:") + (h->claim.channel == Channel::kEmail ? "email" : "sms");
    ctx.access_log->record({h->org->org.id,
                            std::move(actor),
                            v.req.remote_ip,
                            "preferences.view",
                            "/my/ (preference center)",
                            {h->claim.person_id}},
                           [&ctx, &csrf, ex, holder = *h] { render(ctx, csrf, *ex, holder, 200, "", ""); });
    return;
  }
  if (method != "POST") return ex->message(405, h->org->slug, s.at("not_found"), s.at("not_found"));
  Form form = parse_target("?" + v.req.body).query;
  if (!csrf.verify(v.session, csrf_purpose(*h), first(form, "csrf")))
    return render(ctx, csrf, *ex, *h, 403, "", s.at("form_expired"));
  std::string what = first(form, "do");
  std::string channel = first(form, "channel");
  std::optional<Channel> c = channel == "email" ? std::optional(Channel::kEmail)
                             : channel == "sms" ? std::optional(Channel::kSms)
                                                : std::nullopt;
  if (what == "unsubscribe" && c) return unsubscribe(ctx, csrf, ex, *h, *c);
  // Only the contact point the link was sent to: the holder has not shown that the other one is theirs.
  if (what == "resubscribe" && c == h->claim.channel) return resubscribe(ctx, csrf, ex, *h);
  if (what == "resubscribe") return render(ctx, csrf, *ex, *h, 403, "", s.at("my_other_channel"));
  if (what == "access") return privacy_request(ctx, csrf, ex, *h, privacy::RequestKind::kAccess);
  if (what == "erasure") return privacy_request(ctx, csrf, ex, *h, privacy::RequestKind::kErasure);
  if (what == "no_tracking") return object_to_tracking(ctx, csrf, ex, *h);
  render(ctx, csrf, *ex, *h, 400, "", s.at("try_again"));
}

}  // namespace tocsin::web
