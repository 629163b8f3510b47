import assert from 'node:assert/strict';
import { parseFromWebview, parseToWebview, PROTOCOL_VERSION } from '../../src/protocol';

describe('webview messages arriving in the host', () => {
  it('accepts every declared message', () => {
    for (const message of [
      { type: 'ready', protocol: PROTOCOL_VERSION },
      { type: 'openJournal' },
      { type: 'revealJournalFolder' },
      { type: 'reportError', message: 'boom', stack: 'at x' },
      { type: 'reportError', message: 'no stack' },
    ]) {
      const result = parseFromWebview(message);
      assert.ok(result.ok, `${JSON.stringify(message)} is accepted`);
      assert.deepEqual(result.message, message);
    }
  });

  it('refuses a message of an unknown type, naming it', () => {
    const result = parseFromWebview({ type: 'deleteEverything' });
    assert.equal(result.ok, false);
    assert.match(!result.ok ? result.error : '', /"deleteEverything"/);
  });

  it('refuses a message with a field of the wrong type, naming the field', () => {
    const result = parseFromWebview({ type: 'ready', protocol: '1' });
    assert.equal(result.ok, false);
    assert.match(!result.ok ? result.error : '', /protocol/);
  });

  it('refuses extra fields (a message is exactly what the protocol declares)', () => {
    assert.equal(parseFromWebview({ type: 'openJournal', path: '/etc/passwd' }).ok, false);
  });

  it('refuses values that are not messages at all', () => {
    for (const raw of [null, undefined, 42, 'ready', [], { protocol: 1 }]) {
      const result = parseFromWebview(raw);
      assert.equal(result.ok, false, `${JSON.stringify(raw)} is refused`);
      assert.match(!result.ok ? result.error : '', /Podium ignored a webview message/);
    }
  });

  it('refuses oversized error reports', () => {
    assert.equal(parseFromWebview({ type: 'reportError', message: 'x'.repeat(10_001) }).ok, false);
    assert.equal(parseFromWebview({ type: 'ready', protocol: 1.5 }).ok, false);
  });
});

describe('host messages arriving in the webview', () => {
  const source = { folder: '/w/.podium/journals', label: 'Workspace journals', readOnly: false };
  const config = { profiles: [{ id: 'claude', label: 'Claude Code', kind: 'claude' }], defaultProfile: 'claude', trusted: true, maxConcurrentAgents: 3 };

  it('accepts every declared message, events of any shape included (the reducer reads those)', () => {
    for (const message of [
      { type: 'reset', source, total: 0 },
      { type: 'reset', source: { ...source, readOnly: true, kind: 'export', moments: true }, total: 12 },
      { type: 'events', events: [] },
      { type: 'events', events: [{ type: 'agent.message', text: 'no envelope' }, 42, null] },
      { type: 'problems', problems: ['sess-0c1d.jsonl: line 12 is not valid JSON and was skipped.'] },
      { type: 'error', message: 'Podium could not apply the hunk.' },
      { type: 'config', config },
      { type: 'config', config: { ...config, profiles: [], defaultProfile: '', trusted: false } },
      { type: 'replay', at: 1_700_000_000_000 },
    ]) {
      const result = parseToWebview(message);
      assert.ok(result.ok, `${JSON.stringify(message)} is accepted: ${result.ok ? '' : result.error}`);
      assert.deepEqual(result.message, message);
    }
  });

  it('refuses a message with a field missing or of the wrong type, naming the message and the field', () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ type: 'reset', source: { ...source, folder: 3 }, total: 0 }, /"reset".*at source\.folder/],
      [{ type: 'reset', source, total: -1 }, /"reset".*at total/],
      [{ type: 'reset', total: 0 }, /"reset".*at source/],
      [{ type: 'events', events: 'not a list' }, /"events".*at events/],
      [{ type: 'problems', problems: [1] }, /"problems".*at problems\.0/],
      [{ type: 'config', config: { ...config, maxConcurrentAgents: 0 } }, /"config".*at config\.maxConcurrentAgents/],
      [{ type: 'config', config: { ...config, profiles: [{ id: '', label: 'x', kind: 'acp' }] } }, /at config\.profiles\.0\.id/],
      [{ type: 'replay', at: 'now' }, /"replay".*at at/],
    ];
    for (const [raw, error] of cases) {
      const result = parseToWebview(raw);
      assert.equal(result.ok, false, JSON.stringify(raw));
      assert.match(!result.ok ? result.error : '', error);
      assert.match(!result.ok ? result.error : '', /^Podium's score view ignored a message from the extension /);
    }
  });

  it('refuses unknown types, extra fields and values that are not messages', () => {
    for (const raw of [{ type: 'deleteEverything' }, { type: 'error', message: 'x', html: '<b>x</b>' }, null, undefined, 42, 'reset', [], { total: 1 }]) {
      assert.equal(parseToWebview(raw).ok, false, `${JSON.stringify(raw)} is refused`);
    }
  });
});
