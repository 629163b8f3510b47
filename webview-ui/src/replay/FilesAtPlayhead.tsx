/**
 * Files at the playhead: for every task with changes by then, the files it touched, each openable as
 * it was at the playhead (a read-only document), diffable against the task's base or the marked
 * moment, with its hunks' state then; and, per task, New Task from Here and Export Session….
 */
import { useMemo } from 'react';
import type { FromWebview } from '../../../src/protocol';
import { clockTime } from '../shared/format';
import { usePodium } from '../app/usePodium';
import { Codicon } from '../shared/Codicon';
import { hunkSummary, tasksAtMoment, type TaskAtMoment } from './files';

export function FilesAtPlayhead() {
  const score = usePodium((s) => s.score);
  const playhead = usePodium((s) => s.playhead);
  const mark = usePodium((s) => s.mark);
  const model = usePodium((s) => s.replayModel);
  const moments = usePodium((s) => s.source?.moments !== false);
  const post = usePodium((s) => s.post);
  const tasks = useMemo(() => tasksAtMoment(score), [score]);
  // The marked moment's trees, per task (a second playhead to diff against).
  const markTrees = useMemo(() => {
    if (!mark) return new Map<string, { tree: string; ts: number }>();
    const then = model().stateAt(mark.count);
    return new Map(
      Object.entries(then.tasks).flatMap(([id, t]) => (t.snapshot ? [[id, { tree: t.snapshot.tree, ts: t.snapshot.ts }] as const] : [])),
    );
  }, [mark, model]);

  if (!playhead) return null;
  const at = clockTime(playhead.ts);
  return (
    <section className="section replay-files" aria-label={`Files at ${at}`} data-testid="replay-files">
      <div className="section-header">
        <h2>Files at {at}</h2>
        <span className="section-summary">{mark ? `compared with the mark at ${clockTime(mark.ts)}` : 'M marks a moment to compare with'}</span>
      </div>
      {!moments && <p className="replay-note">The files of this recording were not kept (it was recorded before Podium kept them, or exported without them): its entries replay, its files cannot be opened.</p>}
      {tasks.length === 0 && <p className="replay-note">No task had changed a file by this moment.</p>}
      {tasks.map((t) => (
        <TaskFiles key={t.task} t={t} at={at} ts={playhead.ts} moments={moments} markTree={markTrees.get(t.task)} send={post} />
      ))}
    </section>
  );
}

function TaskFiles({ t, at, ts, moments, markTree, send }: { t: TaskAtMoment; at: string; ts: number; moments: boolean; markTree?: { tree: string; ts: number }; send: (m: FromWebview) => void }) {
  const here = t.tree ? `${t.title} at ${at}` : `${t.title} (base)`;
  const moment = t.tree ?? t.base;
  const staged = t.stagedTs !== undefined ? `as staged at ${clockTime(t.stagedTs)}` : 'no staging yet: the files are the base';
  const markOther = markTree && markTree.tree !== t.tree ? markTree : undefined;
  return (
    <div className="replay-task" data-task={t.task}>
      <div className="replay-task-header">
        <strong>{t.title}</strong>
        <span className="muted"> · {staged}</span>
        <span className="section-spacer" />
        <button
          type="button"
          className="text-button"
          disabled={!moments || !moment}
          title="Start a new task whose worktree holds this task's files at the playhead, with the same agent or another"
          onClick={() => moment && send({ type: 'replay/fork', task: t.task, moment, ts })}
        >
          <Codicon name="git-branch" /> New Task from Here
        </button>
        <button type="button" className="text-button" title="Write this task's sessions, with the files they touched, into one file to replay elsewhere" onClick={() => send({ type: 'replay/export', task: t.task })}>
          <Codicon name="export" /> Export Session…
        </button>
      </div>
      <ul className="replay-file-list">
        {t.files.map((f) => (
          <li key={f.path} className="replay-file" data-path={f.path}>
            <span className="replay-file-path" title={f.path}>
              {f.path}
            </span>
            <span className="replay-file-hunks muted">{hunkSummary(f)}</span>
            <span className="replay-file-actions">
              <button type="button" className="text-button" disabled={!moments || !moment} title={`Open ${f.path} as it was at ${at} (read-only)`} onClick={() => moment && send({ type: 'replay/open', task: t.task, moment, path: f.path, label: here })}>
                Open
              </button>
              <button
                type="button"
                className="text-button"
                disabled={!moments || !t.tree || !t.base}
                title={`Diff ${f.path} at ${at} against the task's base`}
                onClick={() => t.tree && t.base && send({ type: 'replay/diff', task: t.task, path: f.path, left: { moment: t.base, label: 'base' }, right: { moment: t.tree, label: at } })}
              >
                Diff with Base
              </button>
              <button
                type="button"
                className="text-button"
                disabled={!moments || !t.tree || !markOther}
                title={markOther ? `Diff ${f.path} between the mark (${clockTime(markOther.ts)}) and ${at}` : 'Mark another moment (M) to compare with'}
                onClick={() => {
                  if (!t.tree || !markOther) return;
                  const mine = { moment: t.tree, label: at };
                  const theirs = { moment: markOther.tree, label: `mark ${clockTime(markOther.ts)}` };
                  send({ type: 'replay/diff', task: t.task, path: f.path, ...(markOther.ts <= (t.stagedTs ?? 0) ? { left: theirs, right: mine } : { left: mine, right: theirs }) });
                }}
              >
                Diff with Mark
              </button>
            </span>
          </li>
        ))}
      </ul>
    </div>
  );
}
