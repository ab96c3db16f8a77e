#include "web/admin/segment_counter.h"

namespace tocsin::web::admin {

// Written by hand like the C++ it mirrors (no library counts segments); the two are checked against each
// other in Chromium (tests/browser/console/campaign_journey.mjs: the counter and the preflight agree).
const std::string kSegmentCounterJs = R"JS('use strict';
(function () {
  // GSM 03.38: the default alphabet (one septet) and the extension table (escape + code: two).
  const BASIC = '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡' +
    'ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
  const EXTENSION = '\f^{}\\[~]|€';

  function count(text) {
    const chars = Array.from(text);
    let widths = [];
    let gsm = true;
    for (const c of chars) {
      if (BASIC.includes(c)) widths.push(1);
      else if (EXTENSION.includes(c)) widths.push(2);
      else { gsm = false; break; }
    }
    if (!gsm) widths = chars.map((c) => (c.codePointAt(0) > 0xffff ? 2 : 1));
    const units = widths.reduce((a, b) => a + b, 0);
    if (units === 0) return { segments: 0, gsm };
    if (units <= (gsm ? 160 : 70)) return { segments: 1, gsm };
    const perPart = gsm ? 153 : 67;
    let parts = 1, used = 0;
    for (const w of widths) {
      if (used + w > perPart) { parts += 1; used = 0; }
      used += w;
    }
    return { segments: parts, gsm };
  }

  // ASCII-only case folding, as contains_ascii_nocase does.
  const fold = (s) => s.replace(/[A-Z]/g, (c) => c.toLowerCase());
  function asSent(body, brand) {
    let text = body;
    if (brand && !fold(text).includes(fold(brand))) text = brand + ': ' + text;
    if (!fold(text).includes('stop')) text += ' Reply STOP to opt out.';
    return text;
  }

  const box = document.getElementById('body');
  const out = document.getElementById('segment-count');
  if (!box || !out) return;
  const show = () => {
    const c = count(asSent(box.value, box.dataset.brand || ''));
    out.textContent = c.segments === 0 ? '' :
      'As a first text: ' + c.segments + ' segment' + (c.segments === 1 ? '' : 's') + ', ' +
      (c.gsm ? 'GSM-7' : 'UCS-2') + (c.gsm ? '' : ' (a character outside GSM-7 makes every segment shorter)') +
      '. Merge fields are counted as typed; the preflight counts each text.';
    out.dataset.segments = String(c.segments);
  };
  box.addEventListener('input', show);
  show();
})();
)JS";

}  // namespace tocsin::web::admin
