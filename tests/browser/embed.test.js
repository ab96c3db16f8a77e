// Embeds in Chromium, from a page on another origin (a host page served here on http://localhost:<port>,
// while tocsin answers on http://127.0.0.1:<port> — another origin and another site, so the frame's cookies
// would be third-party): the script variant and the iframe variant each take a signature, the count rises,
// the evidence names the host page, no cookie is set on the visitor; axe-core finds no serious or critical
// violation in the frame; bad input is shown next to the field inside the frame with what was typed; and
// under attack the page's and the frame's proof-of-work challenge is solved by the browser itself.
// Screenshots embed-*.png.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const http = require('node:http');
const path = require('node:path');
const { BASE, SHOTS, api, axe, idOf, launch } = require('./support');

const unique = (p) => `${p}-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.org`;
let browser;
let host;  // the organization's own site
let hostBase;
const hostPages = new Map();  // path -> HTML


function hostPage(p, embedCode) {
  hostPages.set(p, `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Bay News</title></head>
<body><h1>Bay News</h1><p>The bay needs you. Sign below.</p>
${embedCode}
<p>Thank you for reading Bay News.</p></body></html>`);
  return `${hostBase}${p}`;
}

async function frameOf(page) {
  const el = await page.waitForSelector('iframe');
  const frame = await el.contentFrame();
  await frame.waitForSelector('main form');
  return { el, frame };
}

async function personEvidence(email) {
  const people = await api('GET', `people?filter=${encodeURIComponent(`email_address eq '${email}'`)}`);
  const person = people._embedded['osdi:people'][0];
  return api('GET', `people/${idOf(person)}/consent`);
}

