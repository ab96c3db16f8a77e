#include "web/templates.h"

#include "web/catalog.h"

namespace tocsin::web {

mstch::map strings_map(const std::string& lang) {
  mstch::map m;
  for (const auto& [k, v] : strings(lang)) m[k] = v;
  return m;
}

}  // namespace tocsin::web

namespace tocsin::web::templates {

const std::string kLayout = R"(<!doctype html>
<html lang="{{lang}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{title}}</title>
<link rel="stylesheet" href="/static/tocsin.css">
{{#scripts}}<script src="{{.}}" defer></script>
{{/scripts}}
</head>
<body>
{{#banner}}
<aside class="cookie-banner" aria-label="{{s.cookie_settings}}">
<p>{{s.cookie_banner}}</p>
{{> cookie_form}}
</aside>
{{/banner}}
<main>
{{{body}}}
</main>
<footer>
{{#org_slug}}<a href="/o/{{org_slug}}/privacy">{{s.privacy_notice}}</a> ·
<a href="/o/{{org_slug}}/cookies">{{s.cookie_settings}}</a>{{/org_slug}}
</footer>
</body>
</html>
)";

const std::string kActionPage = R"(<h1>{{title}}</h1>
{{#description}}<p class="description">{{description}}</p>{{/description}}
{{#event}}<p class="event">{{start}} {{time_zone}} · {{location}}</p>{{/event}}
<p class="counter"><span id="count">{{count}}</span> {{count_label}}{{#raised}} · <span id="raised">{{raised}}</span> {{s.raised}}{{/raised}}
{{#goal}} · <meter min="0" max="{{goal}}" value="{{count}}">{{count}}/{{goal}}</meter> {{goal}} {{s.of_goal}}{{/goal}}</p>
{{#form_error}}<p class="error" role="alert">{{form_error}}</p>{{/form_error}}
{{#closed}}<p class="notice" role="status">{{closed}}</p>{{/closed}}
{{^closed}}<form method="post" action="{{action_url}}" novalidate>
{{#csrf}}<input type="hidden" name="csrf" value="{{csrf}}">{{/csrf}}
<input type="hidden" name="version" value="{{version}}">
{{#hidden}}<input type="hidden" name="{{name}}" value="{{value}}">
{{/hidden}}
<div class="hp" aria-hidden="true"><label>Leave empty <input type="text" name="website" tabindex="-1" autocomplete="off"></label></div>
{{> kind_block}}
{{#fields}}
<p class="field">
<label for="f-{{name}}">{{label}}</label>
{{#textarea}}<textarea id="f-{{name}}" name="{{name}}">{{value}}</textarea>{{/textarea}}
{{^textarea}}<input id="f-{{name}}" name="{{name}}" type="{{type}}" value="{{value}}" autocomplete="{{autocomplete}}"{{#required}} required aria-required="true"{{/required}}{{#error}} aria-invalid="true" aria-describedby="e-{{name}}"{{/error}}>{{/textarea}}
{{#error}}<span class="error" id="e-{{name}}">{{error}}</span>{{/error}}
</p>
{{/fields}}
<p class="opt-in"><label><input type="checkbox" name="email_opt_in" value="1"{{#email_checked}} checked{{/email_checked}}> {{s.email_opt_in}}</label></p>
{{#sms}}
<fieldset class="sms">
<label><input type="checkbox" name="sms_opt_in" value="1"{{#sms_checked}} checked{{/sms_checked}}> {{s.sms_opt_in}}</label>
<p class="sms-disclosure">{{text}} <a href="{{terms_url}}">Terms</a> · <a href="{{privacy_url}}">Privacy</a></p>
</fieldset>
{{/sms}}
{{#disclosure}}<p class="disclosure">{{disclosure}}</p>{{/disclosure}}
{{#challenge_note}}<p class="challenge" id="challenge-status" role="status" data-checking="{{s.challenge_checking}}">{{challenge_note}}</p>{{/challenge_note}}
<button type="submit">{{submit}}</button>
</form>{{/closed}}
)";

const std::string kThanks = R"(<h1>{{s.thanks_title}}</h1>
<p>{{thanks_body}}</p>
<p><a href="{{page_url}}">{{title}}</a></p>
<p class="share">{{s.share}}:
<a href="mailto:?subject={{title_q}}&amp;body={{page_url_q}}">Email</a> ·
<a href="https://twitter.com/intent/tweet?url={{page_url_q}}">X</a> ·
<a href="https://www.facebook.com/sharer/sharer.php?u={{page_url_q}}">Facebook</a> ·
<a href="https://wa.me/?text={{page_url_q}}">WhatsApp</a></p>
)";

const std::string kCookiePage = R"(<h1>{{s.cookie_notice}}</h1>
<h2>{{s.cookie_table}}</h2>
<table>
<thead><tr><th scope="col">{{s.col_name}}</th><th scope="col">{{s.col_category}}</th><th scope="col">{{s.col_purpose}}</th><th scope="col">{{s.col_lifetime}}</th></tr></thead>
<tbody>
{{#cookies}}<tr><td>{{name}}</td><td>{{category}}</td><td>{{purpose}}</td><td>{{lifetime}}</td></tr>
{{/cookies}}
</tbody>
</table>
<p>{{s.beacons}}</p>
<p>{{s.gpc_honored}}</p>
<h2>{{s.cookie_settings}}</h2>
{{> cookie_form}}
)";

const std::string kCookieForm = R"(<form method="post" action="/cookies">
<input type="hidden" name="csrf" value="{{csrf_cookies}}">
<input type="hidden" name="back" value="{{here}}">
<label><input type="checkbox" name="functional" value="1"{{#functional}} checked{{/functional}}> {{s.cat_functional}}</label>
<label><input type="checkbox" name="performance" value="1"{{#performance}} checked{{/performance}}> {{s.cat_performance}}</label>
<div class="buttons">
<button type="submit" name="choice" value="accept">{{s.accept_all}}</button>
<button type="submit" name="choice" value="reject">{{s.reject_all}}</button>
<button type="submit" name="choice" value="custom">{{s.save_choice}}</button>
</div>
</form>
)";

const std::string kMessage = R"(<h1>{{heading}}</h1>
<p>{{message}}</p>
)";

const std::string kPreferences = R"(<h1>{{heading}}</h1>
<p>{{s.my_intro}}</p>
{{#notice}}<p class="notice" role="status">{{notice}}</p>{{/notice}}
{{#error}}<p class="error" role="alert">{{error}}</p>{{/error}}
{{#channels}}
<section class="channel" aria-labelledby="ch-{{key}}">
<h2 id="ch-{{key}}">{{label}}</h2>
<p><span class="address">{{address}}</span>: <span class="status" id="status-{{key}}">{{status}}</span></p>
{{#unsubscribe}}<form method="post" action="{{action}}">
<input type="hidden" name="csrf" value="{{csrf}}">
<input type="hidden" name="channel" value="{{key}}">
<button type="submit" name="do" value="unsubscribe">{{unsubscribe}}</button>
</form>{{/unsubscribe}}
{{#resubscribe}}<form method="post" action="{{action}}">
<input type="hidden" name="csrf" value="{{csrf}}">
<input type="hidden" name="channel" value="{{key}}">
{{#disclosure}}<p class="sms-disclosure">{{disclosure}}</p>{{/disclosure}}
<button type="submit" name="do" value="resubscribe">{{resubscribe}}</button>
</form>{{/resubscribe}}
{{#other_only}}<p>{{s.my_other_channel}}</p>{{/other_only}}
</section>
{{/channels}}
{{#tracking}}<section aria-labelledby="my-tracking">
<h2 id="my-tracking">{{s.my_tracking_heading}}</h2>
{{#objected}}<p id="tracking-status">{{objected}}</p>{{/objected}}
{{^objected}}<p>{{s.my_tracking_intro}}</p>
<form method="post" action="{{action}}">
<input type="hidden" name="csrf" value="{{csrf}}">
<button type="submit" name="do" value="no_tracking">{{s.my_no_tracking}}</button>
</form>{{/objected}}
</section>{{/tracking}}
<section aria-labelledby="my-data">
<h2 id="my-data">{{s.my_data_heading}}</h2>
<p>{{s.my_data_intro}}</p>
<form method="post" action="{{action}}">
<input type="hidden" name="csrf" value="{{csrf_data}}">
<button type="submit" name="do" value="access">{{s.my_access}}</button>
</form>
<form method="post" action="{{action}}">
<input type="hidden" name="csrf" value="{{csrf_data}}">
<p>{{s.my_erasure_note}}</p>
<button type="submit" name="do" value="erasure">{{s.my_erasure}}</button>
</form>
</section>
)";

const std::string kPrivacyPage = R"(<h1>{{heading}}</h1>
<h2>{{s.pn_controller}}</h2>
<p>{{s.pn_controller_text}} {{controller}}.</p>
{{#contact}}<p>{{s.pn_contact}}: {{contact}}</p>{{/contact}}
<h2>{{s.pn_dpo}}</h2>
<p>{{#dpo}}{{dpo}}{{/dpo}}{{^dpo}}{{s.pn_dpo_none}}{{/dpo}}</p>
<h2>{{s.pn_collect}}</h2>
<p>{{s.pn_collect_text}}</p>
<h2>{{s.pn_why}}</h2>
<p>{{s.pn_why_text}}</p>
<h2>{{s.pn_retention}}</h2>
{{#retention}}<p>{{retention}}</p>{{/retention}}
<ul class="retention">
{{#retention_policy}}<li>{{.}}</li>
{{/retention_policy}}
</ul>
<h2>{{s.pn_rights}}</h2>
<p>{{s.pn_rights_text}}</p>
{{#gdpr}}<p>{{s.pn_gdpr}}</p>{{/gdpr}}
{{#sms}}<h2>{{s.pn_texts}}</h2>
<p>{{sms}}</p>{{/sms}}
<p><a href="/o/{{org_slug}}/cookies">{{s.cookie_notice}}</a></p>
)";

const std::string kStylesheet =
    R"(body{font-family:system-ui,sans-serif;max-width:40rem;margin:0 auto;padding:1rem;color:#111}
.field label{display:block;font-weight:600}
.field input,.field textarea{width:100%;padding:.5rem;font-size:1rem;box-sizing:border-box}
.error{color:#a00000}
.hp{position:absolute;left:-10000px;width:1px;height:1px;overflow:hidden}
.cookie-banner{border:2px solid #111;padding:1rem;margin-bottom:1rem}
.buttons button{font-size:1rem;padding:.5rem 1rem;margin-right:.5rem}
button{cursor:pointer}
meter{width:100%}
.amounts label.amount{display:inline-block;margin:0 1rem .5rem 0;font-size:1.1rem}
.letter-body{border-left:3px solid #999;padding-left:.75rem}
footer{margin-top:2rem;font-size:.9rem}
table{border-collapse:collapse}td,th{border:1px solid #999;padding:.25rem .5rem;text-align:left}
.channel,.notice{border-top:1px solid #999;padding-top:.5rem}
.notice{font-weight:600}
)";

}  // namespace tocsin::web::templates
