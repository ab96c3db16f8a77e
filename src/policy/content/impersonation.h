// Impersonation (hold): a message that claims to come from a government agency, bank or well-known brand
// (data/entities.txt) when the organization is not verified as that entity. A claim is the sender's
// display name naming the entity ("PayPal", "IRS Notice"), or the text speaking as it: "This is the IRS",
// "Message from Wells Fargo", "USPS: your package...", "Your Chase account...", "Aviso del Seguro Social".
// Naming an entity is not claiming to be it: "Tell the IRS to tax the rich", "Amazon workers strike".
#pragma once

#include <set>
#include <string>
#include <string_view>

#include "policy/content/folded_text.h"
#include "policy/content/verdict.h"

namespace tocsin::policy::content {

void find_impersonation(std::string_view text, const FoldedText& folded, Part part,
                        const std::set<std::string>* verified_entities, Screening& out);
void find_display_name_impersonation(std::string_view from_name,
                                     const std::set<std::string>* verified_entities, Screening& out);

}  // namespace tocsin::policy::content
