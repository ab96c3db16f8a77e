#include "web/page_cache.h"

#include "core/html_escape.h"

namespace tocsin::web {

std::shared_ptr<const PageCache::Page> PageCache::cut(std::string_view html, Page meta) const {
  static_cast<MarkedText&>(meta) = markers_.cut(html);
  return std::make_shared<const Page>(std::move(meta));
}

size_t PageCache::VariantHash::operator()(const Variant& v) const {
  size_t h = std::hash<std::string>{}(v.path) * 31 + std::hash<std::string>{}(v.lang);
  return h * 16 + (v.banner << 3 | v.functional << 2 | v.performance << 1 | v.challenged);
}

std::shared_ptr<const PageCache::Page> PageCache::find(const Variant& v, std::string_view action_id,
                                                       uint64_t stamp, Micros now) const {
  std::shared_ptr<const Page> page;
  {
    std::lock_guard lock(mu_);
    auto it = pages_.find(v);
    if (it == pages_.end()) return nullptr;
    page = it->second;
  }
  if (page->action_id != action_id || page->stamp != stamp || now - page->rendered_at >= kFresh ||
      now < page->rendered_at)
    return nullptr;
  return page;
}

void PageCache::keep(const Variant& v, std::shared_ptr<const Page> page) {
  std::lock_guard lock(mu_);
  if (pages_.size() >= kMaxEntries && !pages_.contains(v)) pages_.clear();
  pages_.insert_or_assign(v, std::move(page));
}

std::string PageCache::fill(const Page& page, const std::string (&values)[kSlots]) {
  std::string escaped[kSlots];
  for (int s = 0; s < kSlots; ++s) escaped[s] = escape_html(values[s]);
  return page.fill(escaped);
}

}  // namespace tocsin::web
