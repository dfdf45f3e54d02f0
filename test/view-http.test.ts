// The evidence view over HTTP (serve --http and sanad view): the page with its security headers,
// the evidence API behind the same Host/Origin checks and bearer token as /mcp, and clear errors.
// What the page does in a browser is tested in test/browser/.
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { startHttpServer, type RunningHttpServer } from '../src/mcp/http.ts';
import { createViewRoutes } from '../src/view/http-routes.ts';
import { viewPageLoader } from '../src/view/page.ts';
import { createFixtureIndex, type FixtureIndex } from './helpers/fixture-index.ts';

const TOKEN = 'view-test-token';
let fx: FixtureIndex;
let withToken: RunningHttpServer;
let open: RunningHttpServer;

before(async () => {
  fx = await createFixtureIndex();
  const page = viewPageLoader();
  const view = createViewRoutes({ index: fx.handle, page, log: () => {} });
  withToken = await startHttpServer({ port: 0, token: TOKEN, view, log: () => {} });
  open = await startHttpServer({ port: 0, view, log: () => {} });
});
after(async () => {
  await withToken.close();
  await open.close();
  await fx.cleanup();
});

const auth = { authorization: `Bearer ${TOKEN}` };
const api = (query: string) => `${withToken.origin}/api/evidence?${query}`;

/** A request whose Host and Origin headers the test chooses (fetch will not forge Host). */
function raw(port: number, path: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString('utf8')));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the page', () => {
  it('is served without the token (it holds no corpus text) with a strict policy and no framing', async () => {
    const res = await fetch(`${withToken.origin}/?citation=ar-water-plan.txt%23p4`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'text/html; charset=utf-8');
    const html = await res.text();
    const page = await viewPageLoader()();
    assert.equal(html, page.html);
    assert.equal(res.headers.get('content-security-policy'), `${page.csp}; frame-ancestors 'none'`);
    assert.equal(res.headers.get('x-frame-options'), 'DENY');
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(res.headers.get('referrer-policy'), 'no-referrer');
    assert.equal(res.headers.get('cache-control'), 'no-store');
    assert.doesNotMatch(html, /مخزون/u);
  });

  it('refuses a foreign Host or Origin, like the MCP endpoint', async () => {
    assert.equal((await raw(withToken.port, '/', { host: 'evil.example' })).status, 403);
    assert.equal((await raw(withToken.port, '/api/evidence?citation=x', { host: `127.0.0.1:${withToken.port}`, origin: 'http://evil.example', ...auth })).status, 403);
    assert.equal((await raw(withToken.port, '/', { host: `localhost:${withToken.port}` })).status, 200);
  });

  it('has no MCP endpoint when only the view is served', async () => {
    const res = await fetch(`${open.origin}/mcp`, { method: 'POST', body: '{}' });
    assert.equal(res.status, 404);
    assert.match(await res.text(), /open \/ for the evidence view/u);
    assert.equal((await fetch(`${open.origin}/elsewhere`)).status, 404);
  });
});

describe('GET /api/evidence', () => {
  it('needs the bearer token when the server has one', async () => {
    const denied = await fetch(api('citation=ar-water-plan.txt%23p4'));
    assert.equal(denied.status, 401);
    assert.equal(denied.headers.get('www-authenticate'), 'Bearer realm="sanad"');
    const wrong = await fetch(api('citation=ar-water-plan.txt%23p4'), { headers: { authorization: 'Bearer nope' } });
    assert.equal(wrong.status, 401);
    assert.equal((await fetch(`${open.origin}/api/evidence?citation=ar-water-plan.txt%23p4`)).status, 200);
  });

  it('answers the same evidence as the view_evidence tool', async () => {
    const q = new URLSearchParams({ citation: 'ar-water-plan.txt#p4', quote: 'مخزون نبع الفيجه انخفض' });
    q.append('also_in', 'ar-water-reprint.txt#p2');
    const res = await fetch(api(q.toString()), { headers: auth });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/json; charset=utf-8');
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    const e = (await res.json()) as { citation: string; quote: { level: string }; reprints: Array<{ citation: string }>; window: unknown };
    assert.equal(e.citation, 'ar-water-plan.txt#p4');
    assert.equal(e.quote.level, 'normalized');
    assert.deepEqual(e.reprints.map((r) => r.citation), ['ar-water-reprint.txt#p2']);
    assert.deepEqual(e.window, { first: 0, total: 5 });
  });

  it('says what is wrong with a request', async () => {
    const body = async (res: Response) => ((await res.json()) as { error: string }).error;
    const unknown = await fetch(api('citation=ar-water-plan.txt%23p9'), { headers: auth });
    assert.equal(unknown.status, 404);
    assert.match(await body(unknown), /unknown citation id "ar-water-plan.txt#p9"; did you mean ar-water-plan.txt#p4/u);
    const missing = await fetch(api('quote=x'), { headers: auth });
    assert.equal(missing.status, 400);
    assert.match(await body(missing), /^bad request: citation: /u);
    const stray = await fetch(api('citation=ar-water-plan.txt%23p4&path=/etc/passwd'), { headers: auth });
    assert.equal(stray.status, 400);
    assert.match(await body(stray), /path/u);
    const long = await fetch(api(`citation=ar-water-plan.txt%23p4&quote=${'ا'.repeat(2001)}`), { headers: auth });
    assert.equal(long.status, 400);
    assert.match(await body(long), /quote: quote is longer than 2000 characters/u);
    const empty = await fetch(api('citation=ar-water-plan.txt%23p4&quote=%C2%AB%C2%BB'), { headers: auth });
    assert.equal(empty.status, 404);
    assert.match(await body(empty), /the quote is empty/u);
    const post = await fetch(api('citation=ar-water-plan.txt%23p4'), { method: 'POST', headers: auth });
    assert.equal(post.status, 405);
    assert.equal(post.headers.get('allow'), 'GET');
  });

  it('reads nothing but the index: a path as an id is an unknown citation', async () => {
    for (const id of ['../../../../etc/passwd', '/etc/passwd#p0', 'ar-water-plan.txt/../../secret#p1']) {
      const res = await fetch(api(new URLSearchParams({ citation: id }).toString()), { headers: auth });
      assert.equal(res.status, 404, id);
      assert.doesNotMatch(await res.text(), /root:/u);
    }
  });
});
