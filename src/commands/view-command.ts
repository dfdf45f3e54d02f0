// `sanad view`: the evidence view as a local web page. Serves GET / (the page) and /api/evidence on
// loopback, with the Host/Origin checks and bearer token of `serve --http`, and prints the address
// of the page for a citation (and quote). The index is read as it is (built lexically from the
// corpus if there is none); no model is loaded: the view needs none.
import { randomBytes } from 'node:crypto';
import { parseListen, startHttpServer } from '../mcp/http.ts';
import { LiveIndex } from '../mcp/live-index.ts';
import { createViewRoutes } from '../view/http-routes.ts';
import { viewPageLoader } from '../view/page.ts';
import { CliError, parseFlags, PATH_HELP, PATH_OPTIONS, resolvePaths } from './cli-args.ts';

const HELP = `usage: sanad view [CITATION] [--quote TEXT] [--listen [HOST:]PORT] [--allowed-host H]...
                  [--corpus DIR] [--index DIR]

Serves the evidence view on 127.0.0.1 and prints its address: the cited passage highlighted inside
its article, the verdict on a quote, and reprints in other outlets side by side. Open the printed
address in a browser; from there, ?citation=<id>&quote=<text> shows any citation.

  CITATION            citation id to open, e.g. 000_a89eda4c32949ba3.txt#p11
  --quote TEXT        a quote to check and highlight in it
  --listen [HOST:]PORT  where to listen (default 127.0.0.1 and a free port)
  --allowed-host H    also accept this Host/Origin name (H or H:PORT); repeatable
${PATH_HELP}

The page's data needs a bearer token: SANAD_HTTP_TOKEN when set, otherwise a new random token for
this run. The printed address carries it after "#", which browsers never send to a server.`;

export const viewCommand = {
  summary: 'show cited passages in a browser',
  async run(argv: string[]): Promise<number> {
    const { values, positionals } = parseFlags(argv, {
      ...PATH_OPTIONS,
      quote: { type: 'string' },
      listen: { type: 'string' },
      'allowed-host': { type: 'string', multiple: true },
    });
    if (values.help) {
      process.stdout.write(`${HELP}\n`);
      return 0;
    }
    if (positionals.length > 1) throw new CliError(`view takes one citation id (got ${positionals.length}); quote a citation that has spaces`);
    const citation = positionals[0];
    if (values.quote !== undefined && citation === undefined) throw new CliError('--quote needs a citation id to check it against');
    let listen = { host: '127.0.0.1', port: 0 };
    if (values.listen !== undefined) {
      try {
        listen = parseListen(values.listen);
      } catch (err) {
        throw new CliError((err instanceof Error ? err.message : String(err)).replace('--http', '--listen'));
      }
    }
    const token = process.env.SANAD_HTTP_TOKEN?.trim() || randomBytes(18).toString('base64url');
    const log = (line: string) => console.error(line);

    const paths = resolvePaths(values, process.env);
    const live = await LiveIndex.open({ ...paths, embedder: null, log });
    const page = viewPageLoader();
    // Read the page now: a missing asset is an error at start, not on the first visit.
    await page();
    const http = await startHttpServer({
      ...listen,
      allowedHosts: values['allowed-host'] ?? [],
      token,
      view: createViewRoutes({ index: live, page, log }),
      log,
    });

    const query = new URLSearchParams();
    if (citation !== undefined) query.set('citation', citation);
    if (values.quote !== undefined) query.set('quote', values.quote);
    const search = query.toString();
    // The address is the command's output; everything else goes to stderr.
    process.stdout.write(`${http.origin}/${search ? `?${search}` : ''}#token=${token}\n`);
    log(`evidence view at ${http.origin}/ (index ${live.status().version}); Ctrl-C to stop`);

    await new Promise<void>((resolve) => {
      process.once('SIGINT', () => resolve());
      process.once('SIGTERM', () => resolve());
    });
    await http.close();
    await live.close();
    return 0;
  },
};
