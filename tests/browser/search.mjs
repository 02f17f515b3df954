// search.mjs: drive Debian's chromium (headless, through playwright-core)
// through the portal as a visitor would: home page -> type a Chinese word
// into the search box -> results page -> first hit -> document page.
//
// Run by tests/t0003-browser.sh, which starts the instance and uploads the
// document. Input from the environment:
//   BASE      http://127.0.0.1:PORT of the instance
//   WORD      a Chinese word from the document's body
//   TITLE     the document's title as the portal shows it
//   DOC_ID    the document's id
//   OUT       a directory for the screenshots and the browser profile
//             ($PORTAL_DATA, removed when the test ends)
//   CHROMIUM  the browser (default /usr/bin/chromium)
//
// Output: one line per check, "PASS description" or "FAIL description:
// why"; the shell turns them into TAP lines. Lines starting with "#" are
// comments. The number of check lines is the same whether checks pass or
// fail: once a step that later checks depend on fails, the rest are printed
// as FAIL without being run, so nothing waits for a page that never came.
// Exit status 0 means the script ran to its end (whatever the checks said);
// if chromium does not start it prints one FAIL and exits 1.
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import path from 'node:path';
import { check, expect, halted, resume } from './harness.mjs';

const env = process.env;
for (const v of ['BASE', 'WORD', 'TITLE', 'DOC_ID', 'OUT']) {
	if (!env[v]) {
		console.log(`FAIL the environment gives ${v}`);
		process.exit(2);
	}
}
const { BASE, WORD, TITLE, DOC_ID, OUT } = env;
const SITE = '清洁生产文档门户';
const CSS = '/static/portal.css';


const profile = path.join(OUT, 'chromium-profile');
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
		timeout: 15000,
	});
} catch (e) {
	console.log(`FAIL chromium starts: ${String(e && e.message || e).split('\n')[0]}`);
	process.exit(1);
}
context.setDefaultTimeout(5000);
context.setDefaultNavigationTimeout(10000);

// Everything that went wrong on any page, reported by the last checks.
const consoleErrors = [], failedRequests = [], cssResponses = [];
context.on('console', (m) => {
	if (m.type() === 'error')
		consoleErrors.push(`${m.text()} (${m.location().url})`);
});
context.on('weberror', (e) => consoleErrors.push(`uncaught: ${e.error().message}`));
context.on('requestfailed', (r) => failedRequests.push(`${r.url()}: ${r.failure()?.errorText}`));
context.on('response', (r) => {
	if (r.status() >= 400)
		failedRequests.push(`${r.url()}: HTTP ${r.status()}`);
	if (new URL(r.url()).pathname === CSS)
		cssResponses.push(`${r.status()} ${r.headers()['content-type'] || ''}`);
});

const page = context.pages()[0] || await context.newPage();
const styled = [];	// pages where portal.css applied
// These two never throw, and do nothing after a stop: a failure shows in
// the checks at the end.
const cssApplied = async (name) => {
	if (halted())
		return;
	const rules = await page.evaluate((css) => {
		for (const s of document.styleSheets)
			if (s.href && new URL(s.href).pathname === css)
				return s.cssRules.length;
		return 0;
	}, CSS).catch(() => 0);
	if (rules > 0)
		styled.push(name);
};
const screenshot = async (name, fullPage) => {
	const file = path.join(OUT, name);
	if (halted())
		return;
	try {
		await page.screenshot({ path: file, fullPage });
		console.log(`# screenshot of the ${name.replace('.png', '')} page: ${file}`);
	} catch (e) {
		console.log(`# no screenshot ${file}: ${String(e && e.message || e).split('\n')[0]}`);
	}
};

// Home page.
await check('home page answers 200', async () => {
	const resp = await page.goto(BASE + '/');
	return expect('status', resp && resp.status(), 200);
}, true);
await check(`home page title is "首页 · ${SITE}"`, async () =>
	expect('title', await page.title(), `首页 · ${SITE}`));
