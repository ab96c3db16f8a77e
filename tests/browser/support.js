// What the browser tests share (not a test file: run.py runs *.test.js): the server under test, its API with
// the organization's key, and Debian's Chromium.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const { chromium } = require('playwright-core');

const BASE = process.env.TOCSIN_BASE;
const KEY = process.env.TOCSIN_API_KEY;
const SHOTS = process.env.TOCSIN_ARTIFACTS;

async function api(method, p, body) {
  const r = await fetch(`${BASE}/api/v2/${p}`, {
    method, headers: { 'OSDI-API-Token': KEY, 'Content-Type': 'application/json' },
    body: body ? JSON.stringify(body) : undefined,
  });
  assert.equal(r.status, 200, await r.clone().text());
  return r.json();
}
const idOf = (doc) => doc.identifiers[0].split(':')[1];
const launch = () => chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });

// axe-core's serious and critical violations on a page or frame, as "rule: targets" lines.
const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
async function axe(pageOrFrame) {
  await pageOrFrame.evaluate(axeSource);
  const r = await pageOrFrame.evaluate(async () => window.axe.run());
  return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target).join(' ')}`);
}

// What `selector` reads on `url` once it reads `expected`, reloading for up to 3 s: a page's count and total
// come from the render cache (web/page_cache.h), current within a second of a new record.
async function shownWithin(page, url, selector, expected) {
  let shown;
  for (let i = 0; i < 30 && shown !== expected; i++) {
    if (i) await page.waitForTimeout(100);
    await page.goto(url);
    shown = await page.textContent(selector);
  }
  return shown;
}

module.exports = { BASE, KEY, SHOTS, api, axe, idOf, launch, shownWithin };
