// The hosted action pages' render cache. A first-time visitor's GET of an action page is the hottest request
// a campaign gets (a link shared widely), and rendering it afresh (the mstch templates re-parsed, the catalog
// copied into a context) cost ~100 µs of a core. So a page is rendered once per variant and kept as pieces
// cut at what is per request: the session's CSRF tokens (the form's and the cookie banner's) and the
// proof-of-work challenge. A hit splices the request's own values into the pieces.
//
// A variant is the page's path, its language, the cookie banner state and whether a challenge is due: every
// input of the rendered bytes other than the spliced values (docs/PAGES.md "Render cache"). An entry serves
// while the action's definition is unchanged (`stamp`: ActionBook::definitions, which every put_action
// moves, so an edited page is never served stale) and for at most `kFresh` (1 s) after it was rendered, which
// bounds how stale the counter and the goal bar can be. A take-down is checked per request, outside the
// cache.
//
// Thread-safe: entries are immutable and shared; the map is behind a mutex held only for the lookup. The
// cutting and filling are core/marked_text.h's.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/clock.h"
#include "core/marked_text.h"

namespace tocsin::web {

class PageCache {
 public:
  static constexpr Micros kFresh = 1'000'000;
  // Bounded: a flood of made-up variants (languages, paths) cannot grow it; when full it starts over.
  static constexpr size_t kMaxEntries = 4096;

  // What a request puts into a rendered page.
  enum Slot : uint8_t { kPageCsrf, kCookieCsrf, kChallenge, kSlots };

  // What every request of one variant shares: the key's parts, as the page reads them.
  struct Variant {
    std::string path, lang;
    bool banner = false, functional = false, performance = false, challenged = false;
    bool operator==(const Variant&) const = default;
  };

  // One rendered page, cut at the slots (MarkedText's pieces and slots).
  struct Page : MarkedText {
    std::string action_id;
    uint64_t stamp = 0;
    Micros rendered_at = 0;
    int status = 200;
    // What the render asked of the response besides the body (Exchange::add_script, allow_form_action).
    std::vector<std::string> scripts;
    std::string form_action;
  };

  // The text to render in place of `slot`: random per process, so no page content can forge one.
  const std::string& marker(Slot slot) const { return markers_.marker(slot); }

  // Cuts a page rendered with the markers in place of the per-request values.
  std::shared_ptr<const Page> cut(std::string_view html, Page meta) const;

  // The entry of `v` if it was rendered from this definition of the action less than kFresh ago.
  std::shared_ptr<const Page> find(const Variant& v, std::string_view action_id, uint64_t stamp,
                                   Micros now) const;
  void keep(const Variant& v, std::shared_ptr<const Page> page);

  // The page with each slot's value (HTML-escaped) in its place.
  static std::string fill(const Page& page, const std::string (&values)[kSlots]);

 private:
  struct VariantHash {
    size_t operator()(const Variant& v) const;
  };
  Markers markers_{kSlots};
  mutable std::mutex mu_;
  std::unordered_map<Variant, std::shared_ptr<const Page>, VariantHash> pages_;
};

}  // namespace tocsin::web