const box = page.locator('form.big-search input[name=q]');
await check('home page shows the search box and its button', async () =>
	await box.isVisible() && await box.isEditable() &&
	await page.locator('form.big-search button[type=submit]').isVisible() ||
	'form.big-search input[name=q] or its button is not visible');
await cssApplied('home');

// Type the word and submit with Enter.
await check(`typing ${WORD} into the search box`, async () => {
	await box.click();
	await box.pressSequentially(WORD);
	return expect('box value', await box.inputValue(), WORD);
}, true);
await check('pressing Enter opens the results page for the word', async () => {
	await Promise.all([page.waitForURL((u) => u.pathname === '/search'), box.press('Enter')]);
	await page.waitForLoadState('load');
	const q = new URL(page.url()).searchParams.get('q'), title = await page.title();
	return q === WORD && title === `${WORD} · ${SITE}` ||
		`q is ${JSON.stringify(q)}, title ${JSON.stringify(title)}`;
}, true);
await cssApplied('results');
const hits = page.locator('ol.hits li.hit');
await check('results page lists at least one hit', async () =>
	await hits.count() >= 1 || `no li.hit; the page says ${JSON.stringify(
		await page.locator('section.results').innerText().catch(() => ''))}`, true);
await check('the first hit marks the match with <mark>', async () => {
	const marks = await hits.first().locator('mark').allInnerTexts();
	return marks.length > 0 && marks.every((m) => WORD.includes(m.trim())) ||
		`marks are ${JSON.stringify(marks)}`;
});
await check('the first hit links to the uploaded document', async () =>
	expect('href', await hits.first().locator('a.title').getAttribute('href'), `/documents/${DOC_ID}`));
await screenshot('results.png', true);	// short: the whole page

// Document page.
await check("clicking the first hit's title opens the document page", async () => {
	await Promise.all([page.waitForURL((u) => u.pathname === `/documents/${DOC_ID}`),
		hits.first().locator('a.title').click()]);
	await page.waitForLoadState('load');
	return true;
}, true);
await cssApplied('document');
await check(`document page h1 is the title "${TITLE}"`, async () =>
	expect('h1', (await page.locator('article.document h1').innerText()).trim(), TITLE));
await check(`document page text contains ${WORD}`, async () =>
	(await page.locator('article.document .doc-text').textContent()).includes(WORD) ||
	'the word is not in .doc-text (a PDF with page images folds it in <details>)');
let href = null;
await check('the download link ends in /file', async () => {
	href = await page.locator('article.document a.download').getAttribute('href');
	return (href || '').endsWith('/file') || `href is ${JSON.stringify(href)}`;
});
await check('the download link answers 200 with the PDF', async () => {
	if (!href)
		return 'no href';
	const r = await context.request.get(new URL(href, page.url()).href);
	const ct = r.headers()['content-type'] || '';
	const head = (await r.body()).subarray(0, 5).toString('latin1');
	return r.status() === 200 && ct.startsWith('application/pdf') && head === '%PDF-' ||
		`HTTP ${r.status()}, ${ct}, starts ${JSON.stringify(head)}`;
});
await screenshot('document.png', false);	// long text: the first screen

// Whole-session checks: these run even after a stop, on what was seen.
resume();
// The first load is a 200; later pages may revalidate it (304).
await check(`${CSS} answered 200 text/css`, async () =>
	/^200 text\/css/.test(cssResponses[0]) && cssResponses.every((r) => /^(200|304) /.test(r)) ||
	`responses: ${JSON.stringify(cssResponses)}`);
await check(`${CSS} applied on the home, results and document pages`, async () =>
	expect('styled pages', styled.join(','), 'home,results,document'));
await check('no console errors', async () =>
	consoleErrors.length === 0 || consoleErrors.slice(0, 3).join('; '));
await check('no failed requests', async () =>
	failedRequests.length === 0 || failedRequests.slice(0, 3).join('; '));

await context.close();
