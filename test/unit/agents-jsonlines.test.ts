import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { filterJsonLines } from '../../src/agents/jsonLines';

async function readAll(stream: ReadableStream<Uint8Array>): Promise<string> {
  let text = '';
  const decoder = new TextDecoder();
  for await (const chunk of stream as unknown as AsyncIterable<Uint8Array>) text += decoder.decode(chunk, { stream: true });
  return text;
}

describe('agents: the line filter in front of the ACP reader', () => {
  it('passes JSON objects on in order, whole, however the bytes are split, and reports the rest in place', async () => {
    const source = new PassThrough();
    const bad: string[] = [];
    const out = filterJsonLines(source, {
      onMalformed: (text, reason) => {
        bad.push(`${reason}:${text}`);
        return { replaced: text };
      },
    });
    const reading = readAll(out);
    source.write('{"a":1}\n{"b":');
    source.write('2}\r\nnot json\n\n[1,2]\n');
    source.write('{"c":"é');
    source.end('"}');
    const text = await reading;
    assert.equal(text, '{"a":1}\n{"b":2}\r\n{"replaced":"not json"}\n{"replaced":"[1,2]"}\n{"c":"é"}\n');
    assert.deepEqual(bad, ['not-json:not json', 'not-an-object:[1,2]']);
  });

  it('skips a line longer than the limit without buffering it, then goes on', async () => {
    const source = new PassThrough();
    const bad: string[] = [];
    const out = filterJsonLines(source, { onMalformed: (_t, reason) => void bad.push(reason) }, 64);
    const reading = readAll(out);
    source.write('{"before":true}\n');
    source.write(`{"huge":"${'x'.repeat(100)}`);
    source.write(`${'y'.repeat(100)}"}\n{"after":true}\n`);
    source.end();
    assert.equal(await reading, '{"before":true}\n{"after":true}\n');
    assert.deepEqual(bad, ['too-long']);
  });

  it('lets the caller drop messages it cannot use', async () => {
    const source = new PassThrough();
    const out = filterJsonLines(source, { onMalformed: () => undefined, accept: (m) => m.keep === true });
    const reading = readAll(out);
    source.end('{"keep":true}\n{"keep":false}\n');
    assert.equal(await reading, '{"keep":true}\n');
  });
});
