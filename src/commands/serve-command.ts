// `sanad serve`: the MCP server over stdio (default) or Streamable HTTP. This file only parses
// flags and wires the pieces together; in stdio mode stdout carries nothing but protocol
// messages, so every line of news goes to stderr.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_MAX_BYTES } from '../corpus/read.ts';
import { startHttpServer, parseListen, type RunningHttpServer } from '../mcp/http.ts';
import { openCollection } from '../backend/solr/open.ts';
import { embedderForServe, embedderForSpace, LiveIndex } from '../mcp/live-index.ts';
import { createServer } from '../mcp/server.ts';
import { BoundedStdioTransport } from '../mcp/stdio.ts';
import { CURRENT_FILE } from '../store/files.ts';
import { createViewRoutes } from '../view/http-routes.ts';
import { viewPageLoader } from '../view/page.ts';
import { DEFAULT_DEBOUNCE_MS, watchCorpus, type CorpusWatcher } from '../mcp/watch.ts';
import { packageVersion } from '../version.ts';
import { rerankStageFrom } from '../rerank/config.ts';
import {
  BACKEND_HELP,
  BACKEND_OPTIONS,
  CliError,
  EMBEDDER_HELP,
  EMBEDDER_OPTIONS,
  embedderFlags,
  intFlag,
  missingCorpusMessage,
  parseFlags,
  PATH_HELP,
  PATH_OPTIONS,
  RERANK_HELP,
  RERANK_OPTIONS,
  rerankerFlags,
  resolveBackend,
  resolvePaths,
} from './cli-args.ts';

const HELP = `usage: sanad serve [--corpus DIR] [--index DIR] [--http [HOST:]PORT] [--allowed-host H]...
                   [--watch] [--debounce MS] [--lexical-only] [embedding options] [reranking options]

Starts the MCP server over the index (built from the corpus first if there is none). By default
it speaks MCP on stdin/stdout, for clients that launch it; with --http it serves Streamable HTTP
at http://HOST:PORT/mcp, GET /healthz, and the evidence view at / (as \`sanad view\` does). The
embedding model loads in the background: searches are lexical until it is ready (a search waits
up to 20 s for it first).

${PATH_HELP}
  --http [HOST:]PORT  serve Streamable HTTP instead of stdio; HOST defaults to 127.0.0.1.
                      Requests whose Host or Origin header names another site are refused.
  --allowed-host H    also accept this Host/Origin name (H or H:PORT); repeatable. Needed when
                      clients reach the server by a name other than localhost/127.0.0.1/[::1].
                      Set SANAD_HTTP_TOKEN to require "Authorization: Bearer <token>".
  --watch             reindex in the background when corpus files are added, changed or removed
  --no-update         serve the index as it is; by default files added, changed or removed while
                      the server was stopped are indexed at start (incremental, only a check when
                      nothing changed)
  --debounce MS       quiet time before a watched change triggers a reindex (default ${DEFAULT_DEBOUNCE_MS})
  --lexical-only      serve and rebuild without a model (BM25 only)
  --max-mb N          skip corpus files larger than N MB when rebuilding (SANAD_MAX_MB, default 20)

${BACKEND_HELP}

${EMBEDDER_HELP}

${RERANK_HELP}`;

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

