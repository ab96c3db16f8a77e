// The code an organizer pastes into their own site to embed an action's form (web/embed.h serves what it
// loads): a script that inserts the form's frame where it stands (and sizes it to its content), and a plain
// iframe for sites that allow no scripts. Both name the installation's public URL and the action id; the API
// shows them as tocsin:embed_code so they are copied, never typed.
#pragma once

#include <string>

#include "actions/action.h"

namespace tocsin::actions {

// `site`: the public URL, e.g. "https://act.example.org" (no trailing slash).
std::string embed_script_path(const Action& a);  // "/embed/{id}.js"
std::string embed_frame_path(const Action& a);   // "/embed/{id}/frame"
std::string embed_script_tag(const std::string& site, const Action& a);
std::string embed_iframe_tag(const std::string& site, const Action& a);

}  // namespace tocsin::actions
