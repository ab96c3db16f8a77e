// An action's list of sites allowed to frame its embed (tocsin:embed_allowed_sites, actions/embed_sites.h) in
// Chromium. Two host sites on other origins than tocsin's (http://localhost:<port>, two ports; tocsin answers
// on http://127.0.0.1:<port>), only the first listed: there the script and the iframe mount the form and a
// signature counts; on the second the browser itself refuses to show the frame (CSP frame-ancestors), and
// the script inserts no frame at all. Screenshots embed-sites-*.png.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const http = require('node:http');
const path = require('node:path');
const { BASE, SHOTS, api, idOf, launch } = require('./support');

let browser;
const hosts = [];  // [listed, unlisted]: { server, base }
const pages = new Map();  // path -> HTML, served by both hosts

function hostPage(p, embedCode) {
  pages.set(p, `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Bay News</title></head>
<body><h1>Bay News</h1>
${embedCode}
<p>Thank you for reading Bay News.</p></body></html>`);
  return p;
}

async function listen() {
  const server = http.createServer((req, res) => {
    const html = pages.get(req.url.split('?')[0]);
    res.writeHead(html ? 200 : 404, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(html || 'not found');
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, base: `http://localhost:${server.address().port}` };
}

before(async () => {
  browser = await launch();
  hosts.push(await listen(), await listen());
  for (const h of hosts) assert.notEqual(new URL(h.base).origin, new URL(BASE).origin);
});
after(async () => {
  if (browser) await browser.close();
  for (const h of hosts) h.server.close();
});

async function listedPetition(title) {
  const p = await api('POST', 'petitions', { title, 'tocsin:disclosure': 'Friends of the Bay may email you.' });
  const put = await api('PUT', `petitions/${idOf(p)}`, {
    'tocsin:embed_allowed_sites': [hosts[0].base, 'https://*.example.net'],
  });
  assert.deepEqual(put['tocsin:embed_allowed_sites'], [hosts[0].base, 'https://*.example.net']);
  return put;
}

test('a listed site embeds the form and a signature counts', async () => {
  const p = await listedPetition('Listed Bay Petition');
  const url = hosts[0].base + hostPage('/listed/script.html', p['tocsin:embed_code'].script);
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  const errors = [];
  page.on('console', (m) => ['error', 'warning'].includes(m.type()) && errors.push(m.text()));
  await page.goto(url);
  const el = await page.waitForSelector('iframe');
  const frame = await el.contentFrame();
  await frame.waitForSelector('main form');
  await frame.fill('#f-name', 'Ada Lovelace');
  await frame.fill('#f-email', `listed-${Date.now()}@example.org`);
  await frame.fill('#f-zip', '94110');
  await Promise.all([frame.waitForURL(/\/frame\/thanks$/), frame.click('button[type=submit]')]);
  assert.match(await frame.textContent('h1'), /Thank you/);  // the thank-you page may be framed here too
  await page.screenshot({ path: path.join(SHOTS, 'embed-sites-listed.png'), fullPage: true });
  assert.deepEqual(errors.filter((e) => /Content Security Policy|Refused|tocsin/i.test(e)), []);
  assert.equal((await api('GET', `petitions/${idOf(p)}`)).total_signatures, 1);

  // The iframe variant on the same site loads the form as well.
  const framed = hosts[0].base + hostPage('/listed/iframe.html', p['tocsin:embed_code'].iframe);
  await page.goto(framed);
  const f2 = await (await page.waitForSelector('iframe')).contentFrame();
  await f2.waitForSelector('main form');
  await ctx.close();
});

test('an unlisted site gets a frame the browser blocks, and the script mounts nothing', async () => {
  const p = await listedPetition('Guarded Bay Petition');
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  const messages = [];
  page.on('console', (m) => messages.push(m.text()));

  // The iframe tag pasted on a site that is not listed: Chromium refuses to render tocsin's answer in it.
  const framed = hosts[1].base + hostPage('/unlisted/iframe.html', p['tocsin:embed_code'].iframe);
  const blocked = page.waitForEvent('console', (m) => /frame-ancestors/.test(m.text()));
  await page.goto(framed);
  const el = await page.waitForSelector('iframe');
  const frame = await el.contentFrame();
  const refusal = await blocked;
  assert.match(refusal.text(), new RegExp(`frame-ancestors ${hosts[0].base}`));
  // What the frame shows is the browser's error page, not the form (nor anything of tocsin's origin).
  assert.equal(await frame.$('main form'), null);
  assert.ok(!frame.url().startsWith(new URL(BASE).origin), frame.url());  // Chromium's error page, no URL of ours
  await page.screenshot({ path: path.join(SHOTS, 'embed-sites-unlisted-iframe.png'), fullPage: true });

  // The script on the same site: it knows location.origin and inserts no frame at all.
  const scripted = hosts[1].base + hostPage('/unlisted/script.html', p['tocsin:embed_code'].script);
  await page.goto(scripted);
  await page.waitForFunction(() => document.readyState === 'complete');
  assert.equal(await page.$('iframe'), null);
  assert.ok(messages.some((m) => m.includes(`tocsin: this form may not be embedded on ${hosts[1].base}`)),
    messages.join('\n'));
  await page.screenshot({ path: path.join(SHOTS, 'embed-sites-unlisted-script.png'), fullPage: true });
  assert.equal((await api('GET', `petitions/${idOf(p)}`)).total_signatures, 0);
  await ctx.close();
});
