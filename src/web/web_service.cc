#include "web/web_service.h"

#include <sodium.h>

#include <mstch/mstch.hpp>

#include <map>
#include <memory>

#include "actions/donation_amounts.h"
#include "actions/embed_code.h"
#include "actions/embed_sites.h"
#include "actions/page_path.h"
#include "actions/sms_disclosure.h"
#include "core/contact_point.h"
#include "core/json_out.h"
#include "core/query_string.h"
#include "messaging/abuse_case.h"
#include "web/advocacy_letter.h"
#include "web/catalog.h"
#include "web/cookie_list.h"
#include "web/donation_checkout.h"
#include "web/embed.h"
#include "web/embed_assets.h"
#include "web/exchange.h"
#include "web/fundraising_page.h"
#include "web/notice_pages.h"
#include "web/page_cache.h"
#include "web/preference_center.h"
#include "web/templates.h"

namespace tocsin::web {
namespace {

using http::Request;
using http::Response;

}  // namespace

bool WebService::owns(std::string_view path) {
  for (std::string_view p : {"/o/", "/a/", "/static/", "/embed/", "/my/", "/payments/"})
    if (path.rfind(p, 0) == 0) return true;
  return path == "/cookies";
}

namespace {

// An action's page as rendered: the action copied out under the organization's shared lock.
struct PageAction {
  actions::Action action;
  const actions::ActionType* type = nullptr;
  int64_t count = 0;
  int64_t amount_cents = 0;  // fundraising pages: the donations' total
  std::string org_slug;
  bool gdpr = false;
  std::optional<actions::SmsDisclosure> sms;
};

// The action whose page is kind/slug in `org`, or null; `org.mu` held (shared). A walk of the kind's actions:
// an organization has few pages, and the render cache spares most requests the rest of the work.
const actions::Action* page_action(const people::OrgState& org, const std::string& kind,
                                   const std::string& slug) {
  if (!actions::has_page(kind)) return nullptr;
  for (const auto& id : org.actions.actions_of_kind(kind)) {
    const actions::Action* a = org.actions.find_action(id);
    if (a && actions::page_slug(*a) == slug) return a;
  }
  return nullptr;
}

// Finds kind/slug in `org` and copies out what its page shows.
std::optional<PageAction> find_page(people::OrgState& org, const std::string& kind, const std::string& slug) {
  std::shared_lock lock(org.mu);
  const actions::Action* a = page_action(org, kind, slug);
  if (!a) return std::nullopt;
  PageAction p;
  p.action = *a;
  p.type = actions::type_by_collection(kind);
  p.count = static_cast<int64_t>(org.actions.records_of_action(a->id).size());
  p.amount_cents = org.actions.tally(a->id).amount_cents;
  p.org_slug = org.slug;
  p.gdpr = org.org.gdpr_applies;
  if (!a->sms_disclosure.empty())
    if (auto d = actions::parse_sms_disclosure(a->sms_disclosure)) p.sms = d.value();
  return p;
}

// The platform operator's reason when it took the page down (`tocsin abuse close --take-down-page`), read
// from the store: a take-down written by the CLI holds from the next request on. A failed read serves the
// page (a store that cannot answer fails the submission anyway).
std::optional<std::string> taken_down(const WebContext& ctx, const people::OrgState& org,
                                      const std::string& kind, const std::string& slug) {
  if (!ctx.store) return std::nullopt;
  auto doc =
      ctx.store->org_doc(org.org.id, messaging::kPageTakedownKind, messaging::page_takedown_id(kind, slug));
  if (!doc || !doc.value()) return std::nullopt;
  return messaging::page_takedown_reason(doc.value()->doc);
}

std::vector<std::string> page_fields(const PageAction& p) {
  std::vector<std::string> f = p.action.page_fields;
  if (f.empty()) f = {"name", "email", "zip"};
  bool has_phone = std::find(f.begin(), f.end(), "phone") != f.end();
  // A phone field whenever the action can take an SMS opt-in; never without a complete disclosure.
  if (p.sms && !has_phone) f.push_back("phone");
  if (!p.sms && has_phone) f.erase(std::find(f.begin(), f.end(), "phone"));
  return f;
}

using FieldErrors = std::map<std::string, std::string>;

// What guards a form besides the context: the session's CSRF token (the action's own page), the embed token
// (a frame on another site), the proof-of-work challenge and the meter that says when an action needs it.
// References to the service's members; copied into callbacks.
struct Guards {
  const CsrfGuard& csrf;
  const EmbedTokens& embeds;
  ProofOfWork& pow;
  AttackMeter& meter;
  // Fundraising pages' hosted checkout (web/donation_checkout.h); null: no [payments] configured.
  DonationCheckout* donations = nullptr;
};

// Where a form is shown and posted: the action's own page, or an embed frame served into `host`. A challenge
// the person already holds (and its answer) is kept when the form comes back for a typing error. The render
// cache (web/page_cache.h) renders with its markers as the challenge and as `csrf`, the form's token
// (otherwise issued for the session).
struct Surface {
  bool frame = false;
  HostPage host;
  std::string challenge, pow;
  std::string csrf;
};

bool challenge_due(const Guards& g, const actions::Action& a, Micros now) {
  return a.challenge == "on" || (a.challenge.empty() && g.meter.under_attack(a.id, now));
}

// The page's body (the layout goes around it), asking `ex` for the scripts and form targets it needs.
std::string action_body(Exchange& ex, const Guards& g, const PageAction& p, const Form& typed,
                        const FieldErrors& errors, const std::string& form_error, const Surface& surf) {
  Visit& v = ex.visit();
  const auto& s = strings(v.lang);
  const auto& a = p.action;
  DonationCheckout* donations = g.donations;
  Micros now = now_micros();
  mstch::array hidden;
  auto hide = [&](std::string name, std::string value) {
    hidden.push_back(mstch::map{{"name", std::move(name)}, {"value", std::move(value)}});
  };
  if (surf.frame) {
    // No cookie in a frame on another site: a token bound to the action and the host page instead.
    ex.embed();
    ex.add_script("/static/embed-frame.js");
    hide("embed_token", g.embeds.issue(a.id, surf.host, now));
    hide("host", surf.host.url);
    hide("host_source", surf.host.source);
  }
  // A caller that brings the form's token (the render cache) has decided on the challenge itself: the meter
  // must not put a real challenge into a page that others will be served.
  bool challenged = !surf.challenge.empty() || (surf.csrf.empty() && challenge_due(g, a, now));
  if (challenged) {
    ex.add_script("/static/challenge.js");
    hide("challenge", surf.challenge.empty() ? g.pow.issue(a.id, now) : surf.challenge);
    hide("pow", surf.pow);
  }
  mstch::array fields;
  for (const auto& name : page_fields(p)) {
    std::string type = name == "email" ? "email" : name == "phone" ? "tel" : "text";
    std::string autocomplete = name == "name"    ? "name"
                               : name == "email" ? "email"
                               : name == "phone" ? "tel"
                               : name == "zip"   ? "postal-code"
                                                 : "off";
    auto err = errors.find(name);
    fields.push_back(mstch::map{{"name", name},
                                {"label", s.at("field_" + name)},
                                {"type", type},
                                {"autocomplete", autocomplete},
                                {"value", first(typed, name)},
                                {"textarea", name == "comments"},
                                {"required", name == "email" || name == "name"},
                                {"error", err == errors.end() ? std::string() : err->second}});
  }
  mstch::map ctx{
      {"s", strings_map(v.lang)},
      {"title", actions::string_field(a.fields, "title").value_or("")},
      {"description", actions::string_field(a.fields, "description").value_or("")},
      {"count", std::to_string(p.count)},
      {"count_label", s.count("count_" + a.kind) ? s.at("count_" + a.kind) : s.at("signatures")},
      {"action_url", surf.frame ? actions::embed_frame_path(a) : actions::page_path(p.org_slug, a)},
      {"csrf", surf.frame           ? std::string()
               : !surf.csrf.empty() ? surf.csrf
                                    : g.csrf.token(v.session, "page:" + a.id)},
      {"hidden", hidden},
      {"challenge_note", challenged ? s.at("challenge_note") : std::string()},
      {"version", std::to_string(a.disclosure_version)},
      {"fields", fields},
      {"form_error", form_error},
      {"submit", s.at("submit_" + a.kind)},
      {"disclosure", a.disclosure},
      // Pre-checked only where the GDPR does not apply; a re-render keeps what the person chose.
      {"email_checked", typed.empty() ? !p.gdpr : !first(typed, "email_opt_in").empty()},
  };
  if (a.goal > 0) ctx["goal"] = std::to_string(a.goal);
  // The kinds' own parts (web/fundraising_page.h, web/advocacy_letter.h).
  std::string kind_block;
  if (a.kind == "fundraising_pages") {
    ctx["raised"] = amount_text(p.amount_cents, actions::page_currency(a));
    if (!donations) {
      ctx["closed"] = s.at("donations_unavailable");  // never a form that cannot take the money
    } else {
      kind_block = kDonationBlock;
      ctx["donation"] = donation_context(a, typed, errors);
      ex.allow_form_action(donations->checkout_origin());
    }
  } else if (a.kind == "advocacy_campaigns") {
    kind_block = kLetterBlock;
    ctx["letter"] = letter_context(a, typed, errors);
  }
  if (a.kind == "events") {
    ctx["event"] = mstch::map{{"start", actions::string_field(a.fields, "start_date").value_or("")},
                              {"time_zone", actions::string_field(a.fields, "time_zone").value_or("")},
                              {"location", actions::string_field(a.fields, "instructions").value_or("")}};
  }
  if (p.sms)
    ctx["sms"] = mstch::map{{"text", actions::disclosure_text(*p.sms)},
                            {"terms_url", p.sms->terms_url},
                            {"privacy_url", p.sms->privacy_url},
                            {"sms_checked", !first(typed, "sms_opt_in").empty()}};
  return mstch::render(templates::kActionPage, ctx, {{"kind_block", kind_block}});
}

void render_action(Exchange& ex, const Guards& g, const PageAction& p, const Form& typed,
                   const FieldErrors& errors, const std::string& form_error, int status,
                   const Surface& surf = {}) {
  std::string body = action_body(ex, g, p, typed, errors, form_error, surf);
  ex.page(status, p.org_slug, actions::string_field(p.action.fields, "title").value_or(""), body);
}

// POST /cookies: the visitor's choice (accept all, reject all, or the categories ticked), then back.
void cookie_choice(const CsrfGuard& csrf, const std::shared_ptr<Exchange>& ex) {
  Visit& v = ex->visit();
  Target form = parse_target("?" + v.req.body);
  if (!csrf.verify(v.session, "cookies", form.param("csrf").value_or(""))) {
    const auto& s = strings(v.lang);
    return ex->message(403, "", s.at("form_expired"), s.at("form_expired"));
  }
  std::string choice = form.param("choice").value_or("reject");
  CookieChoice c;
  c.made = true;
  c.functional = choice == "accept" || (choice == "custom" && form.param("functional"));
  c.performance = choice == "accept" || (choice == "custom" && form.param("performance"));
  if (v.gpc) c.functional = c.performance = false;  // GPC is a refusal whatever was clicked
  Headers h{{"Set-Cookie", set_cookie(cookie("tocsin_consent"), c.encode(), v.secure)}};
  // Withdrawing a category deletes what it had set.
  if (!c.functional) h.emplace_back("Set-Cookie", "tocsin_prefill=; Path=/; Max-Age=0");
  std::string back = form.param("back").value_or("/");
  if (back.empty() || back[0] != '/' || back.rfind("//", 0) == 0) back = "/";  // same-site paths only
  Response r;
  r.status = 303;
  r.content_type = "text/plain; charset=utf-8";
  r.headers = std::move(h);
  r.headers.emplace_back("Location", back);
  ex->send(std::move(r));
}

// GET /o/{org}/cookies: the cookies notice, its table generated from the declared list, and the choice.
void cookie_page(const CsrfGuard& csrf, const std::shared_ptr<Exchange>& ex, const people::OrgState& org) {
  Visit& v = ex->visit();
  const auto& s = strings(v.lang);
  mstch::array rows;
  for (const auto& c : declared_cookies()) {
    std::string life = c.max_age_seconds == 0
                           ? s.at("session")
                           : std::to_string(c.max_age_seconds / 86400) + " " + s.at("days");
    rows.push_back(mstch::map{{"name", std::string(c.name)},
                              {"category", std::string(category_name(c.category))},
                              {"purpose", s.at(std::string(c.purpose_key))},
                              {"lifetime", life}});
  }
  std::string body = mstch::render(templates::kCookiePage,
                                   mstch::map{{"s", strings_map(v.lang)},
                                              {"cookies", rows},
                                              {"here", v.target.path},
                                              {"csrf_cookies", csrf.token(v.session, "cookies")},
                                              {"functional", v.choice.functional},
                                              {"performance", v.choice.performance}},
                                   {{"cookie_form", templates::kCookieForm}});
  ex->page(200, org.slug, s.at("cookie_notice"), body);
}

// GET /o/{org}/{kind}/{slug}: from the render cache when it holds the variant, else rendered with the
// cache's markers in place of the per-request values and kept; then filled with this request's.
void page_get(const WebContext& ctx, const Guards& g, PageCache& cache, Exchange& ex, people::OrgState& org,
              const std::string& kind, const std::string& slug) {
  Visit& v = ex.visit();
  Micros now = now_micros();
  std::string id, language, challenge;
  uint64_t stamp = 0;
  {
    std::shared_lock lock(org.mu);
    const actions::Action* a = page_action(org, kind, slug);
    if (!a) return ex.not_found(org.slug);
    id = a->id;
    language = a->language;
    challenge = a->challenge;
    stamp = org.actions.definitions();
  }
  v.lang = choose_language(language, v.target.param("lang"), v.req.header("accept-language"));
  // Read per request, cached or not: a take-down holds from the next request on.
  if (auto gone = taken_down(ctx, org, kind, slug)) {
    const auto& s = strings(v.lang);
    return ex.message(410, org.slug, s.at("taken_down_title"),
                      s.at("taken_down_body") + " " + *gone + " " + s.at("taken_down_closed"));
  }
  PageCache::Variant variant{v.target.path,
                             v.lang,
                             !v.choice.made && !v.gpc,
                             v.choice.functional,
                             v.choice.performance,
                             challenge == "on" || (challenge.empty() && g.meter.under_attack(id, now))};
  std::shared_ptr<const PageCache::Page> page = cache.find(variant, id, stamp, now);
  if (page) {
    for (const auto& script : page->scripts) ex.add_script(script);
    if (!page->form_action.empty()) ex.allow_form_action(page->form_action);
  } else {
    auto p = find_page(org, kind, slug);
    if (!p) return ex.not_found(org.slug);
    Surface surf;
    surf.csrf = cache.marker(PageCache::kPageCsrf);
    if (variant.challenged) surf.challenge = cache.marker(PageCache::kChallenge);
    std::string body = action_body(ex, g, *p, {}, {}, "", surf);
    PageCache::Page meta;
    meta.action_id = p->action.id;
    meta.stamp = stamp;  // read before the copy: a change in between only makes the next request render
    meta.rendered_at = now;
    meta.scripts = ex.scripts();
    meta.form_action = ex.form_action_extra();
    page = cache.cut(ex.layout(p->org_slug, actions::string_field(p->action.fields, "title").value_or(""),
                               body, cache.marker(PageCache::kCookieCsrf)),
                     std::move(meta));
    if (page->action_id == id) cache.keep(variant, page);
  }
  std::string values[PageCache::kSlots];
  values[PageCache::kPageCsrf] = g.csrf.token(v.session, "page:" + id);
  values[PageCache::kCookieCsrf] = g.csrf.token(v.session, "cookies");
  if (variant.challenged) values[PageCache::kChallenge] = g.pow.issue(id, now);
  ex.html(page->status, PageCache::fill(*page, values));
}

// POST on a page or in an embed frame: checks (CSRF or embed token, honeypot, challenge, limits, fields),
// then messaging::submit_record with the version the person saw; 303 to the thank-you page once durable, or
// the form again with what was typed.
void submit(const WebContext& ctx, Guards g, const std::shared_ptr<Exchange>& ex, people::OrgState& org,
            PageAction p, Surface surf) {
  DonationCheckout* donations = ctx.donations;
  Visit& v = ex->visit();
  const auto& s = strings(v.lang);
  Form form = parse_target("?" + v.req.body).query;
  const auto& a = p.action;
  Micros now = now_micros();
  g.meter.record(a.id, now);  // every post counts towards "under attack", refused ones too
  if (surf.frame) {
    if (!embed_post_origin_ok(v.req, ctx.public_url))
      return ex->message(403, p.org_slug, s.at("form_expired"), s.at("form_expired"));
    HostPage host{first(form, "host"), first(form, "host_source")};
    if (!g.embeds.verify(a.id, host, first(form, "embed_token"), now)) {
      // A fresh form, but the page it names is only what the post claimed, never what a token vouched for.
      surf.host = reported_host(host.url, ctx.public_url);
      return render_action(*ex, g, p, form, {}, s.at("form_expired"), 403, surf);
    }
    surf.host = std::move(host);
    if (!embed_host_allowed(a, surf.host))
      return ex->message(403, p.org_slug, s.at("embed_site_refused"), s.at("embed_site_refused"));
  } else if (!g.csrf.verify(v.session, "page:" + a.id, first(form, "csrf"))) {
    return render_action(*ex, g, p, form, {}, s.at("form_expired"), 403);
  }
  std::string thanks =
      (surf.frame ? actions::embed_frame_path(a) : actions::page_path(p.org_slug, a)) + "/thanks";
  // A bot filled the invisible field: it sees success, nothing is recorded.
  if (!first(form, "website").empty()) return ex->redirect(303, thanks);

  if (challenge_due(g, a, now)) {
    std::string challenge = first(form, "challenge"), answer = first(form, "pow");
    auto c = challenge.empty() ? ProofOfWork::Check{} : g.pow.check(a.id, challenge, answer, now);
    if (c.verdict == ProofOfWork::Verdict::kTooEarly) {
      // The no-JavaScript path: the same challenge, valid once the wait is over.
      surf.challenge = challenge;
      std::string wait = s.at("challenge_wait");
      if (auto at = wait.find("{n}"); at != std::string::npos)
        wait.replace(at, 3, std::to_string(c.wait_seconds));
      return render_action(*ex, g, p, form, {}, wait, 429, surf);
    }
    if (c.verdict != ProofOfWork::Verdict::kOk)
      // No challenge (the action came under attack after the form was served), a wrong answer, or one used
      // before: a fresh challenge with what was typed.
      return render_action(*ex, g, p, form, {},
                           s.at(challenge.empty() ? "challenge_note" : "challenge_failed"),
                           challenge.empty() ? 429 : 403, surf);
    surf.challenge = challenge;
    surf.pow = answer;
  }

  auto limited = [&](RateLimiter* l, const std::string& key) {
    int wait = l ? l->acquire(key, now) : 0;
    if (wait) {
      ex->page(429, p.org_slug, s.at("too_many"),
               mstch::render(templates::kMessage, mstch::map{{"heading", s.at("too_many")}, {"message", ""}}),
               {{"Retry-After", std::to_string(wait)}});
    }
    return wait != 0;
  };
  if (limited(ctx.per_ip, v.req.remote_ip)) return;
  if (ctx.limits && limited(&ctx.limits->per_action, a.id)) return;

  const auto fields = page_fields(p);
  auto asks = [&](const char* f) { return std::find(fields.begin(), fields.end(), f) != fields.end(); };
  FieldErrors errors;
  actions::HelperInput in;
  std::string name = first(form, "name");
  if (asks("name")) {
    if (name.find_first_not_of(" \t") == std::string::npos) {
      errors["name"] = s.at("required");
    } else {
      auto b = name.find_first_not_of(' ');
      name = name.substr(b);
      auto sp = name.find(' ');
      in.person.given_name.set(name.substr(0, sp));
      if (sp != std::string::npos && name.find_first_not_of(' ', sp) != std::string::npos)
        in.person.family_name.set(name.substr(name.find_first_not_of(' ', sp)));
    }
  }
  std::string email = first(form, "email");
  if (email.empty()) {
    errors["email"] = s.at("required");
  } else if (auto e = normalize_email(email); !e) {
    errors["email"] = s.at("invalid_email");
  } else {
    in.person.email.set(e.value());
  }
  std::string phone = first(form, "phone");
  if (asks("phone") && !phone.empty()) {
    if (auto ph = normalize_phone(phone, org.org.default_region); !ph)
      errors["phone"] = s.at("invalid_phone");
    else
      in.person.phone.set(ph.value());
  }
  std::optional<int64_t> cents;
  if (a.kind == "fundraising_pages") {
    if (!donations) return render_action(*ex, g, p, {}, {}, "", 409, surf);  // says: not available
    cents = chosen_amount(a, form, s, errors);
  }
  if (a.kind == "advocacy_campaigns") letter_record_fields(a, form, s, errors, in.record.fields);
  if (!errors.empty()) return render_action(*ex, g, p, form, errors, "", 422, surf);
  if (asks("zip") && !first(form, "zip").empty()) {
    PostalAddress addr;
    addr.primary = true;
    addr.postal_code = first(form, "zip").substr(0, 20);
    in.person.postal_addresses.set({addr});
  }
  if (asks("comments") && !first(form, "comments").empty())
    actions::set_field(in.record.fields, "comments",
                       JsonOut().str(first(form, "comments").substr(0, 2000)).take());

  if (!first(form, "email_opt_in").empty()) {
    in.person.email_status = consent::Status::kSubscribed;
  } else {
    // Unticked: a new address is recorded unsubscribed (the record is still kept); an existing
    // subscription is left as it is — not ticking a box is not an opt-out.
    std::shared_lock lock(org.mu);
    if (org.status_of(Channel::kEmail, in.person.email.value) == consent::Status::kNone)
      in.person.email_status = consent::Status::kUnsubscribed;
  }
  if (in.person.phone.present()) {
    if (ctx.limits && limited(&ctx.limits->per_phone, in.person.phone.value)) return;
    // Only the unchecked-by-default box opts a number in (CTIA); the helper adds the disclosure shown.
    if (!first(form, "sms_opt_in").empty()) in.person.phone_status = consent::Status::kSubscribed;
  }

  // Used only now, so a form sent back for a typing error keeps its challenge; a second use is refused.
  if (!surf.challenge.empty() && !g.pow.consume(surf.challenge, now)) {
    surf.challenge.clear();
    surf.pow.clear();
    return render_action(*ex, g, p, form, {}, s.at("challenge_failed"), 403, surf);
  }

  consent::Evidence ev;
  ev.actor = "anonymous";
  // An embed's evidence names the page it was embedded in besides the page URL and version (the source).
  ev.method = surf.frame ? embed_method(a.kind, surf.host) : "web page " + a.kind;
  ev.ip = v.req.remote_ip;
  if (const auto* ua = v.req.header("user-agent")) ev.user_agent = ua->substr(0, 512);
  int shown = 0;
  try {
    shown = std::stoi(first(form, "version"));
  } catch (...) {
    shown = -1;
  }
  if (cents && shown != a.disclosure_version) {
    // As on every page: no consent taken against text the person did not see.
    return render_action(*ex, g, p, form, {}, s.at("disclosure_changed"), 409, surf);
  }
  if (cents) {
    // A donation: nothing is recorded here; the provider's page takes the money and its signed callback
    // records the donation (web/donation_checkout.h).
    PendingDonation d;
    d.action_id = a.id;
    d.page_url = ctx.public_url + actions::page_path(p.org_slug, a);
    d.title = actions::string_field(a.fields, "title").value_or("Donation");
    d.cents = *cents;
    d.currency = actions::page_currency(a);
    d.monthly = wants_monthly(form);
    d.shown_version = shown;
    d.person = in.person;
    d.person.email_status.reset();
    d.person.phone_status.reset();
    d.email_opt_in = !first(form, "email_opt_in").empty();
    d.sms_opt_in = in.person.phone.present() && !first(form, "sms_opt_in").empty();
    d.ip = ev.ip;
    d.user_agent = ev.user_agent;
    d.created = now;
    auto page = std::make_shared<PageAction>(std::move(p));
    auto typed = std::make_shared<Form>(std::move(form));
    return donations->begin(org, std::move(d), [ex, g, page, typed, surf](Result<std::string> url) {
      if (url) return ex->redirect(303, *url);
      const auto& st = strings(ex->visit().lang);
      render_action(*ex, g, *page, *typed, {}, st.at("payment_failed"), url.error().http_status, surf);
    });
  }
  people::WriteAuthority who;
  who.writer = people::Writer::kAnonymous;
  who.age_field = ctx.age_field;
  messaging::Submission sub{p.type,        a.id,          ctx.public_url + actions::page_path(p.org_slug, a),
                            std::move(in), std::move(ev), actions::HelperRules{who},
                            shown};
  messaging::SubmitServices services{ctx.committer, ctx.autoresponder, ctx.confirmations};
  // An outreach's letter goes to the targets once the outreach is durable (web/advocacy_letter.h).
  std::shared_ptr<messaging::TargetLetter> letter;
  if (a.kind == "advocacy_campaigns" && ctx.letters)
    letter = std::make_shared<messaging::TargetLetter>(
        outreach_letter(org.org.id, a, sub.action_url, name, sub.input.person, sub.input.record.fields));
  auto page = std::make_shared<PageAction>(std::move(p));
  auto typed = std::make_shared<Form>(std::move(form));
  messaging::submit_record(
      services, org, std::move(sub),
      [](const people::OrgState&, const actions::RecordOutcome& o) { return o.record ? o.record->id : ""; },
      [ex, g, page, typed, thanks, org = &org, surf, letter, letters = ctx.letters](Result<std::string> out) {
        if (out && letter && !out->empty()) {
          letter->record_id = *out;
          letters->send(std::move(*letter));
        }
        if (out) return ex->redirect(303, thanks);
        const auto& st = strings(ex->visit().lang);
        if (out.error().http_status == 409) {
          // The disclosure changed since the page was shown: the current text, with what was typed, and
          // nothing recorded against text the person did not see.
          auto now_shown = find_page(*org, page->action.kind, actions::page_slug(page->action));
          if (!now_shown) return ex->not_found(page->org_slug);
          return render_action(*ex, g, *now_shown, *typed, {}, st.at("disclosure_changed"), 409, surf);
        }
        render_action(*ex, g, *page, *typed, {}, st.at("rejected") + " " + out.error().message,
                      out.error().http_status, surf);
      });
}

// /embed/{id}.js, /embed/{id}/frame (GET, POST), /embed/{id}/frame/thanks: web/embed.h. The action is found
// by its id alone (as /a/{id}); ids are not guessable and the frame shows only what the public page shows.
void serve_embed(const WebContext& ctx, Guards g, const std::shared_ptr<Exchange>& ex,
                 const std::vector<std::string>& seg) {
  Visit& v = ex->visit();
  ex->embed();  // every answer here is for another site: framable, no cookie
  const std::string& method = v.req.method;
  bool script = seg.size() == 2 && seg[1].size() > 3 && seg[1].ends_with(".js");
  std::string id = script ? seg[1].substr(0, seg[1].size() - 3) : seg[1];
  auto js = [&](int status, std::string body) {
    Response r;
    r.status = status;
    r.content_type = "text/javascript; charset=utf-8";
    r.body = std::move(body);
    // Loaded by other sites' pages: allowed cross-origin (a host with COEP would block it otherwise), and
    // cached briefly — it changes only with the action's title.
    r.headers = {{"Cross-Origin-Resource-Policy", "cross-origin"},
                 {"Cache-Control", status == 200 ? "public, max-age=300" : "no-store"}};
    ex->send(std::move(r));
  };
  people::OrgState* org = nullptr;
  std::optional<PageAction> p;
  for (people::OrgState* o : ctx.directory.all()) {
    std::string kind, slug;
    {
      std::shared_lock lock(o->mu);
      const actions::Action* a = o->actions.find_action(id);
      if (!a || !actions::has_page(a->kind)) continue;
      kind = a->kind;
      slug = actions::page_slug(*a);
    }
    org = o;
    p = find_page(*o, kind, slug);
    break;
  }
  if (!p) return script ? js(404, "/* tocsin: no such action */\n") : ex->not_found();
  ex->framed_by(actions::embed_allowed_sites(p->action));  // CSP frame-ancestors (actions/embed_sites.h)
  v.lang = choose_language(p->action.language, v.target.param("lang"), v.req.header("accept-language"));
  const auto& s = strings(v.lang);
  if (auto gone = taken_down(ctx, *org, p->action.kind, actions::page_slug(p->action))) {
    if (script) return js(410, "/* tocsin: this page was taken down */\n");
    return ex->message(410, org->slug, s.at("taken_down_title"),
                       s.at("taken_down_body") + " " + *gone + " " + s.at("taken_down_closed"));
  }
  if (script && method == "GET") return js(200, embed_loader(ctx.public_url, p->action));
  bool frame = seg.size() >= 3 && seg[2] == "frame";
  if (frame && seg.size() == 3 && method == "GET") {
    Surface surf;
    surf.frame = true;
    surf.host = host_page(v.req, v.target, ctx.public_url);
    return render_action(*ex, g, *p, {}, {}, "", 200, surf);
  }
  if (frame && seg.size() == 3 && method == "POST") {
    Surface surf;
    surf.frame = true;
    return submit(ctx, g, ex, *org, std::move(*p), std::move(surf));
  }
  if (frame && seg.size() == 4 && seg[3] == "thanks" && method == "GET") {
    std::string url = ctx.public_url + actions::page_path(p->org_slug, p->action);
    std::string title = actions::string_field(p->action.fields, "title").value_or("");
    ex->add_script("/static/embed-frame.js");
    std::string body =
        mstch::render(templates::kFrameThanks, mstch::map{{"s", strings_map(v.lang)},
                                                          {"title", title},
                                                          {"page_url", url},
                                                          {"title_q", percent_encode(title)},
                                                          {"page_url_q", percent_encode(url)}});
    return ex->page(200, p->org_slug, s.at("thanks_title"), body);
  }
  ex->not_found(org->slug);
}

}  // namespace

namespace {

// The installation's keys when it has a key root; otherwise fresh random ones (per process).
WebKeys keys_for(const WebContext& ctx) {
  if (ctx.key_root) return derive_web_keys(*ctx.key_root);
  WebKeys k;
  randombytes_buf(k.csrf.data(), k.csrf.size());
  randombytes_buf(k.embed.data(), k.embed.size());
  randombytes_buf(k.challenge.data(), k.challenge.size());
  return k;
}

}  // namespace

WebService::WebService(WebContext ctx)
    : ctx_(std::move(ctx)),
      csrf_(keys_for(ctx_).csrf),
      embeds_(keys_for(ctx_).embed),
      pow_(ctx_.challenge, keys_for(ctx_).challenge),
      meter_(ctx_.challenge.posts_per_minute) {}

void WebService::handle(Request&& req, http::Respond respond) {
  // The payment provider's signed callback: a machine's request, answered in JSON outside the page layout.
  if (std::string_view(req.target).substr(0, req.target.find('?')) == "/payments/webhook") {
    if (ctx_.donations) return ctx_.donations->callback(req, std::move(respond));
    Response r;
    r.status = 404;
    r.content_type = "application/json";
    r.body = "{\"error\":\"payments are not configured ([payments] in tocsin.toml)\"}";
    return respond(std::move(r));
  }
  auto ex = std::make_shared<Exchange>(ctx_.public_url, ctx_.trusted_proxy_header, csrf_, std::move(req),
                                       std::move(respond));
  Visit& v = ex->visit();
  const auto seg = split_path(v.target.path);
  const std::string& method = v.req.method;
  v.lang = choose_language("", v.target.param("lang"), v.req.header("accept-language"));

  if (seg.size() == 2 && seg[0] == "static" && seg[1] == "tocsin.css" && method == "GET") {
    Response r;
    r.content_type = "text/css; charset=utf-8";
    r.body = templates::kStylesheet;
    r.headers = {{"Cache-Control", "public, max-age=3600"}};
    return ex->send(std::move(r));
  }
  for (const auto& [name, js] : {std::pair{"embed-frame.js", &templates::kEmbedFrameJs},
                                 std::pair{"challenge.js", &templates::kChallengeJs}}) {
    if (seg.size() == 2 && seg[0] == "static" && seg[1] == name && method == "GET") {
      Response r;
      r.content_type = "text/javascript; charset=utf-8";
      r.body = *js;
      r.headers = {{"Cache-Control", "public, max-age=3600"}};
      return ex->send(std::move(r));
    }
  }
  if (seg.size() >= 2 && seg[0] == "embed")
    return serve_embed(ctx_, {csrf_, embeds_, pow_, meter_, ctx_.donations}, ex, seg);
  if (seg.size() == 1 && seg[0] == "cookies" && method == "POST") return cookie_choice(csrf_, ex);
  if (seg.size() == 2 && seg[0] == "a" && method == "GET") {
    for (people::OrgState* org : ctx_.directory.all()) {
      std::shared_lock lock(org->mu);
      const actions::Action* a = org->actions.find_action(seg[1]);
      if (a && actions::has_page(a->kind)) return ex->redirect(301, actions::page_path(org->slug, *a));
    }
    return ex->not_found();
  }
  if (seg.size() == 2 && seg[0] == "my") return preference_center(ctx_, csrf_, ex, seg[1]);
  if (seg.size() < 3 || seg[0] != "o") return ex->not_found();
  people::OrgState* org = ctx_.directory.by_slug(seg[1]);
  if (!org) return ex->not_found();
  if (seg.size() == 3 && seg[2] == "cookies" && method == "GET") return cookie_page(csrf_, ex, *org);
  if (seg.size() == 3 && seg[2] == "privacy" && method == "GET") return privacy_page(ctx_, ex, *org);
  if (seg.size() < 4) return ex->not_found(org->slug);
  Guards g{csrf_, embeds_, pow_, meter_, ctx_.donations};
  if (seg.size() == 4 && method == "GET" && !v.target.param("checkout"))
    return page_get(ctx_, g, page_cache_, *ex, *org, seg[2], seg[3]);
  auto p = find_page(*org, seg[2], seg[3]);
  if (!p) return ex->not_found(org->slug);
  v.lang = choose_language(p->action.language, v.target.param("lang"), v.req.header("accept-language"));
  if (auto gone = taken_down(ctx_, *org, seg[2], seg[3])) {
    const auto& s = strings(v.lang);
    return ex->message(410, org->slug, s.at("taken_down_title"),
                       s.at("taken_down_body") + " " + *gone + " " + s.at("taken_down_closed"));
  }
  if (seg.size() == 4 && method == "GET") {
    // Back from the provider's page without paying: nothing was charged, nothing is recorded.
    bool cancelled = p->action.kind == "fundraising_pages" && v.target.param("checkout") == "cancelled";
    return render_action(*ex, g, *p, {}, {}, cancelled ? strings(v.lang).at("donation_cancelled") : "", 200);
  }
  if (seg.size() == 4 && method == "POST") return submit(ctx_, g, ex, *org, std::move(*p), {});
  if (seg.size() == 5 && seg[4] == "thanks" && method == "GET") {
    std::string url = ctx_.public_url + actions::page_path(p->org_slug, p->action);
    std::string title = actions::string_field(p->action.fields, "title").value_or("");
    // After the provider's page: the donation counts once its signed callback arrives, maybe not yet.
    std::string thanks_body =
        strings(v.lang).at(p->action.kind == "fundraising_pages" ? "donation_thanks" : "thanks_body");
    std::string body = mstch::render(templates::kThanks, mstch::map{{"s", strings_map(v.lang)},
                                                                    {"title", title},
                                                                    {"thanks_body", thanks_body},
                                                                    {"page_url", url},
                                                                    {"title_q", percent_encode(title)},
                                                                    {"page_url_q", percent_encode(url)}});
    return ex->page(200, p->org_slug, strings(v.lang).at("thanks_title"), body);
  }
  ex->not_found(org->slug);
}

}  // namespace tocsin::web
