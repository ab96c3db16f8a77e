// The pages' Mustache templates (mstch; {{x}} is HTML-escaped, the templates never use unescaped fields):
// one layout around every page, and one template per page. No inline script or style (the CSP forbids them).
#pragma once

#include <mstch/mstch.hpp>

#include <string>

namespace tocsin::web {

// The catalog's strings of `lang` as a template context ({{s.key}}).
mstch::map strings_map(const std::string& lang);

}  // namespace tocsin::web

namespace tocsin::web::templates {

extern const std::string kLayout;       // {{lang}}, {{title}}, {{{body}}} (rendered, already escaped)
extern const std::string kActionPage;   // an action's page and form
extern const std::string kThanks;       // after a submission, with share links
extern const std::string kCookiePage;   // the cookies notice and the choice form
extern const std::string kCookieForm;   // partial {{> cookie_form}}: the choice (banner, cookies page)
extern const std::string kMessage;      // a short message (not found, errors)
extern const std::string kPreferences;  // a supporter's own page (web/preference_center.h)
extern const std::string kPrivacyPage;  // an organization's privacy notice (web/notice_pages.h)
extern const std::string kStylesheet;   // /static/tocsin.css

}  // namespace tocsin::web::templates
