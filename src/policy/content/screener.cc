#include "policy/content/screener.h"

#include <algorithm>
#include <cstdio>

#include "core/text.h"
#include "policy/content/folded_text.h"
#include "policy/content/impersonation.h"
#include "policy/content/links.h"
#include "policy/content/lists.h"
#include "policy/content/sensitive_data.h"

namespace tocsin::policy::content {
namespace {

bool sentence_break(char c) {
  return c == '.' || c == '!' || c == '?' || c == '\n' || c == ';';
}

std::string_view category_sentence(std::string_view category) {
  if (category == "hate")
    return "Hateful language is not allowed by the acceptable-use policy. Held for review.";
  if (category == "harassment") return "Threatening or harassing language is not allowed. Held for review.";
  if (category == "obscenity") return "Obscene language is not allowed in messages. Held for review.";
  return "";
}

void find_lexicon(std::string_view text, const FoldedText& folded, Part part, const OrgContext& org,
                  Screening& out) {
  const std::string& f = folded.folded();
  for (const auto& m : lists().lexicon.find_all(folded)) {
    size_t ob = folded.original_begin(m.begin), oe = folded.original_end(m.end);
    Finding fd{
        Verdict::kHold, std::string(m.category), part, ob, oe, std::string(text.substr(ob, oe - ob)), ""};
    if (m.category.starts_with("shaft_")) {
      // The sentence around the term: an advocacy sentence (law, petition, vote...) is not an offer.
      size_t sb = m.begin, se = m.end;
      while (sb > 0 && !sentence_break(f[sb - 1])) --sb;
      while (se < f.size() && !sentence_break(f[se])) ++se;
      if (lists().advocacy.any_in(folded, sb, se)) continue;
      std::string what(m.category.substr(6));
      if (org.age_gated && org.age_gated->count(what)) {
        fd.verdict = Verdict::kWarn;
        fd.sentence = "SHAFT content (" + what + "); the sender is registered for it with age gating.";
      } else {
        fd.sentence = "SHAFT content (" + what +
                      ") needs a sender registered for it with age gating. Held for review; the organization "
                      "registers the content with its sender (`tocsin settings --age-gated " +
                      what + "`).";
      }
    } else {
      fd.sentence = std::string(category_sentence(m.category));
    }
    out.add(std::move(fd));
  }
}

void screen_text(std::string_view text, std::string_view words, Part part, const Content& c,
                 const OrgContext& org, const LinkContext& links, Screening& out) {
  judge_links(text, part, links, out);
  FoldedText folded(words);
  find_sensitive_data(words, folded, part, out);
  find_lexicon(words, folded, part, org, out);
  find_impersonation(words, folded, part, org.verified_entities, out);
  (void)c;
}

}  // namespace

std::string blank_tags(std::string_view html) {
  std::string out(html);
  bool in_tag = false;
  for (auto& ch : out) {
    if (ch == '<') in_tag = true;
    if (!in_tag) continue;
    if (ch == '>') in_tag = false;
    if (ch != '\n') ch = ' ';
  }
  // Script and style text is not read by people.
  std::string lower = lower_ascii(html);
  for (std::string_view tag : {"<script", "<style"}) {
    std::string close = "</" + std::string(tag.substr(1));
    for (size_t p = lower.find(tag); p != std::string::npos; p = lower.find(tag, p + 1)) {
      size_t e = std::min(lower.find(close, p), lower.size());
      for (size_t i = p; i < e; ++i)
        if (out[i] != '\n') out[i] = ' ';
    }
  }
  return out;
}

void Screener::score_spam(const Content& c, Screening& out) const {
  std::string message = message_for_scoring(
      c.from_name, c.from_address.empty() ? "sender@invalid" : c.from_address, c.subject, c.body);
  auto report = spamd_check(*spamd_, message);
  if (!report) {
    out.spam_note = report.error().message + ": no spam score was computed";
    out.add(Finding{Verdict::kWarn, "spam_score_unavailable", Part::kBody, 0, 0, "", out.spam_note});
    return;
  }
  out.spam_score = report->score;
  out.spam_threshold = report->threshold;
  out.spam_rules = report->rules;
  out.spam_note.clear();
  if (!report->spam) return;
  std::string rules;
  for (const auto& r : report->rules) rules += (rules.empty() ? "" : ", ") + r;
  char score[64];
  std::snprintf(score, sizeof score, "%.1f (threshold %.1f)", report->score, report->threshold);
  out.add(Finding{Verdict::kHold, "spam_score", Part::kBody, 0, c.body.size(), rules,
                  std::string("SpamAssassin scores the message ") + score + "; rules that fired: " + rules +
                      ". Held for review; rewriting what those rules flag lowers the score."});
}

Screening Screener::screen(const Content& c, const OrgContext& org) const {
  Screening out;
  out.spam_note =
      c.sms ? "spam scoring applies to email only"
            : "no spamd is configured ([screening] spamd in tocsin.toml): no spam score was computed";
  if (!c.sms && spamd_) score_spam(c, out);
  auto blocklist = blocklist_ ? blocklist_->current() : nullptr;
  LinkContext links{c.sms, blocklist.get(), org.own_domains};
  if (!c.from_name.empty()) find_display_name_impersonation(c.from_name, org.verified_entities, out);
  if (!c.subject.empty()) screen_text(c.subject, c.subject, Part::kSubject, c, org, links, out);
  if (c.html) {
    std::string words = blank_tags(c.body);
    screen_text(c.body, words, Part::kBody, c, org, links, out);
  } else {
    screen_text(c.body, c.body, Part::kBody, c, org, links, out);
  }
  return out;
}

}  // namespace tocsin::policy::content
