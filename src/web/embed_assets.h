// The embed frame's templates and the first-party scripts (web/embed.h, web/challenge.h). Scripts are files
// under /static/ (the CSP allows 'self' scripts only on pages that load one: embed frames, and pages whose
// form carries a challenge); no page has inline script or style.
#pragma once

#include <string>

namespace tocsin::web::templates {

extern const std::string kFrameLayout;   // the layout of an embed frame: no banner (it sets no cookie)
extern const std::string kFrameThanks;   // after a submission in a frame; links open outside the frame
extern const std::string kEmbedFrameJs;  // /static/embed-frame.js: tells the loader the frame's height
extern const std::string kChallengeJs;   // /static/challenge.js: solves the form's proof-of-work challenge

}  // namespace tocsin::web::templates
