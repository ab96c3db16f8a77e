#include "web/admin/message_screens.h"

#include <fmt/format.h>
#include <mstch/mstch.hpp>

#include <algorithm>

#include "actions/page_path.h"
#include "core/clock.h"
#include "messaging/audience.h"
#include "messaging/blast_control.h"
#include "messaging/markdown_body.h"
#include "messaging/planner.h"
#include "messaging/sms_receipts.h"
#include "oversight/content_review.h"
#include "policy/decision.h"
#include "web/admin/time_chart.h"

namespace tocsin::web::admin {
namespace {

using messaging::Message;
using messaging::MessageStatus;
using messaging::Target;

constexpr const char* kMessages = R"(<main><h1>Messages</h1>
{{#can_edit}}<p><a href="/admin/messages/new?channel=email">New email</a> · <a href="/admin/messages/new?channel=sms">New text</a></p>{{/can_edit}}
{{#has_rows}}<div class="scroll"><table aria-labelledby="messages-list"><caption id="messages-list">Messages, newest first</caption>
<thead><tr><th scope="col">Message</th><th scope="col">Channel</th><th scope="col">Status</th><th scope="col">Recipients</th><th scope="col">Date</th></tr></thead><tbody>
{{#rows}}<tr><td><a href="/admin/messages/{{id}}">{{name}}</a></td><td>{{channel}}</td><td>{{status}}</td><td>{{targeted}}</td><td>{{date}}</td></tr>{{/rows}}
</tbody></table></div>{{/has_rows}}{{^has_rows}}<p>No messages yet.</p>{{/has_rows}}
</main></body></html>
)";

constexpr const char* kCompose = R"(<main><p><a href="/admin/messages">Messages</a></p>
<h1>{{heading}}</h1>
{{#error}}<div class="alert" role="alert" id="compose-error">{{error}}</div>{{/error}}
<form method="post" action="{{post_to}}">
<input type="hidden" name="csrf" value="{{csrf}}">
<input type="hidden" name="channel" value="{{channel}}">
<label for="name">Name (for you; recipients do not see it)</label><input id="name" name="name" maxlength="255" value="{{name}}">
{{#email}}<label for="subject">Subject</label><input id="subject" name="subject" maxlength="998" value="{{subject}}">
<label for="from">From (display name)</label><input id="from" name="from" maxlength="255" value="{{from}}">
<label for="from_address">From address</label><input id="from_address" name="from_address" type="email" aria-describedby="domains-hint" value="{{from_address}}">
<p id="domains-hint">{{#has_domains}}At a verified sending domain: {{domains}}.{{/has_domains}}{{^has_domains}}No sending domain is verified yet: add one under Settings or with <code>tocsin domain add</code>.{{/has_domains}} Empty: the reply-to address.</p>
<label for="reply_to">Reply-to address</label><input id="reply_to" name="reply_to" type="email" value="{{reply_to}}">
<label for="format">Format of the body</label><select id="format" name="format"><option value="html"{{^markdown}} selected{{/markdown}}>HTML</option><option value="markdown"{{#markdown}} selected{{/markdown}}>Markdown</option></select>
<label for="body">Body (HTML or Markdown as chosen; merge fields such as <code>{{=<% %>=}}{{given_name}}<%={{ }}=%></code>; Markdown's raw HTML is left out)</label><textarea id="body" name="body" rows="12">{{body}}</textarea>{{/email}}
{{^email}}<label for="sms_sender">Send from</label><select id="sms_sender" name="sms_sender">{{#senders}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{value}}</option>{{/senders}}</select>
{{^has_senders}}<p>The organization has no texting number yet.</p>{{/has_senders}}
<label for="body">Text (the brand and, for a first text, the opt-out line are added; the preflight shows the segments)</label><textarea id="body" name="body" rows="5" aria-describedby="segment-count" data-brand="{{brand}}">{{body}}</textarea>
<p id="segment-count" aria-live="polite"></p><script src="/admin/static/segments.js" defer></script>
<label><input type="checkbox" name="marketing" value="1"{{#marketing}} checked{{/marketing}}> Marketing or fundraising content</label>{{/email}}
<label for="purpose">Purpose (empty: a general message; a purpose reaches only people who consented to it)</label><input id="purpose" name="purpose" maxlength="100" value="{{purpose}}">
<fieldset><legend>Send to everyone who is in any of</legend>
{{#targets}}<label><input type="checkbox" name="target" value="{{value}}"{{#checked}} checked{{/checked}}> {{label}}</label>{{/targets}}
{{^targets}}<p>The organization has no tags, lists, queries or actions to send to yet.</p>{{/targets}}
</fieldset>
<button type="submit">Save draft and see who it reaches</button>
</form></main></body></html>
)";

constexpr const char* kMessage = R"(<main><p><a href="/admin/messages">Messages</a></p>
{{#watchable}}<p>{{#live}}This page reloads every 5 seconds. <a href="/admin/messages/{{id}}">Stop reloading</a>{{/live}}{{^live}}<a href="/admin/messages/{{id}}?live=1" id="watch-live">Watch it live</a> (reloads every 5 seconds){{/live}}</p>{{/watchable}}
<h1>{{title}}</h1>
<dl class="facts">
<dt>Channel</dt><dd>{{channel}}</dd>
<dt>Status</dt><dd id="message-status">{{status}}{{#status_reason}} ({{status_reason}}){{/status_reason}}</dd>
{{#subject}}<dt>Subject</dt><dd>{{subject}}</dd>{{/subject}}
{{#sender}}<dt>From</dt><dd>{{sender}}</dd>{{/sender}}
<dt>To</dt><dd>{{targets}}</dd>
{{#purpose}}<dt>Purpose</dt><dd>{{purpose}}</dd>{{/purpose}}
{{#scheduled}}<dt>Scheduled for</dt><dd>{{scheduled}}</dd>{{/scheduled}}
{{#started}}<dt>Started</dt><dd>{{started}}</dd>{{/started}}
</dl>
{{#held}}<section class="alert" role="status" id="review-state" aria-labelledby="review-heading"><h2 id="review-heading">Waiting for the platform operator's review</h2>
<p>Nothing has been sent. {{held_why}}</p>
{{#has_held_findings}}<p>What held it:</p><ul id="held-findings">{{#held_findings}}<li><strong>{{verdict}}</strong> <code>{{code}}</code> in the {{part}}: “{{excerpt}}” — {{sentence}}</li>{{/held_findings}}</ul>{{/has_held_findings}}
<p>The operator approves it (then send it again: exactly this content goes) or rejects it with a note you will see here. Editing it makes it a draft again, screened anew when you send.</p></section>{{/held}}
{{#rejected_note}}<div class="alert" role="alert" id="review-state"><p><strong>Rejected by the platform operator's review:</strong> {{rejected_note}}</p></div>{{/rejected_note}}
{{#approved_review}}<div class="ok" role="status" id="review-state"><p>Approved by the platform operator's review{{#approved_note}} ({{approved_note}}){{/approved_note}}: send it again; exactly this content goes.</p></div>{{/approved_review}}
{{#draft}}{{#can_send}}<p><a href="/admin/messages/{{id}}/edit">Edit</a></p>{{/can_send}}{{/draft}}
{{#is_email}}<details id="email-preview-box" open><summary>How the email looks</summary><p>As a sample supporter, Sam Sample, gets it: merge fields filled in, with the wrapper and the footer; the unsubscribe and preference links are made for each recipient when it is sent.</p><iframe class="preview" id="email-preview" src="/admin/messages/{{id}}/preview" title="Preview of the email" sandbox loading="lazy"></iframe></details>{{/is_email}}
{{#text_preview}}<section aria-labelledby="text-preview-heading"><h2 id="text-preview-heading">How the text reads</h2><p>As a sample supporter, Sam Sample, gets it as a first text:</p><blockquote id="text-preview">{{text_preview}}</blockquote></section>{{/text_preview}}
{{#preflight_error}}<div class="alert" role="alert">{{preflight_error}}</div>{{/preflight_error}}
{{#pf_counting}}<p id="pf-counting" role="status">Counting who this message reaches: the organization is large, so the preflight runs in the background. This page reloads in a few seconds.</p>{{/pf_counting}}
{{#has_preflight}}<section aria-labelledby="preflight"><h2 id="preflight">Who it reaches if sent now</h2>
{{#pf_counted_at}}<p id="pf-counted-at">Counted at {{pf_counted_at}}{{#pf_recounting}}; a new count is under way{{/pf_recounting}}. Sending plans every recipient through the gate again.</p>{{/pf_counted_at}}
{{#blocked}}<div class="alert" role="alert" id="blocked"><p><strong>Nothing can be sent:</strong> {{blocked}}</p></div>{{/blocked}}
<ul class="figures">
<li><strong id="pf-targeted">{{targeted}}</strong>targeted</li>
<li><strong id="pf-sendable">{{sendable}}</strong>would get it now</li>
<li><strong id="pf-deferred">{{deferred_count}}</strong>would wait</li>
<li><strong id="pf-excluded">{{excluded_total}}</strong>left out</li>
</ul>
{{#segments}}<p id="segments">Each text is {{segments}} segment(s), {{encoding}}.</p>
{{#cost}}<p id="sms-cost">Estimated cost: {{cost_texts}} texts × {{segments}} segment(s) × {{price}} {{currency}} = <strong>{{cost}} {{currency}}</strong> (the gateway's price per segment as configured; carrier surcharges not included).</p>{{/cost}}
{{^cost}}<p id="sms-cost">No cost estimate: the price per segment is not configured (<code>[sms] price_per_segment</code>).</p>{{/cost}}{{/segments}}
{{#has_excluded}}<h3 id="excluded">Left out, and why</h3>
<div class="scroll"><table aria-labelledby="excluded"><thead><tr><th scope="col">Rule</th><th scope="col">People</th><th scope="col">Why</th></tr></thead><tbody>
{{#excluded}}<tr id="reason-{{code}}"><td><code>{{code}}</code>{{#source}}<br><small>{{source}}</small>{{/source}}</td><td><a href="/admin/messages/{{id}}?reason={{code}}#drill">{{count}}</a></td><td>{{sentence}}</td></tr>{{/excluded}}
</tbody></table></div>{{/has_excluded}}
{{#has_waiting}}<h3 id="waiting">Waiting, and why</h3>
<div class="scroll"><table aria-labelledby="waiting"><thead><tr><th scope="col">Rule</th><th scope="col">People</th><th scope="col">Why</th></tr></thead><tbody>
{{#waiting}}<tr><td><code>{{code}}</code></td><td><a href="/admin/messages/{{id}}?reason={{code}}#drill">{{count}}</a></td><td>{{sentence}}</td></tr>{{/waiting}}
</tbody></table></div>{{/has_waiting}}
{{#has_drill}}<h3 id="drill">{{drilled_total}} {{drill_reason}}</h3>
<ul>{{#drilled}}<li><a href="/admin/people/{{id}}">{{name}}</a></li>{{/drilled}}</ul>
{{#drill_capped}}<p>The first {{drill_shown}} are listed.</p>{{/drill_capped}}{{/has_drill}}
<h3>Content screening: {{verdict}}</h3>
{{#has_findings}}<ul>{{#findings}}<li><strong>{{verdict}}</strong> <code>{{code}}</code> in the {{part}}: “{{excerpt}}” — {{sentence}}</li>{{/findings}}</ul>{{/has_findings}}
{{#spam_note}}<p>{{spam_note}}</p>{{/spam_note}}
</section>{{/has_preflight}}
{{#draft}}{{#can_send}}<section aria-labelledby="send-now"><h2 id="send-now">Send</h2>
{{#requested_by}}<p id="approval-state">{{#may_send}}{{requested_by}} asked for approval on {{requested_at}}.{{/may_send}}{{^may_send}}Waiting for an admin's approval (asked by {{requested_by}} on {{requested_at}}).{{/may_send}}</p>{{/requested_by}}
{{#may_send}}<form method="post" action="/admin/messages/{{id}}/send"><input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="seen" value="{{seen}}">
<button type="submit" id="send-button">{{#requested_by}}Approve and send{{/requested_by}}{{^requested_by}}Send{{/requested_by}} to {{sendable}} now{{#deferred}} ({{deferred}} later){{/deferred}}</button></form>
<form method="post" action="/admin/messages/{{id}}/schedule"><input type="hidden" name="csrf" value="{{csrf}}">
<label for="at">Or schedule for (UTC)</label><input id="at" name="at" type="datetime-local" required>
<button type="submit">Schedule</button></form>{{/may_send}}
{{^may_send}}{{^requested_by}}<p>The organization asks an admin to approve every blast before it leaves.</p>
<form method="post" action="/admin/messages/{{id}}/send"><input type="hidden" name="csrf" value="{{csrf}}">
<button type="submit" id="request-button">Ask an admin to approve and send</button></form>{{/requested_by}}{{/may_send}}
</section>{{/can_send}}{{/draft}}
{{#scheduled}}{{#can_send}}<form method="post" action="/admin/messages/{{id}}/unschedule"><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit">Unschedule</button></form>{{/can_send}}{{/scheduled}}
{{#running}}{{#can_send}}{{^staff_paused}}<form method="post" action="/admin/messages/{{id}}/pause"><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit" id="pause-button">Pause sending</button></form>{{/staff_paused}}
{{#staff_paused}}<p id="staff-paused">Paused by {{staff_paused}} at {{paused_at}}: nothing more is handed over until it is resumed.</p>
<form method="post" action="/admin/messages/{{id}}/resume"><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit" id="resume-button">Resume sending</button></form>{{/staff_paused}}
<form method="post" action="/admin/messages/{{id}}/stop"><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit" id="stop-button">Stop sending</button></form>{{/can_send}}{{/running}}
{{#has_counts}}<section aria-labelledby="stats"><h2 id="stats">Statistics</h2>
<ul class="figures">
<li><strong id="st-sent">{{sent}}</strong>sent</li>
<li><strong id="st-delivered">{{delivered}}</strong>delivered</li>
<li><strong id="st-queued">{{queued}}</strong>still to go</li>
<li><strong id="st-bounced">{{bounced}}</strong>bounced</li>
<li><strong id="st-complaints">{{complaints}}</strong>spam complaints</li>
<li><strong id="st-unsubscribed">{{unsubscribed}}</strong>unsubscribed</li>
<li><strong>{{opened}}</strong>opened (where tracked)</li>
<li><strong>{{clicked}}</strong>clicked (where tracked)</li>
</ul>
<h3 id="by-state">Every recipient by delivery state</h3>
<table aria-labelledby="by-state"><thead><tr><th scope="col">State</th><th scope="col">People</th><th scope="col" style="width:50%">Share</th></tr></thead><tbody>
{{#states}}<tr><td>{{state}}</td><td>{{count}}</td><td><span style="display:block;height:0.9rem;background:#0645ad;width:{{percent}}%" role="img" aria-label="{{percent}} percent"></span></td></tr>{{/states}}
</tbody></table>
{{#has_stat_excluded}}<h3 id="stat-excluded">Left out, by rule</h3>
<table aria-labelledby="stat-excluded"><thead><tr><th scope="col">Rule</th><th scope="col">People</th><th scope="col">Why</th></tr></thead><tbody>
{{#stat_excluded}}<tr><td><code>{{code}}</code></td><td>{{count}}</td><td>{{sentence}}</td></tr>{{/stat_excluded}}
</tbody></table>{{/has_stat_excluded}}
<h3 id="over-time-heading">Over time</h3>
{{{over_time}}}
</section>{{/has_counts}}
</main></body></html>
)";

std::string num(int64_t n) {
  return std::to_string(n);
}

// A price as configured, without trailing zeros ("0.0079", "0.01").
std::string price_text(double price) {
  std::string s = fmt::format("{:.6f}", price);
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  return s;
}

// The estimate of a text blast: every text that would leave (now or after quiet hours and caps) at its
// segment count, to the cent; "" when no price is configured.
std::string sms_cost(const MessageScreen& s, const messaging::PlanSummary& sum) {
  if (s.price_per_segment <= 0 || sum.sms_segments <= 0) return {};
  const double cost =
      static_cast<double>(sum.sendable + sum.deferred) * sum.sms_segments * s.price_per_segment;
  return fmt::format("{:.2f}", cost);
}

// The words for a reason code: the gate's sentence, or the planner's own.
std::string sentence_of(const std::string& code) {
  if (code == messaging::kNoEmailAddress) return "The person has no email address.";
  if (code == messaging::kNoPhoneNumber) return "The person has no phone number.";
  if (code == messaging::kSenderDailyCap)
    return "The sending number's daily cap is reached for today; these go on the following days.";
  if (auto r = policy::reason_by_name(code)) return std::string(policy::reason_sentence(*r));
  return code;
}

std::string source_of(const std::string& code) {
  if (auto r = policy::reason_by_name(code)) return std::string(policy::rule_source(*r));
  return {};
}

std::string target_value(const Target& t) {
  switch (t.kind) {
    case Target::Kind::kList:
      return "lists/" + t.id;
    case Target::Kind::kTag:
      return "tags/" + t.id;
    case Target::Kind::kQuery:
      return "queries/" + t.id;
    case Target::Kind::kAction:
      return t.collection + "/" + t.id;
  }
  return {};
}

std::string channel_word(Channel c) {
  return c == Channel::kEmail ? "email" : "text";
}

}  // namespace

std::string approval_seen(const Message& m) {
  return m.content_digest() + "-" + std::to_string(m.modified);
}

std::vector<MessageRow> list_messages(const people::OrgState& org) {
  std::vector<MessageRow> rows;
  for (const Message* m : org.messaging.messages()) {
    std::string name = !m->name.empty() ? m->name : !m->subject.empty() ? m->subject : m->body.substr(0, 60);
    rows.push_back({m->id, name.empty() ? std::string("(untitled)") : name, channel_word(m->channel),
                    std::string(messaging::status_name(m->status)) +
                        (m->approval_requested_by.empty() ? "" : " (awaiting approval)"),
                    format_iso8601(m->sent_start ? m->sent_start : m->created).substr(0, 16),
                    m->total_targeted});
  }
  std::stable_sort(rows.begin(), rows.end(),
                   [](const MessageRow& a, const MessageRow& b) { return a.date > b.date; });
  return rows;
}

std::string messages_page(const Frame& f, const std::vector<MessageRow>& rows) {
  mstch::array list;
  for (const auto& r : rows)
    list.push_back(mstch::map{{"id", r.id},
                              {"name", r.name},
                              {"channel", r.channel},
                              {"status", r.status},
                              {"targeted", num(r.targeted)},
                              {"date", r.date}});
  return render_screen("Messages", &f, kMessages,
                       {{"can_edit", f.can_edit}, {"has_rows", !rows.empty()}, {"rows", list}});
}

ComposeForm compose_form_of(const Message& m) {
  ComposeForm f;
  f.id = m.id;
  f.channel = m.channel == Channel::kEmail ? "email" : "sms";
  f.name = m.name;
  f.subject = m.subject;
  f.from = m.from;
  f.from_address = m.from_address;
  f.reply_to = m.reply_to;
  f.body = m.body;
  // Written in Markdown and not changed since as HTML (over the API): the source is what is edited.
  if (!m.body_markdown.empty() && messaging::markdown_to_html(m.body_markdown) == m.body) {
    f.body = m.body_markdown;
    f.format = "markdown";
  }
  f.sms_sender = m.sms_sender;
  f.purpose = m.purpose;
  f.marketing = m.marketing;
  for (const auto& t : m.targets) f.targets.push_back(target_value(t));
  return f;
}

Status apply_compose_form(const ComposeForm& f, Message& m) {
  m.channel = f.channel == "sms" ? Channel::kSms : Channel::kEmail;
  m.name = f.name;
  m.body = f.body;
  m.body_markdown.clear();
  if (f.channel != "sms" && f.format == "markdown") {
    m.body_markdown = f.body;
    m.body = messaging::markdown_to_html(f.body);
  }
  m.purpose = f.purpose;
  if (m.channel == Channel::kEmail) {
    m.subject = f.subject;
    m.from = f.from;
    m.from_address = f.from_address;
    m.reply_to = f.reply_to;
  } else {
    m.sms_sender = f.sms_sender;
    m.marketing = f.marketing;
  }
  m.targets.clear();
  for (const auto& v : f.targets) {
    auto t = messaging::parse_target_href("/" + v);
    if (!t) return t.error();
    if (std::find(m.targets.begin(), m.targets.end(), t.value()) == m.targets.end())
      m.targets.push_back(t.value());
  }
  return Ok{};
}

ComposeChoices compose_choices(const people::OrgState& org) {
  ComposeChoices c;
  for (const auto& id : org.tag_order)
    if (auto it = org.tags.find(id); it != org.tags.end())
      c.targets.push_back({"tags/" + id, "Tag: " + it->second.name});
  for (const auto& l : org.lists) c.targets.push_back({"lists/" + l.id, "List: " + l.name});
  for (const auto& id : org.actions.actions_of_kind("queries"))
    if (const auto* q = org.actions.find_action(id))
      c.targets.push_back(
          {"queries/" + id, "Query: " + actions::string_field(q->fields, "name").value_or(id)});
  for (const char* kind : {"petitions", "forms", "events", "fundraising_pages", "advocacy_campaigns"})
    for (const auto& id : org.actions.actions_of_kind(kind))
      if (const auto* a = org.actions.find_action(id))
        c.targets.push_back({std::string(kind) + "/" + id,
                             "Everyone who took part in: " +
                                 actions::string_field(a->fields, "title").value_or(id) + " (" + kind + ")"});
  for (const auto& [number, s] : org.messaging.senders())
    if (s.disabled_reason.empty()) c.sms_senders.push_back(number);
  for (const auto& [domain, d] : org.messaging.domains())
    if (d.verified_at && d.disabled_reason.empty()) c.verified_domains.push_back(domain);
  c.brand = messaging::brand_of(org);  // the brand texts begin with
  return c;
}

std::string compose_page(const Frame& f, const ComposeForm& form, const ComposeChoices& choices) {
  mstch::array targets, senders;
  for (const auto& t : choices.targets)
    targets.push_back(mstch::map{
        {"value", t.value},
        {"label", t.label},
        {"checked", std::find(form.targets.begin(), form.targets.end(), t.value) != form.targets.end()}});
  for (const auto& s : choices.sms_senders)
    senders.push_back(mstch::map{{"value", s}, {"selected", s == form.sms_sender}});
  std::string domains;
  for (const auto& d : choices.verified_domains) domains += (domains.empty() ? "" : ", ") + d;
  const bool email = form.channel != "sms";
  std::string heading = form.id.empty() ? (email ? "New email" : "New text") : "Edit draft";
  return render_screen(
      heading, &f, kCompose,
      {{"heading", heading},
       {"error", form.error},
       {"post_to", form.id.empty() ? std::string("/admin/messages") : "/admin/messages/" + form.id},
       {"csrf", f.csrf},
       {"channel", std::string(email ? "email" : "sms")},
       {"email", email},
       {"name", form.name},
       {"subject", form.subject},
       {"from", form.from},
       {"from_address", form.from_address},
       {"reply_to", form.reply_to},
       {"body", form.body},
       {"markdown", form.format == "markdown"},
       {"has_domains", !choices.verified_domains.empty()},
       {"domains", domains},
       {"senders", senders},
       {"has_senders", !choices.sms_senders.empty()},
       {"brand", choices.brand},
       {"marketing", form.marketing},
       {"purpose", form.purpose},
       {"targets", targets}});
}

std::string message_page(const Frame& f, const MessageScreen& s) {
  const Message& m = s.message;
  const std::string title = !m.name.empty() ? m.name : !m.subject.empty() ? m.subject : "(untitled)";
  mstch::map ctx{
      {"id", m.id},
      {"csrf", f.csrf},
      {"can_send", s.can_send},
      {"title", title},
      {"channel", channel_word(m.channel)},
      {"status", std::string(messaging::status_name(m.status))},
      {"status_reason", m.status_reason},
      {"subject", m.subject},
      {"is_email", m.channel == Channel::kEmail},
      {"text_preview", s.text_preview},
      {"sender", m.channel == Channel::kEmail
                     ? (m.from + (m.sender_address().empty() ? "" : " <" + m.sender_address() + ">"))
                     : m.sms_sender},
      {"targets", s.targets_label},
      {"purpose", m.purpose},
      {"draft", m.status == MessageStatus::kDraft},
      {"scheduled", m.status == MessageStatus::kScheduled ? format_iso8601(m.scheduled_at) : std::string()},
      {"started", m.sent_start ? format_iso8601(m.sent_start) : std::string()},
      {"running", m.status == MessageStatus::kSending || m.status == MessageStatus::kPaused},
      {"staff_paused", m.status == MessageStatus::kSending || m.status == MessageStatus::kPaused
                           ? m.paused_by
                           : std::string()},
      {"paused_at", m.paused_at ? format_iso8601(m.paused_at).substr(0, 19) + " UTC" : std::string()},
      {"may_send", !s.needs_approval || s.can_approve},
      {"requested_by", m.approval_requested_by},
      {"requested_at", m.approval_requested_at ? format_iso8601(m.approval_requested_at) : std::string()},
      {"seen", approval_seen(m)},
      {"live", s.live},
      {"watchable", m.status == MessageStatus::kSending || m.status == MessageStatus::kScheduled},
      {"preflight_error", s.preflight_error},
      {"has_preflight", s.preflight.has_value()},
      {"pf_counting", s.preflight_counting},
      {"pf_counted_at", s.preflight_counted_at ? format_iso8601(s.preflight_counted_at).substr(11, 8) + " UTC"
                                               : std::string()},
      {"pf_recounting", s.preflight_recounting}};
  // Why the message waits, or what the operator's review decided (oversight/content_review.h).
  if (m.status == MessageStatus::kHeld) {
    mstch::array held_findings;
    for (const auto& fd : oversight::held_findings(m))
      held_findings.push_back(mstch::map{{"verdict", fd.verdict},
                                         {"code", fd.code},
                                         {"part", fd.part},
                                         {"excerpt", fd.excerpt},
                                         {"sentence", fd.sentence}});
    ctx["held"] = true;
    ctx["held_why"] = m.status_reason;
    ctx["has_held_findings"] = !held_findings.empty();
    ctx["held_findings"] = held_findings;
  }
  if (m.review_state == "rejected") ctx["rejected_note"] = m.review_note;
  if (m.review_state == "approved" && m.status == MessageStatus::kDraft && m.review_approved()) {
    ctx["approved_review"] = true;
    ctx["approved_note"] = m.review_note;
  }
  if (s.preflight) {
    const auto& sum = s.preflight->plan.summary;
    mstch::array excluded, waiting, findings, drilled;
    int64_t excluded_total = 0;
    for (const auto& [code, n] : sum.excluded) {
      excluded_total += n;
      excluded.push_back(mstch::map{{"id", m.id},
                                    {"code", code},
                                    {"count", num(n)},
                                    {"sentence", sentence_of(code)},
                                    {"source", source_of(code)}});
    }
    for (const auto& [code, n] : sum.waiting)
      waiting.push_back(
          mstch::map{{"id", m.id}, {"code", code}, {"count", num(n)}, {"sentence", sentence_of(code)}});
    const auto& sc = s.preflight->screening;
    for (const auto& fd : sc.findings)
      findings.push_back(mstch::map{{"verdict", std::string(policy::content::verdict_name(fd.verdict))},
                                    {"code", fd.code},
                                    {"part", std::string(policy::content::part_name(fd.part))},
                                    {"excerpt", fd.excerpt},
                                    {"sentence", fd.sentence}});
    for (const auto& d : s.drilled) drilled.push_back(mstch::map{{"id", d.id}, {"name", d.name}});
    ctx.insert(
        {{"blocked", sum.blocked_sentence},
         {"targeted", num(sum.targeted)},
         {"sendable", num(sum.sendable)},
         {"deferred", sum.deferred ? num(sum.deferred) : std::string()},
         {"deferred_count", num(sum.deferred)},
         {"excluded_total", num(excluded_total)},
         {"segments", m.channel == Channel::kSms && sum.sms_segments ? num(sum.sms_segments) : std::string()},
         {"encoding", sum.sms_encoding},
         {"cost", sms_cost(s, sum)},
         {"cost_texts", num(sum.sendable + sum.deferred)},
         {"price", price_text(s.price_per_segment)},
         {"currency", s.price_currency},
         {"has_excluded", !excluded.empty()},
         {"excluded", excluded},
         {"has_waiting", !waiting.empty()},
         {"waiting", waiting},
         {"verdict", std::string(policy::content::verdict_name(sc.verdict))},
         {"has_findings", !findings.empty()},
         {"findings", findings},
         {"spam_note", sc.spam_note},
         {"has_drill", !s.drill_reason.empty()},
         {"drill_reason",
          s.drill_reason.empty() ? std::string() : "left out or waiting: " + sentence_of(s.drill_reason)},
         {"drilled_total", num(s.drilled_total)},
         {"drilled", drilled},
         {"drill_capped", s.drilled_total > static_cast<int64_t>(s.drilled.size())},
         {"drill_shown", num(static_cast<int64_t>(s.drilled.size()))}});
  } else {
    ctx.insert({{"sendable", std::string("0")}, {"deferred", std::string()}});
  }
  ctx.insert({{"has_counts", s.counts.has_value()}});
  if (s.counts) {
    const auto& c = *s.counts;
    auto n = [&](store::DeliveryState st) {
      auto it = c.by_state.find(st);
      return it == c.by_state.end() ? int64_t{0} : it->second;
    };
    using S = store::DeliveryState;
    mstch::array states, stat_excluded;
    int64_t total = std::max<int64_t>(c.total, 1);
    for (const auto& [st, count] : c.by_state)
      states.push_back(mstch::map{{"state", std::string(messaging::delivery_state_name(st))},
                                  {"count", num(count)},
                                  {"percent", num(count * 100 / total)}});
    for (const auto& [code, count] : c.excluded_by_reason)
      stat_excluded.push_back(
          mstch::map{{"code", code}, {"count", num(count)}, {"sentence", sentence_of(code)}});
    ctx.insert({{"sent", num(c.handed_over)},
                {"delivered", num(n(S::kDelivered))},
                {"queued", num(n(S::kQueued) + n(S::kDeferred))},
                {"bounced", num(n(S::kBounced))},
                {"complaints", num(n(S::kComplained))},
                {"unsubscribed", num(c.unsubscribed)},
                {"opened", num(c.opened)},
                {"clicked", num(c.clicked)},
                {"states", states},
                {"over_time", render_chart(delivery_chart(s.hours))},
                {"has_stat_excluded", !stat_excluded.empty()},
                {"stat_excluded", stat_excluded}});
  }
  return render_screen(title, &f, kMessage, ctx);
}

}  // namespace tocsin::web::admin
