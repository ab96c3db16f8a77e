// An advocacy campaign's own part of the form: its targets and its letter (actions/letter.h) — a subject
// field and a textarea prefilled with the campaign's text when the organization lets supporters edit it,
// read-only text otherwise — and the outreach record a submission writes: type, subject and message as
// sent, and the targets. A posted edit of a letter that is not editable is ignored: the campaign's own
// text is recorded. The letter then goes to the targets with an email address (outreach_letter,
// messaging/letter_delivery.h; docs/PAGES.md "Delivering letters").
#pragma once

#include <mstch/mstch.hpp>

#include <map>
#include <string>

#include "actions/action.h"
#include "messaging/letter_delivery.h"
#include "people/person_input.h"
#include "web/catalog.h"
#include "web/exchange.h"

namespace tocsin::web {

using FieldErrors = std::map<std::string, std::string>;

// The partial {{> kind_block}} of an advocacy campaign and its context ({{#letter}}).
extern const std::string kLetterBlock;
mstch::map letter_context(const actions::Action& a, const Form& typed, const FieldErrors& errors);

// The outreach's fields from a posted form into `record`; errors["letter_body"] when an editable letter
// was emptied or is too long.
void letter_record_fields(const actions::Action& a, const Form& form, const Strings& s, FieldErrors& errors,
                          actions::RawFields& record);

// The letters of an outreach as the supporter sent it (`record`: letter_record_fields' fields), signed with
// the name they typed and their postal code; the record id is set once the outreach is durable.
messaging::TargetLetter outreach_letter(const std::string& org_id, const actions::Action& a,
                                        const std::string& page_url, const std::string& typed_name,
                                        const people::PersonInput& person, const actions::RawFields& record);

}  // namespace tocsin::web
