// Fundraising pages and advocacy letters in Chromium. A supporter chooses an amount, is sent (303) to the
// Stripe stand-in's hosted page (tests/fixtures/checkout_standin.py, started by run.py as [payments]),
// pays there; the stand-in calls tocsin back with the signed webhook and returns the browser to the thanks
// page; the page's total rises. A wrong "other amount" shows its error next to the field. An advocacy letter
// is edited in its textarea and sent; the outreach holds the edited text. axe-core: no serious or critical
// violation on any of these pages. Screenshots: fundraising*.png, checkout-standin.png, advocacy*.png.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { SHOTS, api, axe, idOf, launch, shownWithin } = require('./support');

const CHECKOUT = process.env.TOCSIN_CHECKOUT;  // the stand-in's base URL
let browser;

const unique = (p) => `${p}-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.org`;


before(async () => {
  browser = await launch();
});
after(async () => browser && browser.close());

test('donate: choose an amount, pay on the hosted page, the total rises', async () => {
  assert.ok(CHECKOUT, 'run.py passes the checkout stand-in as TOCSIN_CHECKOUT');
  const p = await api('POST', 'fundraising_pages', {
    title: 'Year end fundraising', description: 'Keep the bay clean.', currency: 'USD',
    'tocsin:amounts': ['10.00', '25.00', '50.00'], 'tocsin:disclosure': 'Friends of the Bay may email you.',
  });
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  const csp = [];
  page.on('console', (m) => m.type() === 'error' && /Content Security Policy/i.test(m.text()) && csp.push(m.text()));
  await page.goto(p.browser_url);
  assert.equal(await page.textContent('#raised'), 'USD 0');
  assert.deepEqual(await axe(page), []);
  await page.screenshot({ path: path.join(SHOTS, 'fundraising.png'), fullPage: true });

  // A wrong other amount: the error next to the field, what was typed kept.
  await page.check('input[name=amount][value=other]');
  await page.fill('#f-other_amount', '12abc');
  await page.fill('#f-name', 'Ada Lovelace');
  await page.fill('#f-email', unique('donor'));
  await Promise.all([page.waitForNavigation(), page.click('main button[type=submit]')]);
  assert.match(await page.textContent('#e-amount'), /Enter an amount like 25/);
  assert.equal(await page.inputValue('#f-other_amount'), '12abc');
  assert.equal(await page.inputValue('#f-name'), 'Ada Lovelace');
  assert.deepEqual(await axe(page), []);
  await page.screenshot({ path: path.join(SHOTS, 'fundraising-error.png'), fullPage: true });

  // A chosen amount: off to the provider's page (the CSP's form-action lets the redirect through).
  await page.check('input[name=amount][value="25.00"]');
  await page.fill('#f-other_amount', '');
  await Promise.all([page.waitForURL(`${CHECKOUT}/pay/**`), page.click('main button[type=submit]')]);
  assert.match(await page.textContent('#what'), /Year end fundraising: 25\.00 USD/);
  await page.screenshot({ path: path.join(SHOTS, 'checkout-standin.png'), fullPage: true });
  assert.equal((await api('GET', `fundraising_pages/${idOf(p)}`)).total_donations, 0);  // not paid yet

  // Pay: the stand-in sends the signed webhook, then returns the browser to the thanks page.
  await Promise.all([page.waitForURL(/\/thanks\?checkout=paid$/), page.click('#pay')]);
  assert.match(await page.textContent('main'), /as soon as the payment provider confirms it/);
  await page.screenshot({ path: path.join(SHOTS, 'fundraising-thanks.png'), fullPage: true });
  const got = await api('GET', `fundraising_pages/${idOf(p)}`);
  assert.equal(got.total_donations, 1);
  assert.equal(got.total_amount, '25.00');
  assert.equal(await shownWithin(page, p.browser_url, '#raised', 'USD 25'), 'USD 25');
  assert.equal(await page.textContent('#count'), '1');
  assert.deepEqual(csp, []);
  await ctx.close();
});

test('advocacy: edit the letter and send it', async () => {
  const letter = { subject: 'Please vote no', body: 'Dear Representative,\nPlease vote no on bill 12345.' };
  const c = await api('POST', 'advocacy_campaigns', {
    title: 'Vote no on 12345', type: 'email', 'tocsin:letter': letter, 'tocsin:letter_editable': true,
    targets: [{ title: 'Representative', given_name: 'Jill', family_name: 'Black' }],
  });
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await page.goto(c.browser_url);
  assert.match(await page.textContent('.targets'), /Representative Jill Black/);
  assert.equal(await page.inputValue('#f-letter_body'), letter.body);
  assert.deepEqual(await axe(page), []);
  await page.screenshot({ path: path.join(SHOTS, 'advocacy.png'), fullPage: true });
  const edited = `${letter.body}\nI live in your district and I am watching this vote.`;
  await page.fill('#f-letter_body', edited);
  await page.fill('#f-name', 'Grace Hopper');
  await page.fill('#f-email', unique('writer'));
  await Promise.all([page.waitForURL(/\/thanks$/), page.click('main button[type=submit]')]);
  await page.screenshot({ path: path.join(SHOTS, 'advocacy-thanks.png'), fullPage: true });
  const list = await api('GET', `advocacy_campaigns/${idOf(c)}/outreaches`);
  const [o] = list._embedded['osdi:outreaches'];
  assert.equal(o.message, edited);
  assert.equal(o.subject, letter.subject);
  assert.deepEqual(o.targets, [{ title: 'Representative', given_name: 'Jill', family_name: 'Black' }]);
  assert.equal(await shownWithin(page, c.browser_url, '#count', '1'), '1');
  await ctx.close();
});
