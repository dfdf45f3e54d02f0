// The crafted requests of the hostile benchmarks (bench/hostile.ts over stdio and HTTP,
// bench/hostile-blocking.ts in process): each within the tools' declared limits, each a probe that
// once stalled the server.
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';

export type Call = (c: Client) => Promise<unknown>;

export function hostileRequests(ids: string[]): Array<[string, Call]> {
  const words = ['قال', 'الوزير', 'موسكو', 'دمشق', 'التعاون', 'العسكري', 'اتفاق', 'قاعدة', 'وزیر', 'خارجه'];
  let random = '';
  for (let i = 0; random.length < 1990; i++) random += `${words[(i * 7919) % words.length]} `;
  const long = 'وزير الخارجية السوري موسكو التعاون العسكري '.repeat(30).slice(0, 1000);
  const near = ids[7] ?? 'x';
  return [
    ['resources/read, unknown id of 100,000 characters', (c) => c.readResource({ uri: `sanad://document/${'x'.repeat(100_000)}` }).catch((e: unknown) => e)],
    ['resources/read, unknown id of 30,000 characters', (c) => c.readResource({ uri: `sanad://document/${'ب'.repeat(30_000)}` }).catch((e: unknown) => e)],
    ['get_passage, 20 unknown 300-character ids', (c) => c.callTool({ name: 'get_passage', arguments: { ids: Array.from({ length: 20 }, (_, i) => `${near.slice(0, 20)}${'ی'.repeat(270)}${i}#p1`) } })],
    // 300 characters is the schema's limit: longer is refused before the handler runs.
    ['get_document, unknown 300-character id', (c) => c.callTool({ name: 'get_document', arguments: { id: `${near}${'z'.repeat(300 - near.length)}` } })],
    ['completion/complete, 100,000-character id', (c) => c.complete({ ref: { type: 'ref/resource', uri: 'sanad://document/{id}' }, argument: { name: 'id', value: 'a'.repeat(100_000) } })],
    ['verify_quote, 200 lines of 9 characters', (c) => c.callTool({ name: 'verify_quote', arguments: { quote: Array.from({ length: 200 }, (_, i) => `کلمه ${String(i).padStart(3, '0')}`).join('\n') } })],
    ['verify_quote, 20 lines (the most parts)', (c) => c.callTool({ name: 'verify_quote', arguments: { quote: Array.from({ length: 20 }, (_, i) => `${words[i % 10]} کلمه ${i} ${words[(i + 3) % 10]}`).join('\n') } })],
    ['verify_quote, 2,000 characters of random words', (c) => c.callTool({ name: 'verify_quote', arguments: { quote: random.trim() } })],
    ['check_answer, 20,000 characters, 30 quotes', (c) => c.callTool({ name: 'check_answer', arguments: { answer: answer(ids, words) } })],
    ['search, 1,000-character query + 5 variants, k 50, hybrid', (c) => c.callTool({ name: 'search', arguments: { query: long, variants: [long, long, long, long, long], k: 50 } })],
    ['list_documents (every document)', (c) => c.callTool({ name: 'list_documents', arguments: {} })],
    ['resources/list (every document)', (c) => c.listResources()],
  ];
}


/** An answer of 20,000 characters: 30 sentences, each quoting 60 characters of shuffled words and citing a passage. */
function answer(ids: string[], words: string[]): string {
  const sentences: string[] = [];
  for (let i = 0; i < 30; i++) {
    let quote = '';
    for (let j = 0; quote.length < 60; j++) quote += `${words[(i * 31 + j * 7) % words.length]} `;
    sentences.push(`وقال المصدر «${quote.trim()}» [${ids[i % ids.length] ?? 'x'}#p1].`);
  }
  let text = sentences.join(' ');
  while (text.length < 19_900) text += ' وأضاف أن المحادثات كانت مثمرة.';
  return text.slice(0, 20_000);
}
