// search-page.mjs: the search page as an anonymous visitor sees it, on a
// desktop (1280 px) and a phone (390 px), through Debian's chromium
// (headless, playwright-core): from the home page, search for the
// medical-wastewater standard and find the current one (GB 18466-2005)
// first; at 390 px the first hit is on the first screen, above the facets,
// and nothing scrolls sideways; the sort control and a filter chip work by
// keyboard; axe-core finds no serious or critical violation.
//
// Run by tests/t0034-browser-search.sh, which starts the instance and
// uploads the documents. Input from the environment:
//   BASE      http://127.0.0.1:PORT of the instance
//   QUERY     what the visitor types
//   DOC_ID    the id of GB 18466-2005
//   OUT       a directory for the screenshots and the browser profile
//   CHROMIUM  the browser (default /usr/bin/chromium)
//   AXE       the path of axe.min.js
//
// Output as in search.mjs: one "PASS description" or "FAIL description:
// why" line per check (as many as there are `await check(` lines: the
// loop over the two widths is unrolled), "# ..." comments.
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import path from 'node:path';
import { check, expect, halted, resume } from './harness.mjs';

const env = process.env;
for (const v of ['BASE', 'QUERY', 'DOC_ID', 'OUT', 'AXE']) {
	if (!env[v]) {
		console.log(`FAIL the environment gives ${v}`);
		process.exit(2);
	}
}
const { BASE, QUERY, DOC_ID, OUT, AXE } = env;


const profile = path.join(OUT, 'chromium-profile-search');
fs.mkdirSync(profile, { recursive: true });
let context;
try {
	context = await chromium.launchPersistentContext(profile, {
		executablePath: env.CHROMIUM || '/usr/bin/chromium',
		headless: true,
		args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
			'--disable-background-networking', '--disable-component-update', '--disable-sync'],
		viewport: { width: 1280, height: 900 },
		locale: 'zh-CN',
		bypassCSP: true,	// axe-core is injected as an inline script
		timeout: 15000,
	});
} catch (e) {
	console.log(`FAIL chromium starts: ${String(e && e.message || e).split('\n')[0]}`);
	process.exit(1);
}
context.setDefaultTimeout(5000);
context.setDefaultNavigationTimeout(10000);
const consoleErrors = [];
context.on('console', (m) => {
	if (m.type() === 'error')
		consoleErrors.push(`${m.text()} (${m.location().url})`);
});
context.on('weberror', (e) => consoleErrors.push(`uncaught: ${e.error().message}`));
const page = context.pages()[0] || await context.newPage();

const screenshot = async (name, fullPage) => {
	if (halted())
		return;
	const file = path.join(OUT, name);
	try {
		await page.screenshot({ path: file, fullPage });
		console.log(`# screenshot: ${file}`);
	} catch (e) {
		console.log(`# no screenshot ${file}: ${String(e && e.message || e).split('\n')[0]}`);
	}
};

// axe-core over the page: the serious and critical violations, as text.
const axeSerious = async () => {
	await page.addScriptTag({ path: AXE });
	const res = await page.evaluate(async () => await window.axe.run(document, {
		runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
	}));
	const bad = res.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
	for (const v of res.violations)
		console.log(`# axe ${v.impact}: ${v.id} (${v.nodes.length}): ${v.help}; ` +
			v.nodes.slice(0, 2).map((n) => n.target.join(' ')).join(', '));
	return bad.length === 0 || bad.map((v) => `${v.id} ×${v.nodes.length}`).join(', ');
};

// From the home page, as a visitor: type, press Enter.
const fromHome = async (width) => {
	await page.setViewportSize({ width, height: width < 500 ? 844 : 900 });
	const resp = await page.goto(BASE + '/');
	if (!resp || resp.status() !== 200)
		return `home page: ${resp && resp.status()}`;
	const box = page.locator('form[role=search] input[name=q]').last();
	await box.click();
	await box.pressSequentially(QUERY);
	await Promise.all([page.waitForURL((u) => u.pathname === '/search'), box.press('Enter')]);
	await page.waitForLoadState('load');
	return expect('q', new URL(page.url()).searchParams.get('q'), QUERY);
};
const firstHitIsTheStandard = async () => {
	const href = await page.locator('ol.hits li.hit a.title').first().getAttribute('href');
	return expect('first hit', href, `/documents/${DOC_ID}`);
};
const noSideways = async () => {
	const w = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
	return w[0] <= w[1] || `scrollWidth ${w[0]} > ${w[1]}`;
};

