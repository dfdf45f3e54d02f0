// @ts-check
// MCP Apps: JSON-RPC 2.0 over postMessage with the host window (the view is the client side of the
// `io.modelcontextprotocol/ui` extension), the view's size reports and the host's theme. Part of the
// view script.

/** The MCP Apps version this view speaks. */
const PROTOCOL_VERSION = '2026-01-26';

const bridge = (() => {
  let nextId = 1;
  /** @type {Map<number, { resolve: (v: any) => void, reject: (e: Error) => void }>} */
  const pending = new Map();
  /** @type {Record<string, (params: any) => void>} */
  const handlers = {};
  const post = (/** @type {object} */ message) => window.parent.postMessage({ jsonrpc: '2.0', ...message }, '*');
  window.addEventListener('message', (event) => {
    // Only the host may talk to the view.
    if (state.mode !== 'app' || event.source !== window.parent) return;
    const msg = event.data;
    if (!isObj(msg) || msg.jsonrpc !== '2.0') return;
    if (typeof msg.method === 'string') {
      if (msg.id !== undefined && msg.id !== null) {
        // Requests from the host: answer the ones a view must, refuse the rest.
        if (msg.method === 'ping' || msg.method === 'ui/resource-teardown') post({ id: msg.id, result: {} });
        else post({ id: msg.id, error: { code: -32601, message: `method not found: ${msg.method}` } });
        return;
      }
      const handler = handlers[msg.method];
      if (handler) handler(msg.params);
      return;
    }
    const waiting = typeof msg.id === 'number' ? pending.get(msg.id) : undefined;
    if (!waiting) return;
    pending.delete(msg.id);
    if (isObj(msg.error)) waiting.reject(new Error(str(msg.error.message) || 'request failed'));
    else waiting.resolve(msg.result);
  });
  return {
    /** @param {string} method @param {object} params @returns {Promise<any>} */
    request(method, params) {
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        post({ id, method, params });
        setTimeout(() => {
          if (pending.delete(id)) reject(new Error(`${method}: no answer from the host`));
        }, 60_000);
      });
    },
    /** @param {string} method @param {object} [params] */
    notify(method, params = {}) {
      post({ method, params });
    },
    /** @param {string} method @param {(params: any) => void} fn */
    on(method, fn) {
      handlers[method] = fn;
    },
  };
})();

let sizeQueued = false;
let lastSize = '';
function notifySize() {
  if (state.mode !== 'app' || sizeQueued) return;
  sizeQueued = true;
  requestAnimationFrame(() => {
    sizeQueued = false;
    // The body's own height: the root element is never shorter than the frame, so it cannot shrink.
    const width = Math.ceil(document.documentElement.scrollWidth);
    const height = Math.ceil(document.body.getBoundingClientRect().height);
    const key = `${width}x${height}`;
    if (key === lastSize) return;
    lastSize = key;
    bridge.notify('ui/notifications/size-changed', { width, height });
  });
}

/** Host theme, fonts aside (ours render Arabic and Persian), and display modes. */
function applyHostContext(/** @type {any} */ ctx) {
  if (!isObj(ctx)) return;
  if (ctx.theme === 'dark' || ctx.theme === 'light') document.documentElement.setAttribute('data-theme', ctx.theme);
  const vars = isObj(ctx.styles) && isObj(ctx.styles.variables) ? ctx.styles.variables : {};
  for (const [name, value] of Object.entries(vars)) {
    if (/^--[a-z0-9-]+$/.test(name) && typeof value === 'string' && !name.startsWith('--font')) {
      document.documentElement.style.setProperty(name, value);
    }
  }
  if (Array.isArray(ctx.availableDisplayModes)) state.displayModes = ctx.availableDisplayModes.filter((/** @type {unknown} */ m) => typeof m === 'string');
  if (typeof ctx.locale === 'string') setLocale(ctx.locale);
  if (isObj(ctx.toolInfo) && isObj(ctx.toolInfo.tool) && typeof ctx.toolInfo.tool.name === 'string') state.tool = ctx.toolInfo.tool.name;
}

function onToolResult(/** @type {any} */ result) {
  if (!isObj(result)) return;
  if (result.isError) {
    state.message = `${t.toolError} ${contentText(result.content)}`;
    render();
    return;
  }
  state.query = str(state.args.query) || '';
  state.items = itemsFromResult(result.structuredContent, state.args);
  if (!state.items.length) {
    state.message = t.nothing;
    render();
    return;
  }
  state.message = null;
  void load(0);
}

async function startApp() {
  bridge.on('ui/notifications/tool-input', (p) => {
    state.args = isObj(p) && isObj(p.arguments) ? p.arguments : {};
  });
  bridge.on('ui/notifications/tool-result', onToolResult);
  bridge.on('ui/notifications/tool-cancelled', () => {
    state.message = t.cancelled;
    render();
  });
  bridge.on('ui/notifications/host-context-changed', (ctx) => {
    applyHostContext(ctx);
    render();
  });
  const init = await bridge.request('ui/initialize', {
    appInfo: APP_INFO,
    appCapabilities: { availableDisplayModes: ['inline', 'fullscreen'] },
    protocolVersion: PROTOCOL_VERSION,
  });
  state.hostCaps = isObj(init) && isObj(init.hostCapabilities) ? init.hostCapabilities : {};
  applyHostContext(isObj(init) ? init.hostContext : null);
  bridge.notify('ui/notifications/initialized');
  new ResizeObserver(notifySize).observe(document.documentElement);
  render();
}
