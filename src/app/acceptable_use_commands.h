// The platform's acceptable-use policy from the administrator's command line (messaging/acceptable_use.h):
//   tocsin aup status --data DIR [--org ORG]   one JSON line per organization: the published version, the
//                                               version it accepted, and its acceptances
//   tocsin aup accept --data DIR --org ORG --version V --by NAME
//                                               records an acceptance the organization gave outside the API
//                                               (a signed paper form, say); the actor is the OS user
// The version is published in tocsin.toml ([platform] acceptable_use_version, acceptable_use_url). `accept`
// writes through Store::put_doc_outside, so a running server lifts the refusal within its refresh.
#pragma once

#include <CLI/CLI.hpp>

namespace tocsin {

void add_acceptable_use_commands(CLI::App& app);

}  // namespace tocsin
