// The resource handlers, one file per resource family (api/<resource>_handlers.cc). Each receives a Call
// whose path segments start at the resource name and answers exactly once through call.reply/error.
#pragma once

#include "api/call.h"

namespace tocsin::api::handlers {

void entry_point(Call& call);
void people(Call& call);    // /people, /people/{id}, /people/{id}/taggings, /people/{id}/consent
void tags(Call& call);      // /tags, /tags/{id}, /tags/{id}/taggings[/{id}]
void lists(Call& call);     // /lists, /lists/{id}, /lists/{id}/items[/{id}]
void metadata(Call& call);  // /metadata, /metadata/custom_fields

// Shared representations.
void write_tagging(JsonOut& j, const Tagging& t, const std::string& api_base);

}  // namespace tocsin::api::handlers
