#include "web/embed_assets.h"

namespace tocsin::web::templates {

const std::string kFrameLayout = R"(<!doctype html>
<html lang="{{lang}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{title}}</title>
<link rel="stylesheet" href="/static/tocsin.css">
{{#scripts}}<script src="{{.}}" defer></script>
{{/scripts}}
</head>
<body class="embed">
<main>
{{{body}}}
</main>
<footer>
{{#org_slug}}<a href="/o/{{org_slug}}/privacy" target="_blank" rel="noopener">{{s.privacy_notice}}</a>{{/org_slug}}
</footer>
</body>
</html>
)";

const std::string kFrameThanks = R"(<h1>{{s.thanks_title}}</h1>
<p>{{s.thanks_body}}</p>
<p><a href="{{page_url}}" target="_blank" rel="noopener">{{title}}</a></p>
<p class="share">{{s.share}}:
<a href="mailto:?subject={{title_q}}&amp;body={{page_url_q}}" target="_blank" rel="noopener">Email</a> ·
<a href="https://twitter.com/intent/tweet?url={{page_url_q}}" target="_blank" rel="noopener">X</a> ·
<a href="https://www.facebook.com/sharer/sharer.php?u={{page_url_q}}" target="_blank" rel="noopener">Facebook</a> ·
<a href="https://wa.me/?text={{page_url_q}}" target="_blank" rel="noopener">WhatsApp</a></p>
)";

// Posts the document's height to the page that framed it; the loader (web/embed.h) accepts it only from its
// own frame and this origin. A height is no secret, so any target origin.
const std::string kEmbedFrameJs = R"((function () {
  'use strict';
  if (window.parent === window) return;
  function send() {
    // The content's height (scrollHeight would never be less than the frame's current height).
    var h = Math.ceil(document.documentElement.getBoundingClientRect().height);
    window.parent.postMessage({ tocsinEmbedHeight: h }, '*');
  }
  send();
  window.addEventListener('load', send);
  if (window.ResizeObserver) new ResizeObserver(send).observe(document.body);
})();
)";

// Starts on load, so the answer is usually ready before the person has typed their name; on submit it waits
// for it, puts it in the form and sends. Without WebCrypto (insecure contexts) it does nothing and the form
// takes the no-JavaScript path (web/challenge.h).
const std::string kChallengeJs = R"((function () {
  'use strict';
  var input = document.querySelector('input[name="challenge"]');
  var answer = document.querySelector('input[name="pow"]');
  if (!input || !answer || !window.crypto || !window.crypto.subtle || !window.TextEncoder) return;
  var form = input.form;
  var challenge = input.value;
  var bits = parseInt(challenge.split('.')[2], 10);
  var encoder = new TextEncoder();
  function zeroBits(buffer) {
    var b = new Uint8Array(buffer), n = 0;
    for (var i = 0; i < b.length; i++) {
      if (b[i] === 0) { n += 8; continue; }
      for (var m = 128; m && !(b[i] & m); m >>= 1) n++;
      break;
    }
    return n;
  }
  function batch(from) {
    var tries = [];
    for (var n = from; n < from + 64; n++)
      tries.push(window.crypto.subtle.digest('SHA-256', encoder.encode(challenge + ':' + n)));
    return Promise.all(tries).then(function (hashes) {
      for (var i = 0; i < hashes.length; i++) if (zeroBits(hashes[i]) >= bits) return String(from + i);
      return batch(from + 64);
    });
  }
  var solved = answer.value ? Promise.resolve(answer.value) : batch(0);
  solved.then(function (n) { answer.value = n; form.setAttribute('data-solved', n); });
  form.addEventListener('submit', function (e) {
    if (form.hasAttribute('data-solved')) return;
    e.preventDefault();
    var status = document.getElementById('challenge-status');
    if (status) status.textContent = status.getAttribute('data-checking');
    var button = form.querySelector('button[type="submit"]');
    if (button) button.disabled = true;
    solved.then(function () { form.submit(); });
  });
})();
)";

}  // namespace tocsin::web::templates