export const serveCommand = {
  summary: 'start the MCP server',
  async run(argv: string[]): Promise<number> {
    const { values } = parseFlags(argv, {
      ...PATH_OPTIONS,
      ...BACKEND_OPTIONS,
      ...EMBEDDER_OPTIONS,
      ...RERANK_OPTIONS,
      http: { type: 'string' },
      'allowed-host': { type: 'string', multiple: true },
      watch: { type: 'boolean' },
      debounce: { type: 'string' },
      'lexical-only': { type: 'boolean' },
      'max-mb': { type: 'string' },
      'no-update': { type: 'boolean' },
    });
    if (values.help) {
      process.stdout.write(`${HELP}\n`);
      return 0;
    }
    const paths = resolvePaths(values, process.env);
    const backend = resolveBackend(values, process.env);
    if (backend.kind === 'embedded' && !existsSync(paths.corpusDir)) {
      // An index built elsewhere can still be served; without either there is nothing to answer from.
      if (!existsSync(path.join(paths.indexDir, CURRENT_FILE))) throw new CliError(missingCorpusMessage(paths.corpusDir));
      console.error(`warning: ${missingCorpusMessage(paths.corpusDir)}; serving the index at ${paths.indexDir} as it is`);
    }
    const debounceMs = intFlag(values.debounce, 'debounce', DEFAULT_DEBOUNCE_MS, 0, 600_000);
    const maxMb = intFlag(values['max-mb'] ?? process.env.SANAD_MAX_MB, 'max-mb', DEFAULT_MAX_BYTES / (1024 * 1024), 1, 4096);
    let listen: { host: string; port: number } | null = null;
    if (values.http !== undefined) {
      try {
        listen = parseListen(values.http);
      } catch (err) {
        throw new CliError(err instanceof Error ? err.message : String(err));
      }
    }
    if (values['allowed-host'] && !listen) throw new CliError('--allowed-host only applies with --http');
    const token = process.env.SANAD_HTTP_TOKEN?.trim() || undefined;

    const log = (line: string) => console.error(line);
    if (!listen) {
      // Stdout is the protocol channel: anything a library prints there would break the client.
      /* eslint-disable no-console -- redirecting these methods to stderr, not printing */
      console.log = console.error;
      console.info = console.error;
      console.debug = console.error;
      /* eslint-enable no-console */
    }

    // Settings are checked before anything is built, so a typo fails at once.
    const reranker = rerankStageFrom(rerankerFlags(values), process.env, { onLog: log });
    const choice = { flags: embedderFlags(values), env: process.env, onLog: log };
    const lexicalOnly = values['lexical-only'] === true;
    const solr = backend.kind === 'solr' ? await openCollection(backend.solrUrl, backend.collection, log) : null;
    const { embedder, baseUrl } = solr
      ? lexicalOnly
        ? { embedder: null }
        : embedderForSpace(solr.manifest.embedding, choice)
      : await embedderForServe(paths.indexDir, choice, lexicalOnly);
    const live = await LiveIndex.open({
      ...paths,
      ...(solr ? { storage: solr.storage } : {}),
      embedder,
      reranker,
      ...(baseUrl ? { baseUrl } : {}),
      maxBytes: maxMb * 1024 * 1024,
      log,
      progress: true,
    });
    const version = packageVersion();
    const viewPage = viewPageLoader();
    const makeServer = () => createServer({ index: live, name: 'sanad', version, log, viewPage });
    const status = live.status();
    log(`sanad ${version}: ${status.documents} documents, ${status.passages} passages (index ${status.version}, ${solr ? solr.storage.location : paths.indexDir})`);
    if (reranker) log(`reranking the first ${reranker.top} fused results of each search with ${reranker.description}`);

    let http: RunningHttpServer | null = null;
    let closeStdio: (() => Promise<void>) | null = null;
    const stopped = new Promise<string>((resolve) => {
      process.once('SIGINT', () => resolve('SIGINT'));
      process.once('SIGTERM', () => resolve('SIGTERM'));
      if (!listen) {
        process.stdin.once('end', () => resolve('stdin closed'));
        process.stdin.once('close', () => resolve('stdin closed'));
        // The client went away mid-write (EPIPE): nobody is left to answer.
        process.stdout.once('error', () => resolve('stdout closed'));
      }
    });

    if (listen) {
      if (!LOOPBACK.has(listen.host) && !token) {
        log(`warning: listening on ${listen.host} without SANAD_HTTP_TOKEN: anyone who can reach this address can use the server`);
      }
      http = await startHttpServer({
        ...listen,
        allowedHosts: values['allowed-host'] ?? [],
        ...(token ? { token } : {}),
        createMcpServer: makeServer,
        view: createViewRoutes({ index: live, page: viewPage, log }),
        health: () => {
          const s = live.status();
          return { mode: s.mode, modelState: s.modelState, reindexing: s.reindexing, documents: s.documents };
        },
        log,
      });
      log(`MCP over Streamable HTTP at ${http.url}${token ? ' (bearer token required)' : ''}`);
      log(`evidence view at ${http.origin}/?citation=<id>${token ? ' (add #token=<SANAD_HTTP_TOKEN>)' : ''}`);
    } else {
      const server = makeServer();
      await server.connect(new BoundedStdioTransport(process.stdin, process.stdout, { log }));
      closeStdio = () => server.close();
      log('MCP over stdio; waiting for the client');
    }

    // Only now, with the handshake possible, start loading the models (they may take a while).
    void live.startModel();
    void reranker?.warmUp();
    if (!values['no-update']) void live.updateAtStart();
    let watcher: CorpusWatcher | null = null;
    if (values.watch) {
      watcher = watchCorpus({ corpusDir: paths.corpusDir, debounceMs, onChange: () => live.reindex('watch'), log });
      live.setWatching(true);
      void watcher.ready.then(() => log(`watching ${paths.corpusDir} for changes`));
    }

    const why = await stopped;
    log(`shutting down (${why})`);
    // If something (a native model session, a stuck socket) keeps the process alive, leave anyway.
    setTimeout(() => process.exit(0), 5000).unref();
    await watcher?.close();
    live.setWatching(false);
    await http?.close();
    await closeStdio?.();
    await live.close();
    return 0;
  },
};
