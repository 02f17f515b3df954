// document.mjs: an expert reads a report of an audit assigned to them, in
// Debian's chromium (headless, through playwright-core): sign in -> the
// audit's page -> the report's link -> the document page, with the first
// pages of the PDF as images, at 1280 and at 390 pixels wide; axe-core
// finds no serious or critical accessibility violation at either width.
//
// Run by tests/t0032-browser-document.sh, which makes the audit, the expert
// and the report. Input from the environment:
//   BASE      http://127.0.0.1:PORT of the instance
//   USER_NAME, PASSWORD   the expert's sign-in
//   CASE_PATH /audits/ID, the audit's page
//   DOC_ID    the report's id
//   CASE_TITLE the audit's name as the page shows it
//   OUT       a directory for the screenshots and the browser profile
//   SHOTS     where the screenshots go (default OUT)
//   CHROMIUM  the browser (default /usr/bin/chromium)
//
// Output as search.mjs: one "PASS description" or "FAIL description: why"
// per `await check(` line, whether run or not; "#" lines are comments.
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { check, expect, halted } from './harness.mjs';

const env = process.env;
for (const v of ['BASE', 'USER_NAME', 'PASSWORD', 'CASE_PATH', 'DOC_ID', 'CASE_TITLE', 'OUT']) {
	if (!env[v]) {
		console.log(`FAIL the environment gives ${v}`);
		process.exit(2);
	}
}
const { BASE, USER_NAME, PASSWORD, CASE_PATH, DOC_ID, CASE_TITLE, OUT } = env;
const SHOTS = env.SHOTS || OUT;
const AXE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'node_modules/axe-core/axe.min.js');


const profile = path.join(OUT, 'chromium-profile-document');
fs.mkdirSync(profile, { recursive: true });
fs.mkdirSync(SHOTS, { recursive: true });
let context;
try {
	context = await chromium.launchPersistentContext(profile, {
		executablePath: env.CHROMIUM || '/usr/bin/chromium',
		headless: true,
		args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
			'--disable-background-networking', '--disable-component-update', '--disable-sync'],
		viewport: { width: 1280, height: 900 },
		locale: 'zh-CN',
		bypassCSP: true,	// axe-core goes in as a script tag; the site allows none
		timeout: 15000,
	});
} catch (e) {
	console.log(`FAIL chromium starts: ${String(e && e.message || e).split('\n')[0]}`);
	process.exit(1);
}
context.setDefaultTimeout(5000);
context.setDefaultNavigationTimeout(10000);

const consoleErrors = [], failedRequests = [];
context.on('console', (m) => {
	if (m.type() === 'error')
		consoleErrors.push(`${m.text()} (${m.location().url})`);
});
context.on('weberror', (e) => consoleErrors.push(`uncaught: ${e.error().message}`));
context.on('requestfailed', (r) => failedRequests.push(`${r.url()}: ${r.failure()?.errorText}`));
context.on('response', (r) => {
	if (r.status() >= 400)
		failedRequests.push(`${r.url()}: HTTP ${r.status()}`);
});

const page = context.pages()[0] || await context.newPage();
const screenshot = async (name) => {
	if (halted())
		return;
	const file = path.join(SHOTS, name);
	try {
		await page.screenshot({ path: file, fullPage: true });
		console.log(`# screenshot: ${file}`);
	} catch (e) {
		console.log(`# no screenshot ${file}: ${String(e && e.message || e).split('\n')[0]}`);
	}
};
// Every page image loaded and decoded: its natural width.
const imagesLoaded = async () => page.evaluate(async () => {
	const imgs = [...document.querySelectorAll('section.preview img')];
	for (const img of imgs) {
		img.loading = 'eager';
		if (!img.complete)
			await new Promise((ok) => { img.onload = img.onerror = ok; });
	}
	return imgs.map((i) => i.naturalWidth);
});
// axe-core's serious and critical violations on the page, as a sentence.
const axeSerious = async () => {
	await page.addScriptTag({ path: AXE });
	const found = await page.evaluate(async () => {
		const r = await window.axe.run(document, { resultTypes: ['violations'] });
		return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
			.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
	});
	return found.length === 0 || found.join('; ');
};

// Sign in.
await check('the sign-in page answers 200', async () => {
	const resp = await page.goto(BASE + '/login');
	return expect('status', resp && resp.status(), 200);
}, true);
await check(`${USER_NAME} signs in`, async () => {
	await page.locator('input[name=name]').fill(USER_NAME);
	await page.locator('input[name=password]').fill(PASSWORD);
	await Promise.all([page.waitForURL((u) => u.pathname !== '/login'),
		page.locator('input[name=password]').press('Enter')]);
	return true;
}, true);

// The audit's page, and its report.
await check(`the audit's page ${CASE_PATH} shows the report`, async () => {
	const resp = await page.goto(BASE + CASE_PATH);
	if (!resp || resp.status() !== 200)
		return `status ${resp && resp.status()}`;
	return await page.locator(`a[href="/documents/${DOC_ID}"]`).first().isVisible() ||
		`no visible link to /documents/${DOC_ID}`;
}, true);
await check('clicking the report opens its page', async () => {
	await Promise.all([page.waitForURL((u) => u.pathname === `/documents/${DOC_ID}`),
		page.locator(`a[href="/documents/${DOC_ID}"]`).first().click()]);
	await page.waitForLoadState('load');
	return true;
}, true);

for (const [width, height] of [[1280, 900], [390, 844]]) {
	await page.setViewportSize({ width, height });
	await page.reload({ waitUntil: 'load' }).catch(() => {});
	await check(`${width} px: three page images, each loaded`, async () => {
		const widths = await imagesLoaded();
		return widths.length === 3 && widths.every((w) => w === 800) ||
			`natural widths ${JSON.stringify(widths)}`;
	});
	await check(`${width} px: the first image is seen without scrolling sideways`, async () => {
		const box = await page.locator('section.preview img').first().boundingBox();
		return box && box.x >= 0 && box.x + box.width <= width || `box ${JSON.stringify(box)}`;
	});
	await check(`${width} px: the page is no wider than the window`, async () => {
		const sw = await page.evaluate(() => document.documentElement.scrollWidth);
		return sw <= width || `scrollWidth ${sw}`;
	});
	await check(`${width} px: the audit is named and linked`, async () =>
		await page.locator(`section.cases a[href="${CASE_PATH}"]`).innerText() === CASE_TITLE ||
		'no link named for the audit in section.cases');
	await check(`${width} px: the download link is there`, async () =>
		await page.locator(`a[href="/api/documents/${DOC_ID}/file"]`).isVisible());
	await screenshot(`document-${width}.png`);
	await check(`${width} px: axe-core finds no serious or critical violation`, axeSerious);
}

await check('no console errors', async () => consoleErrors.length === 0 || consoleErrors.join('; '));
await check('no failed requests', async () => failedRequests.length === 0 || failedRequests.join('; '));
await context.close();