// ---- 1280 px ----
await check('1280 px: from the home page, the search for the standard opens the results',
	() => fromHome(1280), true);
await check('1280 px: the first hit is GB 18466-2005', firstHitIsTheStandard);
await check('1280 px: one <h1>, naming the query', async () => {
	const h = await page.locator('h1').allInnerTexts();
	return h.length === 1 && h[0].includes(QUERY) || `h1s: ${JSON.stringify(h)}`;
});
await check('1280 px: the facets are beside the results, their groups open', async () => {
	const f = await page.locator('aside.facets').boundingBox(), r = await page.locator('ol.hits').boundingBox();
	const closed = await page.locator('aside.facets details:not([open])').count();
	return f && r && f.x + f.width <= r.x && closed === 0 ||
		`facets ${JSON.stringify(f)}, hits ${JSON.stringify(r)}, ${closed} closed groups`;
});
await check('1280 px: no horizontal overflow', noSideways);
await screenshot('search-1280.png', true);
await check('1280 px: axe-core finds no serious or critical violation on the results page', axeSerious);

// Keyboard: the skip link comes first and leads to the main content; the
// sort control answers Enter.
await check('keyboard: the first Tab reaches the skip link, visibly', async () => {
	await page.keyboard.press('Tab');
	const r = await page.evaluate(() => {
		const a = document.activeElement, s = getComputedStyle(a);
		return [a.className, a.getAttribute('href'), s.outlineStyle, a.getBoundingClientRect().top];
	});
	return r[0] === 'skip' && r[1] === '#main' && r[2] !== 'none' && r[3] >= 0 || JSON.stringify(r);
});
await check('keyboard: Enter on 最新 lists the newest first', async () => {
	const newest = page.locator('nav.sort a', { hasText: '最新' });
	await newest.focus();
	await Promise.all([page.waitForURL((u) => u.searchParams.get('sort') === 'date'), page.keyboard.press('Enter')]);
	await page.waitForLoadState('load');
	return expect('current order', (await page.locator('nav.sort a[aria-current]').innerText()).trim(), '最新');
});

// A filter and its chip: click the first facet of 文档类型, then ×.
await check('a facet link adds a chip; its × takes the filter away', async () => {
	const before = (await page.locator('p.total').innerText()).trim();
	const facet = page.locator('aside.facets details').first().locator('a').first();
	await Promise.all([page.waitForURL((u) => u.searchParams.has('type')), facet.click()]);
	await page.waitForLoadState('load');
	const chips = await page.locator('ul.chips li.chip').count();
	if (chips !== 1)
		return `${chips} chips after one filter`;
	await Promise.all([page.waitForURL((u) => !u.searchParams.has('type')),
		page.locator('ul.chips a.remove').first().click()]);
	await page.waitForLoadState('load');
	const after = (await page.locator('p.total').innerText()).trim();
	return await page.locator('ul.chips').count() === 0 && after === before ||
		`count before ${before}, after ${after}`;
});

// ---- 390 px ----
await check('390 px: from the home page, the search for the standard opens the results',
	() => fromHome(390), true);
await check('390 px: the first hit is GB 18466-2005', firstHitIsTheStandard);
await check('390 px: the first hit is on the first screen, above the facets', async () => {
	const h = await page.locator('ol.hits li.hit').first().boundingBox();
	const f = await page.locator('aside.facets').boundingBox();
	const vh = page.viewportSize().height;
	return h && f && h.y + h.height <= vh && h.y < f.y ||
		`first hit ${JSON.stringify(h)}, facets ${JSON.stringify(f)}, viewport height ${vh}`;
});
await check('390 px: the facet groups are collapsed', async () => {
	const open = await page.locator('aside.facets details[open]').count();
	return open === 0 || `${open} groups open`;
});
await check('390 px: document.documentElement.scrollWidth <= 390', noSideways);
await screenshot('search-390.png', false);
await screenshot('search-390-full.png', true);
await check('390 px: axe-core finds no serious or critical violation on the results page', axeSerious);

resume();
await check('no console errors', async () => consoleErrors.length === 0 || consoleErrors.slice(0, 3).join('; '));
await context.close();
