#include "web/admin/layout.h"

namespace tocsin::web::admin {
namespace {

// One layout for every screen. Inline CSS is allowed by the CSP's style-src; no script runs.
constexpr const char* kHead = R"(<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>{{title}} · tocsin</title>
<style>
body{font-family:system-ui,sans-serif;margin:0;color:#1a1a1a;background:#fff;line-height:1.5}
header,main{max-width:60rem;margin:0 auto;padding:0.75rem 1rem}
header{display:flex;flex-wrap:wrap;gap:0.5rem 1rem;align-items:center;border-bottom:1px solid #ccc}
nav{display:flex;flex-wrap:wrap;gap:0.25rem 1rem}
a{color:#0645ad}
label{display:block;margin-top:0.75rem;font-weight:600}
input,select{font:inherit;padding:0.4rem;width:100%;max-width:22rem;box-sizing:border-box}
textarea{font:inherit;padding:0.4rem;width:100%;max-width:40rem;box-sizing:border-box}
input[type=checkbox]{width:auto}
button{font:inherit;padding:0.4rem 1rem;margin-top:1rem}
.alert{border:2px solid #a00;background:#fff0f0;padding:0.5rem 1rem;margin:1rem 0;overflow-wrap:anywhere}
.figures{display:flex;flex-wrap:wrap;gap:1rem;padding:0;list-style:none}
.figures li{border:1px solid #ccc;padding:0.5rem 1rem;min-width:9rem}
.figures strong{display:block;font-size:1.5rem}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:0.3rem 0.5rem;border-bottom:1px solid #ddd}
dl.facts{display:grid;grid-template-columns:minmax(7rem,max-content) 1fr;gap:0.2rem 1rem;margin:0.5rem 0}
dl.facts dt{font-weight:600}
dl.facts dd{margin:0;overflow-wrap:anywhere}
ol.timeline{padding-left:1.5rem}
ol.timeline li{margin-bottom:1rem;border-left:3px solid #ccc;padding-left:0.75rem}
blockquote{margin:0;padding:0.25rem 0.5rem;background:#f4f4f4;white-space:pre-wrap}
.ok{border:2px solid #060;background:#f0fff0;padding:0.5rem 1rem;margin:1rem 0;overflow-wrap:anywhere}
.scroll{overflow-x:auto}
ul.tags{list-style:none;padding:0}
ul.tags li{display:flex;gap:0.75rem;align-items:center}
form.inline{display:inline}
form.inline button{margin-top:0;padding:0.1rem 0.6rem}
.hint{color:#444;margin:0.5rem 0 0}
iframe.preview{width:100%;height:32rem;border:1px solid #ccc}
ul.legend{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:0.25rem 1rem}
figure.chart{margin:0.5rem 0}
figure.chart caption{text-align:left;font-weight:600}
.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
</style></head><body>
)";

constexpr const char* kFrame = R"(<header><strong>{{org_name}}</strong>
<nav aria-label="Console">{{#has_org}}<a href="/admin">Dashboard</a><a href="/admin/people">People</a><a href="/admin/actions">Actions</a><a href="/admin/messages">Messages</a><a href="/admin/inbox">Inbox</a>{{#can_settings}}<a href="/admin/settings">Settings</a>{{/can_settings}}{{#can_team}}<a href="/admin/team">Team</a>{{/can_team}}{{/has_org}}{{#platform}}<a href="/admin/platform">Platform</a>{{/platform}}</nav>
<span>{{email}} ({{role}})</span>
<form method="post" action="/admin/logout"><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit">Log out</button></form>
</header>
)";

}  // namespace

std::string render_screen(const std::string& title, const Frame* f, const char* body, mstch::map ctx) {
  std::string out = mstch::render(kHead, mstch::map{{"title", title}});
  if (f)
    out += mstch::render(kFrame, mstch::map{{"org_name", f->org_name},
                                            {"email", f->email},
                                            {"role", f->role},
                                            {"csrf", f->csrf},
                                            {"can_settings", f->can_settings || f->can_keys},
                                            {"can_team", f->can_team},
                                            {"has_org", f->has_org},
                                            {"platform", f->platform}});
  return out + mstch::render(body, ctx);
}

}  // namespace tocsin::web::admin
