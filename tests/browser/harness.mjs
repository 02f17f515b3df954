// harness.mjs: the TAP-like lines every browser test prints, one way.
// check(DESC, FN, GATE): FN returns true (pass), false or a string (fail,
// the string says why), or throws (fail); each check prints PASS or FAIL
// and the shell test turns them into TAP. A failed GATE check stops the
// checks after it (they print FAIL, not run).
let stopped = null;	// why the remaining checks are not run

export async function check(desc, fn, gate = false) {
	if (stopped) {
		console.log(`FAIL ${desc}: not run, ${stopped}`);
		return false;
	}
	let why;
	try {
		const r = await fn();
		why = r === true ? null : typeof r === 'string' ? r : 'check was false';
	} catch (e) {
		why = String(e && e.message || e).split('\n')[0];
	}
	if (why === null) {
		console.log(`PASS ${desc}`);
		return true;
	}
	console.log(`FAIL ${desc}: ${why}`);
	if (gate)
		stopped = `"${desc}" failed`;
	return false;
}

// true when got is want, else a sentence saying what it was.
export const expect = (what, got, want) =>
	got === want || `${what} is ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`;

// Why the checks are stopped (a failed gate), or null.
export const halted = () => stopped;
// Run the checks again after a failed gate (a new role, a new width).
export function resume() { stopped = null; }
