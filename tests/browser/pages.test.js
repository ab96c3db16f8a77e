// A supporter in Chromium: signs a petition (the count rises, the evidence names the page), leaves the SMS
// box unticked, sees validation keep what was typed, and holds only the strictly necessary cookie until they
// choose; with Global Privacy Control no optional cookie ever appears. Screenshots per page.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { BASE, SHOTS, api, idOf, launch, shownWithin } = require('./support');

const SMS = {
  program_name: 'Bay Alerts', message_frequency: 'Up to 4 msgs/mo', rates: 'Msg & data rates may apply',
  help: 'Text HELP for help', stop: 'Text STOP to cancel', terms_url: 'https://example.org/terms',
  privacy_url: 'https://example.org/privacy',
};
let browser;

const unique = (p) => `${p}-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.org`;

before(async () => {
  browser = await launch();
});
after(async () => browser && browser.close());

test('sign a petition as a supporter; count and evidence', async () => {
  const p = await api('POST', 'petitions', {
    title: 'Save the Bay', description: 'Protect the bay.', 'tocsin:goal': 10,
    'tocsin:disclosure': 'Friends of the Bay may email you.', 'tocsin:sms_disclosure': SMS,
  });
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  const errors = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await page.goto(p.browser_url);
  await page.screenshot({ path: path.join(SHOTS, 'petition.png'), fullPage: true });
  // Without a choice: only the necessary session cookie, invisible to scripts (HttpOnly).
  const jar = await ctx.cookies();
  assert.deepEqual(jar.map((c) => c.name), ['tocsin_session']);
  assert.equal(jar[0].httpOnly, true);
  assert.equal(jar[0].sameSite, 'Lax');
  assert.equal(await page.evaluate(() => document.cookie), '');
  assert.equal(await page.isChecked('input[name=sms_opt_in]'), false);

  // Bad input keeps what was typed; keyboard only from there.
  const email = unique('ada');
  await page.fill('#f-name', 'Ada Lovelace');
  await page.fill('#f-email', 'not-an-email');
  await Promise.all([page.waitForNavigation(), page.click('main button[type=submit]')]);
  assert.equal(await page.inputValue('#f-name'), 'Ada Lovelace', await page.content());
  assert.match(await page.textContent('#e-email'), /valid email/);
  await page.screenshot({ path: path.join(SHOTS, 'petition-error.png'), fullPage: true });
  await page.fill('#f-email', email);
  await page.focus('#f-email');
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/thanks$/);
  await page.screenshot({ path: path.join(SHOTS, 'thanks.png'), fullPage: true });
  assert.match(await page.textContent('h1'), /Thank you/);
  // The CSP blocked nothing the page needed (the 422 of the bad input and a favicon 404 are expected).
  assert.deepEqual(errors.filter((e) => /Content Security Policy/i.test(e)), []);

  const got = await api('GET', `petitions/${idOf(p)}`);
  assert.equal(got.total_signatures, 1);
  const people = await api('GET', `people?filter=${encodeURIComponent(`email_address eq '${email}'`)}`);
  const person = people._embedded['osdi:people'][0];
  const consent = JSON.stringify(await api('GET', `people/${idOf(person)}/consent`));
  assert.ok(consent.includes(`${p.browser_url}#disclosure-v1`), consent);
  assert.ok(consent.includes('Friends of the Bay may email you.'));
  assert.equal(await shownWithin(page, p.browser_url, '#count', '1'), '1');
  await ctx.close();
});

test('cookie banner: reject and accept, and GPC', async () => {
  const p = await api('POST', 'petitions', { title: 'Cookies' });
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await page.goto(p.browser_url);
  await page.screenshot({ path: path.join(SHOTS, 'banner.png'), fullPage: true });
  await page.click('.cookie-banner button[value=reject]');
  assert.equal(await page.locator('.cookie-banner').count(), 0);
  let names = (await ctx.cookies()).map((c) => c.name).sort();
  assert.deepEqual(names, ['tocsin_consent', 'tocsin_session']);
  await page.goto(`${BASE}/o/friends-of-the-bay/cookies`);
  await page.screenshot({ path: path.join(SHOTS, 'cookies.png'), fullPage: true });
  assert.ok((await page.textContent('table')).includes('tocsin_prefill'));
  await page.click('main button[value=accept]');
  const consent = (await ctx.cookies()).find((c) => c.name === 'tocsin_consent');
  assert.equal(consent.value, 'f1p1');
  await ctx.close();

  const gpc = await browser.newContext({ extraHTTPHeaders: { 'Sec-GPC': '1' } });
  const g = await gpc.newPage();
  await g.goto(p.browser_url);
  assert.equal(await g.locator('.cookie-banner').count(), 0);
  await g.goto(`${BASE}/o/friends-of-the-bay/cookies`);
  await g.click('main button[value=accept]');
  assert.equal((await gpc.cookies()).find((c) => c.name === 'tocsin_consent').value, 'f0p0');
  await gpc.close();
});
