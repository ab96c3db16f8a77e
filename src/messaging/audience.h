// The audience of a message: the union of the people on its target lists, with its target tags, with a
// record on its target actions and matching its target queries, each person once, in the organization's
// creation order (so a plan is reproducible and a resumed blast walks the same order).
//
// A query targets people through its `tocsin:filter` field — the same filter language as GET /people
// (people/person_filter.h); a query without one targets everybody. Called under the organization's lock.
#pragma once

#include <vector>

#include "core/result.h"
#include "messaging/message.h"
#include "people/directory.h"

namespace tocsin::messaging {

// 422 when a target names a list, tag or query that does not exist, or a query's filter is invalid.
Result<std::vector<const Person*>> resolve_audience(const people::OrgState& org, const Message& m);

// The special-category marks (people/special_category.h) the targets use, "tag:<id>", "list:<id>",
// "action:<id>" or "query:<id>" (a query is an action, and is marked as one), in target order.
std::vector<std::string> special_category_used(const people::OrgState& org, const Message& m);

// Targeting by special-category data is a use of it (GDPR Art. 9): the access log records it as a bulk use of
// everyone planned (so each of them finds it when asking who used their data) under this action, with this
// query ("message <id> targets tag:<id> ..."), whether the blast was sent by a key or by the scheduler.
inline constexpr std::string_view kSpecialCategoryUseAction = "message.special_category_targeting";
std::string special_category_use_query(const std::string& message_id, const std::vector<std::string>& used);

// Parses a target href (".../lists/{id}", ".../tags/{id}", ".../queries/{id}", or an action with a page,
// ".../petitions/{id}", whose records' people are targeted) into a Target; 400 otherwise.
Result<Target> parse_target_href(std::string_view href);

}  // namespace tocsin::messaging
