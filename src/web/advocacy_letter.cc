#include "web/advocacy_letter.h"

#include "actions/letter.h"
#include "core/json_out.h"

namespace tocsin::web {

const std::string kLetterBlock = R"({{#letter}}
{{#has_targets}}<section class="targets" aria-labelledby="targets-h">
<h2 id="targets-h">{{s.targets_heading}}</h2>
<ul>{{#targets}}<li>{{.}}</li>{{/targets}}</ul>
</section>{{/has_targets}}
{{#has_letter}}<section class="letter" aria-labelledby="letter-h">
<h2 id="letter-h">{{s.letter_heading}}</h2>
{{#editable}}<p class="field">
<label for="f-letter_subject">{{s.letter_subject}}</label>
<input id="f-letter_subject" name="letter_subject" type="text" value="{{subject}}" autocomplete="off">
</p>
<p class="field">
<label for="f-letter_body">{{s.letter_body}}</label>
<textarea id="f-letter_body" name="letter_body" rows="10"{{#error}} aria-invalid="true" aria-describedby="e-letter_body"{{/error}}>{{body}}</textarea>
{{#error}}<span class="error" id="e-letter_body">{{error}}</span>{{/error}}
</p>{{/editable}}
{{^editable}}<p class="letter-subject"><strong>{{subject}}</strong></p>
<div class="letter-body" id="letter-body">{{#paragraphs}}<p>{{.}}</p>{{/paragraphs}}</div>
<p class="letter-note">{{s.letter_fixed}}</p>{{/editable}}
</section>{{/has_letter}}
{{/letter}}
)";

namespace {

mstch::array paragraphs(const std::string& body) {
  mstch::array out;
  size_t start = 0;
  while (start <= body.size()) {
    size_t nl = body.find('\n', start);
    std::string line = body.substr(start, nl == std::string::npos ? std::string::npos : nl - start);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (!line.empty()) out.push_back(line);
    if (nl == std::string::npos) break;
    start = nl + 1;
  }
  return out;
}

}  // namespace

mstch::map letter_context(const actions::Action& a, const Form& typed, const FieldErrors& errors) {
  auto letter = actions::campaign_letter(a);
  mstch::array targets;
  for (auto& t : actions::target_lines(a)) targets.push_back(t);
  mstch::map ctx{{"has_targets", !targets.empty()}, {"targets", targets}, {"has_letter", letter.has_value()}};
  if (letter) {
    // A re-render keeps what the person wrote.
    bool keep = letter->editable && typed.count("letter_body");
    ctx["editable"] = letter->editable;
    ctx["subject"] = keep ? first(typed, "letter_subject") : letter->subject;
    ctx["body"] = keep ? first(typed, "letter_body") : letter->body;
    ctx["paragraphs"] = paragraphs(letter->body);
    auto err = errors.find("letter_body");
    ctx["error"] = err == errors.end() ? std::string() : err->second;
  }
  return ctx;
}

void letter_record_fields(const actions::Action& a, const Form& form, const Strings& s, FieldErrors& errors,
                          actions::RawFields& record) {
  std::string type = actions::string_field(a.fields, "type").value_or("email");
  actions::set_field(record, "type", JsonOut().str(type).take());
  if (auto letter = actions::campaign_letter(a)) {
    std::string subject = letter->subject, body = letter->body;
    if (letter->editable) {
      // What the person sent; a subject left empty keeps the campaign's.
      if (std::string typed = first(form, "letter_subject"); !typed.empty())
        subject = typed.substr(0, actions::kMaxLetterSubject);
      // Browsers post a textarea's line breaks as CRLF (HTML form submission); the letter keeps LF, as
      // the campaign's own text and the API have it.
      const std::string typed = first(form, "letter_body");
      body.clear();
      for (size_t i = 0; i < typed.size(); ++i) {
        if (typed[i] != '\r') {
          body += typed[i];
        } else if (i + 1 == typed.size() || typed[i + 1] != '\n') {
          body += '\n';  // a lone CR is a line break too
        }
      }
      if (body.find_first_not_of(" \t\r\n") == std::string::npos)
        errors["letter_body"] = s.at("letter_required");
      else if (body.size() > actions::kMaxLetterBody)
        errors["letter_body"] = s.at("letter_too_long");
    }
    actions::set_field(record, "subject", JsonOut().str(subject).take());
    actions::set_field(record, "message", JsonOut().str(body).take());
  }
  actions::set_field(record, "targets", actions::outreach_targets_json(a));
}

messaging::TargetLetter outreach_letter(const std::string& org_id, const actions::Action& a,
                                        const std::string& page_url, const std::string& typed_name,
                                        const people::PersonInput& person, const actions::RawFields& record) {
  messaging::TargetLetter l;
  l.org_id = org_id;
  l.campaign_title = actions::string_field(a.fields, "title").value_or("");
  l.page_url = page_url;
  // The name as typed (trimmed), else the address: a letter is signed by someone.
  auto b = typed_name.find_first_not_of(" \t");
  auto e = typed_name.find_last_not_of(" \t");
  l.supporter_name = b == std::string::npos ? person.email.value : typed_name.substr(b, e - b + 1);
  l.supporter_email = person.email.value;
  if (person.postal_addresses.present() && !person.postal_addresses.value.empty())
    l.postal_code = person.postal_addresses.value.front().postal_code;
  l.subject = actions::string_field(record, "subject").value_or("");
  l.body = actions::string_field(record, "message").value_or("");
  const std::string* targets = actions::find_field(record, "targets");
  l.targets = actions::letter_targets(targets ? *targets : "[]");
  return l;
}

}  // namespace tocsin::web
