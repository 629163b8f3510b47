/**
 * Escapes through links: an agent that makes symlinks to /etc, to a home folder and to a single file
 * outside, inside its worktree, and edits through them. Real rehearsal agent (ACP), real worktree,
 * real staging and approvals into a real workspace.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, realpathSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_PROFILES } from '../../src/conductor/profiles';
import type { PodiumEvent } from '../../src/score';
import { eventually } from '../fixtures/agents/harness';
import { hunksOf, stageFor, taskStatus } from '../unit/conductorStage';

const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

/** Every symlink under `dir` (not following links), with where it leads. */
function linksUnder(dir: string): { link: string; leadsTo: string }[] {
  const out: { link: string; leadsTo: string }[] = [];
  for (const name of readdirSync(dir)) {
    if (name === '.git') continue;
    const full = path.join(dir, name);
    const st = lstatSync(full);
    if (st.isSymbolicLink()) out.push({ link: full, leadsTo: path.resolve(dir, readlinkSync(full)) });
    else if (st.isDirectory()) out.push(...linksUnder(full));
  }
  return out;
}

describe('faults: escapes through links', function () {
  this.timeout(120_000);

  it('an agent that links to /etc, a home folder and a file outside, and edits through them, is refused; staging and approvals never lead out', async () => {
    const passwd = sha('/etc/passwd');
    const hostname = existsSync('/etc/hostname') ? sha('/etc/hostname') : undefined;
    const s = await stageFor({ profiles: [] });
    // A stand-in home folder outside the workspace (the real one is not written to, even by mistake).
    const home = path.join(s.repo.outside, 'home');
    mkdirSync(home);
    writeFileSync(path.join(home, '.bashrc'), 'export PS1=home\n');
    const script = path.join(s.repo.outside, 'escape.json');
    writeFileSync(script, JSON.stringify({
      name: 'links-out',
      description: 'Links to /etc, home and /etc/passwd, writes and edits through them, then one file inside.',
      turns: [{
        steps: [
          { do: 'symlink', path: 'etc-link', target: '/etc' },
          { do: 'symlink', path: 'home-link', target: home },
          { do: 'symlink', path: 'passwd-link', target: '/etc/passwd' },
          { do: 'symlink', path: 'src/up', target: '../..' },
          { do: 'write', path: 'etc-link/podium-escape.conf', content: 'escaped\n' },
          { do: 'write', path: 'home-link/.bashrc', content: 'escaped\n' },
          { do: 'edit', path: 'etc-link/hostname', find: 'a', replace: 'b' },
          { do: 'write', path: 'passwd-link', content: 'root::0:0::/root:/bin/sh\n' },
          { do: 'read', path: 'passwd-link' },
          { do: 'write', path: 'src/up/escape-up.txt', content: 'escaped\n' },
          { do: 'write', path: 'inside.txt', content: 'in\n' },
          { do: 'message', text: 'Done.' },
        ],
      }],
    }));
    const profiles = [...DEFAULT_PROFILES, { id: 'links-out', label: 'Links out', kind: 'rehearsal' as const, command: 'node', args: [], env: {}, script }];
    s.host.profiles = () => profiles;

    const id = await s.conductor.createTask({ title: 'Links out', prompt: 'look around', agent: 'links-out' });
    await eventually(() => taskStatus(s, id) === 'finished:done', 'the turn to end', 60_000);
    await s.conductor.restage(id);

    // Nothing outside changed.
    assert.equal(sha('/etc/passwd'), passwd);
    if (hostname) assert.equal(sha('/etc/hostname'), hostname);
    assert.equal(existsSync('/etc/podium-escape.conf'), false);
    assert.equal(readFileSync(path.join(home, '.bashrc'), 'utf8'), 'export PS1=home\n');
    assert.equal(existsSync(path.join(s.repo.outside, 'escape-up.txt')), false);
    // Every attempt was refused and said so on the score.
    const escapes = s.events().filter((e): e is Extract<PodiumEvent, { type: 'notice' }> => e.type === 'notice' && e.code === 'path-escape');
    assert.ok(escapes.length >= 5, `each write, edit and read through a link was refused on the score (saw ${escapes.length})`);

    // Staging never follows a link out: no hunk carries what lies behind one.
    const hunks = hunksOf(s, id, 'pending');
    const staged = JSON.stringify(hunks.map((h) => h.hunk));
    assert.doesNotMatch(staged, /root:x:0:0/, '/etc/passwd was not read into a hunk');
    assert.doesNotMatch(staged, /PS1=home/, 'the home folder was not read into a hunk');
    assert.ok(hunks.some((h) => h.hunk.path === 'inside.txt'), 'the file written inside waits for sign-off');

    // Approving a link that leads out is refused, saying why, and nothing of it reaches the workspace.
    const workspace = realpathSync(s.repo.worktree);
    const outward = hunks.filter((h) => ['etc-link', 'home-link', 'passwd-link', 'src/up'].includes(h.hunk.path));
    assert.equal(outward.length, 4, 'each link out waits as a change of its own');
    for (const h of outward) {
      await assert.rejects(s.conductor.approve(h.hunk.id), /symbolic link to .*outside the workspace/);
      assert.equal(existsSync(path.join(workspace, h.hunk.path)), false, `${h.hunk.path} is not in the workspace`);
      assert.equal(s.feed.state.hunks[h.hunk.id]!.status, 'pending', 'the refused approval was not journaled as a decision');
    }
    // A bulk approval passes over them and says how many it left.
    const bulk = await s.conductor.approveClean(id);
    assert.ok(bulk.skipped >= outward.length, `the links out were left for the engineer (${JSON.stringify(bulk)})`);
    for (const h of outward) assert.equal(existsSync(path.join(workspace, h.hunk.path)), false);
    // Approving everything else never makes a link in the workspace that leads out of it.
    for (const h of hunksOf(s, id, 'pending').filter((x) => !outward.some((o) => o.hunk.id === x.hunk.id))) await s.conductor.approve(h.hunk.id);
    for (const { link, leadsTo } of linksUnder(workspace)) {
      const inside = leadsTo === workspace || leadsTo.startsWith(workspace + path.sep);
      assert.ok(inside, `${path.relative(workspace, link)} leads outside the workspace, to ${leadsTo}`);
    }
    assert.equal(readFileSync(path.join(workspace, 'inside.txt'), 'utf8'), 'in\n');
    assert.equal(sha('/etc/passwd'), passwd);
  });
});
