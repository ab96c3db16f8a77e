// The console's CSV import, contact points and statistics over time in Chromium (issue #13; docs/CONSOLE.md
// "Import", "Contact points", "Statistics over time"). An organizer made with `tocsin user create` logs in
// with TOTP (this file's own RFC 6238 oracle), uploads a CSV of good and bad rows with its consent basis,
// watches the bar move while the import runs (the page's script polling the job), reads the counts and the
// rejected rows, downloads them as CSV, finds an imported person, changes their email (a new address is not
// subscribed: the API says so), and reads a sent blast's chart table against the API's statistics. axe-core
// finds no serious or critical violation on any of these screens. Screenshots to $TOCSIN_ARTIFACTS.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { BASE, SHOTS, api, axe, idOf, launch } = require('./support');

const PASSWORD = 'a long password for the import';
let browser;

function totp(secretB32) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of secretB32.replace(/=+$/, '')) bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  const key = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) key.push(parseInt(bits.slice(i, i + 8), 2));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(Date.now() / 30000)));
  const h = crypto.createHmac('sha1', Buffer.from(key)).update(counter).digest();
  const off = h[h.length - 1] & 15;
  return String((h.readUInt32BE(off) & 0x7fffffff) % 1000000).padStart(6, '0');
}

async function loggedIn(role) {
  const email = `${role}-${Date.now()}@example.org`;
  const out = execFileSync(process.env.TOCSIN_BIN_PATH, ['user', 'create', '--data', process.env.TOCSIN_DATA,
    '--org', process.env.TOCSIN_ORG, '--email', email, '--role', role], { input: `${PASSWORD}\n` }).toString();
  const secret = new URL(JSON.parse(out.trim().split('\n').pop()).totp_uri).searchParams.get('secret');
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await page.goto(`${BASE}/admin/login`);
  await page.fill('#email', email);
  await page.fill('#password', PASSWORD);
  await page.fill('#code', totp(secret));
  await Promise.all([page.waitForURL(`${BASE}/admin`), page.click('button[type=submit]')]);
  return { ctx, page };
}

async function clean(page, what) {
  assert.deepEqual(await axe(page), [], `axe on ${what}`);
}

before(async () => {
  browser = await launch();
});
after(async () => browser && browser.close());

test('import a CSV: progress, counts, rejected rows, the people; edit a contact point', async () => {
  const { ctx, page } = await loggedIn('organizer');
  const stamp = Date.now();
  // 6,000 good rows (enough to watch the bar move) and four bad ones at known places.
  const lines = ['email,given_name,family_name,birthdate'];
  const bad = new Map([[10, 'not-an-address,Bad,Row,'], [2500, 'short,row'], [4000, `b${stamp}@example.net,Young,One,2099-01-01`],
    [5999, `c${stamp}@example.net,Bad,Date,1990-13-45`]]);
  for (let i = 1; i <= 6004; i += 1) lines.push(bad.get(i) || `imp${stamp}-${i}@example.net,Imported,Person${i},`);
  const csv = `${lines.join('\r\n')}\r\n`;

  await page.goto(`${BASE}/admin/people`);
  await Promise.all([page.waitForURL(`${BASE}/admin/people/import`), page.click('text=Import people from a CSV file')]);
  await clean(page, 'the import form');
  await page.setInputFiles('#file', { name: 'supporters.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await page.fill('#source', 'Harbour festival sign-up sheet');
  await page.fill('#consent_date', '2024-06-01');
  await page.fill('#consent_method', 'paper form');
  await page.fill('#disclosure_text', 'Yes, email me about the bay.');
  if (SHOTS) await page.screenshot({ path: path.join(SHOTS, 'console-import.png'), fullPage: true });
  await Promise.all([page.waitForURL(/\/admin\/people\/import\/[0-9a-f]{32}$/), page.getByRole('button', { name: 'Import', exact: true }).click()]);
  const jobUrl = page.url();

  // While it runs: the bar, updated in place by the script (no reload) until the page reloads into the report.
  // One evaluate per look, and a look cut short by that reload is just tried again.
  const seen = [];
  for (let i = 0; i < 600; i += 1) {
    const look = await page.evaluate(() => ({
      done: !!document.querySelector('#import-done'),
      bar: document.querySelector('#bar') ? Number(document.querySelector('#bar').value) : null,
    })).catch(() => null);
    if (look && look.done) break;
    if (look && look.bar !== null) {
      seen.push(look.bar);
      if (seen.length === 1) {
        await clean(page, 'the progress page');
        if (SHOTS) await page.screenshot({ path: path.join(SHOTS, 'console-import-progress.png'), fullPage: true });
      }
    }
    await page.waitForTimeout(50);
  }
  assert.ok(seen.length > 0, 'the progress page was shown while the import ran');
  await page.waitForSelector('#import-done', { timeout: 30000 });
  const count = async (k) => Number(await page.textContent(`[data-count="${k}"]`));
  assert.equal(await count('rows'), 6004);
  assert.equal(await count('imported'), 6000);
  assert.equal(await count('subscribed'), 6000);
  assert.equal(await count('errors'), 4);
  const rows = await page.$$eval('#error-table tbody tr', (trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent)));
  assert.deepEqual(rows.map((r) => Number(r[0])), [10, 2500, 4000, 5999]);
  assert.match(rows[1][1], /expected 4 columns, found 2/);
  assert.match(rows[3][1], /bad birthdate "1990-13-45"/);
  await clean(page, 'the import report');
  if (SHOTS) await page.screenshot({ path: path.join(SHOTS, 'console-import-report.png'), fullPage: true });
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('text=Download the rejected rows as CSV')]);
  const file = fs.readFileSync(await download.path(), 'utf8').trim().split('\r\n');
  assert.equal(file[0], 'row,error');
  assert.deepEqual(file.slice(1).map((l) => Number(l.split(',')[0])), [10, 2500, 4000, 5999]);

  // The people are there: the people search finds one, and the API says subscribed with the import's basis.
  await page.goto(`${BASE}/admin/people`);
  await page.fill('#q', `imp${stamp}-42@example.net`);
  await Promise.all([page.waitForNavigation(), page.click('button:has-text("Search")')]);
  assert.equal(await page.textContent('#results'), '1 found');
  await Promise.all([page.waitForNavigation(), page.click('text=Imported Person42')]);
  const personUrl = page.url();
  const pid = personUrl.split('/').pop();
  const before = await api('GET', `people/${pid}`);
  assert.equal(before.email_addresses[0].status, 'subscribed');

  // Change the address: the new one is not subscribed (no consent was recorded); then record consent.
  await page.fill('#edit-email', `moved${stamp}@example.net`);
  await page.fill('#edit-locality', 'Bayside');
  await Promise.all([page.waitForNavigation(), page.click('text=Save contact points')]);
  let now = await api('GET', `people/${pid}`);
  assert.equal(now.email_addresses[0].address, `moved${stamp}@example.net`);
  assert.equal(now.email_addresses[0].status, 'unsubscribed');
  assert.equal(now.postal_addresses[0].locality, 'Bayside');
  // The API says unsubscribed; the person page says the ledger holds nothing for the new address.
  assert.match(await page.content(), new RegExp(`moved${stamp}@example.net \\(none\\)`));
  await clean(page, 'the person page with the contact points form');
  await page.check('text=They agreed to receive email at this address');
  await page.fill('#consent-source', 'Phone call');
  await page.fill('#consent-method', 'told us on the phone');
  await Promise.all([page.waitForNavigation(), page.click('text=Save contact points')]);
  now = await api('GET', `people/${pid}`);
  assert.equal(now.email_addresses[0].status, 'subscribed');
  if (SHOTS) await page.screenshot({ path: path.join(SHOTS, 'console-contact-points.png'), fullPage: true });
  await page.goto(jobUrl);  // the job page is the report once done
  assert.ok(await page.$('#import-done'));
  await ctx.close();
});

