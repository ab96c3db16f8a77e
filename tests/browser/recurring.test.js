// A monthly recurring donation in Chromium, by keyboard only: the supporter picks "Every month" and an
// amount, is sent to the Stripe stand-in's hosted page (run.py checks the session request Stripe would get:
// mode=subscription, the monthly interval, no card data), pays; the donation appears over the API with
// action_network:recurrence {recurring: true, period: "Monthly"}. axe-core on the page with the choice.
// Screenshot: fundraising-monthly.png.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { SHOTS, api, axe, idOf, launch } = require('./support');

const CHECKOUT = process.env.TOCSIN_CHECKOUT;
let browser;

before(async () => {
  browser = await launch();
});
after(async () => browser && browser.close());

test('donate monthly with the keyboard', async () => {
  assert.ok(CHECKOUT, 'run.py passes the checkout stand-in as TOCSIN_CHECKOUT');
  const p = await api('POST', 'fundraising_pages', {
    title: 'Monthly friends', currency: 'USD', 'tocsin:amounts': ['15.00', '30.00'],
  });
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await page.goto(p.browser_url);
  // One time is the default; the choice is a labelled group.
  assert.equal(await page.isChecked('input[name=frequency][value=once]'), true);
  assert.equal(await page.textContent('fieldset.frequency legend'), 'How often');
  assert.deepEqual(await axe(page), []);

  await page.focus('input[name=amount][value="15.00"]');
  await page.keyboard.press('Space');
  await page.focus('input[name=frequency][value=once]');
  await page.keyboard.press('ArrowDown');  // radio group: the arrow moves the choice to "Every month"
  assert.equal(await page.isChecked('input[name=frequency][value=monthly]'), true);
  await page.screenshot({ path: path.join(SHOTS, 'fundraising-monthly.png'), fullPage: true });
  await page.focus('#f-name');
  await page.keyboard.type('Ada Lovelace');
  await page.focus('#f-email');
  await page.keyboard.type(`monthly-${Date.now()}@example.org`);
  await Promise.all([page.waitForURL(`${CHECKOUT}/pay/**`), page.keyboard.press('Enter')]);
  assert.match(await page.textContent('#what'), /Monthly friends: 15\.00 USD/);
  await Promise.all([page.waitForURL(/\/thanks\?checkout=paid$/), page.click('#pay')]);

  const got = await api('GET', `fundraising_pages/${idOf(p)}/donations`);
  const [d] = got._embedded['osdi:donations'];
  assert.equal(d.amount, '15.00');
  assert.deepEqual(d['action_network:recurrence'], { recurring: true, period: 'Monthly' });
  await ctx.close();
});
