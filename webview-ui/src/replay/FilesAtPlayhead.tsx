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
import { t } from '../shared/l10n';

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
    const then = model().stateAt(mark.count, false);
    return new Map(
      Object.entries(then.tasks).flatMap(([id, task]) => (task.snapshot ? [[id, { tree: task.snapshot.tree, ts: task.snapshot.ts }] as const] : [])),
    );
  }, [mark, model]);

  if (!playhead) return null;
  const at = clockTime(playhead.ts);
  return (
    <section className="section replay-files" aria-label={t('files.heading', { time: at })} data-testid="replay-files">
      <div className="section-header">
        <h2>{t('files.heading', { time: at })}</h2>
        <span className="section-summary">{mark ? t('files.compared', { time: clockTime(mark.ts) }) : t('files.markHint')}</span>
      </div>
      {!moments && <p className="replay-note">{t('files.notKept')}</p>}
      {tasks.length === 0 && <p className="replay-note">{t('files.none')}</p>}
      {tasks.map((task) => (
        <TaskFiles key={task.task} task={task} at={at} ts={playhead.ts} moments={moments} markTree={markTrees.get(task.task)} send={post} />
      ))}
    </section>
  );
}

function TaskFiles({ task: tm, at, ts, moments, markTree, send }: { task: TaskAtMoment; at: string; ts: number; moments: boolean; markTree?: { tree: string; ts: number }; send: (m: FromWebview) => void }) {
  const here = tm.tree ? t('files.docAt', { title: tm.title, time: at }) : t('files.docBase', { title: tm.title });
  const moment = tm.tree ?? tm.base;
  const staged = tm.stagedTs !== undefined ? t('files.stagedAt', { time: clockTime(tm.stagedTs) }) : t('files.noStaging');
  const markOther = markTree && markTree.tree !== tm.tree ? markTree : undefined;
  return (
    <div className="replay-task" data-task={tm.task}>
      <div className="replay-task-header">
        <strong>{tm.title}</strong>
        <span className="muted"> · {staged}</span>
        <span className="section-spacer" />
        <button
          type="button"
          className="text-button"
          disabled={!moments || !moment}
          title={t('files.forkHint')}
          onClick={() => moment && send({ type: 'replay/fork', task: tm.task, moment, ts })}
        >
          <Codicon name="git-branch" /> {t('files.fork')}
        </button>
        <button type="button" className="text-button" title={t('files.exportHint')} onClick={() => send({ type: 'replay/export', task: tm.task })}>
          <Codicon name="export" /> {t('files.export')}
        </button>
      </div>
      <ul className="replay-file-list">
        {tm.files.map((f) => (
          <li key={f.path} className="replay-file" data-path={f.path}>
            <span className="replay-file-path" title={f.path}>
              {f.path}
            </span>
            <span className="replay-file-hunks muted">{hunkSummary(f)}</span>
            <span className="replay-file-actions">
              <button type="button" className="text-button" disabled={!moments || !moment} title={t('files.openHint', { path: f.path, time: at })} onClick={() => moment && send({ type: 'replay/open', task: tm.task, moment, path: f.path, label: here })}>
                {t('files.open')}
              </button>
              <button
                type="button"
                className="text-button"
                disabled={!moments || !tm.tree || !tm.base}
                title={t('files.diffBaseHint', { path: f.path, time: at })}
                onClick={() => tm.tree && tm.base && send({ type: 'replay/diff', task: tm.task, path: f.path, left: { moment: tm.base, label: t('files.base') }, right: { moment: tm.tree, label: at } })}
              >
                {t('files.diffBase')}
              </button>
              <button
                type="button"
                className="text-button"
                disabled={!moments || !tm.tree || !markOther}
                title={markOther ? t('files.diffMarkHint', { path: f.path, mark: clockTime(markOther.ts), time: at }) : t('files.diffMarkOff')}
                onClick={() => {
                  if (!tm.tree || !markOther) return;
                  const mine = { moment: tm.tree, label: at };
                  const theirs = { moment: markOther.tree, label: t('files.mark', { time: clockTime(markOther.ts) }) };
                  send({ type: 'replay/diff', task: tm.task, path: f.path, ...(markOther.ts <= (tm.stagedTs ?? 0) ? { left: theirs, right: mine } : { left: mine, right: theirs }) });
                }}
              >
                {t('files.diffMark')}
              </button>
            </span>
          </li>
        ))}
      </ul>
    </div>
  );
}
