import assert from 'node:assert/strict';
import { parseFromWebview, PROTOCOL_VERSION } from '../../src/protocol';

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
