#include "api/link_page.h"

#include <mstch/mstch.hpp>

namespace tocsin::api {
namespace {

// mstch escapes {{...}} for HTML; the organization's name and an address are the only values from outside.
constexpr const char* kPage = R"(<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="robots" content="noindex">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>{{title}}</title></head>
<body><main><h1>{{title}}</h1><p>{{text}}</p>
{{#form}}<form method="post" action="{{action}}">{{#one_click}}<input type="hidden" name="List-Unsubscribe" value="One-Click">
{{/one_click}}<button type="submit">{{button}}</button></form>{{/form}}
</main></body></html>
)";

}  // namespace

void reply_link_page(Call& c, int status, const LinkPage& page) {
  mstch::map ctx{{"title", page.title},   {"text", page.text},     {"form", !page.action.empty()},
                 {"action", page.action}, {"button", page.button}, {"one_click", page.one_click}};
  c.reply(status, mstch::render(kPage, ctx),
          {{"Content-Type", "text/html; charset=utf-8"}, {"X-Robots-Tag", "noindex"}});
}

}  // namespace tocsin::api
