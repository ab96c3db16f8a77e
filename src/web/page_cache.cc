#include "web/page_cache.h"

#include <sodium.h>

#include "core/html_escape.h"

namespace tocsin::web {

PageCache::PageCache() {
  unsigned char bytes[16];
  randombytes_buf(bytes, sizeof bytes);
  char hex[sizeof bytes * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, bytes, sizeof bytes);
  prefix_ = hex;
  for (int s = 0; s < kSlots; ++s) markers_[s] = prefix_ + static_cast<char>('0' + s);
}

std::shared_ptr<const PageCache::Page> PageCache::cut(std::string_view html, Page meta) const {
  meta.pieces.clear();
  meta.slots.clear();
  size_t start = 0;
  for (size_t at = html.find(prefix_); at != std::string_view::npos;) {
    size_t digit = at + prefix_.size();
    if (digit < html.size() && html[digit] >= '0' && html[digit] < '0' + kSlots) {
      meta.pieces.emplace_back(html.substr(start, at - start));
      meta.slots.push_back(static_cast<Slot>(html[digit] - '0'));
      start = digit + 1;
      at = html.find(prefix_, start);
    } else {
      at = html.find(prefix_, at + 1);
    }
  }
  meta.pieces.emplace_back(html.substr(start));
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
  size_t size = 0;
  for (int s = 0; s < kSlots; ++s) escaped[s] = escape_html(values[s]);
  for (const auto& p : page.pieces) size += p.size();
  for (Slot s : page.slots) size += escaped[s].size();
  std::string out;
  out.reserve(size);
  for (size_t i = 0; i < page.slots.size(); ++i) {
    out += page.pieces[i];
    out += escaped[page.slots[i]];
  }
  out += page.pieces.back();
  return out;
}

}  // namespace tocsin::web
