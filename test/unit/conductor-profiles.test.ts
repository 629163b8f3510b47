import assert from 'node:assert/strict';
import { DEFAULT_PROFILES, fillSecrets, resolveProfiles, secretNames } from '../../src/conductor/profiles';

describe('agent profiles', () => {
  it('offers working defaults for Claude Code, Codex, Gemini CLI and the rehearsal agent', () => {
    const { profiles, problems } = resolveProfiles(undefined);
    assert.deepEqual(problems, []);
    const ids = profiles.map((p) => p.id);
    for (const id of ['claude', 'codex', 'gemini', 'rehearsal']) assert.ok(ids.includes(id), id);
    assert.equal(profiles.find((p) => p.id === 'gemini')!.kind, 'acp');
  });

  it('lets a setting override a default by id and add new profiles', () => {
    const { profiles, problems } = resolveProfiles([
      { id: 'claude', command: '/opt/claude/bin/claude' },
      { id: 'aider', label: 'Aider', kind: 'command', command: 'aider', args: ['--yes'], promptVia: 'stdin' },
    ]);
    assert.deepEqual(problems, []);
    const claude = profiles.find((p) => p.id === 'claude')!;
    assert.equal(claude.command, '/opt/claude/bin/claude');
    assert.equal(claude.kind, 'claude', 'the rest of the default is kept');
    assert.deepEqual(profiles.find((p) => p.id === 'aider'), { id: 'aider', label: 'Aider', kind: 'command', command: 'aider', args: ['--yes'], env: {}, script: undefined, promptVia: 'stdin', install: undefined });
    assert.equal(profiles.length, DEFAULT_PROFILES.length + 1);
  });

  it('skips an invalid entry with a problem that names it, keeping the others', () => {
    const { profiles, problems } = resolveProfiles([
      { id: 'ok', kind: 'command', command: 'echo' },
      { id: 'no kind', command: 'x' },
      { id: 'bad-kind', kind: 'telepathy', command: 'x' },
      { id: 'bad-args', kind: 'command', command: 'x', args: 'rm -rf /' },
      'nonsense',
    ]);
    assert.ok(profiles.some((p) => p.id === 'ok'));
    assert.equal(problems.length, 4);
    assert.match(problems[0]!, /podium\.agents\[1\] needs an "id"/);
    assert.match(problems[1]!, /"bad-kind".*one of acp, claude/);
    assert.match(problems[2]!, /"args" must be a list of strings/);
    assert.match(problems[3]!, /podium\.agents\[4\] is not an object/);
  });

  it('fills ${secret:NAME} from the secret store and says which secret is missing', () => {
    const [profile] = resolveProfiles([{ id: 'keyed', kind: 'claude', command: 'claude', env: { ANTHROPIC_API_KEY: '${secret:anthropic}', MODE: 'x-${secret:mode}' } }]).profiles.filter((p) => p.id === 'keyed');
    assert.deepEqual(secretNames(profile!), ['anthropic', 'mode']);
    assert.deepEqual(fillSecrets(profile!, new Map([['anthropic', 'sk-1'], ['mode', 'fast']])), { ANTHROPIC_API_KEY: 'sk-1', MODE: 'x-fast' });
    assert.throws(() => fillSecrets(profile!, new Map([['anthropic', 'sk-1']])), /needs the secret "mode".*Set Agent Secret/);
  });
});
