// Advocacy letters delivered to their targets, in Chromium (docs/PAGES.md "Delivering letters"): a supporter
// edits a campaign's letter on its page and sends it; the letter arrives in the outbox as the email to the
// target — From the supporter's name at the organization's verified domain, Reply-To the supporter, the text
// as edited with the signature — and the outreach's tocsin:deliveries says it was handed over, and why the
// target without an address got nothing. Screenshots: letter-page.png, letter-delivered.png (the raw email).
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { SHOTS, api, axe, idOf, launch } = require('./support');

const OUTBOX = process.env.TOCSIN_OUTBOX;
let browser;

const unique = (p) => `${p}-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.net`;

// The raw bytes of the outbox's mail to `to` that mention `marker`, waiting up to 15 s.
async function mailTo(to, marker) {
  const deadline = Date.now() + 15000;
  while (Date.now() < deadline) {
    if (fs.existsSync(OUTBOX)) {
      for (const f of fs.readdirSync(OUTBOX).filter((n) => n.endsWith('.eml'))) {
        const raw = fs.readFileSync(path.join(OUTBOX, f), 'utf8');
        if (new RegExp(`^To: .*${to.replace(/[.]/g, '\\.')}`, 'mi').test(raw) && raw.includes(marker)) return raw;
      }
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`no letter to ${to} in ${OUTBOX}`);
}

before(async () => {
  browser = await launch();
});
after(async () => browser && browser.close());

test('a letter sent from the page arrives in the outbox, addressed to the target', async () => {
  assert.ok(OUTBOX, 'run.py passes the outbox as TOCSIN_OUTBOX');
  const target = `senator-${Date.now()}@senate.example`;
  const letter = { subject: 'Please vote no', body: 'Dear Senator,\nPlease vote no on bill 12345.' };
  const c = await api('POST', 'advocacy_campaigns', {
    title: 'Vote no on 12345 (delivered)', type: 'email', 'tocsin:letter': letter, 'tocsin:letter_editable': true,
    targets: [{ title: 'Senator', given_name: 'Jill', family_name: 'Black', email: target },
      { title: 'Governor', given_name: 'Sam', family_name: 'Green' }],
  });
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await page.goto(c.browser_url);
  assert.deepEqual(await axe(page), []);
  const edited = `${letter.body}\nI live in your district.`;
  await page.fill('#f-letter_body', edited);
  await page.fill('#f-name', 'Grace Hopper');
  const writer = unique('writer');
  await page.fill('#f-email', writer);
  await page.fill('#f-zip', '20500');
  await page.screenshot({ path: path.join(SHOTS, 'letter-page.png'), fullPage: true });
  await Promise.all([page.waitForURL(/\/thanks$/), page.click('main button[type=submit]')]);

  const raw = await mailTo(target, writer);
  const head = raw.split('\r\n\r\n')[0];
  assert.match(head, /^From: "?Grace Hopper"? <no-reply@example\.org>$/m);
  assert.match(head, new RegExp(`^Reply-To: ${writer.replace(/[.]/g, '\\.')}$`, 'm'));
  assert.match(head, /^DKIM-Signature: .*d=example\.org/ms);
  assert.doesNotMatch(head, /^List-Unsubscribe/m);
  const body = raw.split('\r\n\r\n').slice(1).join('\r\n\r\n').replace(/\r\n/g, '\n');
  assert.ok(body.startsWith(`${edited}\n\nGrace Hopper\n20500\n`), body);

  const [o] = (await api('GET', `advocacy_campaigns/${idOf(c)}/outreaches`))._embedded['osdi:outreaches'];
  const one = await api('GET', `advocacy_campaigns/${idOf(c)}/outreaches/${idOf(o)}`);
  assert.equal(one['tocsin:deliveries'][0].state, 'handed_over');
  assert.deepEqual(one['tocsin:deliveries'][1], { target: 'Governor Sam Green', state: 'suppressed',
    reason: 'no_email_address' });

  // The email as it left, for the record.
  const view = await ctx.newPage();
  await view.setContent(`<!doctype html><html lang="en"><title>Letter in the outbox</title><main><h1>Letter in the outbox</h1><pre></pre></main>`);
  await view.$eval('pre', (el, text) => { el.textContent = text; }, raw.replace(/^DKIM-Signature:[^]*?\r\n(?=\S)/m, 'DKIM-Signature: (signed)\r\n'));
  await view.screenshot({ path: path.join(SHOTS, 'letter-delivered.png'), fullPage: true });
  await ctx.close();
});