before(async () => {
  browser = await launch();
  host = http.createServer((req, res) => {
    const html = hostPages.get(req.url.split('?')[0]);
    res.writeHead(html ? 200 : 404, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(html || 'not found');
  });
  await new Promise((resolve) => host.listen(0, '127.0.0.1', resolve));
  hostBase = `http://localhost:${host.address().port}`;
  assert.notEqual(new URL(hostBase).origin, new URL(BASE).origin);
});
after(async () => {
  if (browser) await browser.close();
  if (host) host.close();
});

test('script embed on another origin: sign, count rises, evidence names the host page', async () => {
  const p = await api('POST', 'petitions', {
    title: 'Embedded Bay Petition', 'tocsin:disclosure': 'Friends of the Bay may email you.',
  });
  const url = hostPage('/campaign/script.html', p['tocsin:embed_code'].script) + '?utm=news#sign';
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  const errors = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await page.goto(url);
  const { el, frame } = await frameOf(page);
  assert.equal(await el.getAttribute('title'), 'Embedded Bay Petition');
  // The frame told the loader its height; the loader sized the frame to it.
  await page.waitForFunction(() => document.querySelector('iframe').style.height !== '760px');
  assert.equal(await frame.isChecked('input[name=email_opt_in]'), true);  // not a GDPR organization
  await page.screenshot({ path: path.join(SHOTS, 'embed-script.png'), fullPage: true });

  const email = unique('script-embed');
  await frame.fill('#f-name', 'Ada Lovelace');
  await frame.fill('#f-email', email);
  await frame.fill('#f-zip', '94110');
  await Promise.all([frame.waitForURL(/\/frame\/thanks$/), frame.click('button[type=submit]')]);
  assert.match(await frame.textContent('h1'), /Thank you/);
  assert.equal(page.url(), url);  // the supporter never left the organization's page
  await page.screenshot({ path: path.join(SHOTS, 'embed-script-thanks.png'), fullPage: true });
  // The embed sets no cookie at all (it would be a third-party cookie here).
  assert.deepEqual((await ctx.cookies()).map((c) => c.name), []);
  assert.deepEqual(errors.filter((e) => /Content Security Policy|Refused/i.test(e)), []);

  assert.equal((await api('GET', `petitions/${idOf(p)}`)).total_signatures, 1);
  const proof = await personEvidence(email);
  const entry = proof.contact_points.find((c) => c.channel === 'email').entries[0];
  assert.equal(entry.source, `${p.browser_url}#disclosure-v1`);
  // The browser's Referer named the full page (the loader set the frame's referrer policy); no fragment.
  assert.equal(entry.method,
    `web embed petitions on ${hostBase}/campaign/script.html?utm=news (host page named by the browser's Referer)`);
  assert.equal(entry.disclosure_text, 'Friends of the Bay may email you.');
  await ctx.close();
});

test('iframe embed on another origin: axe, bad input kept in the frame, sign', async () => {
  const p = await api('POST', 'petitions', { title: 'Framed Bay Petition' });
  const url = hostPage('/campaign/iframe.html', p['tocsin:embed_code'].iframe);
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await page.goto(url);
  const { frame } = await frameOf(page);
  assert.deepEqual(await axe(frame), []);
  await frame.fill('#f-name', 'Grace Hopper');
  await frame.fill('#f-email', 'not-an-email');
  await Promise.all([frame.waitForNavigation(), frame.click('button[type=submit]')]);
  assert.equal(await frame.inputValue('#f-name'), 'Grace Hopper');
  assert.equal(await frame.inputValue('#f-email'), 'not-an-email');
  assert.match(await frame.textContent('#e-email'), /valid email/);
  assert.deepEqual(await axe(frame), []);
  await page.screenshot({ path: path.join(SHOTS, 'embed-iframe-error.png'), fullPage: true });
  // Keyboard only from here.
  const email = unique('iframe-embed');
  await frame.fill('#f-email', email);
  await frame.focus('#f-email');
  await Promise.all([frame.waitForURL(/\/frame\/thanks$/), page.keyboard.press('Enter')]);
  assert.equal((await api('GET', `petitions/${idOf(p)}`)).total_signatures, 1);
  const proof = JSON.stringify(await personEvidence(email));
  assert.ok(proof.includes(`web embed petitions on ${hostBase}/campaign/iframe.html (host page named`), proof);
  await page.screenshot({ path: path.join(SHOTS, 'embed-iframe-thanks.png'), fullPage: true });
  await ctx.close();
});

test('under attack: the browser solves the challenge on the page and in the embed', async () => {
  const p = await api('POST', 'petitions', { title: 'Attacked Bay Petition' });
  await api('PUT', `petitions/${idOf(p)}`, { 'tocsin:challenge': 'on' });
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  const errors = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));

  // The action's own page.
  await page.goto(p.browser_url);
  assert.equal(await page.locator('#challenge-status').count(), 1);
  await page.screenshot({ path: path.join(SHOTS, 'challenge-page.png'), fullPage: true });
  await page.fill('#f-name', 'Ada');
  await page.fill('#f-email', unique('pow-page'));
  await Promise.all([page.waitForURL(/\/thanks$/, { timeout: 60000 }), page.click('main button[type=submit]')]);
  assert.equal((await api('GET', `petitions/${idOf(p)}`)).total_signatures, 1);

  // The script embed on the organization's site.
  await page.goto(hostPage('/campaign/attacked.html', p['tocsin:embed_code'].script));
  const { frame } = await frameOf(page);
  assert.equal(await frame.locator('input[name=challenge]').count(), 1);
  await frame.fill('#f-name', 'Grace');
  await frame.fill('#f-email', unique('pow-embed'));
  await Promise.all([frame.waitForURL(/\/frame\/thanks$/, { timeout: 60000 }), frame.click('button[type=submit]')]);
  assert.equal((await api('GET', `petitions/${idOf(p)}`)).total_signatures, 2);
  await page.screenshot({ path: path.join(SHOTS, 'challenge-embed-thanks.png'), fullPage: true });
  assert.deepEqual(errors.filter((e) => /Content Security Policy|Refused/i.test(e)), []);
  await ctx.close();
});
