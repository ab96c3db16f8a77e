// The platform operator's console in Chromium (issue 15): an operator account (made with the CLI, TOTP from
// the test's own oracle) approves one held blast and rejects another from /admin/platform — the approved one
// then goes when the organization sends it again (its raw .eml read from the outbox), the rejected one never
// leaves —, and trusts an organization. (Resuming a paused organization is driven over HTTP in
// tests/integration/test_operator_console.py: this suite's shared server has no bounce path to pause one.) axe-core: no serious or critical violation; the screen's screenshot is
// operator-review.png.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const { createHmac, randomBytes } = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { BASE, KEY, SHOTS, api, axe, idOf, launch } = require('./support');

const OUTBOX = process.env.TOCSIN_OUTBOX;
const DATA = path.dirname(OUTBOX);
const BIN = process.env.TOCSIN_BIN;
const PASSWORD = 'a long operator passphrase';

function base32(s) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of s.replace(/=+$/, '')) bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  const out = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) out.push(parseInt(bits.slice(i, i + 8), 2));
  return Buffer.from(out);
}
// RFC 6238 (HMAC-SHA-1, 6 digits, 30 s), independent of the server's liboath.
function totp(secret) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(Date.now() / 1000 / 30)));
  const h = createHmac('sha1', base32(secret)).update(counter).digest();
  const off = h[h.length - 1] & 15;
  return String((h.readUInt32BE(off) & 0x7fffffff) % 1000000).padStart(6, '0');
}


async function call(method, p, body) {
  const r = await fetch(`${BASE}/api/v2/${p}`, {
    method, headers: { 'OSDI-API-Token': KEY, 'Content-Type': 'application/json' },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: r.status, body: await r.json() };
}

async function until(what, check, ms = 20000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const emlsWith = (needle) => fs.readdirSync(OUTBOX).filter((f) => f.endsWith('.eml'))
  .map((f) => fs.readFileSync(path.join(OUTBOX, f), 'latin1')).filter((raw) => raw.includes(needle));

async function tagged(tag, addresses) {
  await api('POST', 'tags', { name: tag });
  for (const address of addresses)
    await api('POST', 'people', { person: { email_addresses: [{ address, status: 'subscribed' }] }, add_tags: [tag] });
  const tags = (await api('GET', 'tags'))._embedded['osdi:tags'];
  return tags.find((t) => t.name === tag)._links.self.href;
}

async function draft(name, body, href) {
  return idOf(await api('POST', 'messages', {
    name, subject: name, body, from: 'Friends of the Bay', reply_to: 'n@example.org', targets: [{ href }],
  }));
}

test('the operator approves and rejects held blasts and trusts an organization', async () => {
  const run = randomBytes(4).toString('hex');
  const supporter = `supporter-${run}@example.net`;
  const href = await tagged(`review-${run}`, [supporter]);
  const approved = await draft(`Donor night ${run}`, '<p>Donor night: open bar and bourbon tasting!</p>', href);
  const rejected = await draft(`Tax notice ${run}`, '<p>This is the IRS. You owe back taxes.</p>', href);
  for (const id of [approved, rejected]) {
    assert.equal((await call('POST', `messages/${id}/send`, {})).status, 202);
    await until('held', async () => (await call('GET', `messages/${id}`)).body.status === 'held');
  }

  const email = `ops-${run}@example.org`;
  const made = JSON.parse(execFileSync(path.resolve(BIN), ['user', 'create', '--data', DATA, '--email', email, '--operator'],
    { input: `${PASSWORD}\n`, encoding: 'utf8' }).trim().split('\n').pop());
  const secret = new URL(made.totp_uri).searchParams.get('secret');

  const browser = await launch();
  try {
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${BASE}/admin/login`);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByLabel('Code from your authenticator app').fill(totp(secret));
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Log in' }).click()]);
    assert.equal(new URL(page.url()).pathname, '/admin/platform');

    const held = page.locator(`#held-${approved}`);
    assert.match(await held.textContent(), /shaft_alcohol/);
    assert.match(await held.locator('mark').first().textContent(), /open bar/);
    assert.match(await page.locator(`#held-${rejected}`).textContent(), /impersonation/);
    assert.deepEqual(await axe(page), []);
    await page.screenshot({ path: path.join(SHOTS, 'operator-review.png'), fullPage: true });

    // Reject with a note; approve with one.
    const rejecting = page.locator(`#held-${rejected}`);
    await rejecting.getByLabel(/Why it is rejected/).fill('impersonates a government agency');
    await Promise.all([page.waitForNavigation(), rejecting.getByRole('button', { name: /^Reject/ }).click()]);
    assert.match(await page.locator('#platform-notice').textContent(), /Rejected/);
    await held.getByLabel(/Note \(optional\)/).fill('a ticketed 21+ event');
    await Promise.all([page.waitForNavigation(), held.getByRole('button', { name: /^Approve/ }).click()]);
    assert.match(await page.locator('#platform-notice').textContent(), /Approved/);
    assert.equal(await page.locator(`#held-${approved}`).count(), 0);
    assert.deepEqual(await axe(page), []);

    // The approved content goes when the organization sends it again; the rejected one never leaves.
    await until('approved draft', async () => (await call('GET', `messages/${approved}`)).body.status === 'draft');
    assert.ok([200, 202].includes((await call('POST', `messages/${approved}/send`, {})).status));
    const sent = await until('the approved blast in the outbox', () => {
      const m = emlsWith(supporter).filter((raw) => raw.includes('bourbon tasting'));
      return m.length ? m : null;
    });
    assert.equal(sent.length, 1);
    const stopped = (await call('GET', `messages/${rejected}`)).body;
    assert.equal(stopped.status, 'stopped');
    assert.match(stopped['tocsin:status_reason'], /impersonates a government agency/);
    assert.equal(emlsWith('back taxes').length, 0);

    // Trust the other organization.
    const other = page.locator('section[aria-labelledby="orgs"] tr', { hasText: 'Other Org' });
    await other.locator('.org-standing').getByLabel('Reason').fill('known coalition partner');
    await Promise.all([page.waitForNavigation(), other.getByRole('button', { name: 'Trust Other Org' }).click()]);
    assert.match(await page.locator('section[aria-labelledby="orgs"] tr', { hasText: 'Other Org' }).locator('.org-standing').textContent(),
      /Trusted: known coalition partner/);

  } finally {
    await browser.close();
  }
});
