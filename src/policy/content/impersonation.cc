#include "policy/content/impersonation.h"

#include "core/text.h"
#include "policy/content/lists.h"

namespace tocsin::policy::content {
namespace {

constexpr std::string_view kClaimBefore[] = {
    "this is ",         "this is the ", "message from ",   "message from the ", "notice from ",
    "notice from the ", "alert from ",  "alert from the ", "este es ",          "esta es ",
    "este es el ",      "esta es la ",  "mensaje de ",     "mensaje del ",      "aviso de ",
    "aviso del ",       "de parte de ", "de parte del "};
constexpr std::string_view kClaimAfter[] = {":",
                                            " alert",
                                            " notice",
                                            " security",
                                            " fraud",
                                            " account",
                                            " here",
                                            " le informa",
                                            " te informa",
                                            " support",
                                            " customer service",
                                            " refund",
                                            " package",
                                            " delivery",
                                            " payment",
                                            " verification",
                                            " aviso",
                                            " alerta"};
constexpr std::string_view kNameSuffix[] = {
    "",          " support",    " service",  " services", " security",         " alert",
    " alerts",   " notice",     " team",     " billing",  " customer service", " account",
    " accounts", " department", " official", " servicio", " soporte",          " aviso",
    " alerta"};

bool ends_with_any(std::string_view s, std::initializer_list<std::string_view> list) {
  for (auto x : list)
    if (s.ends_with(x)) return true;
  return false;
}

bool sentence_start(const std::string& f, size_t pos) {
  while (pos > 0) {
    char c = f[pos - 1];
    if (c == '.' || c == '!' || c == '?' || c == '\n') return true;
    if (c != ' ' && c != '\t' && c != '\r' && c != '"' && c != '\'') return false;
    --pos;
  }
  return true;
}

Finding claim(const Entity& e, Part part, size_t b, size_t end, std::string excerpt) {
  return Finding{Verdict::kHold,
                 "impersonation",
                 part,
                 b,
                 end,
                 std::move(excerpt),
                 "The message speaks as " + e.names.front() + " (" + e.kind +
                     "), and the organization is not verified as that entity. Held for review; a verified "
                     "organization asks the platform operator to record it (`tocsin settings "
                     "--verified-entities " +
                     e.id + "`)."};
}

}  // namespace

void find_impersonation(std::string_view text, const FoldedText& folded, Part part,
                        const std::set<std::string>* verified, Screening& out) {
  const std::string& f = folded.folded();
  for (const auto& e : lists().entities) {
    if (verified && verified->count(e.id)) continue;
    bool found = false;
    for (const auto& name : e.names) {
      for (size_t pos = f.find(name); !found && pos != std::string::npos; pos = f.find(name, pos + 1)) {
        size_t end = pos + name.size();
        if (!folded.word_start(pos) || !folded.word_end(end)) continue;
        std::string_view before(f.data(), pos), after(f.data() + end, f.size() - end);
        if (after.starts_with("'s") || after.starts_with("\xE2\x80\x99s")) continue;
        bool claim_before = false;
        for (auto b : kClaimBefore)
          if (before.ends_with(b) && sentence_start(f, pos - b.size())) claim_before = true;
        bool claim_after = false;
        bool owned = ends_with_any(before, {"your ", "tu ", "su "});
        if (sentence_start(f, pos) || owned)
          for (auto a : kClaimAfter)
            if (after.starts_with(a)) claim_after = true;
        if (!claim_before && !claim_after) continue;
        size_t ob = folded.original_begin(pos), oe = folded.original_end(end);
        out.add(claim(e, part, ob, oe, std::string(text.substr(ob, oe - ob))));
        found = true;
      }
    }
  }
}

void find_display_name_impersonation(std::string_view from_name, const std::set<std::string>* verified,
                                     Screening& out) {
  FoldedText folded(from_name);
  std::string name(trim_ascii_space(folded.folded()));
  std::string_view rest = name;
  if (rest.starts_with("the ")) rest.remove_prefix(4);
  for (const auto& e : lists().entities) {
    if (verified && verified->count(e.id)) continue;
    for (const auto& n : e.names) {
      if (!rest.starts_with(n)) continue;
      std::string_view tail = rest.substr(n.size());
      for (auto suffix : kNameSuffix)
        if (tail == suffix) {
          out.add(claim(e, Part::kFrom, 0, from_name.size(), std::string(from_name)));
          return;
        }
    }
  }
}

}  // namespace tocsin::policy::content
