// A supporter's own page in Chromium: a real blast email is sent (the server writes it to its outbox folder),
// the preference link is read from the raw .eml as a mail client would show it, the page opens, axe-core
// finds no serious or critical violation, and the person unsubscribes with the keyboard only; the API then
// shows the address unsubscribed; the privacy notice the footer links passes axe too. Screenshots per state.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { BASE, SHOTS, api, axe, idOf, launch } = require('./support');

const OUTBOX = process.env.TOCSIN_OUTBOX;
let browser;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// The raw message to `address` in the outbox, once the dispatcher has written it.
async function rawMailTo(address) {
  for (let i = 0; i < 200; i += 1) {
    if (fs.existsSync(OUTBOX)) {
      for (const f of fs.readdirSync(OUTBOX).filter((n) => n.endsWith('.eml'))) {
        const raw = fs.readFileSync(path.join(OUTBOX, f), 'utf8');
        if (new RegExp(`^To: .*${address.replace(/[.+]/g, '\\$&')}`, 'mi').test(raw)) return raw;
      }
    }
    await sleep(100);
  }
  throw new Error(`no mail to ${address} in ${OUTBOX}`);
}

// The link as a mail client shows it: quoted-printable soft line breaks joined, =XX decoded.
function preferenceLink(raw) {
  const decoded = raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16)));
  const m = decoded.match(/Your preferences: (\S+\/my\/[A-Za-z0-9_-]+)/);
  assert.ok(m, decoded);
  return m[1];
}


before(async () => {
  browser = await launch();
});
after(async () => browser && browser.close());

test('open the preference center from a real email and unsubscribe with the keyboard', async () => {
  const address = `prefs-${Date.now()}@example.net`;
  await api('POST', 'tags', { name: 'browser-prefs' });
  const person = await api('POST', 'people', {
    person: { given_name: 'Ada', email_addresses: [{ address, status: 'subscribed' }] }, add_tags: ['browser-prefs'],
  });
  const tags = await api('GET', 'tags');
  const tag = tags._embedded['osdi:tags'].find((t) => t.name === 'browser-prefs');
  const message = await api('POST', 'messages', {
    subject: 'Rally', body: '<p>Join us.</p>', from: 'Friends of the Bay', reply_to: 'team@example.org',
    targets: [{ href: tag._links.self.href }],
  });
  await api('POST', `messages/${idOf(message)}/send`, {});
  const link = preferenceLink(await rawMailTo(address));
  assert.ok(link.startsWith(`${BASE}/my/`), link);

  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  const errors = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await page.goto(link);
  await page.screenshot({ path: path.join(SHOTS, 'preferences.png'), fullPage: true });
  assert.match(await page.textContent('h1'), /Your subscriptions: Friends of the Bay/);
  assert.equal(await page.textContent('#status-email'), 'Subscribed');
  assert.deepEqual(await axe(page), []);
  // Only the strictly necessary session cookie.
  assert.deepEqual((await ctx.cookies()).map((c) => c.name), ['tocsin_session']);

  // Keyboard only: Tab to the button, Enter.
  let focused = '';
  for (let i = 0; i < 30 && focused !== 'unsubscribe'; i += 1) {
    await page.keyboard.press('Tab');
    focused = await page.evaluate(() => document.activeElement && document.activeElement.value);
  }
  assert.equal(focused, 'unsubscribe');
  await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
  assert.match(await page.textContent('[role=status]'), /You are unsubscribed/);
  assert.equal(await page.textContent('#status-email'), 'Not subscribed');
  await page.screenshot({ path: path.join(SHOTS, 'preferences-unsubscribed.png'), fullPage: true });
  assert.deepEqual(await axe(page), []);
  assert.deepEqual(errors.filter((e) => /Content Security Policy/i.test(e)), []);

  const got = await api('GET', `people/${idOf(person)}`);
  assert.equal(got.email_addresses[0].status, 'unsubscribed');

  // The privacy notice, linked from the page's footer.
  await Promise.all([page.waitForNavigation(), page.click('footer a[href$="/privacy"]')]);
  assert.match(await page.textContent('h1'), /Privacy notice: Friends of the Bay/);
  await page.screenshot({ path: path.join(SHOTS, 'privacy-notice.png'), fullPage: true });
  assert.deepEqual(await axe(page), []);
  await ctx.close();
});
