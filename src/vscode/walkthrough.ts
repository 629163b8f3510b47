/**
 * The Getting Started walkthrough's completion: a context key per step, set from the host when the
 * engineer has really done that step in this window (a task they handed out, a change they approved,
 * a coherence warning on a score they had open, an agent secret they stored), never from what the
 * journals recall of earlier windows or what the demo does on its own. The manifest's steps complete
 * on `onContext:` these keys (or on `onCommand:` where running the command is the step).
 */
import * as vscode from 'vscode';
import type { ScoreFeed } from '../conductor/scoreFeed';

export type WalkthroughStep = 'taskHandedOut' | 'approved' | 'warningSeen' | 'agentReady';

/** The warning kinds that come from the architecture notes (not overlaps, staleness or conflicts). */
const COHERENCE_KINDS = new Set(['layer', 'dependency', 'cycle', 'protected', 'sensitive', 'balance', 'scope']);

const done = new Set<WalkthroughStep>();

/** Marks a step done in this window (its context key turns true; VS Code remembers the step). */
export function stepDone(step: WalkthroughStep): void {
  if (done.has(step)) return;
  done.add(step);
  void vscode.commands.executeCommand('setContext', `podium.walkthrough.${step}`, true);
}

/** Watches the score for the steps the engineer completes by deciding and looking. */
export function registerWalkthrough(feed: ScoreFeed, scoreVisible: () => boolean): vscode.Disposable[] {
  let replaying = false;
  let warningRaised = false;
  const check = () => {
    if (warningRaised && scoreVisible()) stepDone('warningSeen');
  };
  const subscription = feed.subscribe((update) => {
    if (update.type === 'reset') {
      // What a (re)load brings back from the journals (emitted at once, in the same turn) was done
      // before: it completes nothing.
      replaying = true;
      queueMicrotask(() => (replaying = false));
      return;
    }
    if (update.type !== 'events') return;
    if (replaying) {
      replaying = false;
      return;
    }
    for (const e of update.events as { type?: string; decision?: string; warning?: { kind?: string } }[]) {
      if (e.type === 'hunk.decided' && e.decision === 'approved') stepDone('approved');
      if (e.type === 'warning.raised' && COHERENCE_KINDS.has(e.warning?.kind ?? '')) warningRaised = true;
    }
    check();
  });
  // The score being opened on a warning already raised counts too.
  const timer = setInterval(check, 1000);
  return [{ dispose: () => { subscription.dispose(); clearInterval(timer); } }];
}
