// An advocacy campaign's own part of the form: its targets and its letter (actions/letter.h) — a subject
// field and a textarea prefilled with the campaign's text when the organization lets supporters edit it,
// read-only text otherwise — and the outreach record a submission writes: type, subject and message as
// sent, and the targets. A posted edit of a letter that is not editable is ignored: the campaign's own
// text is recorded. Sending the letter to the targets is out of scope (docs/PAGES.md "Advocacy letters").
#pragma once

#include <mstch/mstch.hpp>

#include <map>
#include <string>

#include "actions/action.h"
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

}  // namespace tocsin::web