test('a sent blast: the chart table agrees with the API statistics; the dashboard grows', async () => {
  const stamp = Date.now();
  await api('POST', 'tags', { name: `chart-${stamp}` });
  for (const n of [1, 2, 3])
    await api('POST', 'people', { person: { email_addresses: [{ address: `chart${stamp}-${n}@example.net`, status: 'subscribed' }] },
      add_tags: [`chart-${stamp}`] });
  const tag = (await api('GET', 'tags'))._embedded['osdi:tags'].find((t) => t.name === `chart-${stamp}`);
  const message = await api('POST', 'messages', { subject: 'Chart', body: '<p>Counted.</p>', from: 'Friends of the Bay',
    reply_to: 'team@example.org', targets: [{ href: tag._links.self.href }] });
  const mid = idOf(message);
  await api('POST', `messages/${mid}/send`, {});
  let m;
  for (let i = 0; i < 200; i += 1) {
    m = await api('GET', `messages/${mid}`);
    if (m.status === 'sent') break;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal(m.status, 'sent');
  const { ctx, page } = await loggedIn('viewer');  // reading statistics is every role's
  await page.goto(`${BASE}/admin/messages/${mid}`);
  const table = await page.$$eval('#over-time-table tr', (trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent)));
  const header = table[0];
  const sentCol = header.indexOf('Sent (handed over)');
  assert.ok(sentCol > 0, header.join('|'));
  const sent = table.slice(1).reduce((s, r) => s + Number(r[sentCol]), 0);
  assert.equal(sent, m.statistics.sent);
  assert.equal(sent, 3);
  assert.ok(await page.$('svg[role="img"][aria-labelledby="over-time-caption"] polyline[data-series="sent"]'));
  await clean(page, 'the statistics over time');
  if (SHOTS) await page.screenshot({ path: path.join(SHOTS, 'console-statistics-time.png'), fullPage: true });
  await page.goto(`${BASE}/admin`);
  const growth = await page.$$eval('#growth-table tbody tr', (trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent)));
  assert.equal(growth.length, 30);
  const people = (await api('GET', 'people?per_page=1')).total_records;
  if (people !== undefined) assert.equal(Number(growth[29][1]), people);
  await clean(page, 'the dashboard with its growth chart');
  await page.setViewportSize({ width: 375, height: 800 });
  await page.goto(`${BASE}/admin/people/import`);
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 375), 'the import form fits 375 px');
  await ctx.close();
});
